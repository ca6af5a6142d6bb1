import { Type, type TSchema } from '@sinclair/typebox';
import { Paging, Uuid } from '../../../platform/http/schemas.js';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const oneOf = <T extends string>(values: readonly T[], description: string) => Type.Union(values.map((v) => Type.Literal(v)), { description });
const Instant = Type.String({ format: 'date-time' });

const Range = {
  from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO date-time, or yyyy-mm-dd (CST day start), inclusive' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO date-time (exclusive), or yyyy-mm-dd (through the end of that CST day)' })),
};
const BatchStatus = oneOf(['received', 'applied', 'failed'] as const, 'received 已接收 | applied 已入库 | failed 失败');
const DeliveryStatus = oneOf(['pending', 'sent', 'applied', 'failed', 'stopped'] as const, 'pending 待投递 | sent 已发送 | applied 已回执 | failed 失败 | stopped 已停止');
const Mode = oneOf(['incremental', 'full'] as const, 'incremental 增量 | full 全量');
const LogEvent = oneOf(['upload', 'apply', 'delivery', 'ack', 'retry', 'reject'] as const, 'upload 上传 | apply 入库 | delivery 投递 | ack 回执 | retry 重试 | reject 拒收');
const LogResult = oneOf(['success', 'failure', 'rejected'] as const, 'success 成功 | failure 失败 | rejected 拒收');

export const BatchListQuery = Type.Object({ taskId: Type.Optional(Uuid), status: Type.Optional(BatchStatus), ...Range, ...Paging });
export const DeliveryListQuery = Type.Object({
  subscriptionId: Type.Optional(Uuid), batchId: Type.Optional(Uuid), status: Type.Optional(DeliveryStatus), ...Range, ...Paging,
});
export const RunListQuery = Type.Object({ taskId: Type.Optional(Uuid), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) });
const LogFilters = {
  taskId: Type.Optional(Uuid), subscriptionId: Type.Optional(Uuid), event: Type.Optional(LogEvent), result: Type.Optional(LogResult), ...Range,
};
export const LogListQuery = Type.Object({ ...LogFilters, ...Paging });
export const LogExportQuery = Type.Object(LogFilters);
export const VolumeQuery = Type.Object({
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, description: 'How many days back (default 1 for hour, 30 for day)' })),
  granularity: Type.Optional(oneOf(['hour', 'day'] as const, 'hour (default) | day: CST buckets')),
  taskId: Type.Optional(Uuid),
});

export const BatchSchema = Type.Object({
  id: Type.String(), serialNo: Type.String(), taskId: Type.String(), taskCode: Type.String(), resourceId: Type.String(), resourceCode: Type.String(),
  resourceName: Type.String(), sourceNodeId: Type.String(), sourceNodeName: Type.String(), seq: Type.Integer(), runId: Type.String(),
  kind: oneOf(['rows', 'file'] as const, 'rows | file'), mode: Mode, upserts: Type.Integer(), deletes: Type.Integer(), bytes: Type.Integer(),
  sm3: Type.String(), watermarkTo: nullable(Type.String()), createdAt: Instant, receivedAt: Instant, appliedAt: nullable(Instant), status: BatchStatus,
  errorCode: nullable(Type.String()), errorMessage: nullable(Type.String()), retries: Type.Integer(), deliveries: Type.Integer(),
});
export const DeliverySchema = Type.Object({
  id: Type.String(), serialNo: Type.String(), batchId: Type.String(), batchSerialNo: Type.String(), subscriptionId: Type.String(),
  subscriptionCode: Type.String(), consumerName: Type.String(), targetNodeId: Type.String(), targetNodeName: Type.String(), resourceCode: Type.String(),
  resourceName: Type.String(), seq: Type.Integer(), records: Type.Integer(), bytes: nullable(Type.Integer()), sm3: nullable(Type.String()),
  status: DeliveryStatus, attempts: Type.Integer(), errorCode: nullable(Type.String()), errorMessage: nullable(Type.String()), createdAt: Instant,
  sentAt: nullable(Instant), ackedAt: nullable(Instant),
});
export const RunSchema = Type.Object({
  runId: Type.String(), taskId: Type.String(), taskCode: Type.String(), resourceName: Type.String(), mode: Mode, startedAt: Instant, finishedAt: Instant,
  batches: Type.Integer(), upserts: Type.Integer(), deletes: Type.Integer(), bytes: Type.Integer(), failed: Type.Integer(),
});
export const LogEntrySchema = Type.Object({
  id: Type.String(), serialNo: Type.String(), event: LogEvent, taskCode: nullable(Type.String()), resourceCode: nullable(Type.String()),
  sourceNodeName: nullable(Type.String()), targetNodeName: nullable(Type.String()), batchId: nullable(Type.String()), deliveryId: nullable(Type.String()),
  mode: nullable(Type.String()), startedAt: Instant, finishedAt: Instant, records: Type.Integer(), bytes: Type.Integer(), result: LogResult,
  errorCode: nullable(Type.String()), errorMessage: nullable(Type.String()), sm3: nullable(Type.String()), retries: Type.Integer(), operator: nullable(Type.String()),
});
export const VolumePointSchema = Type.Object({
  at: Type.String({ format: 'date-time', description: 'Bucket start (a CST hour or day) as an instant' }),
  batches: Type.Integer(), records: Type.Integer(), bytes: Type.Integer(), deliveries: Type.Integer(), failures: Type.Integer(),
});

export const BatchListResponse = Type.Object({ items: Type.Array(BatchSchema), total: Type.Integer() });
export const DeliveryListResponse = Type.Object({ items: Type.Array(DeliverySchema), total: Type.Integer() });
export const RunListResponse = Type.Object({ items: Type.Array(RunSchema) });
export const FailuresResponse = Type.Object({ batches: Type.Array(BatchSchema), deliveries: Type.Array(DeliverySchema) });
export const LogListResponse = Type.Object({ items: Type.Array(LogEntrySchema), total: Type.Integer() });
export const VolumeResponse = Type.Object({ points: Type.Array(VolumePointSchema) });
export const SummaryResponse = Type.Object({
  nodesOnline: Type.Integer(), nodesTotal: Type.Integer(), tasksActive: Type.Integer(), subscriptionsActive: Type.Integer(),
  batchesToday: Type.Integer(), recordsToday: Type.Integer(), failuresOpen: Type.Integer(),
  backlog: Type.Integer({ description: 'Deliveries not yet acknowledged (pending or sent)' }),
});
