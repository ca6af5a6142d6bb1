/**
 * Backfill (补发) for a new subscription: it receives the resource's stored batch history as deliveries, in the
 * order the platform received them, so a subscriber that joins late ends up holding what earlier subscribers
 * hold. For a full-extraction task only the batches from its latest complete snapshot run on are replayed
 * (earlier runs are superseded by it); incremental history is replayed whole, since each batch is a change.
 */
import type { Database } from '../../../platform/db/database.js';
import { nextSerialNo } from './exchange-log.js';

export async function backfillDeliveries(trx: Database, input: { subscriptionId: string; nodeId: string; resourceId: string; at: Date }): Promise<number> {
  // Lock the resource's tasks: an upload locks its task row while it fans out, so a batch is either already
  // stored (and replayed here) or fanned out after this commits (and sees the new subscription) — never neither.
  const tasks = await trx.selectFrom('exchange_tasks').select(['id', 'mode']).where('resource_id', '=', input.resourceId).orderBy('id').forUpdate().execute();
  const fromSeq = new Map<string, number>();
  for (const task of tasks) {
    if (task.mode !== 'full') continue;
    const last = await trx.selectFrom('exchange_batches').select('run_id')
      .where('task_id', '=', task.id).where('snapshot_last', '=', true).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!last) continue;
    const first = await trx.selectFrom('exchange_batches').select((eb) => eb.fn.min('seq').as('seq'))
      .where('task_id', '=', task.id).where('run_id', '=', last.run_id).executeTakeFirst();
    if (first?.seq != null) fromSeq.set(task.id, Number(first.seq));
  }
  const batches = await trx.selectFrom('exchange_batches').select(['id', 'task_id', 'seq', 'upserts', 'deletes'])
    .where('resource_id', '=', input.resourceId).orderBy('received_at').orderBy('task_id').orderBy('seq').execute();
  let seq = 0;
  for (const batch of batches) {
    const from = fromSeq.get(batch.task_id);
    if (from !== undefined && Number(batch.seq) < from) continue;
    seq += 1;
    await trx.insertInto('exchange_deliveries').values({
      serial_no: await nextSerialNo(trx, input.at), batch_id: batch.id, subscription_id: input.subscriptionId, target_node_id: input.nodeId,
      seq, records: batch.upserts + batch.deletes, status: 'pending', created_at: input.at,
    }).execute();
  }
  if (seq > 0) await trx.updateTable('exchange_subscriptions').set({ last_seq: seq }).where('id', '=', input.subscriptionId).execute();
  return seq;
}
