/**
 * PostgreSQL target: a delivered batch is applied in ONE transaction — the upsert section is COPYed into a
 * temp table typed like the target, merged with INSERT … ON CONFLICT (key) DO UPDATE, the delete section is
 * COPYed into a second temp table and joined away, and the ledger row goes in last — so a crash leaves either
 * the whole batch with its ledger row or nothing, and a redelivery is recognised by the ledger.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { transformCopyText } from '../../modules/exchange/protocol/copy-text.js';
import { DirectCopyGate, isUniqueViolation } from '../../platform/db/copy.js';
import { mappedColumns, missingUniqueKeyError, pgIdent, pgTable } from './common.js';
import { pgChecksumOf } from './postgres.js';
import type { ApplyInput, TargetConnector } from './types.js';

const LEDGER = 'govshare_applied_batches';
const MERGE_BEFORE_RETRY = 32;

async function copyInto(client: pg.PoolClient, statement: string, data: Buffer): Promise<void> {
  // Slices keep single writes bounded; pipeline propagates a COPY error (bad value) to the caller.
  const slices: Buffer[] = [];
  const step = 1 << 20;
  for (let i = 0; i < data.length; i += step) slices.push(data.subarray(i, Math.min(data.length, i + step)));
  await pipeline(Readable.from(slices), client.query(copyFrom(statement)));
}

export class PostgresTarget implements TargetConnector {
  readonly type = 'postgres' as const;
  /** Tables already known to have a unique constraint on the key columns. */
  private readonly keyed = new Set<string>();
  /** Per target table: after a failed direct COPY, batches are merged for a while before it is tried again. */
  private readonly direct = new DirectCopyGate(MERGE_BEFORE_RETRY);

  constructor(private readonly pool: pg.Pool) {}

  async ensureLedger(): Promise<void> {
    try {
      await this.createLedger();
    } catch (error) {
      // Two agents creating it at the same moment: one loses the race on the catalog; the table is there.
      if (!['23505', '42P07'].includes((error as { code?: string }).code ?? '')) throw error;
    }
  }

  private async createLedger(): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${LEDGER} (batch_id text PRIMARY KEY, subscription_id text NOT NULL, seq bigint NOT NULL, ` +
        `source_batch_id text, records integer NOT NULL DEFAULT 0, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    await this.pool.query(`CREATE INDEX IF NOT EXISTS ${LEDGER}_sub_seq ON ${LEDGER} (subscription_id, seq)`);
  }

  async lastApplied(subscriptionId: string): Promise<number> {
    const result = await this.pool.query<{ seq: string | null }>(`SELECT max(seq)::text AS seq FROM ${LEDGER} WHERE subscription_id = $1`, [subscriptionId]);
    return Number(result.rows[0]?.seq ?? 0);
  }

  private async checkUniqueKey(client: pg.PoolClient, table: string, keys: string[]): Promise<void> {
    const cacheKey = `${table}\u0000${keys.join('\u0000')}`;
    if (this.keyed.has(cacheKey)) return;
    const exists = await client.query<{ oid: string | null }>('SELECT to_regclass($1)::oid::text AS oid', [pgTable(table)]);
    if (!exists.rows[0]?.oid) throw new Error(`目标表 ${table} 不存在`);
    // A unique, non-partial index whose key columns are exactly the key columns (any order): what ON CONFLICT infers.
    const found = await client.query(
      `SELECT 1 FROM pg_index i
        WHERE i.indrelid = $1::oid AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
          AND i.indnkeyatts = cardinality($2::text[])
          AND (SELECT array_agg(a.attname::text)
                 FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.attnum
                WHERE u.ord <= i.indnkeyatts) @> $2::text[]
        LIMIT 1`,
      [exists.rows[0].oid, keys],
    );
    if (found.rowCount === 0) throw missingUniqueKeyError(table, keys);
    this.keyed.add(cacheKey);
  }

  async apply(input: ApplyInput): Promise<'applied' | 'duplicate'> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const outcome = await this.applyIn(client, input);
        await client.query(outcome === 'applied' ? 'COMMIT' : 'ROLLBACK');
        return outcome;
      } catch (error) {
        await client.query('ROLLBACK').catch((e: Error) => {
          broken = e;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  private async applyIn(client: pg.PoolClient, input: ApplyInput): Promise<'applied' | 'duplicate'> {
    // Two appliers of one subscription (a restarted agent racing its old self) serialise here.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`govshare:${input.subscriptionId}`]);
    const dup = await client.query(
      `SELECT 1 FROM ${LEDGER} WHERE batch_id = $1 OR (subscription_id = $2 AND seq >= $3) LIMIT 1`,
      [input.batchId, input.subscriptionId, input.seq],
    );
    if ((dup.rowCount ?? 0) > 0) return 'duplicate';
    if (input.file) throw new Error('PostgreSQL 目标不能接收文件类资源，请使用 CSV 目录目标');

    const table = pgTable(input.table);
    const { keep, cols } = mappedColumns(input.columns);
    const keys = input.keyColumns;
    if (keys.length === 0) throw new Error('订阅未配置主键列，无法按主键更新');

    if (input.upserts.length > 0) {
      for (const k of keys) if (!cols.includes(k)) throw new Error(`主键列 ${k} 未映射到目标表 ${input.table}`);
      await this.checkUniqueKey(client, input.table, keys);
      const colList = cols.map(pgIdent).join(', ');
      const keyList = keys.map(pgIdent).join(', ');
      const data = keep.length === input.columns.length ? input.upserts : transformCopyText(input.upserts, keep, null);
      if (!(await this.copyDirect(client, input.table, `COPY ${table} (${colList}) FROM STDIN`, data))) {
        await this.merge(client, table, cols, keys, data);
      }
    }

    if (input.deletes.length > 0) {
      const keyList = keys.map(pgIdent).join(', ');
      await client.query(`CREATE TEMP TABLE gs_deletes ON COMMIT DROP AS SELECT ${keyList} FROM ${table} WITH NO DATA`);
      await copyInto(client, `COPY gs_deletes (${keyList}) FROM STDIN`, input.deletes);
      const join = keys.map((k) => `t.${pgIdent(k)} = d.${pgIdent(k)}`).join(' AND ');
      await client.query(`DELETE FROM ${table} t USING gs_deletes d WHERE ${join}`);
    }

    await client.query(
      `INSERT INTO ${LEDGER} (batch_id, subscription_id, seq, source_batch_id, records, applied_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [input.batchId, input.subscriptionId, input.seq, input.sourceBatchId, input.records],
    );
    return 'applied';
  }

  /**
   * Fast path: COPY straight into the target, inside a savepoint. While batches bring only new keys (an
   * initial load, an insert-only stream) this runs at raw COPY speed; the first unique violation rolls the
   * savepoint back and the batch is merged instead, and the table is merged for the next batches before the
   * fast path is tried again (an update-heavy stream then rarely pays for a failed COPY).
   */
  private async copyDirect(client: pg.PoolClient, table: string, statement: string, data: Buffer): Promise<boolean> {
    if (!this.direct.shouldTry(table)) return false;
    await client.query('SAVEPOINT gs_direct');
    try {
      await copyInto(client, statement, data);
      await client.query('RELEASE SAVEPOINT gs_direct');
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT gs_direct');
      this.direct.failed(table);
      return false;
    }
  }

  /** Upsert by key through a temp table typed like the target. */
  private async merge(client: pg.PoolClient, table: string, cols: string[], keys: string[], data: Buffer): Promise<void> {
    const colList = cols.map(pgIdent).join(', ');
    const keyList = keys.map(pgIdent).join(', ');
    await client.query(`CREATE TEMP TABLE gs_upserts ON COMMIT DROP AS SELECT ${colList} FROM ${table} WITH NO DATA`);
    await copyInto(client, `COPY gs_upserts (${colList}) FROM STDIN`, data);
    const others = cols.filter((c) => !keys.includes(c));
    const onConflict = others.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${others.map((c) => `${pgIdent(c)} = EXCLUDED.${pgIdent(c)}`).join(', ')}`;
    // A key may occur twice in one batch (updated twice between extracts), and ON CONFLICT refuses to touch
    // a row twice in one statement (21000). That is rare, so try the plain merge first and only then pay
    // for a sort that keeps the later line of each key.
    await client.query('SAVEPOINT gs_merge');
    try {
      await client.query(`INSERT INTO ${table} (${colList}) SELECT ${colList} FROM gs_upserts ON CONFLICT (${keyList}) ${onConflict}`);
      await client.query('RELEASE SAVEPOINT gs_merge');
    } catch (error) {
      if ((error as { code?: string }).code !== '21000') throw error;
      await client.query('ROLLBACK TO SAVEPOINT gs_merge');
      await client.query(
        `INSERT INTO ${table} (${colList}) SELECT DISTINCT ON (${keyList}) ${colList} FROM gs_upserts ` +
          `ORDER BY ${keyList}, ctid DESC ON CONFLICT (${keyList}) ${onConflict}`,
      );
    }
  }

  async checksum(q: { table: string; columns: string[]; dataTypes: string[] }): Promise<{ count: number; checksum: string }> {
    return pgChecksumOf(this.pool, `SELECT ${q.columns.map(pgIdent).join(', ')} FROM ${pgTable(q.table)}`, q.dataTypes);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
