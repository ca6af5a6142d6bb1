import { Type } from '@sinclair/typebox';
import { Uuid } from '../../../platform/http/schemas.js';

const nullable = <T extends import('@sinclair/typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const GrantOut = Type.Object({
  id: Type.String(), requestId: Type.String(), resourceId: Type.String(), resourceCode: Type.String(), resourceName: Type.String(),
  providerOrgId: Type.String(), providerName: Type.String(), consumerOrgId: Type.String(), consumerOrgName: Type.String(),
  applicationName: Type.String(), items: Type.Array(Type.String()), masking: Type.Record(Type.String(), Type.String()),
  validFrom: Type.String(), validTo: Type.String(), dailyQuota: Type.Integer(), status: Type.String(), effective: Type.Boolean(),
  createdAt: Type.String(), revokedAt: nullable(Type.String()), revokedReason: nullable(Type.String()),
});

export const ApiDocResponse = Type.Object({
  resource: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), kind: Type.Union([Type.Literal('table'), Type.Literal('api'), Type.Literal('file')]), providerOrgName: Type.String() }),
  fields: Type.Array(Type.Object({
    item: Type.String(), dataType: Type.String(), length: nullable(Type.Integer()), key: Type.Boolean(), granted: Type.Boolean(), masking: nullable(Type.String()),
  })),
  grant: nullable(GrantOut),
  operations: Type.Array(Type.Object({ method: Type.String(), path: Type.String(), summary: Type.String() })),
  openapi: Type.Object({ paths: Type.Record(Type.String(), Type.Unknown()) }),
  examples: Type.Object({ curl: Type.String(), typescript: Type.String() }),
});

export const TryBody = Type.Object({
  appId: Uuid,
  method: Type.Union([Type.Literal('GET'), Type.Literal('POST')]),
  path: Type.String({ minLength: 1, maxLength: 500, description: 'e.g. /api/v1/data/101002001/000123' }),
  query: Type.Optional(Type.Record(Type.String(), Type.String())),
  body: Type.Optional(Type.Unknown()),
});

export const TryResponse = Type.Object({
  status: Type.Integer(),
  body: Type.Unknown(),
  signedHeaders: Type.Object({ 'X-App-Key': Type.String(), 'X-Timestamp': Type.String(), 'X-Nonce': Type.String(), 'X-Signature': Type.String() }),
});
