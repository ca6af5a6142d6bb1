/**
 * MySQL / MariaDB target: the batch's COPY text is parsed once, converted to MySQL literals by item type and
 * written with multi-row INSERT … ON DUPLICATE KEY UPDATE, deletes by key, and the ledger row — all in one
 * InnoDB transaction, so a failed batch leaves nothing behind and a redelivery is recognised by the ledger.
 */
import type mysql from 'mysql2/promise';
import { canonicalValue, iterateCopyLines, splitCopyLine, unescapeCopy } from '../../modules/exchange/protocol/copy-text.js';
import { mappedColumns, missingUniqueKeyError, myIdent, myTable } from './common.js';
import { mysqlChecksumOf } from './mysql.js';
import type { ApplyInput, TargetConnector } from './types.js';

const LEDGER = 'govshare_applied_batches';
const ROWS_PER_STATEMENT = 1000;
/** Keeps one statement well under max_allowed_packet (16 MB by default in MariaDB, 64 MB in MySQL 8). */
const BYTES_PER_STATEMENT = 4 * 1024 * 1024;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A timestamp (any zone; none = CST) as the China Standard Time wall clock MySQL DATETIME expects. */
export function toCstDateTime(text: string): string {
  const iso = canonicalValue('T', text);
  const m = iso === null ? null : /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso);
  if (!m) return text;
  const d = new Date(Date.parse(`${m[1]}Z`) + 8 * 3600_000);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date} ${time}${m[2] ? `.${m[2]}` : ''}`;
}

/** One COPY text value as the value bound into a MySQL statement, by item type. */
export function toMysqlValue(dataType: string, value: string | null): string | number | null {
  if (value === null) return null;
  switch (dataType) {
    case 'L': {
      const c = canonicalValue('L', value);
      return c === 't' ? 1 : c === 'f' ? 0 : value;
    }
    case 'T':
      return toCstDateTime(value);
    case 'D':
      return canonicalValue('D', value);
    default:
      return value;
  }
}

export class MysqlTarget implements TargetConnector {
  readonly type = 'mysql' as const;
  private readonly keyed = new Set<string>();

  constructor(private readonly pool: mysql.Pool) {}

  async ensureLedger(): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${LEDGER} (batch_id VARCHAR(64) NOT NULL PRIMARY KEY, subscription_id VARCHAR(64) NOT NULL, ` +
        `seq BIGINT NOT NULL, source_batch_id VARCHAR(64) NULL, records INT NOT NULL DEFAULT 0, applied_at DATETIME(6) NOT NULL, ` +
        `KEY ${LEDGER}_sub_seq (subscription_id, seq)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    );
  }

  async lastApplied(subscriptionId: string): Promise<number> {
    const [rows] = await this.pool.query(`SELECT CAST(MAX(seq) AS CHAR) AS seq FROM ${LEDGER} WHERE subscription_id = ?`, [subscriptionId]);
    return Number((rows as { seq: string | null }[])[0]?.seq ?? 0);
  }

  private async checkUniqueKey(conn: mysql.PoolConnection, table: string, keys: string[]): Promise<void> {
    const cacheKey = `${table}\u0000${keys.join('\u0000')}`;
    if (this.keyed.has(cacheKey)) return;
    const parts = table.split('.').map((p) => p.trim());
    const schema = parts.length === 2 ? parts[0]! : null;
    const name = parts[parts.length - 1]!;
    const [tables] = await conn.query(
      'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?',
      [schema, name],
    );
    if ((tables as unknown[]).length === 0) throw new Error(`目标表 ${table} 不存在`);
    const [rows] = await conn.query(
      `SELECT INDEX_NAME, GROUP_CONCAT(COLUMN_NAME SEPARATOR '\\0') AS cols FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND NON_UNIQUE = 0 GROUP BY INDEX_NAME`,
      [schema, name],
    );
    const wanted = [...keys].sort().join('\u0000');
    const ok = (rows as { cols: string | Buffer }[]).some((r) => String(r.cols).split('\u0000').sort().join('\u0000') === wanted);
    if (!ok) throw missingUniqueKeyError(table, keys);
    this.keyed.add(cacheKey);
  }

  async apply(input: ApplyInput): Promise<'applied' | 'duplicate'> {
    const conn = await this.pool.getConnection();
    let broken = false;
    try {
      await conn.beginTransaction();
      try {
        const outcome = await this.applyIn(conn, input);
        if (outcome === 'applied') await conn.commit();
        else await conn.rollback();
        return outcome;
      } catch (error) {
        await conn.rollback().catch(() => {
          broken = true;
        });
        throw error;
      }
    } finally {
      if (broken) conn.destroy();
      else conn.release();
    }
  }

  private async applyIn(conn: mysql.PoolConnection, input: ApplyInput): Promise<'applied' | 'duplicate'> {
    const [dup] = await conn.query(
      `SELECT 1 FROM ${LEDGER} WHERE batch_id = ? OR (subscription_id = ? AND seq >= ?) LIMIT 1 FOR UPDATE`,
      [input.batchId, input.subscriptionId, input.seq],
    );
    if ((dup as unknown[]).length > 0) return 'duplicate';
    if (input.file) throw new Error('MySQL 目标不能接收文件类资源，请使用 CSV 目录目标');

    const table = myTable(input.table);
    const { keep, cols } = mappedColumns(input.columns);
    const keys = input.keyColumns;
    if (keys.length === 0) throw new Error('订阅未配置主键列，无法按主键更新');
    const typeOf = (column: string) => {
      const i = input.columns.indexOf(column);
      return i >= 0 ? input.dataTypes[i] ?? 'C' : 'C';
    };

    if (input.upserts.length > 0) {
      for (const k of keys) if (!cols.includes(k)) throw new Error(`主键列 ${k} 未映射到目标表 ${input.table}`);
      await this.checkUniqueKey(conn, input.table, keys);
      const types = keep.map((i) => input.dataTypes[i] ?? 'C');
      const update = cols.filter((c) => !keys.includes(c));
      const onDup = (update.length > 0 ? update : keys).map((c) => `${myIdent(c)} = VALUES(${myIdent(c)})`).join(', ');
      const head = `INSERT INTO ${table} (${cols.map(myIdent).join(', ')}) VALUES `;
      const tuple = `(${cols.map(() => '?').join(', ')})`;
      let values: unknown[] = [];
      let rows = 0;
      let bytes = 0;
      const flush = async () => {
        if (rows === 0) return;
        await conn.query(`${head}${new Array<string>(rows).fill(tuple).join(', ')} ON DUPLICATE KEY UPDATE ${onDup}`, values);
        values = [];
        rows = 0;
        bytes = 0;
      };
      for (const line of iterateCopyLines(input.upserts)) {
        const fields = splitCopyLine(line);
        if (fields.length < input.columns.length) throw new Error(`批次数据行字段数不足（应为 ${input.columns.length}）`);
        for (let j = 0; j < keep.length; j++) values.push(toMysqlValue(types[j]!, unescapeCopy(fields[keep[j]!]!)));
        bytes += line.length * 2; // UTF-16 length ≈ bytes for CJK text after escaping; a safe over-estimate otherwise
        if (++rows >= ROWS_PER_STATEMENT || bytes >= BYTES_PER_STATEMENT) await flush();
      }
      await flush();
    }

    if (input.deletes.length > 0) {
      const keyTypes = keys.map(typeOf);
      const tuple = keys.length === 1 ? '?' : `(${keys.map(() => '?').join(', ')})`;
      const head = `DELETE FROM ${table} WHERE ${keys.length === 1 ? myIdent(keys[0]!) : `(${keys.map(myIdent).join(', ')})`} IN `;
      let values: unknown[] = [];
      let rows = 0;
      const flush = async () => {
        if (rows === 0) return;
        await conn.query(`${head}(${new Array<string>(rows).fill(tuple).join(', ')})`, values);
        values = [];
        rows = 0;
      };
      for (const line of iterateCopyLines(input.deletes)) {
        const fields = splitCopyLine(line);
        for (let j = 0; j < keys.length; j++) values.push(toMysqlValue(keyTypes[j]!, unescapeCopy(fields[j] ?? '\\N')));
        if (++rows >= ROWS_PER_STATEMENT) await flush();
      }
      await flush();
    }

    await conn.query(
      `INSERT INTO ${LEDGER} (batch_id, subscription_id, seq, source_batch_id, records, applied_at) VALUES (?, ?, ?, ?, ?, NOW(6))`,
      [input.batchId, input.subscriptionId, input.seq, input.sourceBatchId, input.records],
    );
    return 'applied';
  }

  async checksum(q: { table: string; columns: string[]; dataTypes: string[] }): Promise<{ count: number; checksum: string }> {
    return mysqlChecksumOf(this.pool, `SELECT ${q.columns.map(myIdent).join(', ')} FROM ${myTable(q.table)}`, q.dataTypes);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
