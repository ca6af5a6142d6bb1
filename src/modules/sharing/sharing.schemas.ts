import { Type, type TSchema } from '@sinclair/typebox';
import { Paging, Uuid } from '../../platform/http/schemas.js';
import { MASKING_KINDS } from './masking.js';
import { ERROR_REPORT_STATUSES, GRANT_STATUSES, REQUEST_STATUSES } from './sharing.types.js';

// Literal unions rather than Type.Unsafe enums, so the route handlers see the literal types.
const oneOf = <T extends string>(values: readonly T[], description: string) => Type.Union(values.map((v) => Type.Literal(v)), { description });
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-mm-dd (China Standard Time)' });
const Instant = Type.String({ format: 'date-time' });
const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });
const ItemNames = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 500 });
/** Item name → masking kind. Kinds are checked by the service, so an unknown kind gets a message that names the item. */
const Masking = Type.Record(Type.String(), Type.String(), { description: `Item name → ${MASKING_KINDS.join(' | ')}` });
const MaskingOut = Type.Record(Type.String(), oneOf(MASKING_KINDS, 'masking rule'));

export const Terms = Type.Object({ items: Type.Array(Type.String()), validTo: DateText, masking: MaskingOut, dailyQuota: Type.Integer() });

export const CreateRequestBody = Type.Object({
  resourceId: Uuid,
  items: ItemNames,
  purpose: Text(2000, '用途'),
  basis: Text(2000, '依据 (legal or duty basis)'),
  applicationName: Text(200, '使用数据的应用系统'),
  validFrom: DateText,
  validTo: DateText,
});

export const Created = Type.Object({ id: Type.String(), status: Type.String() });

export const RequestListQuery = Type.Object({
  role: Type.Optional(oneOf(['applicant', 'provider', 'reviewer'] as const, 'applicant: my department\'s requests; provider: requests for my department\'s resources; reviewer: all (platform admin)')),
  status: Type.Optional(oneOf(REQUEST_STATUSES, 'status')),
  overdue: Type.Optional(Type.Boolean()),
  ...Paging,
});

export const ShareRequestSchema = Type.Object({
  id: Type.String(), resourceId: Type.String(), resourceCode: Type.String(), resourceName: Type.String(), shareType: Type.String(),
  providerOrgId: Type.String(), providerName: Type.String(), applicantOrgId: Type.String(), applicantOrgName: Type.String(),
  applicantUsername: Type.String(), applicationName: Type.String(), items: Type.Array(Type.String()), purpose: Type.String(), basis: Type.String(),
  validFrom: DateText, validTo: DateText, status: oneOf(REQUEST_STATUSES, 'status'), createdAt: Instant, deadline: nullable(Instant),
  workingDaysLeft: nullable(Type.Integer()), overdue: Type.Boolean(), decidedAt: nullable(Instant), decisionReason: nullable(Type.String()),
  renewalOfGrantId: nullable(Type.String()), decision: nullable(Terms),
});

const History = Type.Array(Type.Object({ action: Type.String(), actor: nullable(Type.String()), orgName: nullable(Type.String()), at: Instant, comment: nullable(Type.String()) }));
export const AttachmentSchema = Type.Object({ id: Type.String(), filename: Type.String(), size: Type.Integer(), sm3: Type.String(), createdAt: Instant });

export const ShareRequestDetailSchema = Type.Composite([ShareRequestSchema, Type.Object({
  history: History, attachments: Type.Array(AttachmentSchema), grantId: nullable(Type.String()),
})]);

export const RequestListResponse = Type.Object({ items: Type.Array(ShareRequestSchema), total: Type.Integer() });

export const DecisionBody = Type.Object({
  approve: Type.Boolean(),
  reason: Type.Optional(nullable(Text(2000, 'Required when refusing'))),
  items: Type.Optional(ItemNames),
  validTo: Type.Optional(DateText),
  masking: Type.Optional(Masking),
  dailyQuota: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
});

export const AttachmentParams = Type.Object({ id: Uuid, attachmentId: Uuid });

export const GrantSchema = Type.Object({
  id: Type.String(), requestId: Type.String(), resourceId: Type.String(), resourceCode: Type.String(), resourceName: Type.String(),
  providerOrgId: Type.String(), providerName: Type.String(), consumerOrgId: Type.String(), consumerOrgName: Type.String(),
  applicationName: Type.String(), items: Type.Array(Type.String()), masking: MaskingOut, validFrom: DateText, validTo: DateText,
  dailyQuota: Type.Integer(), status: oneOf(GRANT_STATUSES, 'status'), effective: Type.Boolean(), createdAt: Instant,
  revokedAt: nullable(Instant), revokedReason: nullable(Type.String()),
});
export const GrantListQuery = Type.Object({
  as: Type.Optional(oneOf(['consumer', 'provider'] as const, 'side; the platform admin sees all without it')),
  status: Type.Optional(oneOf(GRANT_STATUSES, 'status')),
  resourceId: Type.Optional(Uuid),
  ...Paging,
});
export const GrantListResponse = Type.Object({ items: Type.Array(GrantSchema), total: Type.Integer() });
export const RevokeBody = Type.Object({ reason: Text(2000) });
export const RenewalBody = Type.Object({ validTo: DateText, reason: Text(2000) });

export const CreateErrorReportBody = Type.Object({
  resourceId: Uuid,
  recordKey: Type.Optional(nullable(Text(200, 'Which record (a key the provider can find it by)'))),
  itemName: Type.Optional(nullable(Text(200, 'Which info item'))),
  description: Text(4000),
});
export const ErrorReportSchema = Type.Object({
  id: Type.String(), resourceId: Type.String(), resourceCode: Type.String(), resourceName: Type.String(), providerOrgId: Type.String(),
  providerName: Type.String(), reporterOrgId: Type.String(), reporterOrgName: Type.String(), reporterUsername: Type.String(),
  recordKey: nullable(Type.String()), itemName: nullable(Type.String()), description: Type.String(), status: oneOf(ERROR_REPORT_STATUSES, 'status'),
  createdAt: Instant, deadline: Instant, workingDaysLeft: nullable(Type.Integer()), overdue: Type.Boolean(), reply: nullable(Type.String()), repliedAt: nullable(Instant),
});
export const ErrorReportDetailSchema = Type.Composite([ErrorReportSchema, Type.Object({ history: History })]);
export const ErrorReportListQuery = Type.Object({
  as: Type.Optional(oneOf(['reporter', 'provider'] as const, 'side; the platform admin sees all without it')),
  status: Type.Optional(oneOf(ERROR_REPORT_STATUSES, 'status')),
  overdue: Type.Optional(Type.Boolean()),
  ...Paging,
});
export const ErrorReportListResponse = Type.Object({ items: Type.Array(ErrorReportSchema), total: Type.Integer() });
export const ReplyBody = Type.Object({ status: oneOf(['confirmed', 'rejected', 'corrected'] as const, 'confirmed 已确认（将更正）, rejected 不是错误, corrected 已更正'), comment: Text(4000) });

export const SettingsSchema = Type.Object({
  reviewDeadlineDays: Type.Integer({ minimum: 1, maximum: 60, description: 'Working days the provider has to answer' }),
  errorReportDeadlineDays: Type.Integer({ minimum: 1, maximum: 60 }),
  secondReviewEnabled: Type.Boolean({ description: 'A platform admin reviews every request the provider approved' }),
  defaultDailyQuota: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
});
export const CalendarQuery = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });
export const CalendarDaySchema = Type.Object({ date: DateText, kind: oneOf(['holiday', 'workday'] as const, 'holiday 法定节假日 / workday 调休上班'), name: Type.String() });
export const CalendarResponse = Type.Object({ items: Type.Array(CalendarDaySchema) });
export const DateParams = Type.Object({ date: DateText });
export const CalendarDayBody = Type.Object({ kind: oneOf(['holiday', 'workday'] as const, 'holiday / workday'), name: Text(100) });
export const JobOutcomeSchema = Type.Object({
  overdueFlagged: Type.Integer(), dueSoonNotified: Type.Integer(), grantsExpired: Type.Integer(), expiringNotified: Type.Integer(), errorReportsOverdue: Type.Integer(),
});
