/**
 * The exchange log (交换日志, DOMAIN §7): one append-only line per upload, apply, delivery (payload fetched),
 * ack, retry or rejected attempt. Every writer goes through `writeExchangeLog` so the fields stay uniform.
 */
import { sql } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { LogEvent, LogResult } from '../flows.types.js';

export interface ExchangeLogInput {
  /** 交换流水号 of the batch or delivery; absent: a fresh one (a rejected upload has none yet). */
  serialNo?: string | null;
  event: LogEvent;
  result: LogResult;
  taskId?: string | null;
  subscriptionId?: string | null;
  /** Filled from the task or subscription when left out. */
  resourceId?: string | null;
  resourceCode?: string | null;
  taskCode?: string | null;
  sourceNodeId?: string | null;
  targetNodeId?: string | null;
  batchId?: string | null;
  deliveryId?: string | null;
  mode?: string | null;
  startedAt: Date;
  /** Default: startedAt. */
  finishedAt?: Date;
  records?: number;
  bytes?: number;
  errorCode?: string | null;
  errorMessage?: string | null;
  sm3?: string | null;
  retries?: number;
  /** Who: a console username, or `node:<code>` for a node's call. */
  operator?: string | null;
}

/** yyyymmdd in China Standard Time (UTC+8, no DST). */
export function cstDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

/** A new 交换流水号: 'JH' + yyyymmdd (CST) + 10-digit number from exchange_serial_seq. */
export async function nextSerialNo(db: Database, at: Date): Promise<string> {
  const { rows } = await sql<{ n: string | number }>`select nextval('exchange_serial_seq') as n`.execute(db);
  return `JH${cstDay(at)}${String(rows[0]!.n).padStart(10, '0')}`;
}

const MAX_MESSAGE = 2000;

/** Appends one exchange log line (pass the transaction that makes the logged change). */
export async function writeExchangeLog(trx: Database, entry: ExchangeLogInput): Promise<void> {
  let { resourceId = null, resourceCode = null, taskCode = null } = entry;
  if (entry.taskId && (!resourceId || !resourceCode || !taskCode)) {
    const task = await trx.selectFrom('exchange_tasks as t').innerJoin('catalog_resources as r', 'r.id', 't.resource_id')
      .select(['t.code as taskCode', 'r.id as resourceId', 'r.code as resourceCode']).where('t.id', '=', entry.taskId).executeTakeFirst();
    if (task) {
      resourceId ??= task.resourceId;
      resourceCode ??= task.resourceCode;
      taskCode ??= task.taskCode;
    }
  } else if (entry.subscriptionId && (!resourceId || !resourceCode)) {
    const sub = await trx.selectFrom('exchange_subscriptions as s').innerJoin('catalog_resources as r', 'r.id', 's.resource_id')
      .select(['r.id as resourceId', 'r.code as resourceCode']).where('s.id', '=', entry.subscriptionId).executeTakeFirst();
    if (sub) {
      resourceId ??= sub.resourceId;
      resourceCode ??= sub.resourceCode;
    }
  }
  await trx.insertInto('exchange_log').values({
    serial_no: entry.serialNo ?? await nextSerialNo(trx, entry.startedAt),
    event: entry.event,
    task_id: entry.taskId ?? null,
    subscription_id: entry.subscriptionId ?? null,
    resource_id: resourceId,
    resource_code: resourceCode,
    task_code: taskCode,
    source_node_id: entry.sourceNodeId ?? null,
    target_node_id: entry.targetNodeId ?? null,
    batch_id: entry.batchId ?? null,
    delivery_id: entry.deliveryId ?? null,
    mode: entry.mode ?? null,
    started_at: entry.startedAt,
    finished_at: entry.finishedAt ?? entry.startedAt,
    records: entry.records ?? 0,
    bytes: entry.bytes ?? 0,
    result: entry.result,
    error_code: entry.errorCode ?? null,
    error_message: entry.errorMessage ? entry.errorMessage.slice(0, MAX_MESSAGE) : null,
    sm3: entry.sm3 ?? null,
    retries: entry.retries ?? 0,
    operator: entry.operator ?? null,
  }).execute();
}
