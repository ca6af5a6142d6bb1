import { Type, type TSchema } from '@sinclair/typebox';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });

export const Zone = Type.Union([Type.Literal('政务外网'), Type.Literal('互联网'), Type.Literal('专网')], { description: '网络区域' });
export const NodeStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('revoked')]);

export const CreateTokenBody = Type.Object({
  nodeName: Type.String({ minLength: 1, maxLength: 100, description: '前置机名称' }),
  zone: Zone,
  expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 168, default: 24 })),
}, { additionalProperties: false });

export const CreatedTokenSchema = Type.Object({
  id: Type.String(),
  token: Type.String({ description: 'Shown only now; the platform stores only its SM3' }),
  expiresAt: Instant,
});

export const TokenSchema = Type.Object({
  id: Type.String(), nodeName: Type.String(), zone: Zone,
  state: Type.Union([Type.Literal('active'), Type.Literal('used'), Type.Literal('expired'), Type.Literal('revoked')]),
  createdAt: Instant, expiresAt: Instant, usedAt: nullable(Instant), usedByNodeId: nullable(Type.String()), revokedAt: nullable(Instant),
});
export const TokenListResponse = Type.Object({ items: Type.Array(TokenSchema) });

export const EnrolBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200 }),
  publicKey: Type.String({ minLength: 1, maxLength: 200, description: 'Uncompressed SM2 public key: 04 + 128 hex characters' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  version: Type.String({ minLength: 1, maxLength: 50, description: 'Node agent version' }),
  // Null first: with type coercion on, a String-first union would turn null into '' and break the proof.
  address: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 500 })])),
  contact: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 200 })])),
  proof: Type.String({ minLength: 1, maxLength: 300, description: 'SM2 signature (r‖s hex) over the canonical JSON of the other fields' }),
}, { additionalProperties: false });
export const EnrolResponse = Type.Object({ nodeId: Type.String(), status: Type.Literal('pending') });

export const EndpointSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  type: Type.Union([Type.Literal('postgres'), Type.Literal('mysql'), Type.Literal('csv')]),
  role: Type.Union([Type.Literal('source'), Type.Literal('target')]),
}, { additionalProperties: false });

export const NodeSchema = Type.Object({
  id: Type.String(), orgId: Type.String(), orgName: Type.String(),
  code: nullable(Type.String({ description: 'Node code (节点编码): region code + org code + sequence; assigned on approval' })),
  name: Type.String(), zone: Zone, publicKey: Type.String(), version: Type.String(), address: nullable(Type.String()), contact: nullable(Type.String()),
  status: NodeStatusSchema, enrolledAt: Instant, decidedAt: nullable(Instant), rejectReason: nullable(Type.String()),
  revokedAt: nullable(Instant), revokeReason: nullable(Type.String()),
  online: Type.Boolean({ description: 'Approved and last heartbeat within 90 s' }),
  lastHeartbeatAt: nullable(Instant), lastVersion: nullable(Type.String()), lastStatus: nullable(Type.String()),
  lastBacklog: nullable(Type.Number()), lastDetail: nullable(Type.String()),
  endpoints: Type.Array(EndpointSchema, { description: 'Sources and targets reported in the last heartbeat' }),
});
export const NodeListResponse = Type.Object({ items: Type.Array(NodeSchema) });

export const ReasonBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });

export const HeartbeatHeaders = Type.Object({
  'x-node-id': Type.Optional(Type.String()),
  'x-timestamp': Type.Optional(Type.String()),
  'x-nonce': Type.Optional(Type.String()),
  'x-signature': Type.Optional(Type.String()),
});
export const HeartbeatBody = Type.Object({
  version: Type.String({ minLength: 1, maxLength: 50 }),
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  backlog: Type.Integer({ minimum: 0 }),
  detail: Type.Optional(nullable(Type.String({ maxLength: 2000 }))),
  endpoints: Type.Optional(Type.Array(EndpointSchema, { maxItems: 50, description: 'Sources and targets named in the node config file' })),
}, { additionalProperties: false });
export const HeartbeatResponse = Type.Object({ nodeId: Type.String(), code: Type.String(), receivedAt: Instant });
