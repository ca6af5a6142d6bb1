import { Type } from '@sinclair/typebox';
import { Uuid } from '../../../platform/http/schemas.js';

const nullable = <T extends import('@sinclair/typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });

export const AppSchema = Type.Object({
  id: Type.String(), orgId: Type.String(), orgName: Type.String(), name: Type.String(), description: nullable(Type.String()),
  appKey: Type.String({ description: '`ak` + 24 hex characters; sent as X-App-Key' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  createdAt: Instant, secretRotatedAt: nullable(Instant), disabledAt: nullable(Instant),
});

export const AppListResponse = Type.Object({ items: Type.Array(AppSchema) });

export const CreateAppBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, description: '应用名称' }),
  description: Type.Optional(nullable(Type.String({ maxLength: 1000 }))),
});

export const AppWithSecretSchema = Type.Object({
  id: Type.String(), appKey: Type.String(),
  appSecret: Type.String({ description: 'Shown only now (and on rotation); store it safely' }),
  app: AppSchema,
});

export const GrantAppBody = Type.Object({ appId: nullable(Uuid) });
export const GrantAppResponse = Type.Object({ grantId: Type.String(), appId: nullable(Type.String()) });

export const GrantNarrowingSchema = Type.Object({
  grantId: Type.String(), appId: Type.String(), appName: Type.String({ description: 'The application\'s name (应用名称)' }),
});
export const GrantNarrowingListResponse = Type.Object({ items: Type.Array(GrantNarrowingSchema) });
