/**
 * PostgreSQL (and KingbaseES/openGauss-style) source: rows leave the database as COPY text and are split into
 * lines without parsing fields — only the appended helper fields (watermark, soft-delete flag, keys not in the
 * batch) are cut off the end of each line — so an extract runs at close to raw `COPY … TO STDOUT` speed.
 * The target side is in postgres-target.ts.
 */
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { createRowChecksum, copyText, unescapeCopy } from '../../modules/exchange/protocol/copy-text.js';
import { batchRowsOf, ChunkBuilder, cutLine, extraLayout, fromOf, linesOf, pgIdent, pgTable } from './common.js';
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

/** Streams `COPY (<select>) TO STDOUT` as arrays of lines; the client is released (broken if cut short). */
export async function* pgCopyLines(pool: pg.Pool, select: string): AsyncGenerator<string[]> {
  const client = await pool.connect();
  const stream = client.query(copyTo(`COPY (${select}) TO STDOUT`));
  let completed = false;
  try {
    for await (const lines of linesOf(stream as AsyncIterable<Buffer>)) yield lines;
    completed = true;
  } finally {
    if (completed) client.release();
    else {
      stream.destroy();
      client.release(true);
    }
  }
}

function extractSelect(plan: ExtractPlan, after: string | null): string {
  const layout = extraLayout(plan);
  const fields = plan.columns.map(pgIdent);
  for (const k of layout.extraKeys) fields.push(pgIdent(k));
  if (layout.softDelete) fields.push(pgSoftDeleted(plan.softDeleteColumn!));
  if (layout.watermark) fields.push(pgIdent(plan.watermarkColumn!));
  const keys = plan.keyColumns.map(pgIdent);
  let where = '';
  let order = keys;
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

export async function* pgExtract(pool: pg.Pool, plan: ExtractPlan): AsyncGenerator<ExtractChunk> {
  const layout = extraLayout(plan);
  const full = plan.mode === 'full';
  const after = layout.watermark && plan.after ? pgLiteral(plan.after.value) : null;
  const builder = new ChunkBuilder(batchRowsOf(plan), full);
  const wantKey = full || layout.softDelete;
  const plain = layout.extraCount === 0 && !full;
  // The common incremental case (only the watermark appended): one lastIndexOf per line.
  const wmOnly = layout.extraCount === 1 && layout.watermark && !full;
  // The escaped watermark of the last row that had one; unescaped once per chunk, not per row.
  let wm: string | null = null;
  const take = () => {
    if (wm !== null) builder.watermark = unescapeCopy(wm);
    return builder.take();
  };
  for await (const lines of pgCopyLines(pool, extractSelect(plan, after))) {
    for (const raw of lines) {
      if (plain) builder.upserts.push(raw);
      else if (wmOnly) {
        const p = raw.lastIndexOf('\t');
        builder.upserts.push(raw.slice(0, p));
        if (raw.length - p !== 3 || raw.charCodeAt(p + 1) !== 92 || raw.charCodeAt(p + 2) !== 78) wm = raw.slice(p + 1);
      } else {
        const cut = cutLine(raw, layout, wantKey);
        if (cut.deleted) builder.deletes.push(cut.key);
        else {
          builder.upserts.push(cut.line);
          if (full) builder.keys!.push(cut.key);
        }
        if (cut.watermark !== null && cut.watermark !== '\\N') wm = cut.watermark;
      }
      if (builder.full) yield take();
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
