/**
 * Exchange flows' views (import-free: the console imports them through @shared, the node agent directly):
 * publish tasks (发布任务), subscriptions (订阅), batches (批次), deliveries (投递), the exchange log (交换日志),
 * reconciliations (对账) and the signed configuration a node fetches.
 */

export type EndpointType = 'postgres' | 'mysql' | 'csv';
/** A source or target a node's config file names; the node reports them in its heartbeat. */
export interface NodeEndpoint { name: string; type: EndpointType; role: 'source' | 'target' }

export type TaskKind = 'table' | 'file';
export type ExtractMode = 'incremental' | 'full';
export type DeleteMode = 'none' | 'soft_delete' | 'change_log';
export type ScheduleKind = 'cron' | 'realtime';
export type TaskStatus = 'active' | 'paused';
export type SubscriptionStatus = 'active' | 'paused' | 'stopped';
export type BatchStatus = 'received' | 'applied' | 'failed';
export type DeliveryStatus = 'pending' | 'sent' | 'applied' | 'failed' | 'stopped';
export type LogEvent = 'upload' | 'apply' | 'delivery' | 'ack' | 'retry' | 'reject';
export type LogResult = 'success' | 'failure' | 'rejected';

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = { active: '运行中', paused: '已暂停' };
export const SUBSCRIPTION_STATUS_LABELS: Record<SubscriptionStatus, string> = { active: '运行中', paused: '已暂停', stopped: '已停止' };
export const BATCH_STATUS_LABELS: Record<BatchStatus, string> = { received: '已接收', applied: '已入库', failed: '失败' };
export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = { pending: '待投递', sent: '已发送', applied: '已回执', failed: '失败', stopped: '已停止' };
export const MODE_LABELS: Record<ExtractMode, string> = { incremental: '增量', full: '全量' };
export const DELETE_MODE_LABELS: Record<DeleteMode, string> = { none: '不同步删除', soft_delete: '逻辑删除标志', change_log: '变更日志表' };
export const LOG_EVENT_LABELS: Record<LogEvent, string> = { upload: '上传', apply: '入库', delivery: '投递', ack: '回执', retry: '重试', reject: '拒收' };
export const LOG_RESULT_LABELS: Record<LogResult, string> = { success: '成功', failure: '失败', rejected: '拒收' };

/** 发布任务: a published resource bound to a provider node's source. */
export interface TaskView {
  id: string;
  code: string;
  orgId: string;
  orgName: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  nodeId: string;
  nodeName: string;
  nodeCode: string | null;
  kind: TaskKind;
  sourceName: string;
  /** table kind: a table name, or else a query; file kind: the directory (relative to the csv source) in sourceTable. */
  sourceTable: string | null;
  sourceQuery: string | null;
  /** item → source column (table kind). */
  columnMap: Record<string, string>;
  keyItems: string[];
  mode: ExtractMode;
  watermarkColumn: string | null;
  deleteMode: DeleteMode;
  softDeleteColumn: string | null;
  changeLogTable: string | null;
  scheduleKind: ScheduleKind;
  /** 5-field cron (minute hour day month weekday), CST. */
  cron: string | null;
  /** realtime: poll the source every N seconds (1–60). */
  intervalSeconds: number | null;
  batchRows: number;
  /** file kind: glob of file names to publish (e.g. `*.pdf`). */
  filePattern: string | null;
  status: TaskStatus;
  lastSeq: number;
  appliedSeq: number;
  consecutiveFailures: number;
  subscriptions: number;
  lastBatchAt: string | null;
  /** Set by 立即执行; the node runs the task when it sees a newer value than its last run. */
  runRequestedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** 订阅: a consumer's grant bound to its node's target. */
export interface SubscriptionView {
  id: string;
  code: string;
  orgId: string;
  orgName: string;
  grantId: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  providerName: string;
  nodeId: string;
  nodeName: string;
  nodeCode: string | null;
  targetName: string;
  /** Target table (or, for file resources, directory under the csv target). */
  targetTable: string;
  /** granted item → target column. */
  columnMap: Record<string, string>;
  status: SubscriptionStatus;
  stoppedReason: string | null;
  lastSeq: number;
  appliedSeq: number;
  consecutiveFailures: number;
  grantEffective: boolean;
  grantValidTo: string;
  createdAt: string;
  updatedAt: string;
}

export interface BatchView {
  id: string;
  serialNo: string;
  taskId: string;
  taskCode: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  sourceNodeId: string;
  sourceNodeName: string;
  seq: number;
  runId: string;
  kind: 'rows' | 'file';
  mode: ExtractMode;
  upserts: number;
  deletes: number;
  bytes: number;
  sm3: string;
  watermarkTo: string | null;
  createdAt: string;
  receivedAt: string;
  appliedAt: string | null;
  status: BatchStatus;
  errorCode: string | null;
  errorMessage: string | null;
  retries: number;
  deliveries: number;
}

export interface DeliveryView {
  id: string;
  serialNo: string;
  batchId: string;
  batchSerialNo: string;
  subscriptionId: string;
  subscriptionCode: string;
  consumerName: string;
  targetNodeId: string;
  targetNodeName: string;
  resourceCode: string;
  resourceName: string;
  seq: number;
  records: number;
  bytes: number | null;
  sm3: string | null;
  status: DeliveryStatus;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: string;
  sentAt: string | null;
  ackedAt: string | null;
}

/** One line of the exchange log (交换日志, DOMAIN §7). */
export interface ExchangeLogEntry {
  id: string;
  serialNo: string;
  event: LogEvent;
  taskCode: string | null;
  resourceCode: string | null;
  sourceNodeName: string | null;
  targetNodeName: string | null;
  batchId: string | null;
  deliveryId: string | null;
  mode: string | null;
  startedAt: string;
  finishedAt: string;
  records: number;
  bytes: number;
  result: LogResult;
  errorCode: string | null;
  errorMessage: string | null;
  sm3: string | null;
  retries: number;
  operator: string | null;
}

/** A run (运行) = the batches one extraction produced (same runId). */
export interface RunView {
  runId: string;
  taskId: string;
  taskCode: string;
  resourceName: string;
  mode: ExtractMode;
  startedAt: string;
  finishedAt: string;
  batches: number;
  upserts: number;
  deletes: number;
  bytes: number;
  failed: number;
}

/** The 交换监控 summary cards. */
export interface ExchangeSummary {
  nodesOnline: number;
  nodesTotal: number;
  tasksActive: number;
  subscriptionsActive: number;
  batchesToday: number;
  recordsToday: number;
  failuresOpen: number;
  /** Deliveries not yet acknowledged (pending or sent). */
  backlog: number;
}

export interface VolumePoint { at: string; batches: number; records: number; bytes: number; deliveries: number; failures: number }

export interface ReconcileSide { count: number; checksum: string; reportedAt: string }
export interface ReconcileTarget extends ReconcileSide { subscriptionId: string; nodeId: string }
/**
 * The platform's figures for one subscriber: what its target should hold (the datastore rows over the task's
 * columns that are granted and mapped by the subscription, in item order, masked as the grant says).
 */
export interface ReconcileExpected {
  subscriptionId: string;
  subscriptionCode: string;
  orgId: string;
  orgName: string;
  nodeId: string;
  nodeName: string;
  items: string[];
  count: number;
  checksum: string;
}
export interface ReconciliationView {
  id: string;
  taskId: string;
  taskCode: string;
  resourceName: string;
  status: 'requested' | 'done';
  requestedAt: string;
  source: ReconcileSide | null;
  platform: ReconcileSide | null;
  /** Reported target sides. */
  targets: ReconcileTarget[];
  /** The platform's figure per subscriber (one per active subscription when requested). */
  expected: ReconcileExpected[];
  /** Chinese sentences, one per difference found; empty when all sides agree. */
  differences: string[];
  finishedAt: string | null;
}

/* ---------- what a node fetches (GET /api/v1/exchange/node/config), signed by the platform ---------- */

export interface TaskConfig {
  id: string;
  code: string;
  resourceCode: string;
  kind: TaskKind;
  sourceName: string;
  sourceTable: string | null;
  sourceQuery: string | null;
  /** Batch column order: the resource's items that have a source column, in item order. */
  columns: { item: string; dataType: string; column: string }[];
  keyItems: string[];
  mode: ExtractMode;
  watermarkColumn: string | null;
  deleteMode: DeleteMode;
  softDeleteColumn: string | null;
  changeLogTable: string | null;
  scheduleKind: ScheduleKind;
  cron: string | null;
  intervalSeconds: number | null;
  batchRows: number;
  filePattern: string | null;
  /** The last seq the platform has stored for this task (the node continues after it). */
  lastSeq: number;
  /** Set when someone pressed 立即执行 after the node's last run. */
  runRequestedAt: string | null;
}

export interface SubscriptionConfig {
  id: string;
  code: string;
  resourceCode: string;
  kind: TaskKind;
  targetName: string;
  targetTable: string;
  /** granted item → target column; the delivered batches carry only granted items. */
  columnMap: Record<string, string>;
  keyItems: string[];
  /** The mapped granted items in item order with their types and target columns (reconciliation checksums). */
  columns?: { item: string; dataType: string; column: string }[];
}

export interface NodeConfig {
  nodeId: string;
  nodeCode: string | null;
  issuedAt: string;
  /** The platform's SM2 public key: deliveries and this config are signed with it. */
  platformPublicKey: string;
  tasks: TaskConfig[];
  subscriptions: SubscriptionConfig[];
  /** Reconciliations waiting for this node's counts. */
  reconciliations: { id: string; taskId: string | null; subscriptionId: string | null }[];
}

/** Response of GET /api/v1/exchange/node/config: the config and the platform's SM2 signature over its canonical JSON. */
export interface SignedNodeConfig { config: NodeConfig; signature: string }
