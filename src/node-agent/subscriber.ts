/**
 * Subscriber (订阅): per subscription, resume after the target ledger's max seq, long-poll deliveries, verify
 * each payload with the platform key, map the delivered items to target columns, apply (upsert + deletes +
 * ledger row in one transaction, so a re-delivery is a 'duplicate'), then ack. Nothing is acked before the
 * target commit, so a crash at any point only causes a redelivery.
 */
import type { NodeConfig, SubscriptionConfig } from '../modules/exchange/flows.types.js';
import { BatchFormatError, inflateBatch, openBatch, verifyNodeSignature, type DeliveryListItem } from '../modules/exchange/protocol/index.js';
import type { TargetConnector } from './connectors/types.js';
import { sleep } from './fsutil.js';
import { errorText, type Logger } from './log.js';
import type { Transport } from './transport/types.js';

export interface SubscriberDeps {
  transport: Transport;
  target(name: string): Promise<TargetConnector>;
  /** The platform public key deliveries must be signed with (from the verified NodeConfig). */
  platformPublicKey(): string | null;
  log: Logger;
  waitMs?: number;
}

export type DeliveryOutcome = { status: 'applied' | 'duplicate' } | { status: 'failed'; errorCode: string; message: string };

interface Loop { sub: SubscriptionConfig; abort: AbortController; done: Promise<void>; pending: number; failures: number }

export class Subscriber {
  private readonly loops = new Map<string, Loop>();
  private stopped = false;

  constructor(private readonly deps: SubscriberDeps) {}

  /** Starts loops for new subscriptions, stops removed ones, and updates the others' config. */
  update(config: NodeConfig): void {
    if (this.stopped) return;
    const ids = new Set(config.subscriptions.map((s) => s.id));
    for (const [id, loop] of this.loops) if (!ids.has(id)) { loop.abort.abort(); this.loops.delete(id); }
    for (const sub of config.subscriptions) {
      const loop = this.loops.get(sub.id);
      if (loop) { loop.sub = sub; continue; }
      const created: Loop = { sub, abort: new AbortController(), done: Promise.resolve(), pending: 0, failures: 0 };
      created.done = this.run(created);
      this.loops.set(sub.id, created);
    }
  }

  /** Deliveries seen but not yet applied (for the heartbeat's backlog). */
  backlog(): number {
    let n = 0;
    for (const loop of this.loops.values()) n += loop.pending;
    return n;
  }

  /** Problems worth reporting in the heartbeat. */
  problems(): string[] {
    return [...this.loops.values()].filter((l) => l.failures > 0).map((l) => `subscription ${l.sub.code}: ${l.failures} failed attempts`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const loops = [...this.loops.values()];
    for (const loop of loops) loop.abort.abort();
    await Promise.allSettled(loops.map((l) => l.done));
    this.loops.clear();
  }

  private async run(loop: Loop): Promise<void> {
    const signal = loop.abort.signal;
    let failures = 0;
    let afterSeq: number | null = null;
    while (!signal.aborted) {
      const log = this.deps.log.child({ subscriptionId: loop.sub.id, subscription: loop.sub.code });
      try {
        const target = await this.deps.target(loop.sub.targetName);
        if (afterSeq === null) {
          await target.ensureLedger();
          afterSeq = await target.lastApplied(loop.sub.id);
          log.info({ afterSeq }, 'subscription resumes after the target ledger');
        }
        const items = await this.deps.transport.deliveries({ subscriptionId: loop.sub.id, afterSeq, waitMs: this.deps.waitMs ?? 20_000, signal });
        loop.pending = items.length;
        // A platform that answers an empty long poll at once must not turn this loop into a busy spin.
        if (!items.length) await sleep(200, signal);
        for (const item of items) {
          if (signal.aborted) break;
          const outcome = await this.deliver(loop.sub, target, item);
          await this.deps.transport.ack(item.id, outcome.status === 'failed' ? outcome : { status: outcome.status });
          if (outcome.status === 'failed') throw Object.assign(new Error(outcome.message), { code: outcome.errorCode, acked: true });
          afterSeq = item.seq;
          loop.pending = Math.max(0, loop.pending - 1);
          failures = 0;
          loop.failures = 0;
          log.debug({ seq: item.seq, deliveryId: item.id, status: outcome.status, records: item.records }, 'delivery applied');
        }
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        loop.failures = failures;
        // The ledger is the truth after a failure: re-read it before the next attempt.
        afterSeq = null;
        log.warn({ failures, code: (error as { code?: string }).code, err: errorText(error) }, 'subscription stalled; will retry');
        await sleep(Math.min(60_000, 1000 * 2 ** Math.min(failures, 6)), signal);
      }
    }
  }

  /** Fetches, verifies and applies one delivery; never throws for a bad batch or a failed apply (returned as failed). */
  async deliver(sub: SubscriptionConfig, target: TargetConnector, item: DeliveryListItem): Promise<DeliveryOutcome> {
    const file = await this.deps.transport.payload(item.id);
    const platformKey = this.deps.platformPublicKey();
    if (!platformKey) return { status: 'failed', errorCode: 'PLATFORM_KEY_UNKNOWN', message: 'the node has no verified platform key yet' };
    let batch;
    try {
      batch = openBatch(file, (digest, signature) => verifyNodeSignature(digest, signature, platformKey));
    } catch (error) {
      if (error instanceof BatchFormatError) return { status: 'failed', errorCode: error.code, message: error.message };
      throw error;
    }
    const h = batch.header;
    if (h.subscriptionId !== sub.id || h.seq !== item.seq) {
      return { status: 'failed', errorCode: 'BATCH_HEADER_MISMATCH', message: `批次头与投递不符（订阅 ${String(h.subscriptionId)} 序号 ${h.seq}，期望 ${sub.id} 序号 ${item.seq}）` };
    }
    if (h.kind === 'file') {
      // File names come from the provider's node: never let one climb out of the target directory.
      const name = h.file?.name ?? '';
      if (!name || name === '.' || name === '..' || /[\\/\u0000]/.test(name) || sub.targetTable.split(/[\\/]/).includes('..')) {
        return { status: 'failed', errorCode: 'FILE_NAME_INVALID', message: `文件名或目标目录不合法：${name}` };
      }
    }
    const keyColumns: string[] = [];
    for (const k of h.keyItems) {
      const column = sub.columnMap[k];
      if (!column) return { status: 'failed', errorCode: 'SUBSCRIPTION_KEY_NOT_MAPPED', message: `关键数据项 ${k} 未映射到目标列` };
      keyColumns.push(column);
    }
    try {
      const { upserts, deletes } = await inflateBatch(batch);
      const result = await target.apply({
        subscriptionId: sub.id, seq: h.seq, batchId: h.batchId, sourceBatchId: h.sourceBatchId,
        table: sub.targetTable,
        columns: h.columns.map((c) => sub.columnMap[c.item] ?? null),
        dataTypes: h.columns.map((c) => c.dataType),
        keyColumns,
        upserts: h.kind === 'file' ? Buffer.alloc(0) : upserts,
        deletes,
        records: h.upserts + h.deletes,
        file: h.kind === 'file' && h.file ? { name: h.file.name, bytes: upserts } : null,
      });
      return { status: result };
    } catch (error) {
      if (error instanceof BatchFormatError) return { status: 'failed', errorCode: error.code, message: error.message };
      const code = (error as { code?: unknown }).code;
      return { status: 'failed', errorCode: 'TARGET_APPLY_FAILED', message: `${typeof code === 'string' ? `${code}: ` : ''}${errorText(error)}`.slice(0, 1000) };
    }
  }
}
