/**
 * Domain errors carry a stable code; `httpStatusFor` is the one place that maps codes to HTTP statuses.
 * Domain code never throws HTTP errors.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  PASSWORD_POLICY: 400,
  PASSWORD_OLD_INVALID: 400,
  PASSWORD_REUSED: 400,
  ROLE_SEPARATION: 400,
  ROLE_INVALID: 400,
  ORG_USCC_INVALID: 400,
  ORG_REGION_INVALID: 400,
  ORG_PARENT_INVALID: 400,
  CATALOG_INVALID: 400,
  CATALOG_CODE_INVALID: 400,
  CATALOG_PROVIDER_UNKNOWN: 400,
  CATALOG_IMPORT_INVALID: 400,
  CENSUS_RESOURCE_INVALID: 400,
  CENSUS_IMPORT_INVALID: 400,
  SHARE_OWN_RESOURCE: 400,
  SHARE_ITEMS_INVALID: 400,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  AUTH_SESSION_EXPIRED: 401,
  AUTH_DISABLED: 403,
  FORBIDDEN: 403,
  CSRF_INVALID: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  CENSUS_SYSTEM_NOT_FOUND: 404,
  ORG_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  CATALOG_NOT_FOUND: 404,
  CATALOG_VERSION_NOT_FOUND: 404,
  CATALOG_CATEGORY_NOT_FOUND: 404,
  SHARE_REQUEST_NOT_FOUND: 404,
  GRANT_NOT_FOUND: 404,
  ERROR_REPORT_NOT_FOUND: 404,
  NOTIFICATION_NOT_FOUND: 404,
  ORG_USCC_DUPLICATE: 409,
  USERNAME_TAKEN: 409,
  CENSUS_SYSTEM_DUPLICATE: 409,
  CATALOG_CODE_DUPLICATE: 409,
  CATALOG_STATE_INVALID: 409,
  SHARE_REQUEST_DUPLICATE: 409,
  SHARE_REQUEST_DECIDED: 409,
  GRANT_NOT_ACTIVE: 409,
  ERROR_REPORT_CLOSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SHARE_NOT_ALLOWED: 422,
  AUTH_LOCKED: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields safe to show the caller (for example `lockedUntil`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function httpStatusFor(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

export const forbidden = (message = 'You may not do this.') => new DomainError('FORBIDDEN', message);
