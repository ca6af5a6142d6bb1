import { sql } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import { notify } from '../../notifications/index.js';

/**
 * Inbox alerts of the exchange (run every minute by server.ts):
 * - a publish task or a subscription with FAILURE_THRESHOLD or more consecutive failures, once until the next
 *   success (the batches area clears failure_alerted_at when one comes);
 * - an approved node silent for more than SILENT_AFTER_MS (no heartbeat, or none since approval), once until its
 *   next heartbeat (the heartbeat clears silent_alerted_at).
 * Each alert is claimed with a conditional update (`… is null`) in the transaction that writes the messages, so
 * two platform instances running the job at once alert once.
 */
export const FAILURE_THRESHOLD = 3;
export const SILENT_AFTER_MS = 5 * 60_000;
const FAILURES_LINK = '/exchange/monitoring?tab=failures';

export interface AlertCounts { tasks: number; subscriptions: number; nodes: number }

const lastError = (code: string | null, message: string | null) =>
  code || message ? [code, message].filter(Boolean).join('：') : '（无错误信息）';

export async function runMonitoringAlerts(db: Database, at: Date): Promise<AlertCounts> {
  const counts: AlertCounts = { tasks: 0, subscriptions: 0, nodes: 0 };

  const tasks = await db.selectFrom('exchange_tasks').select(['id']).where('consecutive_failures', '>=', FAILURE_THRESHOLD).where('failure_alerted_at', 'is', null).execute();
  for (const { id } of tasks) {
    const alerted = await db.transaction().execute(async (trx) => {
      const task = await trx.updateTable('exchange_tasks').set({ failure_alerted_at: at })
        .where('id', '=', id).where('failure_alerted_at', 'is', null).where('consecutive_failures', '>=', FAILURE_THRESHOLD)
        .returning(['code', 'org_id', 'consecutive_failures']).executeTakeFirst();
      if (!task) return false;
      const failed = await trx.selectFrom('exchange_batches').select(['error_code', 'error_message', 'serial_no'])
        .where('task_id', '=', id).where('status', '=', 'failed').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const message = {
        kind: 'exchange.task_failing',
        title: `发布任务 ${task.code} 连续失败 ${task.consecutive_failures} 次`,
        body: `发布任务 ${task.code} 已连续 ${task.consecutive_failures} 次失败${failed ? `（批次 ${failed.serial_no}）` : ''}，最近错误：${lastError(failed?.error_code ?? null, failed?.error_message ?? null)}。请处理后在交换监控的失败列表中重试。`,
        link: FAILURES_LINK,
      };
      await notify(trx, { recipient: { orgId: task.org_id, roles: ['dept_admin'] }, ...message }, at);
      await notify(trx, { recipient: { roles: ['platform_admin'] }, ...message }, at);
      return true;
    });
    if (alerted) counts.tasks++;
  }

  const subs = await db.selectFrom('exchange_subscriptions').select(['id']).where('consecutive_failures', '>=', FAILURE_THRESHOLD).where('failure_alerted_at', 'is', null).execute();
  for (const { id } of subs) {
    const alerted = await db.transaction().execute(async (trx) => {
      const sub = await trx.updateTable('exchange_subscriptions').set({ failure_alerted_at: at })
        .where('id', '=', id).where('failure_alerted_at', 'is', null).where('consecutive_failures', '>=', FAILURE_THRESHOLD)
        .returning(['code', 'org_id', 'consecutive_failures']).executeTakeFirst();
      if (!sub) return false;
      const failed = await trx.selectFrom('exchange_deliveries').select(['error_code', 'error_message', 'serial_no'])
        .where('subscription_id', '=', id).where('status', 'in', ['failed', 'stopped']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const message = {
        kind: 'exchange.subscription_failing',
        title: `订阅 ${sub.code} 连续失败 ${sub.consecutive_failures} 次`,
        body: `订阅 ${sub.code} 的投递已连续 ${sub.consecutive_failures} 次失败${failed ? `（投递 ${failed.serial_no}）` : ''}，最近错误：${lastError(failed?.error_code ?? null, failed?.error_message ?? null)}。请检查前置机和目标库后在交换监控的失败列表中重试。`,
        link: FAILURES_LINK,
      };
      await notify(trx, { recipient: { orgId: sub.org_id, roles: ['dept_admin'] }, ...message }, at);
      await notify(trx, { recipient: { roles: ['platform_admin'] }, ...message }, at);
      return true;
    });
    if (alerted) counts.subscriptions++;
  }

  const silentBefore = new Date(at.getTime() - SILENT_AFTER_MS);
  const lastSign = sql<Date>`coalesce(last_heartbeat_at, decided_at, enrolled_at)`;
  const nodes = await db.selectFrom('exchange_nodes').select(['id'])
    .where('status', '=', 'approved').where('silent_alerted_at', 'is', null).where(lastSign, '<', silentBefore).execute();
  for (const { id } of nodes) {
    const alerted = await db.transaction().execute(async (trx) => {
      const node = await trx.updateTable('exchange_nodes').set({ silent_alerted_at: at })
        .where('id', '=', id).where('status', '=', 'approved').where('silent_alerted_at', 'is', null).where(lastSign, '<', silentBefore)
        .returning(['name', 'code', 'org_id', 'last_heartbeat_at']).executeTakeFirst();
      if (!node) return false;
      const since = node.last_heartbeat_at
        ? `最近一次心跳时间为 ${new Date(new Date(node.last_heartbeat_at).getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')}（北京时间）`
        : '批准后从未上报心跳';
      const message = {
        kind: 'exchange.node_silent',
        title: `前置机“${node.name}”已失联`,
        body: `前置机“${node.name}”（节点编码 ${node.code ?? '—'}）超过 5 分钟未上报心跳，${since}。请检查前置机进程和网络。`,
        link: `/exchange/nodes/${id}`,
      };
      await notify(trx, { recipient: { orgId: node.org_id, roles: ['dept_admin'] }, ...message }, at);
      await notify(trx, { recipient: { roles: ['platform_admin'] }, ...message }, at);
      return true;
    });
    if (alerted) counts.nodes++;
  }
  return counts;
}
