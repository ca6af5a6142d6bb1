import type { Selectable } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { DataLoadsTable } from '../data-services.tables.js';
import type { LoadError } from './datastore.types.js';

export type LoadRow = Selectable<DataLoadsTable>;
export type { LoadError };

const loadColumns = [
  'id', 'resource_id', 'mode', 'format', 'filename', 'bytes', 'status', 'total_rows', 'loaded', 'failed', 'errors', 'message',
  'started_by', 'started_by_username', 'started_at', 'finished_at',
] as const;

/** SQL for the datastore's mapping tables and the load history; pass a transaction as `db` to join it. */
export function datastoreRepository(db: Database) {
  return {
    store(resourceId: string) {
      return db.selectFrom('data_stores').select(['resource_id', 'table_name', 'key_items', 'row_count', 'created_at', 'updated_at', 'last_loaded_at'])
        .where('resource_id', '=', resourceId).executeTakeFirst();
    },
    /** Locks the store's row until the end of the transaction (serialises definitions and swaps). */
    lockStore(resourceId: string) {
      return db.selectFrom('data_stores').select(['resource_id', 'row_count', 'key_items']).where('resource_id', '=', resourceId).forUpdate().executeTakeFirst();
    },
    async insertStore(row: { resourceId: string; tableName: string; keyItems: string[]; now: Date }) {
      await db.insertInto('data_stores').values({
        resource_id: row.resourceId, table_name: row.tableName, key_items: JSON.stringify(row.keyItems), created_at: row.now, updated_at: row.now,
      }).execute();
    },
    async updateStore(resourceId: string, patch: { keyItems?: string[]; rowCount?: number; now: Date; loaded?: boolean }) {
      await db.updateTable('data_stores').set({
        updated_at: patch.now,
        ...(patch.keyItems ? { key_items: JSON.stringify(patch.keyItems) } : {}),
        ...(patch.rowCount !== undefined ? { row_count: String(patch.rowCount) } : {}),
        ...(patch.loaded ? { last_loaded_at: patch.now } : {}),
      }).where('resource_id', '=', resourceId).execute();
    },
    async insertColumns(resourceId: string, columns: { item: string; column: string; dataType: string; length: number | null; position: number }[], now: Date) {
      if (columns.length === 0) return;
      await db.insertInto('data_store_columns').values(columns.map((c) => ({
        resource_id: resourceId, item_name: c.item, column_name: c.column, data_type: c.dataType, length: c.length, position: c.position, added_at: now,
      }))).execute();
    },
    async insertLoad(row: { id?: string; resourceId: string; mode: 'replace' | 'upsert'; format: 'csv' | 'xlsx' | 'jsonl'; filename: string | null; bytes: number; startedBy: string | null; startedByUsername: string | null; now: Date }): Promise<string> {
      const inserted = await db.insertInto('data_loads').values({
        ...(row.id ? { id: row.id } : {}),
        resource_id: row.resourceId, mode: row.mode, format: row.format, filename: row.filename, bytes: String(row.bytes), status: 'running',
        errors: '[]', started_by: row.startedBy, started_by_username: row.startedByUsername, started_at: row.now,
      }).returning('id').executeTakeFirstOrThrow();
      return inserted.id;
    },
    async finishLoad(id: string, outcome: { status: 'succeeded' | 'failed'; bytes: number; totalRows: number; loaded: number; failed: number; errors: LoadError[]; message: string | null; now: Date }) {
      await db.updateTable('data_loads').set({
        status: outcome.status, bytes: String(outcome.bytes), total_rows: String(outcome.totalRows), loaded: String(outcome.loaded), failed: String(outcome.failed),
        errors: JSON.stringify(outcome.errors), message: outcome.message, finished_at: outcome.now,
      }).where('id', '=', id).execute();
    },
    load(id: string): Promise<LoadRow | undefined> {
      return db.selectFrom('data_loads').select(loadColumns).where('id', '=', id).executeTakeFirst();
    },
    loads(resourceId: string, limit = 100): Promise<LoadRow[]> {
      return db.selectFrom('data_loads').select(loadColumns).where('resource_id', '=', resourceId)
        .orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },
  };
}
