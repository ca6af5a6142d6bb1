/**
 * Upload of a batch by its source node: verify (digest, then the node's signature), check the header against
 * the publish task, dedupe by batch id, keep order by seq, store the file durably, then record the batch and
 * fan it out to the subscriptions in one transaction. Rejections are logged in their own transaction so they
 * survive the failed request.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../../platform/db/database.js';
import { grantStopReason } from './deliveries.js';
import { DomainError, type ErrorCode } from '../../../platform/errors.js';
import { findEffectiveGrant } from '../../sharing/index.js';
import { verifyNodeSignature } from '../node-signing.js';
import type { AuthenticatedNode } from '../nodes.types.js';
import { BatchFormatError, openBatch, type BatchHeader, type DecodedBatch } from '../protocol/batch-format.js';
import type { UploadResult } from '../protocol/node-api.js';
import { nextSerialNo, writeExchangeLog } from './exchange-log.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IngestDeps {
  db: Database;
  now: () => Date;
  storageDir: string;
}

type TaskRow = { id: string; code: string; org_id: string; resource_id: string; node_id: string; kind: 'table' | 'file'; status: 'active' | 'paused'; last_seq: string; column_map: Record<string, string>; key_items: string[]; resourceCode: string };

/** Writes a file so it survives a crash once this resolves: temp file, fsync, rename, fsync of the directory. */
export async function writeDurably(file: string, data: Buffer): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await dirHandle.close();
  }
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && new Set(a).size === a.length && a.every((x) => b.includes(x));

export function createIngest(deps: IngestDeps) {
  const { db, now } = deps;

  async function loadTask(trx: Database, taskId: string, lock = false): Promise<TaskRow | undefined> {
    let query = trx.selectFrom('exchange_tasks as t').innerJoin('catalog_resources as r', 'r.id', 't.resource_id')
      .select(['t.id', 't.code', 't.org_id', 't.resource_id', 't.node_id', 't.kind', 't.status', 't.last_seq', 't.column_map', 't.key_items', 'r.code as resourceCode'])
      .where('t.id', '=', taskId);
    if (lock) query = query.forUpdate('t');
    return query.executeTakeFirst() as Promise<TaskRow | undefined>;
  }

  /** Logs a rejected upload (own transaction) and returns the error to throw. */
  async function reject(node: AuthenticatedNode, startedAt: Date, code: ErrorCode, message: string, context: { task?: TaskRow; header?: Partial<BatchHeader>; bytes: number; sm3?: string }, extra: Record<string, unknown> = {}): Promise<DomainError> {
    await db.transaction().execute((trx) => writeExchangeLog(trx, {
      event: 'reject', result: 'rejected', errorCode: code, errorMessage: message,
      taskId: context.task?.id ?? null, taskCode: context.task?.code ?? null, resourceId: context.task?.resource_id ?? null,
      resourceCode: context.task?.resourceCode ?? null, sourceNodeId: node.id,
      batchId: context.header?.batchId && UUID.test(context.header.batchId) ? context.header.batchId : null,
      mode: typeof context.header?.mode === 'string' ? context.header.mode : null,
      startedAt, finishedAt: now(), bytes: context.bytes, sm3: context.sm3 ?? null, operator: `node:${node.code}`,
    }));
    return new DomainError(code, message, extra);
  }

  /** Reads the header of an unverified file for the log only (never trusted). */
  function peekHeader(file: Buffer): Partial<BatchHeader> {
    try {
      if (file.length < 8) return {};
      const header = JSON.parse(file.toString('utf8', 8, 8 + file.readUInt32BE(4))) as unknown;
      return header && typeof header === 'object' ? header as Partial<BatchHeader> : {};
    } catch {
      return {};
    }
  }

  async function ingest(node: AuthenticatedNode, file: Buffer): Promise<UploadResult & { fanOut: string[] }> {
    const startedAt = now();
    const bytes = file.length;
    let batch: DecodedBatch;
    try {
      batch = openBatch(file, (digest, signature) => verifyNodeSignature(digest, signature, node.publicKey));
    } catch (error) {
      if (!(error instanceof BatchFormatError)) throw error;
      const peek = peekHeader(file);
      // The task only names the log line when it is this node's own (the header is unverified).
      const task = typeof peek.taskId === 'string' && UUID.test(peek.taskId) ? await loadTask(db, peek.taskId) : undefined;
      throw await reject(node, startedAt, error.code, `${error.message}（${error.code}）`, { task: task?.node_id === node.id ? task : undefined, header: peek, bytes });
    }
    const { header } = batch;
    const ctx = { header, bytes, sm3: batch.sm3 };
    if (!header.taskId || !UUID.test(header.taskId) || !UUID.test(header.batchId) || !Number.isSafeInteger(header.seq) || header.seq < 1) {
      throw await reject(node, startedAt, 'BATCH_FORMAT_INVALID', '批次头缺少有效的任务、批次编号或序号', ctx);
    }
    const task = await loadTask(db, header.taskId);
    if (!task || task.node_id !== node.id) {
      // Another node's task is reported as unknown: a node learns nothing about tasks it does not run.
      throw await reject(node, startedAt, 'TASK_NOT_FOUND', `发布任务不存在或不属于本前置机：${header.taskId}`, { ...ctx, task: task?.node_id === node.id ? task : undefined });
    }
    const c = { ...ctx, task };
    if (task.status !== 'active') throw await reject(node, startedAt, 'TASK_PAUSED', `发布任务 ${task.code} 已暂停，不接收批次`, c);
    if (header.resourceCode !== task.resourceCode) throw await reject(node, startedAt, 'BATCH_FORMAT_INVALID', `批次的资源代码 ${header.resourceCode} 与任务的资源 ${task.resourceCode} 不符`, c);
    if ((task.kind === 'file') !== (header.kind === 'file')) throw await reject(node, startedAt, 'BATCH_FORMAT_INVALID', '批次类型与任务类型不符', c);
    if (header.kind === 'rows') {
      const items = (header.columns ?? []).map((col) => col.item);
      if (!sameSet(items, Object.keys(task.column_map)) || !sameSet(header.keyItems ?? [], task.key_items)) {
        throw await reject(node, startedAt, 'BATCH_FORMAT_INVALID', '批次的数据项或主键与发布任务的配置不符（请先获取最新配置）', c);
      }
    } else if (!header.file || typeof header.file.name !== 'string') {
      throw await reject(node, startedAt, 'BATCH_FORMAT_INVALID', '文件批次缺少文件信息', c);
    }

    const existing = await db.selectFrom('exchange_batches').select(['id', 'serial_no', 'task_id', 'seq']).where('id', '=', header.batchId).executeTakeFirst();
    if (existing) {
      if (existing.task_id === task.id && Number(existing.seq) === header.seq) return { batchId: existing.id, serialNo: existing.serial_no, outcome: 'duplicate', fanOut: [] };
      throw await reject(node, startedAt, 'BATCH_REPLAYED', `批次编号 ${header.batchId} 已用于其他批次`, c);
    }
    const check = (lastSeq: number) => {
      if (header.seq <= lastSeq) return { code: 'BATCH_REPLAYED' as const, message: `任务 ${task.code} 的第 ${header.seq} 批已由另一批次编号提交` };
      if (header.seq !== lastSeq + 1) return { code: 'BATCH_OUT_OF_ORDER' as const, message: `批次序号不连续：应为 ${lastSeq + 1}，收到 ${header.seq}` };
      return null;
    };
    const early = check(Number(task.last_seq));
    if (early) throw await reject(node, startedAt, early.code, early.message, c, early.code === 'BATCH_OUT_OF_ORDER' ? { expectedSeq: Number(task.last_seq) + 1 } : {});

    const storagePath = path.join(deps.storageDir, task.id, `${header.seq}-${header.batchId}.gsb`);
    await writeDurably(storagePath, file);
    let late: { code: 'BATCH_REPLAYED' | 'BATCH_OUT_OF_ORDER'; message: string; expectedSeq: number } | null = null;
    try {
      const result = await db.transaction().execute(async (trx) => {
        const locked = (await loadTask(trx, task.id, true))!;
        const again = await trx.selectFrom('exchange_batches').select(['id', 'serial_no']).where('id', '=', header.batchId).executeTakeFirst();
        // The same batch raced in: the file at storagePath is the winner's (same id, same path), so keep it.
        if (again) return { batchId: again.id, serialNo: again.serial_no, outcome: 'duplicate' as const, fanOut: [], keepFile: true };
        const raced = check(Number(locked.last_seq));
        if (raced) {
          late = { ...raced, expectedSeq: Number(locked.last_seq) + 1 };
          return null;
        }
        const at = now();
        const serialNo = await nextSerialNo(trx, at);
        await trx.insertInto('exchange_batches').values({
          id: header.batchId, serial_no: serialNo, task_id: task.id, resource_id: task.resource_id, source_node_id: node.id, seq: header.seq,
          run_id: UUID.test(header.runId) ? header.runId : header.batchId, kind: header.kind, mode: header.mode === 'full' ? 'full' : 'incremental',
          upserts: header.upserts, deletes: header.deletes, bytes, sm3: batch.sm3, signature: batch.signature, storage_path: storagePath,
          watermark_to: header.watermark ?? null, snapshot_last: header.snapshotLast === true,
          created_at: Number.isNaN(Date.parse(header.createdAt)) ? at : new Date(header.createdAt), received_at: at, status: 'received',
        }).execute();
        await trx.updateTable('exchange_tasks').set({ last_seq: header.seq, updated_at: at }).where('id', '=', task.id).execute();
        const fanOut = await fanOutDeliveries(trx, { batchId: header.batchId, resourceId: task.resource_id, records: header.upserts + header.deletes, at });
        await writeExchangeLog(trx, {
          serialNo, event: 'upload', result: 'success', taskId: task.id, taskCode: task.code, resourceId: task.resource_id, resourceCode: task.resourceCode,
          sourceNodeId: node.id, batchId: header.batchId, mode: header.mode, startedAt, finishedAt: now(),
          records: header.upserts + header.deletes, bytes, sm3: batch.sm3, operator: `node:${node.code}`,
        });
        return { batchId: header.batchId, serialNo, outcome: 'stored' as const, fanOut, keepFile: true };
      });
      if (result) {
        const { keepFile: _kept, ...upload } = result;
        return upload;
      }
    } catch (error) {
      if (!(await db.selectFrom('exchange_batches').select('id').where('id', '=', header.batchId).executeTakeFirst())) await unlink(storagePath).catch(() => undefined);
      throw error;
    }
    await unlink(storagePath).catch(() => undefined);
    const lost = late as unknown as { code: 'BATCH_REPLAYED' | 'BATCH_OUT_OF_ORDER'; message: string; expectedSeq: number };
    throw await reject(node, startedAt, lost.code, lost.message, c, lost.code === 'BATCH_OUT_OF_ORDER' ? { expectedSeq: lost.expectedSeq } : {});
  }

  return { ingest };
}

/**
 * One pending delivery per active subscription of the resource whose grant is effective now, numbered per
 * subscription. Returns the target node ids (to wake their long polls).
 */
export async function fanOutDeliveries(trx: Database, input: { batchId: string; resourceId: string; records: number; at: Date }): Promise<string[]> {
  const subs = await trx.selectFrom('exchange_subscriptions').select(['id', 'org_id', 'node_id', 'last_seq', 'grant_id'])
    .where('resource_id', '=', input.resourceId).where('status', '=', 'active').orderBy('id').forUpdate().execute();
  const nodes: string[] = [];
  for (const sub of subs) {
    const grant = await findEffectiveGrant(trx, { consumerOrgId: sub.org_id, resourceId: input.resourceId, at: input.at });
    if (!grant?.effective) {
      // The grant ended: the subscription stops here (not only when a node next fetches), so the console shows it.
      const { reason } = await grantStopReason(trx, sub.grant_id);
      await trx.updateTable('exchange_subscriptions').set({ status: 'stopped', stopped_reason: reason, updated_at: input.at }).where('id', '=', sub.id).execute();
      continue;
    }
    const seq = Number(sub.last_seq) + 1;
    await trx.insertInto('exchange_deliveries').values({
      serial_no: await nextSerialNo(trx, input.at), batch_id: input.batchId, subscription_id: sub.id, target_node_id: sub.node_id,
      seq, records: input.records, status: 'pending', created_at: input.at,
    }).execute();
    await trx.updateTable('exchange_subscriptions').set({ last_seq: seq, updated_at: input.at }).where('id', '=', sub.id).execute();
    nodes.push(sub.node_id);
  }
  return nodes;
}
