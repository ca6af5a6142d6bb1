import { Type, type TSchema } from '@sinclair/typebox';
import { Uuid } from '../../../platform/http/schemas.js';

const oneOf = <T extends string>(values: readonly T[], description: string) => Type.Union(values.map((v) => Type.Literal(v)), { description });
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });

export const DatastoreColumnSchema = Type.Object({
  item: Type.String({ description: '数据项名称' }),
  column: Type.String({ description: 'c_1, c_2, …' }),
  dataType: Type.String({ description: 'Item type letter C/N/Y/D/T/L/M/G/B/I/F' }),
  length: nullable(Type.Integer()),
});

export const DatastoreViewSchema = Type.Object({
  resourceId: Type.String(), resourceCode: Type.String(), resourceName: Type.String(),
  kind: oneOf(['table', 'api', 'file'] as const, 'resource kind'),
  exists: Type.Boolean(),
  tableName: nullable(Type.String()),
  keyItems: Type.Array(Type.String()),
  rowCount: Type.Integer(),
  lastLoadedAt: nullable(Instant),
  columns: Type.Array(DatastoreColumnSchema),
  pendingItems: Type.Array(Type.String(), { description: 'Published items without a column yet (PUT adds them)' }),
});

export const DefineDatastoreBody = Type.Object({
  keyItems: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 10, description: '主键数据项' }),
});

export const LoadErrorSchema = Type.Object({ row: Type.Integer(), item: nullable(Type.String()), message: Type.String() });

export const LoadViewSchema = Type.Object({
  id: Type.String(), resourceId: Type.String(),
  mode: oneOf(['replace', 'upsert'] as const, 'replace: the table becomes the file; upsert: insert or update by key'),
  format: oneOf(['csv', 'xlsx', 'jsonl'] as const, 'file format'),
  filename: nullable(Type.String()),
  status: oneOf(['running', 'succeeded', 'failed'] as const, 'status'),
  bytes: Type.Integer(), bytesRead: Type.Integer(), totalRows: Type.Integer(), loaded: Type.Integer(), failed: Type.Integer(),
  errors: Type.Array(LoadErrorSchema, { description: 'The first 1,000 failures' }),
  message: nullable(Type.String()),
  startedBy: nullable(Type.String()),
  startedAt: Instant,
  finishedAt: nullable(Instant),
});

export const LoadListResponse = Type.Object({ items: Type.Array(LoadViewSchema) });

export const LoadQuery = Type.Object({
  mode: Type.Optional(oneOf(['replace', 'upsert'] as const, 'default replace')),
  format: Type.Optional(oneOf(['csv', 'xlsx', 'jsonl'] as const, 'default: from the file name')),
  loadId: Type.Optional(Uuid),
});

export const LoadParams = Type.Object({ loadId: Uuid });
