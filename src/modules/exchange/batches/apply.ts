/**
 * The background applier: received batches go into the resource's datastore table (库表) or become a new file
 * version (文件), per task strictly in seq order. Rows never pass through JavaScript on PostgreSQL: the batch's
 * COPY text goes straight into an UNLOGGED staging table, then one transaction deletes and upserts by key and
 * marks the batch applied. A batch without delete lines is first COPYed straight into the datastore table
 * instead, in one transaction with its bookkeeping (raw COPY speed while the keys are new); a key that is
 * already there (or any other error) rolls that back and the batch takes the staging path. A failure (a value
 * PostgreSQL refuses, a missing datastore) marks the batch failed and holds the task's later batches until
 * the console retries it.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { CompiledQuery, sql } from 'kysely';
import type pg from 'pg';
import { copyIn, copyInOn, DirectCopyGate, type CopyIn } from '../../../platform/db/copy.js';
import { copyLinesOf, splitCopyLine, unescapeCopy } from '../../../platform/db/copy-text.js';
import { sm3Hex } from '../../../platform/crypto/sm3.js';
import { kyselyOnClient, pgPoolOf, type Database } from '../../../platform/db/database.js';
import type { Logger } from '../../../platform/logger.js';
import { datastoreLayout, type DatastoreColumn } from '../../data-services/datastore/index.js';
import { columnDefinitions, qualified, safeColumn } from '../../data-services/datastore/datastore-schema.js';
import { contentTypeOf, FILE_MAX_BYTES, safeFilename } from '../../data-services/files/files.service.js';
import { filesRepository } from '../../data-services/files/files.repository.js';
import { inflateBatch, openBatch, type DecodedBatch } from '../protocol/batch-format.js';
import { writeExchangeLog } from './exchange-log.js';

export const APPLY_FAILED = 'BATCH_APPLY_FAILED';
/** How often the applier looks for batches stored by another process (in-process uploads wake it at once). */
const POLL_MS = 2_000;
/** After a task's direct COPY fails, how many of its batches take the staging path before it is tried again. */
const MERGE_BEFORE_DIRECT = 32;

type BatchRow = { id: string; serial_no: string; task_id: string; resource_id: string; source_node_id: string; seq: string; kind: 'rows' | 'file'; mode: string; upserts: number; deletes: number; bytes: string; sm3: string; storage_path: string; retries: number };

class ApplyError extends Error {}

/** Drops staging tables a killed apply left behind (`data_store.x_*`); run at start, before the applier. */
export async function dropLeftoverStaging(db: Database): Promise<number> {
  const { rows } = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'data_store' and tablename like 'x\\_%'`.execute(db);
  for (const { name } of rows) {
    if (/^x_[0-9a-f]{32}_[0-9a-f]{8}(_d)?$/.test(name)) await sql.raw(`drop table if exists data_store."${name}"`).execute(db);
  }
  return rows.length;
}

/** PGlite: parsed lines into the staging table in multi-row INSERTs; the error names the line range. */
async function insertLines(db: Database, table: string, names: string[], section: Buffer): Promise<void> {
  const perRow = names.length;
  const batchRows = Math.max(1, Math.min(500, Math.floor(30_000 / perRow)));
  const lines = copyLinesOf(section);
  for (let start = 0; start < lines.length; start += batchRows) {
    const chunk = lines.slice(start, start + batchRows);
    const params: (string | null)[] = [];
    const tuples: string[] = [];
    chunk.forEach((line, r) => {
      const fields = splitCopyLine(line);
      if (fields.length !== perRow) throw new ApplyError(`第 ${start + r + 1} 行有 ${fields.length} 个字段，应为 ${perRow} 个`);
      for (const f of fields) params.push(unescapeCopy(f));
      tuples.push(`(${names.map((_, c) => `$${r * perRow + c + 1}`).join(', ')})`);
    });
    try {
      await db.executeQuery(CompiledQuery.raw(`insert into ${table} (${names.join(', ')}) values ${tuples.join(', ')}`, params));
    } catch (error) {
      throw new ApplyError(`第 ${start + 1}–${start + chunk.length} 行：${(error as Error).message}`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const createStaging = (db: Database, table: string, columns: DatastoreColumn[]) =>
  sql.raw(`create unlogged table ${table} (${columnDefinitions(columns)})`).execute(db);

/** The COPY error as the batch's message: PostgreSQL names the line and the column (c_n), the item is added. */
function copyFailure(error: unknown, columns: DatastoreColumn[]): ApplyError {
  const e = error as Error & { where?: string };
  let where = e.where ?? '';
  for (const c of columns) where = where.replace(new RegExp(`column ${c.column}\\b`, 'g'), `column ${c.column}（${c.item}）`);
  return new ApplyError(`${e.message}${where ? `；${where}` : ''}`);
}

interface StagingTarget { table: string; columns: DatastoreColumn[] }

const copyStatement = (t: StagingTarget) => `copy ${t.table} (${t.columns.map((c) => safeColumn(c.column)).join(', ')}) from stdin`;

/**
 * PostgreSQL: inflates the body as a stream straight into COPY — the upsert section into the first table,
 * the delete section into the second — so a large batch is never held uncompressed. `open` starts a COPY
 * (pool: a client of its own; or a client in the caller's transaction). Resolves with the rows COPYed into
 * the first table.
 */
async function copyStreaming(open: (statement: string) => Promise<CopyIn> | CopyIn, compressed: Buffer, upsertBytes: number, rawBytes: number, up: StagingTarget, del: StagingTarget): Promise<number> {
  let current: StagingTarget = up;
  let copy: CopyIn | null = null;
  let seen = 0;
  let upRows = 0;
  try {
    if (compressed.length > 0) {
      const inflater = createInflateRaw();
      inflater.end(compressed);
      for await (const piece of inflater as AsyncIterable<Buffer>) {
        let chunk = piece;
        while (chunk.length > 0) {
          const inUpserts = seen < upsertBytes;
          const take = inUpserts ? Math.min(chunk.length, upsertBytes - seen) : chunk.length;
          if (!inUpserts && current === up) {
            if (copy) upRows = await copy.finish();
            copy = null;
            current = del;
          }
          copy ??= await open(copyStatement(current));
          await copy.write(chunk.subarray(0, take));
          seen += take;
          chunk = chunk.subarray(take);
        }
      }
    }
    if (copy) {
      const rows = await copy.finish();
      if (current === up) upRows = rows;
    }
    copy = null;
  } catch (error) {
    if (copy) await copy.abort('apply failed').catch(() => undefined);
    throw copyFailure(error, current.columns);
  }
  if (seen !== rawBytes) throw new ApplyError('批次正文长度与批次头不符');
  return upRows;
}

export function createApplier(deps: { db: Database; now: () => Date; logger?: Logger }) {
  const { db, now } = deps;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = true;
  let timer: NodeJS.Timeout | null = null;
  /** Per task: whether the next batch without delete lines tries the direct COPY. */
  const direct = new DirectCopyGate(MERGE_BEFORE_DIRECT);
  /** How row batches were applied (tests, diagnostics): straight into the datastore, or through staging. */
  const stats = { direct: 0, merged: 0 };

  async function readBatch(row: BatchRow) {
    const file = await readFile(row.storage_path);
    // The digest is checked again (a change on disk is caught); the signature was checked on upload.
    return openBatch(file, (digest) => digest === row.sm3);
  }

  /** Marks the batch and its task, and logs; returns false when another applier got there first. */
  async function finish(trx: Database, row: BatchRow, startedAt: Date, outcome: { ok: true } | { ok: false; message: string }): Promise<void> {
    const at = now();
    if (outcome.ok) {
      await trx.updateTable('exchange_batches').set({ status: 'applied', applied_at: at, error_code: null, error_message: null }).where('id', '=', row.id).execute();
      await trx.updateTable('exchange_tasks').set({ applied_seq: Number(row.seq), consecutive_failures: 0, failure_alerted_at: null, updated_at: at }).where('id', '=', row.task_id).execute();
    } else {
      await trx.updateTable('exchange_batches').set({ status: 'failed', error_code: APPLY_FAILED, error_message: outcome.message.slice(0, 2000) }).where('id', '=', row.id).execute();
      await trx.updateTable('exchange_tasks').set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1), updated_at: at })).where('id', '=', row.task_id).execute();
    }
    await writeExchangeLog(trx, {
      serialNo: row.serial_no, event: 'apply', result: outcome.ok ? 'success' : 'failure', taskId: row.task_id, resourceId: row.resource_id,
      sourceNodeId: row.source_node_id, batchId: row.id, mode: row.mode, startedAt, finishedAt: at, records: row.upserts + row.deletes,
      bytes: Number(row.bytes), sm3: row.sm3, retries: row.retries, errorCode: outcome.ok ? null : APPLY_FAILED, errorMessage: outcome.ok ? null : outcome.message,
    });
  }

  /** Within the apply transaction: still ours to apply (received, next in seq)? Locks the task row. */
  async function claim(trx: Database, row: BatchRow): Promise<boolean> {
    const task = await trx.selectFrom('exchange_tasks').select('applied_seq').where('id', '=', row.task_id).forUpdate().executeTakeFirst();
    const batch = await trx.selectFrom('exchange_batches').select('status').where('id', '=', row.id).executeTakeFirst();
    return !!task && batch?.status === 'received' && Number(task.applied_seq) === Number(row.seq) - 1;
  }

  /** Within the apply transaction, after the rows: the datastore's count and load time, then the batch and task. */
  async function markApplied(trx: Database, row: BatchRow, startedAt: Date, inserted: number, deleted: number): Promise<void> {
    const at = now();
    await trx.updateTable('data_stores').set((eb) => ({
      row_count: sql<string>`greatest(${eb.ref('row_count')} + ${inserted - deleted}, 0)`, updated_at: at, last_loaded_at: at,
    })).where('resource_id', '=', row.resource_id).execute();
    await finish(trx, row, startedAt, { ok: true });
  }

  /**
   * PostgreSQL, a batch without delete lines: one transaction on one client COPYs the upsert section
   * straight into the datastore table, then claims the batch (the task row is locked only after the COPY,
   * so uploads are not held up meanwhile) and does the bookkeeping. Returns false (everything rolled back)
   * when the batch must take the staging path: a key already in the table or twice in the batch (23505), a
   * value PostgreSQL refuses (the staging path reports it with line and column), anything else.
   */
  async function applyDirect(pool: pg.Pool, row: BatchRow, batch: DecodedBatch, startedAt: Date, target: StagingTarget): Promise<boolean> {
    const { header } = batch;
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      try {
        const inserted = await copyStreaming((statement) => copyInOn(client, statement), batch.compressedBody, header.upsertBytes, header.rawBytes, target, target);
        const trx = kyselyOnClient(client);
        if (!(await claim(trx, row))) {
          // Another applier got there first: nothing of ours stays.
          await client.query('rollback');
          return true;
        }
        await markApplied(trx, row, startedAt, inserted, 0);
        await client.query('commit');
        stats.direct++;
        return true;
      } catch (error) {
        await client.query('rollback').catch((e: Error) => { broken = e; });
        deps.logger?.debug({ err: error, batchId: row.id }, 'direct COPY of an exchange batch failed; applying it through staging');
        return false;
      }
    } catch (error) {
      // begin (or the connection) failed: the staging path will meet the same trouble and report it.
      broken = error as Error;
      return false;
    } finally {
      client.release(broken);
    }
  }

  async function applyRows(row: BatchRow, batch: DecodedBatch, startedAt: Date): Promise<void> {
    const { header } = batch;
    const layout = await datastoreLayout(db, row.resource_id);
    if (!layout) throw new ApplyError('资源尚未定义数据存储（请先在数据服务中定义主键）');
    const columnOf = (item: string) => {
      const c = layout.columns.find((x) => x.item === item);
      if (!c) throw new ApplyError(`数据存储没有数据项“${item}”`);
      return c;
    };
    const cols = header.columns.map((c) => columnOf(c.item));
    const keyItems = layout.keyItems;
    if (header.keyItems.length !== keyItems.length || !header.keyItems.every((k) => keyItems.includes(k))) {
      throw new ApplyError(`批次主键（${header.keyItems.join('、')}）与数据存储主键（${keyItems.join('、')}）不符`);
    }
    // Delete lines carry header.keyItems in the header's order.
    const deleteCols = header.keyItems.map(columnOf);
    const keys = keyItems.map((k) => safeColumn(columnOf(k).column));
    const names = cols.map((c) => safeColumn(c.column));
    const pool = pgPoolOf(db);
    if (pool && header.rawBytes === header.upsertBytes && direct.shouldTry(row.task_id)) {
      if (await applyDirect(pool, row, batch, startedAt, { table: layout.table, columns: cols })) return;
      direct.failed(row.task_id);
    }
    const base = `x_${row.id.replace(/-/g, '').toLowerCase()}_${randomBytes(4).toString('hex')}`;
    const upTable = qualified(base);
    const delTable = qualified(`${base}_d`);
    try {
      await createStaging(db, upTable, cols);
      await createStaging(db, delTable, deleteCols);
      if (pool) {
        await copyStreaming((statement) => copyIn(pool, statement), batch.compressedBody, header.upsertBytes, header.rawBytes, { table: upTable, columns: cols }, { table: delTable, columns: deleteCols });
      } else {
        const sections = await inflateBatch(batch);
        await insertLines(db, upTable, names, sections.upserts);
        await insertLines(db, delTable, deleteCols.map((c) => safeColumn(c.column)), sections.deletes);
      }
      await db.transaction().execute(async (trx) => {
        if (!(await claim(trx, row))) return;
        stats.merged++;
        let deleted = 0;
        if (header.rawBytes > header.upsertBytes) {
          const del = await sql.raw(`delete from ${layout.table} where (${deleteCols.map((c) => safeColumn(c.column)).join(', ')}) in (select ${deleteCols.map((c) => safeColumn(c.column)).join(', ')} from ${delTable})`).execute(trx);
          deleted = Number(del.numAffectedRows ?? 0);
        }
        let inserted = 0;
        if (header.upsertBytes > 0) {
          const others = names.filter((c) => !keys.includes(c));
          const action = others.length
            ? `update set ${others.map((c) => `${c} = excluded.${c}`).join(', ')} where (${others.map((c) => `${layout.table}.${c}`).join(', ')}) is distinct from (${others.map((c) => `excluded.${c}`).join(', ')})`
            : 'nothing';
          // A key twice in one batch: the later line wins (ctid follows insertion order in a fresh table).
          const { rows } = await sql.raw<{ n: string | number }>(
            `with ins as (insert into ${layout.table} (${names.join(', ')}) select distinct on (${keys.join(', ')}) ${names.join(', ')} from ${upTable} order by ${keys.join(', ')}, ctid desc on conflict (${keys.join(', ')}) do ${action} returning (xmax = 0) as fresh) select count(*) filter (where fresh) as n from ins`,
          ).execute(trx);
          inserted = Number(rows[0]?.n ?? 0);
        }
        await markApplied(trx, row, startedAt, inserted, deleted);
      });
    } finally {
      await sql.raw(`drop table if exists ${upTable}`).execute(db).catch(() => undefined);
      await sql.raw(`drop table if exists ${delTable}`).execute(db).catch(() => undefined);
    }
  }

  async function applyFile(row: BatchRow, batch: DecodedBatch, startedAt: Date): Promise<void> {
    const { header } = batch;
    const sections = await inflateBatch(batch);
    const content = sections.deletes.length ? Buffer.concat([sections.upserts, sections.deletes]) : sections.upserts;
    const file = header.file!;
    if (content.length === 0) throw new ApplyError('文件为空');
    if (content.length > FILE_MAX_BYTES) throw new ApplyError(`文件超过 ${FILE_MAX_BYTES / 1024 / 1024} MB`);
    const digest = sm3Hex(content);
    if (file.sm3 && file.sm3.toLowerCase() !== digest) throw new ApplyError('文件内容的 SM3 与批次头不符');
    const node = await db.selectFrom('exchange_nodes').select('code').where('id', '=', row.source_node_id).executeTakeFirst();
    await db.transaction().execute(async (trx) => {
      if (!(await claim(trx, row))) return;
      const repo = filesRepository(trx);
      await repo.lockResourceVersions(row.resource_id);
      const filename = safeFilename(file.name);
      await repo.insertVersion({
        resource_id: row.resource_id, version_no: await repo.nextVersionNo(row.resource_id), filename, content_type: contentTypeOf(filename),
        size: content.length, sm3: digest, content, note: `数据交换批次 ${row.serial_no}`, uploaded_by: null,
        uploaded_by_username: node?.code ? `node:${node.code}` : null, created_at: now(),
      });
      await finish(trx, row, startedAt, { ok: true });
    });
  }

  async function applyOne(row: BatchRow): Promise<void> {
    const startedAt = now();
    try {
      const batch = await readBatch(row);
      if (row.kind === 'file') await applyFile(row, batch, startedAt);
      else await applyRows(row, batch, startedAt);
    } catch (error) {
      const message = error instanceof ApplyError ? error.message : `入库出错：${(error as Error).message}`;
      if (!(error instanceof ApplyError)) deps.logger?.warn({ err: error, batchId: row.id }, 'exchange batch apply failed');
      await db.transaction().execute(async (trx) => {
        if (await claim(trx, row)) await finish(trx, row, startedAt, { ok: false, message });
      });
    }
  }

  /** Applies every batch that is next in line for its task, until none is left. */
  async function drain(): Promise<void> {
    for (;;) {
      if (closed) return;
      const next = await db.selectFrom('exchange_batches as b').innerJoin('exchange_tasks as t', 't.id', 'b.task_id')
        .select(['b.id', 'b.serial_no', 'b.task_id', 'b.resource_id', 'b.source_node_id', 'b.seq', 'b.kind', 'b.mode', 'b.upserts', 'b.deletes', 'b.bytes', 'b.sm3', 'b.storage_path', 'b.retries'])
        .where('b.status', '=', 'received').where(sql<boolean>`b.seq = t.applied_seq + 1`)
        .orderBy('b.received_at').limit(20).execute() as BatchRow[];
      if (next.length === 0) return;
      for (const row of next) {
        if (closed) return;
        await applyOne(row);
      }
    }
  }

  /** Runs the applier now (or once more after the current pass); resolves when the pass is over. */
  function kick(): Promise<void> {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await drain();
        } catch (error) {
          // The database is unavailable or similar: the timer tries again.
          deps.logger?.warn({ err: error }, 'exchange applier pass failed');
          return;
        }
      } while (again && !closed);
    })().finally(() => { running = null; });
    return running;
  }

  return {
    kick,
    stats,
    /** Waits for the current pass (tests). */
    async idle(): Promise<void> {
      while (running) await running;
    },
    start(): void {
      closed = false;
      timer ??= setInterval(() => void kick(), POLL_MS);
      timer.unref();
    },
    async close(): Promise<void> {
      closed = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
