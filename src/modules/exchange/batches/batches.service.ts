/**
 * The exchange data plane: uploads (ingest.ts), the background applier (apply.ts), deliveries and acks
 * (deliveries.ts), and the console's retries. One instance per process (app.ts starts and closes it).
 */
import type { Database } from '../../../platform/db/database.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';
import { recordAuditEvent, type AuditContext } from '../../audit/index.js';
import type { Actor } from '../../identity/identity.policy.js';
import type { NodeKeyPair } from '../node-signing.js';
import type { AuthenticatedNode } from '../nodes.types.js';
import type { DeliveryAckBody, DeliveryListItem, UploadResult } from '../protocol/node-api.js';
import { createApplier, dropLeftoverStaging } from './apply.js';
import { createDeliveries, createWaiters } from './deliveries.js';
import { writeExchangeLog } from './exchange-log.js';
import { createIngest } from './ingest.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BatchesDeps {
  db: Database;
  now?: () => Date;
  /** Signs deliveries (tasks/ createPlatformKey). */
  platformKey: { get(): Promise<NodeKeyPair> };
  /** Where uploaded batch files are kept: <storageDir>/<taskId>/<seq>-<batchId>.gsb. */
  storageDir: string;
  logger?: Logger;
}

const isPlatformAdmin = (actor: Actor) => actor.roles.includes('platform_admin');
const isDeptAdminOf = (actor: Actor, orgId: string) => actor.roles.includes('dept_admin') && actor.orgId === orgId;

export function createBatchesService(deps: BatchesDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  let closed = true;
  const waiters = createWaiters();
  const applier = createApplier({ db, now, logger: deps.logger });
  const ingester = createIngest({ db, now, storageDir: deps.storageDir });
  const deliveries = createDeliveries({ db, now, platformKey: deps.platformKey, waiters, isClosed: () => closed });

  return {
    /** POST /exchange/node/batches: verify, store durably, record and fan out (idempotent by batch id). */
    async ingest(node: AuthenticatedNode, file: Buffer): Promise<UploadResult> {
      const { fanOut, ...result } = await ingester.ingest(node, file);
      if (result.outcome === 'stored') {
        void applier.kick();
        waiters.wake(fanOut);
      }
      return result;
    },

    listDeliveries: (node: AuthenticatedNode, q: { subscriptionId?: string; afterSeq?: number; waitMs?: number }): Promise<{ items: DeliveryListItem[] }> => deliveries.listDeliveries(node, q),
    deliveryPayload: (node: AuthenticatedNode, deliveryId: string): Promise<Buffer> => deliveries.deliveryPayload(node, deliveryId),
    ack: (node: AuthenticatedNode, deliveryId: string, body: DeliveryAckBody): Promise<void> => deliveries.ack(node, deliveryId, body),

    /** Console: re-apply a failed batch (provider dept_admin of the task, or platform_admin). */
    async retryBatch(actor: Actor, ctx: AuditContext, batchId: string): Promise<{ id: string; status: 'received' }> {
      const notFound = () => new DomainError('BATCH_NOT_FOUND', `Batch ${batchId} not found (批次不存在).`);
      if (!UUID.test(batchId)) throw notFound();
      await db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('exchange_batches as b').innerJoin('exchange_tasks as t', 't.id', 'b.task_id')
          .select(['b.id', 'b.serial_no', 'b.status', 'b.retries', 'b.task_id', 'b.resource_id', 'b.source_node_id', 'b.mode', 'b.upserts', 'b.deletes', 'b.bytes', 'b.sm3', 't.org_id'])
          .where('b.id', '=', batchId).forUpdate('b').executeTakeFirst();
        if (!row) throw notFound();
        if (!isPlatformAdmin(actor) && !isDeptAdminOf(actor, row.org_id)) {
          if (actor.orgId !== row.org_id) throw notFound();
          throw forbidden('Only the provider department\'s admin may retry a batch (只有提供部门管理员可以重试批次).');
        }
        if (row.status !== 'failed') throw new DomainError('BATCH_STATE_INVALID', `Only a failed batch can be retried; this one is ${row.status} (只有失败的批次可以重试).`);
        const at = now();
        await trx.updateTable('exchange_batches').set({ status: 'received', error_code: null, error_message: null, retries: row.retries + 1 }).where('id', '=', row.id).execute();
        await writeExchangeLog(trx, {
          serialNo: row.serial_no, event: 'retry', result: 'success', taskId: row.task_id, resourceId: row.resource_id, sourceNodeId: row.source_node_id,
          batchId: row.id, mode: row.mode, startedAt: at, records: row.upserts + row.deletes, bytes: Number(row.bytes), sm3: row.sm3, retries: row.retries + 1, operator: actor.username,
        });
        await recordAuditEvent(trx, ctx, { action: 'exchange.batch_retried', targetType: 'exchange_batch', targetId: row.id, detail: { serialNo: row.serial_no, taskId: row.task_id, retries: row.retries + 1 } }, at);
      });
      void applier.kick();
      return { id: batchId, status: 'received' };
    },

    /** Console: offer a failed (or stopped, once the grant is effective again) delivery again (consumer dept_admin, or platform_admin). */
    async retryDelivery(actor: Actor, ctx: AuditContext, deliveryId: string): Promise<{ id: string; status: 'pending' }> {
      const notFound = () => new DomainError('DELIVERY_NOT_FOUND', `Delivery ${deliveryId} not found (投递不存在).`);
      if (!UUID.test(deliveryId)) throw notFound();
      const target = await db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('exchange_deliveries as d').innerJoin('exchange_subscriptions as s', 's.id', 'd.subscription_id')
          .innerJoin('exchange_batches as b', 'b.id', 'd.batch_id')
          .select(['d.id', 'd.serial_no', 'd.status', 'd.attempts', 'd.records', 'd.subscription_id', 'd.target_node_id', 'd.batch_id', 's.org_id', 's.status as subStatus', 's.resource_id', 'b.task_id', 'b.source_node_id', 'b.mode'])
          .where('d.id', '=', deliveryId).forUpdate('d').executeTakeFirst();
        if (!row) throw notFound();
        if (!isPlatformAdmin(actor) && !isDeptAdminOf(actor, row.org_id)) {
          if (actor.orgId !== row.org_id) throw notFound();
          throw forbidden('Only the consumer department\'s admin may retry a delivery (只有订阅部门管理员可以重试投递).');
        }
        if (row.status !== 'failed' && !(row.status === 'stopped' && row.subStatus === 'active')) {
          throw new DomainError('DELIVERY_STATE_INVALID', `Only a failed delivery can be retried; this one is ${row.status} (只有失败的投递可以重试).`);
        }
        const at = now();
        await trx.updateTable('exchange_deliveries').set({ status: 'pending', error_code: null, error_message: null }).where('id', '=', row.id).execute();
        await writeExchangeLog(trx, {
          serialNo: row.serial_no, event: 'retry', result: 'success', subscriptionId: row.subscription_id, taskId: row.task_id, resourceId: row.resource_id,
          sourceNodeId: row.source_node_id, targetNodeId: row.target_node_id, batchId: row.batch_id, deliveryId: row.id, mode: row.mode,
          startedAt: at, records: row.records, retries: row.attempts, operator: actor.username,
        });
        await recordAuditEvent(trx, ctx, { action: 'exchange.delivery_retried', targetType: 'exchange_delivery', targetId: row.id, detail: { serialNo: row.serial_no, subscriptionId: row.subscription_id } }, at);
        return row.target_node_id;
      });
      waiters.wake([target]);
      return { id: deliveryId, status: 'pending' };
    },

    /** Recovery, then the applier: leftover staging tables dropped, 'received' batches applied (in seq order). */
    async start(): Promise<void> {
      closed = false;
      try {
        await dropLeftoverStaging(db);
      } catch (error) {
        deps.logger?.warn({ err: error }, 'dropping leftover exchange staging tables failed');
      }
      applier.start();
      void applier.kick();
    },

    /** Stops the applier (waits for the batch in hand) and releases long polls. */
    async close(): Promise<void> {
      closed = true;
      waiters.wakeAll();
      await applier.close();
    },

    /** Row batches applied so far by this process: COPYed straight into the datastore, or merged through staging. */
    applierStats: (): { direct: number; merged: number } => ({ ...applier.stats }),

    /** Resolves when the applier has nothing in hand (tests, and callers that want to read applied state). */
    async applierIdle(): Promise<void> {
      await applier.kick();
      await applier.idle();
    },
  };
}

export type BatchesService = ReturnType<typeof createBatchesService>;
