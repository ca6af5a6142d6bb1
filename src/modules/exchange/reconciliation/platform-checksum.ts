/**
 * The platform's side of a reconciliation (对账): one pass over a resource's datastore table computing the
 * canonical row checksum over the task's columns and, from the same rows, each subscriber's view (its granted
 * and mapped items, masked as its grant says). Values are read as PostgreSQL's text rendering — COPY TO
 * STDOUT on PostgreSQL, `::text` keyset pages on PGlite — and canonicalised by the protocol's checksum, so
 * they compare with what nodes read from PostgreSQL, MySQL or CSV.
 */
import { sql, type RawBuilder } from 'kysely';
import { to as copyTo } from 'pg-copy-streams';
import { pgPoolOf, type Database } from '../../../platform/db/database.js';
import { splitCopyLine, unescapeCopy } from '../../../platform/db/copy-text.js';
import { safeColumn, sqlTypeOf } from '../../data-services/datastore/datastore-schema.js';
import { maskValue, type MaskingKind } from '../../sharing/index.js';
import { createRowChecksum, type RowChecksum } from '../protocol/copy-text.js';

export interface ChecksumColumn { item: string; column: string; dataType: string }
export interface SubscriberSpec {
  subscriptionId: string;
  /** Indexes into the task's columns, in output order. */
  indexes: number[];
  masks: (MaskingKind | null)[];
}
export interface Figure { count: number; checksum: string }

/** Keyset page size on PGlite (each page is its own query, so other work interleaves). */
export const PGLITE_PAGE_ROWS = 5_000;

/** A masked value as a delivery carries it: masking never turns NULL into a value; 'hide' gives NULL. */
export function maskedText(kind: MaskingKind, value: string | null): string | null {
  if (value === null) return null;
  const masked = maskValue(kind, value);
  return masked === null || masked === undefined ? null : String(masked);
}

export async function platformChecksums(db: Database, input: {
  table: string;
  columns: ChecksumColumn[];
  keyColumns: ChecksumColumn[];
  subscribers: SubscriberSpec[];
}): Promise<{ all: Figure; subscribers: Map<string, Figure> }> {
  const { columns, subscribers } = input;
  const all = createRowChecksum(columns.map((c) => c.dataType));
  const perSub = subscribers.map((s) => ({
    spec: s,
    sum: createRowChecksum(s.indexes.map((i) => columns[i]!.dataType)),
    fields: new Array<string | null>(s.indexes.length),
  }));
  const onRow = (fields: (string | null)[]) => {
    all.add(fields);
    for (const p of perSub) {
      const { indexes, masks } = p.spec;
      for (let j = 0; j < indexes.length; j++) {
        const value = fields[indexes[j]!]!;
        const kind = masks[j];
        p.fields[j] = kind ? maskedText(kind, value) : value;
      }
      p.sum.add(p.fields);
    }
  };
  const pool = pgPoolOf(db);
  if (pool) await viaCopy(pool, input.table, columns, onRow);
  else await viaKeyset(db, input.table, columns, input.keyColumns, onRow);
  const figure = (s: RowChecksum): Figure => ({ count: s.count, checksum: s.checksum() });
  return { all: figure(all), subscribers: new Map(perSub.map((p) => [p.spec.subscriptionId, figure(p.sum)])) };
}

type Pool = NonNullable<ReturnType<typeof pgPoolOf>>;

/** Streams `COPY (select …) TO STDOUT` and feeds each line's unescaped fields. */
async function viaCopy(pool: Pool, table: string, columns: ChecksumColumn[], onRow: (fields: (string | null)[]) => void): Promise<void> {
  const list = columns.map((c) => safeColumn(c.column)).join(', ');
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    const stream = client.query(copyTo(`COPY (SELECT ${list} FROM ${table}) TO STDOUT`));
    let rest: Buffer = Buffer.alloc(0);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
        onRow(splitCopyLine(buf.toString('utf8', start, nl)).map(unescapeCopy));
        start = nl + 1;
      }
      rest = buf.subarray(start);
    }
    if (rest.length) onRow(splitCopyLine(rest.toString('utf8')).map(unescapeCopy));
  } catch (error) {
    failed = error as Error;
    throw error;
  } finally {
    client.release(failed);
  }
}

/** Pages ordered by the key; every value fetched as `::text` (the same rendering COPY gives). */
async function viaKeyset(db: Database, table: string, columns: ChecksumColumn[], keyColumns: ChecksumColumn[], onRow: (fields: (string | null)[]) => void): Promise<void> {
  if (keyColumns.length === 0) throw new Error('datastore without key columns');
  const select = sql.join([
    ...columns.map((c, i) => sql`${sql.ref(safeColumn(c.column))}::text as ${sql.ref(`f${i}`)}`),
    ...keyColumns.map((c, i) => sql`${sql.ref(safeColumn(c.column))}::text as ${sql.ref(`k${i}`)}`),
  ]);
  const keyList = sql.join(keyColumns.map((c) => sql.ref(safeColumn(c.column))));
  let after: string[] | null = null;
  for (;;) {
    const last: string[] | null = after;
    const where: RawBuilder<unknown> = last === null
      ? sql``
      : sql`where (${keyList}) > (${sql.join(keyColumns.map((c, i) => sql`cast(${last[i]} as ${sql.raw(sqlTypeOf(c.dataType))})`))})`;
    const { rows }: { rows: Record<string, string | null>[] } = await sql<Record<string, string | null>>`select ${select} from ${sql.raw(table)} ${where} order by ${keyList} limit ${PGLITE_PAGE_ROWS}`.execute(db);
    for (const row of rows) onRow(columns.map((_, i) => row[`f${i}`] ?? null));
    if (rows.length < PGLITE_PAGE_ROWS) return;
    const tail: Record<string, string | null> = rows[rows.length - 1]!;
    after = keyColumns.map((_, i) => tail[`k${i}`] as string);
  }
}
