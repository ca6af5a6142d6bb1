import { Type } from '@sinclair/typebox';

export const SignatureHeaders = Type.Object({
  'x-app-key': Type.String({ description: 'The application key (应用标识)' }),
  'x-timestamp': Type.String({ description: 'Unix time in milliseconds; within 5 minutes of the platform clock' }),
  'x-nonce': Type.String({ description: '8–128 printable characters, never reused' }),
  'x-signature': Type.String({ description: 'Lowercase hex HMAC-SM3(secret, string to sign): see docs/data-api-signing.md' }),
});

export const ResourceCodeParams = Type.Object({
  classification: Type.String({ description: 'The resource code before the slash, e.g. 101002001' }),
  sequence: Type.String({ description: 'The resource code after the slash, e.g. 000123' }),
});

export const DataQuery = Type.Object({
  fields: Type.Optional(Type.String({ description: 'Comma-separated granted items to return (default: every granted item)' })),
  limit: Type.Optional(Type.String({ description: '1–1000, default 100' })),
  cursor: Type.Optional(Type.String({ description: 'Opaque, from nextCursor' })),
}, { additionalProperties: Type.String({ description: '<item>=v, <item>__in=a,b, <item>__gte=, <item>__lte=, <item>__prefix=' }) });

const Row = Type.Record(Type.String(), Type.Unknown(), { description: 'Granted item → value (masked as the grant says)' });

export const DataQueryResponse = Type.Object({
  items: Type.Array(Row),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const VerifyBody = Type.Object({
  key: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { description: 'The datastore key items and their values' }),
  claims: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { description: 'Item → claimed value' }),
});

export const VerifyResponse = Type.Object({
  found: Type.Boolean(),
  results: Type.Record(Type.String(), Type.Boolean()),
});
