import { Type, type TSchema } from '@sinclair/typebox';
import { Paging, Uuid } from '../../../platform/http/schemas.js';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const oneOf = <T extends string>(values: readonly T[], description: string) => Type.Union(values.map((v) => Type.Literal(v)), { description });
const Operation = oneOf(['query', 'verify', 'file', 'proxy'] as const, 'query 查询 | verify 核验 | file 文件 | proxy 接口');

const Filters = {
  side: Type.Optional(oneOf(['provider', 'consumer'] as const, 'provider (default): calls on my department\'s resources; consumer: calls my department\'s apps made. Ignored for the platform admin and the auditor, who see all')),
  resource: Type.Optional(Uuid),
  app: Type.Optional(Uuid),
  consumer: Type.Optional(Type.String({ format: 'uuid', description: 'consumer department id' })),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO date-time, or yyyy-mm-dd (CST day start), inclusive' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO date-time (exclusive), or yyyy-mm-dd (through the end of that CST day)' })),
};

export const CallListQuery = Type.Object({
  ...Filters,
  status: Type.Optional(oneOf(['ok', 'error'] as const, 'ok: HTTP status below 400; error: 400 and above')),
  ...Paging,
});

export const CallStatsQuery = Type.Object({ ...Filters, status: Type.Optional(oneOf(['ok', 'error'] as const, 'ok | error')) });

export const CallSchema = Type.Object({
  id: Type.String(), at: Type.String({ format: 'date-time' }), appId: nullable(Type.String()), appKey: nullable(Type.String()), appName: nullable(Type.String()),
  consumerOrgId: nullable(Type.String()), consumerOrgName: nullable(Type.String()), providerOrgId: nullable(Type.String()), providerOrgName: nullable(Type.String()),
  resourceId: nullable(Type.String()), resourceCode: nullable(Type.String()), resourceName: nullable(Type.String()), grantId: nullable(Type.String()),
  operation: Operation, items: Type.Array(Type.String()), rows: Type.Integer(), status: Type.Integer(), errorCode: nullable(Type.String()),
  latencyMs: Type.Number(), clientIp: nullable(Type.String()),
});
export const CallListResponse = Type.Object({ items: Type.Array(CallSchema), total: Type.Integer() });

const Counts = { calls: Type.Integer(), errors: Type.Integer(), rows: Type.Integer() };
export const CallStatsResponse = Type.Object({
  byDay: Type.Array(Type.Object({ day: Type.String({ description: 'yyyy-mm-dd (CST)' }), ...Counts })),
  byResource: Type.Array(Type.Object({ resourceId: Type.String(), resourceCode: nullable(Type.String()), resourceName: nullable(Type.String()), ...Counts })),
  byConsumer: Type.Array(Type.Object({ orgId: Type.String(), orgName: nullable(Type.String()), ...Counts })),
  byOperation: Type.Array(Type.Object({ operation: Operation, calls: Type.Integer() })),
  latency: Type.Object({ p50: nullable(Type.Number()), p95: nullable(Type.Number()) }, { description: 'latency percentiles in ms; null without calls' }),
});
