/**
 * PostgreSQL (and KingbaseES/openGauss-style) source: rows leave the database as COPY text, which already is the
 * batch format, so an extract works on the bytes: lines are found with indexOf, the appended helper fields
 * (watermark, soft-delete flag, keys not in the batch) are cut off the end of each line by scanning back over
 * raw tab bytes (tabs inside values are escaped as \t), and only the small pieces needed as text (the last
 * watermark, keys, the soft-delete flag) are decoded. An extract runs at close to raw `COPY … TO STDOUT` speed.
 * The target side is in postgres-target.ts.
 */
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { createRowChecksum, copyText, unescapeCopy } from '../../modules/exchange/protocol/copy-text.js';
import { batchRowsOf, ByteChunkBuilder, extraLayout, fromOf, lineBlocksOf, linesOf, pgIdent, pgTable } from './common.js';
import type { ExtractChunk, ExtractPlan, SourceConnector } from './types.js';

/**
 * A pool whose sessions render timestamps unambiguously: ISO dates with the +08 offset of China Standard
 * Time, the same on every node, so a watermark read back is compared exactly.
 */
export function createPgPool(url: string, max = 4): pg.Pool {
  // Startup options: applied by the server before the first query, with no extra round trip.
  const options = '-c TimeZone=Asia/Shanghai -c DateStyle=ISO,YMD -c IntervalStyle=postgres -c extra_float_digits=1';
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, options });
  // An idle client that loses its server must not crash the agent.
  pool.on('error', () => undefined);
  return pool;
}

/** `(flag)` read as deleted when it is true / 1 / 't' / 'y' / 'yes' (any type), never null. */
export const pgSoftDeleted = (column: string) => `coalesce(lower((${pgIdent(column)})::text) in ('t', 'true', '1', 'y', 'yes'), false)`;

/** Streams `COPY (<select>) TO STDOUT` through `split`; the client is released (broken if cut short). */
async function* pgCopy<T>(pool: pg.Pool, select: string, split: (s: AsyncIterable<Buffer>) => AsyncIterable<T>): AsyncGenerator<T> {
  const client = await pool.connect();
  const stream = client.query(copyTo(`COPY (${select}) TO STDOUT`));
  let completed = false;
  try {
    for await (const item of split(stream as AsyncIterable<Buffer>)) yield item;
    completed = true;
  } finally {
    if (completed) client.release();
    else {
      stream.destroy();
      client.release(true);
    }
  }
}

/** Streams `COPY (<select>) TO STDOUT` as arrays of lines. */
export const pgCopyLines = (pool: pg.Pool, select: string): AsyncGenerator<string[]> => pgCopy(pool, select, (s) => linesOf(s));

/** Streams `COPY (<select>) TO STDOUT` as blocks of whole `\n`-terminated lines (bytes, not decoded). */
export const pgCopyBlocks = (pool: pg.Pool, select: string): AsyncGenerator<Buffer> => pgCopy(pool, select, (s) => lineBlocksOf(s));

function extractSelect(plan: ExtractPlan, after: string | null): string {
  const layout = extraLayout(plan);
  const fields = plan.columns.map(pgIdent);
  for (const k of layout.extraKeys) fields.push(pgIdent(k));
  if (layout.softDelete) fields.push(pgSoftDeleted(plan.softDeleteColumn!));
  if (layout.watermark) fields.push(pgIdent(plan.watermarkColumn!));
  const keys = plan.keyColumns.map(pgIdent);
  let where = '';
  // A full extraction needs no order (the publisher collects its keys in a set): without ORDER BY the first
  // rows stream at once instead of after a sort of the whole table.
  let order: string[] = [];
  if (layout.watermark) {
    if (after !== null) where = ` WHERE ${pgIdent(plan.watermarkColumn!)} ${plan.after!.inclusive ? '>=' : '>'} ${after}`;
    order = [pgIdent(plan.watermarkColumn!), ...keys];
  }
  return `SELECT ${fields.join(', ')} FROM ${fromOf(plan, pgTable)}${where}${order.length > 0 ? ` ORDER BY ${order.join(', ')}` : ''}`;
}

/** A string literal for SQL text (pg's escapeLiteral: quotes doubled, E'…' when backslashes occur). */
export function pgLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('值包含非法字符');
  return pg.escapeLiteral(value);
}

const TOO_FEW_FIELDS = 'COPY 行的字段数少于预期';

export async function* pgExtract(pool: pg.Pool, plan: ExtractPlan): AsyncGenerator<ExtractChunk> {
  const layout = extraLayout(plan);
  const full = plan.mode === 'full';
  const after = layout.watermark && plan.after ? pgLiteral(plan.after.value) : null;
  const batchRows = batchRowsOf(plan);
  const builder = new ByteChunkBuilder(batchRows, full);
  const wantKey = full || layout.softDelete;
  const n = layout.extraCount;
  // No helper fields and no keys: whole lines are passed on as they came.
  const plain = n === 0 && !full;
  const softAt = layout.softDelete ? layout.extraKeys.length : -1;
  const keyAt = layout.keyAt;
  // tabs[j]: position of the tab before helper field j (of n); tabs[n]: the line end.
  const tabs = new Int32Array(n + 1);
  // The last row's watermark that was not null, as a byte range; decoded once per chunk, not per row.
  let wmBlock: Buffer | null = null;
  let wmStart = 0;
  let wmEnd = 0;
  const take = () => {
    if (wmBlock !== null) builder.watermark = unescapeCopy(wmBlock.toString('utf8', wmStart, wmEnd));
    return builder.take();
  };
  /** The escaped text of batch field `at` of the line [start, cut). */
  const batchField = (block: Buffer, start: number, cut: number, at: number): string => {
    let s = start;
    for (let i = 0; i < at; i++) {
      s = block.indexOf(9, s) + 1;
      if (s === 0 || s > cut) throw new Error(TOO_FEW_FIELDS);
    }
    let e = block.indexOf(9, s);
    if (e < 0 || e > cut) e = cut;
    return block.toString('utf8', s, e);
  };
  const keyField = (block: Buffer, start: number, cut: number, at: number): string =>
    at >= 0 ? batchField(block, start, cut, at) : block.toString('utf8', tabs[-at - 1]! + 1, tabs[-at]!);

  for await (const block of pgCopyBlocks(pool, extractSelect(plan, after))) {
    const len = block.length;
    let start = 0;
    if (plain) {
      while (start < len) {
        // As many whole lines as the chunk has room for, passed on as one slice.
        const room = batchRows - builder.size;
        let end = start;
        let rows = 0;
        while (rows < room && end < len) {
          end = block.indexOf(10, end) + 1;
          rows++;
        }
        builder.addLines(block.subarray(start, end), rows);
        start = end;
        if (builder.full) yield take();
      }
      continue;
    }
    builder.reserve(len);
    while (start < len) {
      // Every block ends with \n, so a line end is always found.
      const end = block.indexOf(10, start);
      let p = end;
      for (let j = n - 1; j >= 0; j--) {
        if (p <= start) throw new Error(TOO_FEW_FIELDS);
        p = block.lastIndexOf(9, p - 1);
        if (p < start) throw new Error(TOO_FEW_FIELDS);
        tabs[j] = p;
      }
      tabs[n] = end;
      // The batch columns: [start, p).
      const deleted = softAt >= 0 && tabs[softAt + 1]! - tabs[softAt]! === 2 && block[tabs[softAt]! + 1] === 116; // 't'
      let key = '';
      if (wantKey) {
        key = keyAt.length === 1 ? keyField(block, start, p, keyAt[0]!) : keyAt.map((at) => keyField(block, start, p, at)).join('\t');
      }
      if (deleted) builder.deletes.push(key);
      else {
        builder.addLine(block, start, p);
        if (full) builder.keys!.push(key);
      }
      if (layout.watermark) {
        const ws = tabs[n - 1]! + 1;
        // '\N' (null) keeps the previous watermark.
        if (end - ws !== 2 || block[ws] !== 92 || block[ws + 1] !== 78) {
          wmBlock = block;
          wmStart = ws;
          wmEnd = end;
        }
      }
      start = end + 1;
      if (builder.full) {
        yield take();
        builder.reserve(len - start);
      }
    }
  }
  if (builder.size > 0) yield take();
}

export async function pgChecksumOf(pool: pg.Pool, select: string, dataTypes: string[]): Promise<{ count: number; checksum: string }> {
  const sum = createRowChecksum(dataTypes);
  for await (const lines of pgCopyLines(pool, select)) for (const line of lines) sum.addLine(line);
  return { count: sum.count, checksum: sum.checksum() };
}

export class PostgresSource implements SourceConnector {
  readonly type = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}

  extract(plan: ExtractPlan): AsyncIterable<ExtractChunk> {
    return pgExtract(this.pool, plan);
  }

  async changeLogDeletes(q: { table: string; keyColumns: string[]; afterId: string | null; limit: number }): Promise<{ deletes: string[]; lastId: string | null }> {
    if (q.keyColumns.length === 0) throw new Error('变更日志删除需要主键列');
    const keys = q.keyColumns.map((k, i) => `(${pgIdent(k)})::text AS k${i}`).join(', ');
    const after = q.afterId === null ? '' : ` AND change_id > $2`;
    const params: unknown[] = [Math.max(1, Math.floor(q.limit))];
    if (q.afterId !== null) params.push(q.afterId);
    const client = await this.pool.connect();
    try {
      const result = await client.query<Record<string, string | null>>({
        text: `SELECT ${keys}, (change_id)::text AS change_id FROM ${pgTable(q.table)} WHERE op = 'D'${after} ORDER BY change_id LIMIT $1`,
        values: params,
      });
      const deletes = result.rows.map((row) => q.keyColumns.map((_, i) => copyText(row[`k${i}`] ?? null)).join('\t'));
      const last = result.rows[result.rows.length - 1];
      return { deletes, lastId: last ? last.change_id ?? null : q.afterId };
    } finally {
      client.release();
    }
  }

  async checksum(plan: ExtractPlan): Promise<{ count: number; checksum: string }> {
    const where = plan.softDeleteColumn ? ` WHERE NOT ${pgSoftDeleted(plan.softDeleteColumn)}` : '';
    const select = `SELECT ${plan.columns.map(pgIdent).join(', ')} FROM ${fromOf(plan, pgTable)}${where}`;
    return pgChecksumOf(this.pool, select, plan.dataTypes);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
