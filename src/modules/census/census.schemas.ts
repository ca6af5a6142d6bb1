import { Type, type Static, type TOptional, type TSchema } from '@sinclair/typebox';
import { Paging, Uuid } from '../../platform/http/schemas.js';
import { type CensusSystemView, FREQUENCIES, NETWORKS, SYSTEM_KINDS, SYSTEM_STATUSES, USAGE_SCOPES, ZOMBIE_REASONS } from './census.types.js';

const oneOf = <T extends string>(values: readonly T[], description: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], description });
/**
 * `type: [t, 'null']` rather than a union: the app's Ajv coerces types, and inside `anyOf` it would turn
 * null into false, 0 or '' before trying the null branch.
 */
const nullable = <T extends TSchema>(schema: T) => {
  const { type, enum: values, ...rest } = schema as unknown as { type: string; enum?: unknown[] };
  return Type.Unsafe<Static<T> | null>({ ...rest, type: [type, 'null'], ...(values ? { enum: [...values, null] } : {}) });
};
const Text = (maxLength = 2000) => nullable(Type.String({ maxLength }));
const DateText = nullable(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-mm-dd' }));
const Money = nullable(Type.Number({ minimum: 0, description: '万元' }));

const Kind = oneOf(SYSTEM_KINDS, '自建 self-built (附件2) or 垂管 vertically deployed (附件3)');
const Status = oneOf(SYSTEM_STATUSES, '运行状态: 运行 正在运行, 停止 停止运行, 其他');
const Network = oneOf(NETWORKS, '运行网络');
const Frequency = oneOf(FREQUENCIES, '使用频度');

/** The questionnaire's answers besides the four required ones (附件2 一、二、三). */
const Answers = {
  kind: Kind,
  functionDesc: Text(),
  resourceNames: Text(),
  classified: Type.Boolean({ description: '是否属于涉密网' }),
  securityLevel: Text(200),
  secrecyClause: Text(),
  canConnect: nullable(Type.Boolean({ description: '是否可连接到电子政务外网或互联网' })),
  connectMethod: Text(),
  noConnectReason: Text(),
  accessAddress: Text(200),
  websiteIntensive: nullable(Type.Boolean({ description: '网站集约化' })),
  usageScope: nullable(oneOf(USAGE_SCOPES, '使用范围')),
  usageScopeDetail: Text(),
  userCount: nullable(Type.Integer({ minimum: 0, description: '用户数量; null 不固定' })),
  ownerDivision: Text(200),
  ownerName: Text(200),
  ownerTitle: Text(200),
  ownerPhone: Text(200),
  approver: Text(200),
  approvalDate: DateText,
  builder: Text(200),
  buildDate: DateText,
  warrantyYears: nullable(Type.Integer({ minimum: 0 })),
  buildBudget: Money,
  buildBudgetSource: Text(200),
  omBudget: Money,
  omBudgetSource: Text(200),
  omUnit: Text(),
  providedTo: Text(),
  obtainedFrom: Text(),
  neededFrom: Text(),
  techSupport: Text(),
  remarks: Text(),
  manualZombie: Type.Boolean({ description: '人工标记为僵尸系统 (with manualZombieReason)' }),
  manualZombieReason: Text(),
};

type Answers = typeof Answers;
const OptionalFields = Object.fromEntries(Object.entries(Answers).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof Answers]: TOptional<Answers[K]> };

export const CreateSystemBody = Type.Object({
  orgId: Type.Optional(Uuid),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  status: Status,
  network: Network,
  frequency: Frequency,
  ...OptionalFields,
}, { additionalProperties: false });

export const UpdateSystemBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  status: Type.Optional(Status),
  network: Type.Optional(Network),
  frequency: Type.Optional(Frequency),
  ...OptionalFields,
}, { additionalProperties: false });

const ZombieReasonSchema = Type.Object({
  code: oneOf(ZOMBIE_REASONS, 'stopped 停止运行, rarely_used 使用范围小频度低, not_connected 未接入共享, unmaintained 无运维经费, manual 人工标记'),
  label: Type.String(),
  detail: Type.String(),
});

/** Typed as the view: the full object is too wide for Fastify's type inference to carry. */
export const SystemSchema = Type.Unsafe<CensusSystemView>(Type.Object({
  id: Uuid,
  orgId: Uuid,
  orgName: Type.String(),
  name: Type.String(),
  status: Status,
  network: Network,
  frequency: Frequency,
  ...Answers,
  resources: Type.Array(Type.Object({ id: Uuid, code: Type.String(), name: nullable(Type.String()) })),
  zombie: Type.Object({ isZombie: Type.Boolean(), reasons: Type.Array(ZombieReasonSchema) }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}));

export const SystemListQuery = Type.Object({
  orgId: Type.Optional(Uuid),
  status: Type.Optional(Status),
  zombieOnly: Type.Optional(Type.Boolean({ description: 'only systems with at least one zombie reason' })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'keyword in the name or function' })),
  ...Paging,
});
export const SystemListResponse = Type.Object({ items: Type.Array(SystemSchema), total: Type.Integer() });
export const OrgScopeQuery = Type.Object({ orgId: Type.Optional(Uuid) });

export const LinkResourceBody = Type.Object({
  resourceId: Type.Optional(Uuid),
  resourceCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: '信息资源代码, e.g. 101000000/000123' })),
}, { additionalProperties: false });
export const ResourceParams = Type.Object({ id: Uuid, resourceId: Uuid });

export const ImportQuery = Type.Object({
  orgId: Type.Optional(Uuid),
  dryRun: Type.Optional(Type.Boolean({ default: false, description: 'check and count without writing' })),
});
export const ImportReportSchema = Type.Object({
  dryRun: Type.Boolean(),
  ok: Type.Boolean(),
  total: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), column: Type.String(), message: Type.String() })),
});
