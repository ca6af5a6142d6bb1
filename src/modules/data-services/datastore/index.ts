// STUB — to be replaced by the datastore implementation. Keep these exports and signatures.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../../platform/db/database.js';

export interface DatastoreColumn { item: string; column: string; dataType: string; length: number | null }
/** A resource's datastore table: `table` is the qualified name (`data_store.r_<hex>`). */
export interface DatastoreLayout { resourceId: string; table: string; keyItems: string[]; columns: DatastoreColumn[] }
export type FilterOp = 'eq' | 'in' | 'gte' | 'lte' | 'prefix';
export interface RowFilter { item: string; op: FilterOp; value: string | string[] }

/** The layout of a resource's datastore (cached briefly), or null when it has none. */
export async function datastoreLayout(_db: Database, _resourceId: string): Promise<DatastoreLayout | null> {
  return null;
}

/** Rows matching every filter, ordered by key, `limit` at most, after the key tuple `after`; values of `items` only. */
export async function selectRows(_db: Database, _layout: DatastoreLayout, _q: { filters: RowFilter[]; items: string[]; limit: number; after: unknown[] | null }): Promise<{ rows: Record<string, unknown>[]; lastKey: unknown[] | null }> {
  return { rows: [], lastKey: null };
}

/** Compares claimed values with the stored row found by `key`; never returns stored values. */
export async function verifyClaims(_db: Database, _layout: DatastoreLayout, _key: Record<string, string>, claims: Record<string, string>): Promise<{ found: boolean; results: Record<string, boolean> }> {
  return { found: false, results: Object.fromEntries(Object.keys(claims).map((k) => [k, false])) };
}

export function createDatastoreService(_deps: { db: Database; now?: () => Date }) {
  return {};
}
export type DatastoreService = ReturnType<typeof createDatastoreService>;

export function datastoreRoutes(_deps: { datastore: DatastoreService }): FastifyPluginAsync {
  return async () => {};
}
