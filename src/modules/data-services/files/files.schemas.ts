import { Type } from '@sinclair/typebox';

const Instant = Type.String({ format: 'date-time' });
const nullableText = Type.Union([Type.String(), Type.Null()]);

export const FileVersionSchema = Type.Object({
  id: Type.String(), resourceId: Type.String(), versionNo: Type.Integer(), filename: Type.String(), contentType: Type.String(),
  size: Type.Integer(), sm3: Type.String({ description: 'SM3 of the content, lowercase hex' }), note: nullableText,
  uploadedBy: nullableText, createdAt: Instant,
});
export const FileVersionListResponse = Type.Object({ items: Type.Array(FileVersionSchema) });

export const PublicFileVersionSchema = Type.Object({
  versionNo: Type.Integer(), filename: Type.String(), contentType: Type.String(), size: Type.Integer(), sm3: Type.String(), note: nullableText, createdAt: Instant,
});
export const PublicFileVersionListResponse = Type.Object({ items: Type.Array(PublicFileVersionSchema) });

/**
 * Path segments stay plain strings: a malformed code must still reach the data-call wrapper so the refusal
 * is written to the call log (a schema 400 would not be).
 */
export const ResourceCodeParams = Type.Object({ classification: Type.String({ maxLength: 64 }), sequence: Type.String({ maxLength: 64 }) });
export const FileVersionParams = Type.Object({
  classification: Type.String({ maxLength: 64 }), sequence: Type.String({ maxLength: 64 }),
  versionNo: Type.String({ maxLength: 16, description: 'a version number (1, 2, …) or `latest`' }),
});

export const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
