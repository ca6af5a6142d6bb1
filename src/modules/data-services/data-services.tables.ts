import type { Generated } from 'kysely';
import type { Timestamp, JsonColumn } from '../../platform/db/column-types.js';
import type { CallOperation } from './calls/calls.types.js';

/** The data-services module's tables (Kysely types). Datastore tables themselves live in schema `data_store`. */
export interface DataAppsTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  description: string | null;
  app_key: string;
  secret_sealed: string;
  status: 'active' | 'disabled';
  created_by: string | null;
  created_at: Timestamp;
  secret_rotated_at: Timestamp | null;
  disabled_at: Timestamp | null;
}

export interface DataGrantAppsTable {
  grant_id: string;
  app_id: string;
  set_by: string | null;
  set_at: Timestamp;
}

export interface DataStoresTable {
  resource_id: string;
  table_name: string;
  key_items: JsonColumn<string[]>;
  /** bigint: read as a string. */
  row_count: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_loaded_at: Timestamp | null;
}

export interface DataStoreColumnsTable {
  resource_id: string;
  item_name: string;
  column_name: string;
  data_type: string;
  length: number | null;
  position: number;
  added_at: Timestamp;
}

export interface DataLoadsTable {
  id: Generated<string>;
  resource_id: string;
  mode: 'replace' | 'upsert';
  format: 'csv' | 'xlsx' | 'jsonl';
  filename: string | null;
  bytes: Generated<string>;
  status: 'running' | 'succeeded' | 'failed';
  total_rows: Generated<string>;
  loaded: Generated<string>;
  failed: Generated<string>;
  errors: JsonColumn<{ row: number; item: string | null; message: string }[]>;
  message: string | null;
  started_by: string | null;
  started_by_username: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface DataFilesTable {
  id: Generated<string>;
  resource_id: string;
  version_no: number;
  filename: string;
  content_type: string;
  size: string | number;
  sm3: string;
  content: Buffer | Uint8Array;
  note: string | null;
  uploaded_by: string | null;
  uploaded_by_username: string | null;
  created_at: Timestamp;
}

export interface DataProxyEndpointsTable {
  resource_id: string;
  url: string;
  method: 'GET' | 'POST';
  timeout_ms: number;
  headers_sealed: string | null;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface DataQuotaUsageTable {
  grant_id: string;
  day: string;
  used: number;
}

/** The operations of the data API (one definition, shared with the call-log views). */
export type DataOperation = CallOperation;

export interface DataCallsTable {
  id: string;
  at: Timestamp;
  app_id: string | null;
  app_key: string | null;
  app_name: string | null;
  consumer_org_id: string | null;
  provider_org_id: string | null;
  resource_id: string | null;
  resource_code: string | null;
  grant_id: string | null;
  operation: DataOperation;
  items: JsonColumn<string[]>;
  rows: number;
  status: number;
  error_code: string | null;
  latency_ms: number;
  client_ip: string | null;
}

export interface DataServicesTables {
  data_apps: DataAppsTable;
  data_grant_apps: DataGrantAppsTable;
  data_stores: DataStoresTable;
  data_store_columns: DataStoreColumnsTable;
  data_loads: DataLoadsTable;
  data_files: DataFilesTable;
  data_proxy_endpoints: DataProxyEndpointsTable;
  data_quota_usage: DataQuotaUsageTable;
  data_calls: DataCallsTable;
}
