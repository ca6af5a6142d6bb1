/**
 * Datastore (数据存储) and load (数据装载) views without server imports, shared with the console (web/ imports
 * them as `@shared/data-services/datastore/datastore.types`).
 */
import type { DataResourceKind } from '../resource-kinds.js';

/** One column of a resource's datastore table: the item it holds and its `c_<n>` name. */
export interface DatastoreColumn { item: string; column: string; dataType: string; length: number | null }

export interface DatastoreView {
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  kind: DataResourceKind;
  exists: boolean;
  tableName: string | null;
  keyItems: string[];
  rowCount: number;
  lastLoadedAt: string | null;
  columns: DatastoreColumn[];
  /** Items of the published version that have no column yet (PUT adds them). */
  pendingItems: string[];
}

/** replace: the table becomes the file (全量替换); upsert: insert or update by key (按主键更新). */
export type LoadMode = 'replace' | 'upsert';
export type LoadFormat = 'csv' | 'xlsx' | 'jsonl';
export type LoadStatus = 'running' | 'succeeded' | 'failed';
/** A row of the file that could not be loaded (row number in the file, the item if known). */
export interface LoadError { row: number; item: string | null; message: string }

export interface LoadView {
  id: string;
  resourceId: string;
  mode: LoadMode;
  format: LoadFormat;
  filename: string | null;
  status: LoadStatus;
  bytes: number;
  bytesRead: number;
  totalRows: number;
  loaded: number;
  failed: number;
  errors: LoadError[];
  message: string | null;
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
}
