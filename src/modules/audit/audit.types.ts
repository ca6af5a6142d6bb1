/** Every audited action. Later modules add theirs here, so the auditor's filter lists them all. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.locked',
  'auth.logout',
  'auth.password_changed',
  'user.created',
  'user.updated',
  'user.roles_changed',
  'user.password_reset',
  'user.unlocked',
  'user.disabled',
  'user.enabled',
  'org.created',
  'org.updated',
  'audit.exported',
  'audit.pruned',
  'access.denied',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who did it and from where; null actor for anonymous actions (a failed login). */
export interface AuditContext {
  actor: { userId: string; username: string; orgId: string | null } | null;
  ip: string | null;
}

export interface AuditEventInput {
  action: AuditAction;
  targetType?: 'user' | 'org' | 'session' | 'audit' | 'route';
  targetId?: string;
  /** Facts an auditor needs; never passwords, tokens or personal data beyond names. */
  detail?: Record<string, unknown>;
}

export interface AuditEventView {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
  hash: string;
}

export interface AuditFilters {
  q?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}
