import type { ColumnType, Generated } from 'kysely';
import type { JsonColumn, NullableJsonColumn, Timestamp } from '../../platform/db/column-types.js';
import type { NetworkZone, NodeStatus } from './nodes.types.js';
import type { NodeEndpoint, ReconcileSide, ReconcileTarget } from './flows.types.js';

export type { NetworkZone, NodeStatus };

export interface ExchangeEnrolmentTokensTable {
  id: Generated<string>;
  org_id: string;
  node_name: string;
  zone: NetworkZone;
  token_sm3: string;
  expires_at: Timestamp;
  created_by: string | null;
  created_at: Timestamp;
  used_at: Timestamp | null;
  used_by_node_id: string | null;
  revoked_at: Timestamp | null;
}

export interface ExchangeNodesTable {
  id: Generated<string>;
  org_id: string;
  code: string | null;
  name: string;
  zone: NetworkZone;
  public_key: string;
  version: string;
  address: string | null;
  contact: string | null;
  status: NodeStatus;
  enrolment_token_id: string;
  enrolled_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  reject_reason: string | null;
  revoked_by: string | null;
  revoked_at: Timestamp | null;
  revoke_reason: string | null;
  last_heartbeat_at: Timestamp | null;
  last_version: string | null;
  last_status: string | null;
  /** bigint: read as a string on both engines. */
  last_backlog: ColumnType<string | null, number | null, number | null>;
  last_detail: string | null;
  /** [{name, type, role}] from the last heartbeat. */
  last_endpoints: ColumnType<NodeEndpoint[], string | undefined, string>;
  silent_alerted_at: Timestamp | null;
}

export interface ExchangeNodeSequencesTable {
  org_id: string;
  last_seq: number;
}

/** bigint columns read as strings on both engines, written as numbers. */
type BigIntColumn = ColumnType<string, number | string | undefined, number | string>;

export interface ExchangePlatformKeysTable {
  id: number;
  public_key: string;
  private_key_sealed: string;
  created_at: Timestamp;
}

export interface ExchangeTasksTable {
  id: Generated<string>;
  code: string;
  org_id: string;
  resource_id: string;
  node_id: string;
  kind: 'table' | 'file';
  source_name: string;
  source_table: string | null;
  source_query: string | null;
  /** {item: source column} */
  column_map: JsonColumn<Record<string, string>>;
  key_items: JsonColumn<string[]>;
  mode: 'incremental' | 'full';
  watermark_column: string | null;
  delete_mode: 'none' | 'soft_delete' | 'change_log';
  soft_delete_column: string | null;
  change_log_table: string | null;
  schedule_kind: 'cron' | 'realtime';
  cron: string | null;
  interval_seconds: number | null;
  batch_rows: number;
  file_pattern: string | null;
  status: 'active' | 'paused';
  last_seq: BigIntColumn;
  applied_seq: BigIntColumn;
  consecutive_failures: Generated<number>;
  failure_alerted_at: Timestamp | null;
  run_requested_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExchangeSubscriptionsTable {
  id: Generated<string>;
  code: string;
  org_id: string;
  grant_id: string;
  resource_id: string;
  node_id: string;
  target_name: string;
  target_table: string;
  /** {item: target column} */
  column_map: JsonColumn<Record<string, string>>;
  status: 'active' | 'paused' | 'stopped';
  stopped_reason: string | null;
  last_seq: BigIntColumn;
  applied_seq: BigIntColumn;
  consecutive_failures: Generated<number>;
  failure_alerted_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExchangeBatchesTable {
  id: string;
  serial_no: string;
  task_id: string;
  resource_id: string;
  source_node_id: string;
  seq: BigIntColumn;
  run_id: string;
  kind: 'rows' | 'file';
  mode: 'incremental' | 'full';
  upserts: number;
  deletes: number;
  bytes: BigIntColumn;
  sm3: string;
  signature: string;
  storage_path: string;
  watermark_to: string | null;
  snapshot_last: Generated<boolean>;
  created_at: Timestamp;
  received_at: Timestamp;
  applied_at: Timestamp | null;
  status: 'received' | 'applied' | 'failed';
  error_code: string | null;
  error_message: string | null;
  retries: Generated<number>;
}

export interface ExchangeDeliveriesTable {
  id: Generated<string>;
  serial_no: string;
  batch_id: string;
  subscription_id: string;
  target_node_id: string;
  seq: BigIntColumn;
  records: number;
  bytes: ColumnType<string | null, number | null | undefined, number | null>;
  sm3: string | null;
  status: 'pending' | 'sent' | 'applied' | 'failed' | 'stopped';
  attempts: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
  acked_at: Timestamp | null;
}

export interface ExchangeLogTable {
  id: Generated<string>;
  serial_no: string;
  event: 'upload' | 'apply' | 'delivery' | 'ack' | 'retry' | 'reject';
  task_id: string | null;
  subscription_id: string | null;
  resource_id: string | null;
  resource_code: string | null;
  task_code: string | null;
  source_node_id: string | null;
  target_node_id: string | null;
  batch_id: string | null;
  delivery_id: string | null;
  mode: string | null;
  started_at: Timestamp;
  finished_at: Timestamp;
  records: Generated<number>;
  bytes: ColumnType<string, number | undefined, number>;
  result: 'success' | 'failure' | 'rejected';
  error_code: string | null;
  error_message: string | null;
  sm3: string | null;
  retries: Generated<number>;
  operator: string | null;
}

export interface ExchangeReconciliationsTable {
  id: Generated<string>;
  task_id: string;
  status: 'requested' | 'done';
  requested_by: string | null;
  requested_at: Timestamp;
  source: NullableJsonColumn<ReconcileSide>;
  platform: NullableJsonColumn<ReconcileSide>;
  targets: JsonColumn<ReconcileTarget[]>;
  differences: JsonColumn<string[]>;
  finished_at: Timestamp | null;
}

/** The exchange module's tables; src/platform/db/schema.ts composes them into DB. */
export interface ExchangeTables {
  exchange_enrolment_tokens: ExchangeEnrolmentTokensTable;
  exchange_nodes: ExchangeNodesTable;
  exchange_node_sequences: ExchangeNodeSequencesTable;
  exchange_platform_keys: ExchangePlatformKeysTable;
  exchange_tasks: ExchangeTasksTable;
  exchange_subscriptions: ExchangeSubscriptionsTable;
  exchange_batches: ExchangeBatchesTable;
  exchange_deliveries: ExchangeDeliveriesTable;
  exchange_log: ExchangeLogTable;
  exchange_reconciliations: ExchangeReconciliationsTable;
}
