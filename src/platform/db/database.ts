import { PGlite } from '@electric-sql/pglite';
import { intarray } from '@electric-sql/pglite/contrib/intarray';
import { Kysely, PostgresDialect, sql, type PostgresPool } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import type { DatabaseConfig } from '../../config.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

export type Database = Kysely<DB>;

/** The PostgreSQL pool behind a Kysely instance opened by openDatabase (none for PGlite): COPY needs a raw client. */
const pgPools = new WeakMap<Database, pg.Pool>();

/** The raw pg Pool of a PostgreSQL database, or undefined for PGlite (and for transactions). */
export function pgPoolOf(db: Database): pg.Pool | undefined {
  return pgPools.get(db);
}

/**
 * Kysely over one raw client the caller holds (and releases): its queries run on that session, so they join
 * a transaction the caller opened there with `begin` (e.g. around a COPY). Never destroy it; transactions are
 * the caller's, not Kysely's.
 */
export function kyselyOnClient(client: pg.PoolClient): Database {
  const borrowed = { query: client.query.bind(client), release: () => undefined };
  const pool = { connect: async () => borrowed, end: async () => undefined } as unknown as PostgresPool;
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseConfig['kind'];
  close(): Promise<void>;
}

// The same value types on both engines: int8 → number, date → 'yyyy-mm-dd' string, numeric → string.
const INT8 = 20;
const DATE = 1082;

/** intarray: C-speed set operations on the catalog search's term arrays (PostgreSQL ships it in contrib). */
export const PGLITE_OPTIONS = { parsers: { [INT8]: (v: string) => Number(v), [DATE]: (v: string) => v }, extensions: { intarray } };

/** Puts Kysely over an open PGlite instance; closing the handle closes PGlite. */
export function wrapPglite(pglite: PGlite): DatabaseHandle {
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

/** Opens PGlite (a data directory, or `memory://`) or a PostgreSQL pool, behind one Kysely instance. */
export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.kind === 'pglite') {
    if (!config.dataDir.startsWith('memory://')) mkdirSync(config.dataDir, { recursive: true });
    return wrapPglite(await PGlite.create(config.dataDir, PGLITE_OPTIONS));
  }
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8) return (v: string) => Number(v);
      if (oid === DATE) return (v: string) => v;
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  const pool = new pg.Pool({ connectionString: config.url, max: 10, types: types as pg.CustomTypesConfig });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  pgPools.set(db, pool);
  await sql`select 1`.execute(db); // fail fast on a wrong URL
  return { db, kind: 'postgres', close: () => db.destroy() };
}
