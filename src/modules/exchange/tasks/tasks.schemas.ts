import { Type, type TSchema } from '@sinclair/typebox';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });
const ColumnMap = Type.Record(Type.String(), Type.String(), { description: 'item → column' });

const Mode = Type.Union([Type.Literal('incremental'), Type.Literal('full')], { description: '增量 | 全量' });
const DeleteModeSchema = Type.Union([Type.Literal('none'), Type.Literal('soft_delete'), Type.Literal('change_log')]);
const ScheduleKindSchema = Type.Union([Type.Literal('cron'), Type.Literal('realtime')]);
const TaskStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('paused')]);
const SubscriptionStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('stopped')]);

// Ranges and formats are checked by the service so the refusal names the field in Chinese.
const taskFields = {
  nodeId: Type.String({ maxLength: 100 }),
  sourceName: Type.String({ maxLength: 100, description: 'A source the node reported (its config file names it)' }),
  sourceTable: Type.Optional(nullable(Type.String({ maxLength: 500, description: 'Table (库表) or directory (文件)' }))),
  sourceQuery: Type.Optional(nullable(Type.String({ maxLength: 20000, description: 'A single SELECT instead of a table' }))),
  columnMap: Type.Optional(ColumnMap),
  mode: Mode,
  watermarkColumn: Type.Optional(nullable(Type.String({ maxLength: 200 }))),
  deleteMode: Type.Optional(DeleteModeSchema),
  softDeleteColumn: Type.Optional(nullable(Type.String({ maxLength: 200 }))),
  changeLogTable: Type.Optional(nullable(Type.String({ maxLength: 200 }))),
  scheduleKind: ScheduleKindSchema,
  cron: Type.Optional(nullable(Type.String({ maxLength: 200, description: '5-field cron, CST' }))),
  intervalSeconds: Type.Optional(nullable(Type.Integer({ description: 'realtime: 1–60' }))),
  batchRows: Type.Optional(Type.Integer({ description: '100–200000, default 50000' })),
  filePattern: Type.Optional(nullable(Type.String({ maxLength: 200, description: 'File kind: glob of file names' }))),
};

export const CreateTaskBody = Type.Object({ resourceId: Type.String({ maxLength: 100 }), ...taskFields }, { additionalProperties: false });
export const UpdateTaskBody = Type.Object({ resourceId: Type.Optional(Type.String({ maxLength: 100, description: 'Cannot change' })), ...taskFields }, { additionalProperties: false });

export const TaskSchema = Type.Object({
  id: Type.String(), code: Type.String(), orgId: Type.String(), orgName: Type.String(), resourceId: Type.String(), resourceCode: Type.String(),
  resourceName: Type.String(), nodeId: Type.String(), nodeName: Type.String(), nodeCode: nullable(Type.String()),
  kind: Type.Union([Type.Literal('table'), Type.Literal('file')]), sourceName: Type.String(), sourceTable: nullable(Type.String()),
  sourceQuery: nullable(Type.String()), columnMap: ColumnMap, keyItems: Type.Array(Type.String()), mode: Mode, watermarkColumn: nullable(Type.String()),
  deleteMode: DeleteModeSchema, softDeleteColumn: nullable(Type.String()), changeLogTable: nullable(Type.String()), scheduleKind: ScheduleKindSchema,
  cron: nullable(Type.String()), intervalSeconds: nullable(Type.Integer()), batchRows: Type.Integer(), filePattern: nullable(Type.String()),
  status: TaskStatusSchema, lastSeq: Type.Number(), appliedSeq: Type.Number(), consecutiveFailures: Type.Integer(),
  subscriptions: Type.Integer({ description: 'Active subscriptions of the resource' }), lastBatchAt: nullable(Instant), runRequestedAt: nullable(Instant),
  createdAt: Instant, updatedAt: Instant,
});
export const TaskListResponse = Type.Object({ items: Type.Array(TaskSchema) });
export const TaskListQuery = Type.Object({
  status: Type.Optional(TaskStatusSchema), nodeId: Type.Optional(Type.String({ format: 'uuid' })), resourceId: Type.Optional(Type.String({ format: 'uuid' })),
});

const subscriptionFields = {
  nodeId: Type.String({ maxLength: 100 }),
  targetName: Type.String({ maxLength: 100, description: 'A target the node reported' }),
  targetTable: Type.String({ maxLength: 500, description: 'Table (库表) or relative directory (文件)' }),
  columnMap: Type.Optional(ColumnMap),
};
export const CreateSubscriptionBody = Type.Object({ grantId: Type.String({ maxLength: 100 }), ...subscriptionFields }, { additionalProperties: false });
export const UpdateSubscriptionBody = Type.Object(subscriptionFields, { additionalProperties: false });

export const SubscriptionSchema = Type.Object({
  id: Type.String(), code: Type.String(), orgId: Type.String(), orgName: Type.String(), grantId: Type.String(), resourceId: Type.String(),
  resourceCode: Type.String(), resourceName: Type.String(), providerName: Type.String(), nodeId: Type.String(), nodeName: Type.String(),
  nodeCode: nullable(Type.String()), targetName: Type.String(), targetTable: Type.String(), columnMap: ColumnMap, status: SubscriptionStatusSchema,
  stoppedReason: nullable(Type.String()), lastSeq: Type.Number(), appliedSeq: Type.Number(), consecutiveFailures: Type.Integer(),
  grantEffective: Type.Boolean(), grantValidTo: Type.String(), createdAt: Instant, updatedAt: Instant,
});
export const SubscriptionListResponse = Type.Object({ items: Type.Array(SubscriptionSchema) });
export const SubscriptionListQuery = Type.Object({
  as: Type.Optional(Type.Union([Type.Literal('consumer'), Type.Literal('provider')], { description: 'Department users: only my subscriptions, or only those to my resources' })),
  status: Type.Optional(SubscriptionStatusSchema), nodeId: Type.Optional(Type.String({ format: 'uuid' })), resourceId: Type.Optional(Type.String({ format: 'uuid' })),
});

/** Serialised as is (no schema filtering): the signature covers every field of the config. */
export const SignedNodeConfigSchema = Type.Object({
  config: Type.Unknown({ description: 'NodeConfig (flows.types.ts)' }),
  signature: Type.String({ description: 'Platform SM2 signature over canonicalJson(config)' }),
});
