/**
 * Deliveries (投递) to subscriber nodes: the long-polled list, the payload (grant checked at every fetch,
 * signed by the platform) and the node's ack.
 */
import type { Database } from '../../../platform/db/database.js';
import { DomainError } from '../../../platform/errors.js';
import { findEffectiveGrant } from '../../sharing/index.js';
import type { NodeKeyPair } from '../node-signing.js';
import type { AuthenticatedNode } from '../nodes.types.js';
import type { DeliveryAckBody, DeliveryListItem } from '../protocol/node-api.js';
import { writeExchangeLog } from './exchange-log.js';
import { buildDeliveryPayload } from './payload.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_WAIT_MS = 25_000;
const RECHECK_MS = 1_000;
const PAGE = 20;

/** In-process wake-ups of long polls, per target node. */
export function createWaiters() {
  const waiting = new Map<string, Set<() => void>>();
  return {
    /** Resolves on a wake-up for the node or after `ms`. */
    wait(nodeId: string, ms: number): Promise<void> {
      return new Promise((resolve) => {
        let set = waiting.get(nodeId);
        if (!set) waiting.set(nodeId, (set = new Set()));
        const done = () => {
          clearTimeout(timer);
          set!.delete(done);
          if (set!.size === 0 && waiting.get(nodeId) === set) waiting.delete(nodeId);
          resolve();
        };
        const timer = setTimeout(done, ms);
        set.add(done);
      });
    },
    wake(nodeIds: Iterable<string>): void {
      for (const id of nodeIds) for (const done of [...(waiting.get(id) ?? [])]) done();
    },
    wakeAll(): void {
      for (const set of [...waiting.values()]) for (const done of [...set]) done();
    },
  };
}
export type Waiters = ReturnType<typeof createWaiters>;

const notFound = (id: string) => new DomainError('DELIVERY_NOT_FOUND', `Delivery ${id} not found (投递不存在).`);

export function createDeliveries(deps: { db: Database; now: () => Date; platformKey: { get(): Promise<NodeKeyPair> }; waiters: Waiters; isClosed: () => boolean }) {
  const { db, now, waiters } = deps;

  async function findOwn(trx: Database, node: AuthenticatedNode, id: string, lock = false) {
    if (!UUID.test(id)) throw notFound(id);
    let query = trx.selectFrom('exchange_deliveries as d').innerJoin('exchange_subscriptions as s', 's.id', 'd.subscription_id')
      .innerJoin('exchange_batches as b', 'b.id', 'd.batch_id')
      .select(['d.id', 'd.serial_no', 'd.batch_id', 'd.subscription_id', 'd.target_node_id', 'd.seq', 'd.records', 'd.status', 'd.attempts',
        's.org_id as consumerOrgId', 's.resource_id', 's.grant_id', 's.status as subStatus', 's.node_id as subNodeId',
        'b.storage_path', 'b.sm3 as batchSm3', 'b.mode', 'b.task_id', 'b.source_node_id'])
      .where('d.id', '=', id);
    if (lock) query = query.forUpdate('d');
    const row = await query.executeTakeFirst();
    // Another node's delivery is simply not found: nothing is disclosed about it.
    if (!row || row.target_node_id !== node.id || row.subNodeId !== node.id) throw notFound(id);
    return row;
  }

  async function listOnce(node: AuthenticatedNode, q: { subscriptionId?: string; afterSeq?: number }): Promise<DeliveryListItem[]> {
    let query = db.selectFrom('exchange_deliveries as d').innerJoin('exchange_subscriptions as s', 's.id', 'd.subscription_id')
      .select(['d.id', 'd.subscription_id', 'd.seq', 'd.batch_id', 'd.records'])
      .where('d.target_node_id', '=', node.id).where('s.node_id', '=', node.id).where('s.status', '=', 'active')
      .where('d.status', 'in', ['pending', 'sent', 'failed']);
    if (q.subscriptionId) query = query.where('d.subscription_id', '=', q.subscriptionId);
    if (q.afterSeq !== undefined) query = query.where('d.seq', '>', String(q.afterSeq));
    const rows = await query.orderBy('d.subscription_id').orderBy('d.seq').limit(PAGE).execute();
    return rows.map((r) => ({ id: r.id, subscriptionId: r.subscription_id, seq: Number(r.seq), batchId: r.batch_id, records: r.records }));
  }

  return {
    /** Long poll: waits up to waitMs for a delivery (woken in-process on fan-out; re-checked every second). */
    async listDeliveries(node: AuthenticatedNode, q: { subscriptionId?: string; afterSeq?: number; waitMs?: number }): Promise<{ items: DeliveryListItem[] }> {
      if (q.subscriptionId !== undefined && !UUID.test(q.subscriptionId)) return { items: [] };
      const afterSeq = q.afterSeq !== undefined && Number.isFinite(q.afterSeq) ? Math.max(0, Math.floor(q.afterSeq)) : undefined;
      const deadline = Date.now() + Math.min(Math.max(q.waitMs ?? 0, 0), MAX_WAIT_MS);
      for (;;) {
        const items = await listOnce(node, { subscriptionId: q.subscriptionId, afterSeq });
        const left = deadline - Date.now();
        if (items.length > 0 || left <= 0 || deps.isClosed()) return { items };
        await waiters.wait(node.id, Math.min(left, RECHECK_MS));
      }
    },

    /** The payload file; the grant is checked now, and a grant no longer effective stops the subscription. */
    async deliveryPayload(node: AuthenticatedNode, deliveryId: string): Promise<Buffer> {
      const startedAt = now();
      const d = await findOwn(db, node, deliveryId);
      const log = { subscriptionId: d.subscription_id, taskId: d.task_id, resourceId: d.resource_id, sourceNodeId: d.source_node_id, targetNodeId: node.id, batchId: d.batch_id, deliveryId: d.id, mode: d.mode, operator: `node:${node.code}` };
      const stateInvalid = () => new DomainError('DELIVERY_STATE_INVALID', `The delivery or its subscription is ${d.status === 'stopped' ? 'stopped' : d.subStatus} (投递或订阅已停止/暂停).`);
      if (d.status === 'stopped' || d.subStatus === 'paused') throw stateInvalid();
      // The grant first: a subscription stopped at fan-out because its grant ended answers with the grant's code.
      const grant = await findEffectiveGrant(db, { consumerOrgId: d.consumerOrgId, resourceId: d.resource_id, at: startedAt });
      if (!grant?.effective) {
        const { revoked, code, reason } = await grantStopReason(db, d.grant_id);
        await db.transaction().execute(async (trx) => {
          const at = now();
          await trx.updateTable('exchange_deliveries').set({ status: 'stopped', error_code: code, error_message: reason })
            .where('subscription_id', '=', d.subscription_id).where('status', 'in', ['pending', 'sent', 'failed']).execute();
          await trx.updateTable('exchange_subscriptions').set({ status: 'stopped', stopped_reason: reason, updated_at: at }).where('id', '=', d.subscription_id).execute();
          await writeExchangeLog(trx, { ...log, serialNo: d.serial_no, event: 'delivery', result: 'rejected', startedAt, finishedAt: at, errorCode: code, errorMessage: reason, retries: d.attempts });
        });
        throw new DomainError(code, revoked ? 'The grant was revoked; the subscription is stopped (授权已撤销，订阅已停止).' : 'The grant has expired; the subscription is stopped (授权已过期，订阅已停止).');
      }
      if (d.subStatus !== 'active') throw stateInvalid();
      let built: Awaited<ReturnType<typeof buildDeliveryPayload>>;
      try {
        built = await buildDeliveryPayload({
          deliveryId: d.id, subscriptionId: d.subscription_id, seq: Number(d.seq), storagePath: d.storage_path, sm3: d.batchSm3,
          grant: { items: grant.items, masking: grant.masking },
        }, await deps.platformKey.get());
      } catch (error) {
        if ((error as Error).message.startsWith('KEY_NOT_DELIVERABLE:')) {
          throw new DomainError('ITEM_NOT_GRANTED', `Key item ${(error as Error).message.slice(20)} is not granted unmasked (主键数据项未获授权或被脱敏，无法投递).`);
        }
        throw error;
      }
      await db.transaction().execute(async (trx) => {
        const at = now();
        await trx.updateTable('exchange_deliveries').set((eb) => ({
          // An applied delivery fetched again (a node re-reading after a crash) stays applied.
          status: eb.case().when('status', '=', 'applied').then('applied' as const).else('sent' as const).end(),
          sent_at: at, attempts: eb('attempts', '+', 1), bytes: built.file.length, sm3: built.sm3,
        })).where('id', '=', d.id).execute();
        await writeExchangeLog(trx, { ...log, serialNo: d.serial_no, event: 'delivery', result: 'success', startedAt, finishedAt: at, records: d.records, bytes: built.file.length, sm3: built.sm3, retries: d.attempts });
      });
      return built.file;
    },

    async ack(node: AuthenticatedNode, deliveryId: string, body: DeliveryAckBody): Promise<void> {
      const startedAt = now();
      if (!body || !['applied', 'duplicate', 'failed'].includes(body.status)) throw new DomainError('EXCHANGE_INVALID', 'The ack body must be JSON {status: applied|duplicate|failed, errorCode?, message?} (回执内容无效).');
      await db.transaction().execute(async (trx) => {
        const d = await findOwn(trx, node, deliveryId, true);
        if (d.status === 'stopped') throw new DomainError('DELIVERY_STATE_INVALID', 'The delivery is stopped (投递已停止).');
        const at = now();
        const log = { serialNo: d.serial_no, event: 'ack' as const, subscriptionId: d.subscription_id, taskId: d.task_id, resourceId: d.resource_id, sourceNodeId: d.source_node_id, targetNodeId: node.id, batchId: d.batch_id, deliveryId: d.id, mode: d.mode, startedAt, finishedAt: at, records: d.records, retries: d.attempts, operator: `node:${node.code}` };
        if (body.status === 'failed') {
          const code = (body.errorCode ?? 'DELIVERY_APPLY_FAILED').slice(0, 100);
          const message = (body.message ?? '前置机入库失败').slice(0, 2000);
          await trx.updateTable('exchange_deliveries').set({ status: 'failed', error_code: code, error_message: message, acked_at: at }).where('id', '=', d.id).execute();
          await trx.updateTable('exchange_subscriptions').set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1), updated_at: at })).where('id', '=', d.subscription_id).execute();
          await writeExchangeLog(trx, { ...log, result: 'failure', errorCode: code, errorMessage: message });
          return;
        }
        await trx.updateTable('exchange_deliveries').set({ status: 'applied', acked_at: at, error_code: null, error_message: null }).where('id', '=', d.id).execute();
        await trx.updateTable('exchange_subscriptions').set((eb) => ({
          applied_seq: eb.fn('greatest', [eb.ref('applied_seq'), eb.val(Number(d.seq))]), consecutive_failures: 0, failure_alerted_at: null, updated_at: at,
        })).where('id', '=', d.subscription_id).execute();
        await writeExchangeLog(trx, { ...log, result: 'success', errorMessage: body.status === 'duplicate' ? '目标端已有此批次（重复）' : null });
      });
    },
  };
}

/** Why a subscription stops when its grant is no longer in effect: revoked (with the provider's reason) or expired. */
export async function grantStopReason(db: Database, grantId: string): Promise<{ revoked: boolean; code: 'GRANT_REVOKED' | 'GRANT_EXPIRED'; reason: string }> {
  const own = await db.selectFrom('sharing_grants').select(['status', 'revoked_reason']).where('id', '=', grantId).executeTakeFirst();
  const revoked = own?.status === 'revoked';
  return {
    revoked,
    code: revoked ? 'GRANT_REVOKED' : 'GRANT_EXPIRED',
    reason: revoked ? `授权已撤销${own?.revoked_reason ? `：${own.revoked_reason}` : ''}` : '授权已过期',
  };
}
