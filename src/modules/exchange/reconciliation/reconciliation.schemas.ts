import { Type, type TSchema } from '@sinclair/typebox';
import { Uuid } from '../../../platform/http/schemas.js';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });
const Checksum = Type.String({ pattern: '^[0-9a-f]{16}$', description: '16 hex digits: sum mod 2^64 of the first 8 bytes of md5 of each canonical row' });

const Side = Type.Object({ count: Type.Integer(), checksum: Type.String(), reportedAt: Instant });
const Target = Type.Object({ count: Type.Integer(), checksum: Type.String(), reportedAt: Instant, subscriptionId: Type.String(), nodeId: Type.String() });
const Expected = Type.Object({
  subscriptionId: Type.String(), subscriptionCode: Type.String(), orgId: Type.String(), orgName: Type.String(), nodeId: Type.String(), nodeName: Type.String(),
  items: Type.Array(Type.String()), count: Type.Integer(), checksum: Type.String(),
}, { description: "The platform's figure for one subscriber: its granted, mapped items, masked" });

export const ReconciliationSchema = Type.Object({
  id: Type.String(), taskId: Type.String(), taskCode: Type.String(), resourceName: Type.String(),
  status: Type.Union([Type.Literal('requested'), Type.Literal('done')]),
  requestedAt: Instant,
  source: nullable(Side),
  platform: nullable(Side),
  targets: Type.Array(Target),
  expected: Type.Array(Expected),
  differences: Type.Array(Type.String(), { description: 'Chinese sentences; empty when every side agrees' }),
  finishedAt: nullable(Instant),
});
export const ReconciliationListResponse = Type.Object({ items: Type.Array(ReconciliationSchema) });

export const RequestBody = Type.Object({ taskId: Uuid }, { additionalProperties: false });
export const ListQuery = Type.Object({
  taskId: Type.Optional(Uuid),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});

export const ReportBody = Type.Object({
  side: Type.Union([Type.Literal('source'), Type.Literal('target')]),
  subscriptionId: Type.Optional(nullable(Uuid)),
  count: Type.Integer({ minimum: 0 }),
  checksum: Checksum,
}, { additionalProperties: false });
export const ReportResponse = Type.Object({ id: Type.String(), status: Type.Union([Type.Literal('requested'), Type.Literal('done')]) });

export const SignedHeaders = Type.Object({
  'x-node-id': Type.Optional(Type.String()),
  'x-timestamp': Type.Optional(Type.String()),
  'x-nonce': Type.Optional(Type.String()),
  'x-signature': Type.Optional(Type.String()),
});
