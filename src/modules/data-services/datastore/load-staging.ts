/**
 * The staging table a load writes into before anything visible changes: no indexes while rows go in
 * (COPY FROM STDIN on PostgreSQL, short multi-row INSERTs on PGlite), then the key is added — which
 * finds duplicate keys — and the rows are swapped in (replace) or merged (upsert) in one transaction.
 */
import { randomBytes } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import { copyIn, type CopyIn } from '../../../platform/db/copy.js';
import { pgPoolOf, type Database } from '../../../platform/db/database.js';
import { columnDefinitions, qualified, safeColumn, type DatastoreColumn } from './datastore-schema.js';
import { copyText } from './value-converters.js';

/** Where converted rows go: canonical text per column (null = NULL) and the file's row number. */
export interface StagingSink {
  add(values: (string | null)[], rowNo: number): void;
  /** Sends what has been added so far (awaits backpressure). */
  flush(): Promise<void>;
  /** Stops sending rows; the staging table is dropped later. */
  abort(): Promise<void>;
  finish(): Promise<void>;
}

export interface Staging {
  name: string;
  table: string;
  sink: StagingSink;
  /** PostgreSQL: the COPY itself, for writers that produce COPY text bytes (the CSV fast path). */
  copy: CopyIn | null;
}

const ROW_COLUMN = '_row';

/** Creates `data_store.s_<hex>_<random>` with the given columns plus the row number, and a sink into it. */
export async function openStaging(db: Database, resourceHex: string, columns: DatastoreColumn[]): Promise<Staging> {
  const name = `s_${resourceHex}_${randomBytes(4).toString('hex')}`;
  const table = qualified(name);
  await sql.raw(`create table ${table} (${columnDefinitions(columns)}, ${ROW_COLUMN} bigint)`).execute(db);
  const names = [...columns.map((c) => safeColumn(c.column)), ROW_COLUMN];
  const pool = pgPoolOf(db);
  const copy = pool ? await copyIn(pool, `copy ${table} (${names.join(', ')}) from stdin`) : null;
  const sink = copy ? copySink(copy) : insertSink(db, table, names);
  return { name, table, sink, copy };
}

export async function dropStaging(db: Database, staging: Staging): Promise<void> {
  await sql.raw(`drop table if exists ${staging.table}`).execute(db);
}

/** COPY text lines buffered per input chunk and written with backpressure. */
function copySink(copy: CopyIn): StagingSink {
  let parts: string[] = [];
  let size = 0;
  let aborted = false;
  const send = async () => {
    if (parts.length === 0) return;
    const text = parts.join('');
    parts = [];
    size = 0;
    await copy.write(text);
  };
  return {
    add(values, rowNo) {
      let line = '';
      for (let i = 0; i < values.length; i++) line += `${copyText(values[i]!)}\t`;
      line += `${rowNo}\n`;
      parts.push(line);
      size += line.length;
    },
    async flush() {
      if (aborted) return;
      if (size >= 256 * 1024) await send();
    },
    async abort() {
      if (aborted) return;
      aborted = true;
      parts = [];
      await copy.abort('load aborted');
    },
    async finish() {
      await send();
      await copy.finish();
    },
  };
}

/** PGlite: parameterised multi-row INSERTs, each its own short statement (the one connection is shared). */
function insertSink(db: Database, table: string, names: string[]): StagingSink {
  const perRow = names.length;
  const batchRows = Math.max(1, Math.min(500, Math.floor(30_000 / perRow)));
  let rows: unknown[][] = [];
  let aborted = false;
  const statements = new Map<number, string>();
  const statementFor = (count: number) => {
    let text = statements.get(count);
    if (!text) {
      const tuples: string[] = [];
      for (let r = 0; r < count; r++) tuples.push(`(${names.map((_, c) => `$${r * perRow + c + 1}`).join(', ')})`);
      text = `insert into ${table} (${names.join(', ')}) values ${tuples.join(', ')}`;
      statements.set(count, text);
    }
    return text;
  };
  const send = async (batch: unknown[][]) => {
    if (batch.length === 0) return;
    await db.executeQuery(CompiledQuery.raw(statementFor(batch.length), batch.flat()));
    // PGlite answers on the microtask queue: yield to the event loop so other requests run during a load.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    add(values, rowNo) {
      rows.push([...values, rowNo]);
    },
    async flush() {
      while (!aborted && rows.length >= batchRows) {
        const batch = rows.slice(0, batchRows);
        rows = rows.slice(batchRows);
        await send(batch);
      }
    },
    async abort() {
      aborted = true;
      rows = [];
    },
    async finish() {
      while (rows.length > 0) {
        const batch = rows.slice(0, batchRows);
        rows = rows.slice(batchRows);
        await send(batch);
      }
    },
  };
}

export { ROW_COLUMN };
