/**
 * The platform side of the file mailbox (网闸 / 光闸): for a node that cannot reach the platform over HTTP, files
 * are ferried between the node's outbox/inbox and two directories here. Each cycle:
 *   from/ (the node's outbox):  batch-<taskId>-<seq>-<batchId>.gsb → batches.ingest (the batch is node-signed);
 *                               msg-<unixms>-<uuid>.json → signature checked with the node's key, then heartbeat,
 *                               ack or reconciliation report. Done → deleted; refused → from/rejected/ + .error.txt.
 *   to/ (the node's inbox):     config.json (the signed config) and one delivery-….gsb per pending delivery.
 * Same guarantees as the HTTP API: everything is signed, replays are refused (processed ids kept for 7 days,
 * older messages refused), and a transient failure (database down) leaves the file for the next cycle.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FormatRegistry, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Database } from '../../../platform/db/database.js';
import { DomainError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';
import { writeExchangeLog } from '../batches/exchange-log.js';
import type { BatchesService } from '../batches/index.js';
import { canonicalJson, verifyNodeSignature } from '../node-signing.js';
import { HeartbeatBody } from '../nodes.schemas.js';
import type { NodesService } from '../nodes.service.js';
import type { AuthenticatedNode } from '../nodes.types.js';
import type { DeliveryAckBody, ReconciliationReportBody } from '../protocol/node-api.js';
import { ReportBody } from '../reconciliation/reconciliation.schemas.js';
import type { ReconciliationService } from '../reconciliation/index.js';
import type { TasksService } from '../tasks/index.js';
import { BATCH_FILE, deliveryFileName, listFiles, MESSAGE_FILE, openKeySet, rejectFile, removeFile, writeForFerry } from './mailbox-files.js';
// Value.Check refuses every `format` nobody registered (ReportBody.subscriptionId is a uuid): register it (H8).
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v));

/** Messages older than this are refused; processed ids are remembered as long. */
export const MAILBOX_MAX_AGE_MS = 7 * 24 * 3_600_000;
/** A message dated further ahead than this (a wrong clock) is refused too. */
const MAX_FUTURE_MS = 24 * 3_600_000;
/** An exported delivery not acknowledged after this long is exported again (the ferry may have lost it). */
export const MAILBOX_REEXPORT_MS = 3_600_000;
const MAX_DELIVERIES_PER_CYCLE = 1_000;

const AckBody = Type.Object({
  status: Type.Union([Type.Literal('applied'), Type.Literal('duplicate'), Type.Literal('failed')]),
  errorCode: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  message: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
}, { additionalProperties: false });

/** What the gateway uses of the exchange services (ExchangeServices fits). */
export interface MailboxExchange {
  nodes: Pick<NodesService, 'findApproved' | 'recordHeartbeat'>;
  tasks: Pick<TasksService, 'nodeConfig'>;
  batches: Pick<BatchesService, 'ingest' | 'ack' | 'listDeliveries' | 'deliveryPayload'>;
  reconciliation: Pick<ReconciliationService, 'report'>;
}

export interface MailboxOptions {
  exchange: MailboxExchange;
  nodeId: string;
  from: string;
  to: string;
  once?: boolean;
  /** Between cycles (default 5 s). */
  intervalMs?: number;
  /** Stops the loop (after the running cycle). */
  signal?: AbortSignal;
  /** For exchange-log lines of refused messages (optional). */
  db?: Database;
  logger?: Logger;
  now?: () => Date;
}

export interface MailboxCycleResult {
  batches: number;
  messages: number;
  rejected: string[];
  /** Left for the next cycle (a transient failure, or a batch waiting for an earlier one). */
  deferred: string[];
  deliveries: number;
  configWritten: boolean;
  errors: string[];
}

interface MailboxMessage { type: string; nodeId: string; id: string; at: string | number; body: unknown; signature: string }

const reasonOf = (error: unknown) => (error instanceof DomainError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error));

/** One pass over `from` and `to`. */
export async function mailboxCycle(options: MailboxOptions): Promise<MailboxCycleResult> {
  const now = options.now ?? (() => new Date());
  const { exchange, from, to } = options;
  const result: MailboxCycleResult = { batches: 0, messages: 0, rejected: [], deferred: [], deliveries: 0, configWritten: false, errors: [] };
  const node = await exchange.nodes.findApproved(options.nodeId);

  async function reject(name: string, reason: string, code: string): Promise<void> {
    const at = now();
    await rejectFile(from, name, reason, at);
    result.rejected.push(name);
    options.logger?.warn({ module: 'exchange-mailbox', nodeId: node.id, file: name, reason }, 'mailbox file refused');
    if (options.db) {
      await writeExchangeLog(options.db, {
        event: 'reject', result: 'rejected', sourceNodeId: node.id, startedAt: at, errorCode: code, errorMessage: `${name}: ${reason}`.slice(0, 2000), operator: `mailbox:${node.code}`,
      }).catch((err: unknown) => options.logger?.error({ module: 'exchange-mailbox', err }, 'could not log a refused mailbox file'));
    }
  }

  /** Permanent refusals (DomainError) move the file aside; anything else is retried next cycle. */
  async function settle(name: string, error: unknown): Promise<void> {
    if (error instanceof DomainError) await reject(name, reasonOf(error), error.code);
    else {
      result.deferred.push(name);
      result.errors.push(`${name}: ${reasonOf(error)}`);
    }
  }

  const names = await listFiles(from);
  // Batches first, per task in numeric seq order (names sort 10 before 9), then messages in name (= time) order.
  const batches = names.map((name) => ({ name, m: BATCH_FILE.exec(name) })).filter((b) => b.m)
    .sort((a, b) => (a.m![1]! === b.m![1]! ? Number(a.m![2]) - Number(b.m![2]) : a.m![1]! < b.m![1]! ? -1 : 1));
  const blockedTasks = new Set<string>();
  for (const { name, m } of batches) {
    const taskId = m![1]!;
    if (blockedTasks.has(taskId)) { result.deferred.push(name); continue; }
    try {
      await exchange.batches.ingest(node, await readFile(path.join(from, name)));
      await removeFile(path.join(from, name));
      result.batches++;
    } catch (error) {
      // An earlier batch of the task has not been ferried yet: wait for it (the file stays), unless it is very old.
      if (error instanceof DomainError && error.code === 'BATCH_OUT_OF_ORDER' && Number(m![2]) > Number(error.extra.expectedSeq ?? Infinity)) {
        blockedTasks.add(taskId);
        result.deferred.push(name);
        continue;
      }
      await settle(name, error);
      if (!(error instanceof DomainError)) blockedTasks.add(taskId);
    }
  }

  const processed = await openKeySet(path.join(from, '.processed-ids'), MAILBOX_MAX_AGE_MS, now());
  for (const name of names.filter((n) => MESSAGE_FILE.test(n))) {
    let msg: MailboxMessage;
    try {
      msg = JSON.parse(await readFile(path.join(from, name), 'utf8')) as MailboxMessage;
    } catch (error) {
      await reject(name, `not a JSON message: ${reasonOf(error)}`, 'EXCHANGE_INVALID');
      continue;
    }
    const refusal = checkMessage(msg, node, now());
    if (refusal) { await reject(name, refusal.reason, refusal.code); continue; }
    // An exact replay carries the same type, id and time; an ack for the same delivery later (retried) does not.
    const key = `${msg.type}:${msg.id}:${new Date(msg.at).getTime()}`;
    if (processed.has(key)) { await reject(name, 'REPLAYED: this message was already processed (重复的消息)', 'REPLAYED'); continue; }
    try {
      await handleMessage(exchange, node, msg);
      await processed.add(key, now());
      await removeFile(path.join(from, name));
      result.messages++;
    } catch (error) {
      if (error instanceof DomainError) await processed.add(key, now());
      await settle(name, error);
    }
  }

  // to/: the signed config, then the deliveries not exported yet.
  try {
    const signed = await exchange.tasks.nodeConfig(node);
    await writeForFerry(to, 'config.json', JSON.stringify(signed));
    result.configWritten = true;
    const exported = await openKeySet(path.join(from, '.exported-deliveries'), MAILBOX_MAX_AGE_MS, now());
    const present = new Set(await listFiles(to));
    for (const sub of signed.config.subscriptions) {
      let afterSeq = 0;
      for (;;) {
        if (result.deliveries >= MAX_DELIVERIES_PER_CYCLE) break;
        const { items } = await exchange.batches.listDeliveries(node, { subscriptionId: sub.id, afterSeq, waitMs: 0 });
        if (items.length === 0) break;
        for (const d of items) {
          afterSeq = Math.max(afterSeq, d.seq);
          const file = deliveryFileName(d.subscriptionId, d.seq, d.id);
          const when = exported.addedAt(d.id);
          if (present.has(file) || (when !== undefined && now().getTime() - when < MAILBOX_REEXPORT_MS)) continue;
          await writeForFerry(to, file, await exchange.batches.deliveryPayload(node, d.id));
          await exported.add(d.id, now());
          result.deliveries++;
        }
      }
    }
  } catch (error) {
    // A stopped subscription (grant revoked) or a database hiccup: the rest waits for the next cycle.
    result.errors.push(`to: ${reasonOf(error)}`);
  }
  return result;
}

function checkMessage(msg: MailboxMessage, node: AuthenticatedNode, now: Date): { code: string; reason: string } | null {
  if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string' || typeof msg.id !== 'string' || typeof msg.signature !== 'string' || (typeof msg.at !== 'string' && typeof msg.at !== 'number')) {
    return { code: 'EXCHANGE_INVALID', reason: 'a message is {type, nodeId, id, at, body, signature} (消息格式无效)' };
  }
  if (msg.nodeId !== node.id) return { code: 'SIGNATURE_INVALID', reason: `the message is from node ${String(msg.nodeId)}, not ${node.id} (消息不属于该前置机)` };
  const { signature, ...unsigned } = msg;
  if (!verifyNodeSignature(canonicalJson(unsigned), signature, node.publicKey)) {
    return { code: 'SIGNATURE_INVALID', reason: 'the signature does not verify with the node\'s registered key (消息签名无效)' };
  }
  const at = new Date(msg.at).getTime();
  if (!Number.isFinite(at) || now.getTime() - at > MAILBOX_MAX_AGE_MS || at - now.getTime() > MAX_FUTURE_MS) {
    return { code: 'REPLAYED', reason: `the message time ${String(msg.at)} is more than 7 days old or in the future (消息时间超出有效期)` };
  }
  return null;
}

async function handleMessage(exchange: MailboxExchange, node: AuthenticatedNode, msg: MailboxMessage): Promise<void> {
  const invalid = (what: string) => new DomainError('EXCHANGE_INVALID', `The ${what} message body is not valid (${what} 消息内容无效).`);
  switch (msg.type) {
    case 'heartbeat':
      if (!Value.Check(HeartbeatBody, msg.body)) throw invalid('heartbeat');
      await exchange.nodes.recordHeartbeat(node, msg.body);
      return;
    case 'ack':
      if (!Value.Check(AckBody, msg.body)) throw invalid('ack');
      await exchange.batches.ack(node, msg.id, msg.body as DeliveryAckBody);
      return;
    case 'reconciliation':
    case 'report':
      if (!Value.Check(ReportBody, msg.body)) throw invalid('reconciliation');
      await exchange.reconciliation.report(node, msg.id, msg.body as ReconciliationReportBody);
      return;
    default:
      throw new DomainError('EXCHANGE_INVALID', `Unknown message type ${msg.type} (未知的消息类型).`);
  }
}

/** Runs cycles every `intervalMs` until `signal` aborts (or once); returns the last cycle's result. */
export async function runMailboxGateway(options: MailboxOptions): Promise<MailboxCycleResult> {
  const interval = options.intervalMs ?? 5_000;
  for (;;) {
    let result: MailboxCycleResult;
    try {
      result = await mailboxCycle(options);
    } catch (error) {
      // The node is unknown or revoked, or the database is down: say so and try again.
      if (options.once) throw error;
      options.logger?.error({ module: 'exchange-mailbox', nodeId: options.nodeId, err: error }, 'mailbox cycle failed');
      result = { batches: 0, messages: 0, rejected: [], deferred: [], deliveries: 0, configWritten: false, errors: [reasonOf(error)] };
    }
    if (result.batches || result.messages || result.rejected.length || result.deliveries || result.errors.length) {
      options.logger?.info({ module: 'exchange-mailbox', nodeId: options.nodeId, ...result }, 'mailbox cycle');
    }
    if (options.once || options.signal?.aborted) return result;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval);
      options.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
    if (options.signal?.aborted) return result;
  }
}
