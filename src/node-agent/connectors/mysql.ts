/**
 * MySQL / MariaDB source. Rows are streamed (the connection pauses while the consumer is busy, so a large
 * table is never held in memory) and each value is rendered once to COPY text by its item type: the same
 * text a PostgreSQL source would give, so batches, targets and checksums do not care where rows came from.
 * The target side is in mysql-target.ts.
 */
import type { Connection as CoreConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import { copyText, createRowChecksum } from '../../modules/exchange/protocol/copy-text.js';
import { batchRowsOf, ChunkBuilder, extraLayout, fromOf, myIdent, myTable } from './common.js';
import type { ExtractChunk, ExtractPlan, SourceConnector } from './types.js';

/**
 * A pool whose values come back as text (dates as the server prints them, big numbers and decimals as
 * strings, JSON unparsed) in China Standard Time, and whose sessions reject bad values instead of
 * truncating them (so a bad batch rolls back instead of landing damaged).
 */
export function createMysqlPool(url: string, connectionLimit = 4): mysql.Pool {
  const pool = mysql.createPool({
    uri: url,
    connectionLimit,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    jsonStrings: true,
    timezone: '+08:00',
    charset: 'utf8mb4',
    multipleStatements: false,
  });
  pool.pool.on('connection', (conn) => {
    // Queued ahead of the borrower's first query. Both are valid on every MySQL/MariaDB version; the
    // callbacks only keep a dropped connection from surfacing as an unhandled 'error' event.
    conn.query("SET time_zone = '+08:00'", () => undefined);
    conn.query("SET SESSION sql_mode = IF(@@sql_mode = '', 'STRICT_ALL_TABLES', CONCAT(@@sql_mode, ',STRICT_ALL_TABLES'))", () => undefined);
  });
  return pool;
}

const TRUE_WORDS = new Set(['t', 'true', '1', 'y', 'yes', 'on', '是']);
const ZERO_DATE = /^0000-00-00/;

/** One MySQL value as the text a PostgreSQL column of item type `dataType` would print (null stays null). */
export function renderMysqlValue(dataType: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (dataType === 'L') {
    if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0 ? 't' : 'f';
    if (typeof value === 'boolean') return value ? 't' : 'f';
    if (Buffer.isBuffer(value)) return value.some((b) => b !== 0) ? 't' : 'f'; // BIT(1)
    return TRUE_WORDS.has(String(value).trim().toLowerCase()) ? 't' : 'f';
  }
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'string') {
    if (dataType === 'T') {
      // MySQL has no zone in DATETIME/TIMESTAMP text; the session runs in CST, so say so explicitly.
      if (ZERO_DATE.test(value)) return null;
      return /[zZ]|[+-]\d{2}(:?\d{2})?$/.test(value.slice(10)) ? value : `${value}+08`;
    }
    if (dataType === 'D') {
      if (ZERO_DATE.test(value)) return null;
      return value.length > 10 && /^\d{4}-\d{2}-\d{2}[ T]/.test(value) ? value.slice(0, 10) : value;
    }
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return JSON.stringify(value);
}

export type MysqlRenderer = (value: unknown) => string | null;

const isZeroDate = (s: string) => s.charCodeAt(0) === 48 && ZERO_DATE.test(s);

/**
 * renderMysqlValue for one column, with the common shapes (what mysql2 returns under dateStrings /
 * bigNumberStrings) handled without regular expressions — this runs once per value of a large extract.
 */
export function mysqlRenderer(dataType: string): MysqlRenderer {
  switch (dataType) {
    case 'T':
      // 'YYYY-MM-DD HH:MM:SS[.ffffff]': no zone, CST.
      return (v) => (typeof v === 'string' && v.length >= 19 && v.length <= 26 && v.charCodeAt(10) === 32
        ? (isZeroDate(v) ? null : `${v}+08`)
        : renderMysqlValue('T', v));
    case 'D':
      return (v) => (typeof v === 'string' && v.length === 10 ? (isZeroDate(v) ? null : v) : renderMysqlValue('D', v));
    case 'L':
      return (v) => (typeof v === 'number' ? (v !== 0 ? 't' : 'f') : renderMysqlValue('L', v));
    default:
      return (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : renderMysqlValue(dataType, v));
  }
}

/** The raw text of a watermark value, as MySQL will compare it when it comes back in `WHERE wm > ?`. */
function watermarkText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'string' ? value : String(value);
}

export const mySoftDeleted = (column: string) =>
  `(CASE WHEN LOWER(CAST(${myIdent(column)} AS CHAR)) IN ('t', 'true', '1', 'y', 'yes') THEN 1 ELSE 0 END)`;

/** Streams the rows of `sql` as arrays; the connection is destroyed if the consumer stops early. */
export async function* mysqlRows(pool: mysql.Pool, sql: string, values: unknown[] = []): AsyncGenerator<unknown[]> {
  const conn = await pool.getConnection();
  // The promise wrapper's `connection` is the callback connection at runtime (its typing says otherwise).
  const core = conn.connection as unknown as CoreConnection;
  const stream = core.query({ sql, values, rowsAsArray: true }).stream({ highWaterMark: 2000 });
  let completed = false;
  try {
    for await (const row of stream) yield row as unknown[];
    completed = true;
  } finally {
    if (completed) conn.release();
    else {
      stream.destroy();
      conn.destroy();
    }
  }
}

export async function* mysqlExtract(pool: mysql.Pool, plan: ExtractPlan): AsyncGenerator<ExtractChunk> {
  const layout = extraLayout(plan);
  const full = plan.mode === 'full';
  const n = plan.columns.length;
  const fields = plan.columns.map(myIdent);
  for (const k of layout.extraKeys) fields.push(myIdent(k));
  if (layout.softDelete) fields.push(mySoftDeleted(plan.softDeleteColumn!));
  if (layout.watermark) fields.push(myIdent(plan.watermarkColumn!));
  const keys = plan.keyColumns.map(myIdent);
  let where = '';
  const values: unknown[] = [];
  // A full extraction needs no order (the publisher collects its keys in a set): without ORDER BY the first
  // rows stream at once instead of after a sort of the whole table.
  let order: string[] = [];
  if (layout.watermark) {
    if (plan.after) {
      where = ` WHERE ${myIdent(plan.watermarkColumn!)} ${plan.after.inclusive ? '>=' : '>'} ?`;
      values.push(plan.after.value);
    }
    order = [myIdent(plan.watermarkColumn!), ...keys];
  }
  const sql = `SELECT ${fields.join(', ')} FROM ${fromOf(plan, myTable)}${where}${order.length > 0 ? ` ORDER BY ${order.join(', ')}` : ''}`;
  const renderers = plan.columns.map((_, i) => mysqlRenderer(plan.dataTypes[i] ?? 'C'));
  const keyRender = mysqlRenderer('C');
  const builder = new ChunkBuilder(batchRowsOf(plan), full);
  const rendered: string[] = new Array<string>(n);
  for await (const row of mysqlRows(pool, sql, values)) {
    let line = '';
    for (let i = 0; i < n; i++) {
      const text = copyText(renderers[i]!(row[i]));
      rendered[i] = text;
      line = i === 0 ? text : `${line}\t${text}`;
    }
    const deleted = layout.softDelete && Number(row[n + layout.extraKeys.length]) === 1;
    if (full || deleted) {
      const key = layout.keyAt.length === 1 && layout.keyAt[0]! >= 0
        ? rendered[layout.keyAt[0]!]!
        : layout.keyAt.map((at) => (at >= 0 ? rendered[at]! : copyText(keyRender(row[n - at - 1])))).join('\t');
      if (deleted) builder.deletes.push(key);
      else builder.keys!.push(key);
    }
    if (!deleted) builder.upserts.push(line);
    if (layout.watermark) {
      const wm = watermarkText(row[row.length - 1]);
      if (wm !== null) builder.watermark = wm;
    }
    if (builder.full) yield builder.take();
  }
  if (builder.size > 0) yield builder.take();
}

/** Checksum over rendered values of a streamed query (values in `dataTypes` order). */
export async function mysqlChecksumOf(pool: mysql.Pool, sql: string, dataTypes: string[]): Promise<{ count: number; checksum: string }> {
  const sum = createRowChecksum(dataTypes);
  const fields: (string | null)[] = new Array<string | null>(dataTypes.length);
  const renderers = dataTypes.map(mysqlRenderer);
  for await (const row of mysqlRows(pool, sql)) {
    for (let i = 0; i < dataTypes.length; i++) fields[i] = renderers[i]!(row[i]);
    sum.add(fields);
  }
  return { count: sum.count, checksum: sum.checksum() };
}

export class MysqlSource implements SourceConnector {
  readonly type = 'mysql' as const;
  constructor(private readonly pool: mysql.Pool) {}

  extract(plan: ExtractPlan): AsyncIterable<ExtractChunk> {
    return mysqlExtract(this.pool, plan);
  }

  async changeLogDeletes(q: { table: string; keyColumns: string[]; afterId: string | null; limit: number }): Promise<{ deletes: string[]; lastId: string | null }> {
    if (q.keyColumns.length === 0) throw new Error('变更日志删除需要主键列');
    const values: unknown[] = [];
    let after = '';
    if (q.afterId !== null) {
      after = ' AND change_id > ?';
      values.push(q.afterId);
    }
    values.push(Math.max(1, Math.floor(q.limit)));
    const sql = `SELECT ${q.keyColumns.map(myIdent).join(', ')}, CAST(change_id AS CHAR) FROM ${myTable(q.table)} WHERE op = 'D'${after} ORDER BY change_id LIMIT ?`;
    const [rows] = await this.pool.query({ sql, values, rowsAsArray: true });
    const list = rows as unknown[][];
    const n = q.keyColumns.length;
    const deletes = list.map((row) => row.slice(0, n).map((v) => copyText(renderMysqlValue('C', v))).join('\t'));
    const last = list[list.length - 1];
    return { deletes, lastId: last ? watermarkText(last[n]) : q.afterId };
  }

  async checksum(plan: ExtractPlan): Promise<{ count: number; checksum: string }> {
    const where = plan.softDeleteColumn ? ` WHERE ${mySoftDeleted(plan.softDeleteColumn)} = 0` : '';
    return mysqlChecksumOf(this.pool, `SELECT ${plan.columns.map(myIdent).join(', ')} FROM ${fromOf(plan, myTable)}${where}`, plan.dataTypes);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
