/**
 * How a 库表 resource's datastore (数据存储) is laid out in PostgreSQL: one table per resource in schema
 * `data_store`, columns `c_1, c_2, …` mapped to item names in `data_store_columns`. Identifiers in SQL
 * text are only ever built here, from resource ids and column numbers — never from input.
 */
import type { Database } from '../../../platform/db/database.js';
import type { DatastoreColumn } from './datastore.types.js';

export type { DatastoreColumn };
/** A resource's datastore table: `table` is the qualified name (`data_store.r_<hex>`). */
export interface DatastoreLayout { resourceId: string; table: string; keyItems: string[]; columns: DatastoreColumn[] }

/** Item type letter (数据类型) → column type (docs/data-services-api.md). */
const SQL_TYPES: Record<string, string> = {
  C: 'text', N: 'numeric', B: 'double precision', F: 'double precision', Y: 'numeric(18,2)', I: 'bigint',
  D: 'date', T: 'timestamptz', L: 'boolean', M: 'text', G: 'jsonb',
};

export function sqlTypeOf(dataType: string): string {
  return SQL_TYPES[dataType] ?? 'text';
}

/** Text columns: the only ones a `prefix` filter applies to. */
export const isTextType = (dataType: string) => sqlTypeOf(dataType) === 'text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMN = /^c_[1-9][0-9]{0,4}$/;

/** `r_<id without dashes>` (unqualified); throws on anything but a uuid so no input reaches SQL text. */
export function tableNameOf(resourceId: string): string {
  if (!UUID.test(resourceId)) throw new Error(`not a resource id: ${resourceId}`);
  return `r_${resourceId.replace(/-/g, '').toLowerCase()}`;
}

export const qualified = (table: string) => `data_store.${safeIdent(table)}`;

/** Guards identifiers assembled from mapping rows (defence in depth: they come from our own tables). */
export function safeIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe identifier: ${name}`);
  return name;
}

export function safeColumn(name: string): string {
  if (!COLUMN.test(name)) throw new Error(`unsafe column name: ${name}`);
  return name;
}

export function columnDefinitions(columns: DatastoreColumn[]): string {
  return columns.map((c) => `${safeColumn(c.column)} ${sqlTypeOf(c.dataType)}`).join(', ');
}

export function keyColumnsOf(layout: DatastoreLayout): DatastoreColumn[] {
  return layout.keyItems.map((item) => {
    const column = layout.columns.find((c) => c.item === item);
    if (!column) throw new Error(`key item without a column: ${item}`);
    return column;
  });
}

// In-process cache of layouts, per database instance (tests run several databases in one process).
// Our own changes invalidate it; other processes' changes show within the TTL.
const LAYOUT_TTL_MS = 5_000;
const layoutCache = new WeakMap<Database, Map<string, { layout: DatastoreLayout | null; at: number }>>();

export function invalidateLayout(db: Database, resourceId: string): void {
  layoutCache.get(db)?.delete(resourceId);
}

/** The layout of a resource's datastore (cached briefly), or null when it has none. */
export async function datastoreLayout(db: Database, resourceId: string): Promise<DatastoreLayout | null> {
  let cache = layoutCache.get(db);
  if (!cache) {
    cache = new Map();
    layoutCache.set(db, cache);
  }
  const hit = cache.get(resourceId);
  const now = Date.now();
  if (hit && now - hit.at < LAYOUT_TTL_MS) return hit.layout;
  const layout = UUID.test(resourceId) ? await readLayout(db, resourceId) : null;
  cache.set(resourceId, { layout, at: now });
  return layout;
}

/** The layout straight from the mapping tables (pass a transaction to read under its locks). */
export async function readLayout(db: Database, resourceId: string): Promise<DatastoreLayout | null> {
  const store = await db.selectFrom('data_stores').select(['table_name', 'key_items']).where('resource_id', '=', resourceId).executeTakeFirst();
  if (!store) return null;
  const columns = await db.selectFrom('data_store_columns').select(['item_name', 'column_name', 'data_type', 'length'])
    .where('resource_id', '=', resourceId).orderBy('position').execute();
  return {
    resourceId,
    table: qualified(store.table_name),
    keyItems: store.key_items,
    columns: columns.map((c) => ({ item: c.item_name, column: c.column_name, dataType: c.data_type, length: c.length })),
  };
}
