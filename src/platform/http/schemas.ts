import { Type, type TSchema } from '@sinclair/typebox';

/** The body of every error response: a stable code and a message that says what is wrong and where. */
export const ErrorBody = Type.Object(
  { code: Type.String(), message: Type.String() },
  { additionalProperties: true, $id: 'ErrorBody', description: 'Error with a stable code; some errors add fields such as `field` or `lockedUntil`.' },
);

const errorRef = Type.Ref('ErrorBody');

/** Adds the shared error responses to a route's response schemas. */
export function responses<T extends Record<number, TSchema>>(ok: T) {
  return { ...ok, '4xx': errorRef, '5xx': errorRef };
}

export const NoContent = Type.Null({ description: 'No content' });

export const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
