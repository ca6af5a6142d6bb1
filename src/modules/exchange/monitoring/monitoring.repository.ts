import { sql, type Expression, type SqlBool } from 'kysely';
import type { Database } from '../../../platform/db/database.js';

/**
 * Read-only queries over the exchange tables for the monitoring pages. Every query takes a scope: `all`
 * (platform admin, auditor) or one department, which sees the batches and runs of its own tasks (provider)
 * and the deliveries of its own subscriptions (consumer) or of its own tasks' batches.
 */
export type MonitorScope = { kind: 'all' } | { kind: 'department'; orgId: string };

export interface BatchFilter { id?: string; taskId?: string; status?: string; from?: Date; to?: Date }
export interface DeliveryFilter { id?: string; subscriptionId?: string; batchId?: string; status?: string; statuses?: string[]; from?: Date; to?: Date }
export interface LogFilter { taskId?: string; subscriptionId?: string; event?: string; result?: string; from?: Date; to?: Date }
export interface Page { limit: number; offset: number }

const TRUE = sql<SqlBool>`true`;

/** Visible batches: of a task of the department. */
const batchScope = (scope: MonitorScope): Expression<SqlBool> =>
  scope.kind === 'all' ? TRUE : sql<SqlBool>`t.org_id = ${scope.orgId}::uuid`;
/** Visible deliveries: to a subscription of the department, or of a batch of the department's task. */
const deliveryScope = (scope: MonitorScope): Expression<SqlBool> =>
  scope.kind === 'all' ? TRUE : sql<SqlBool>`(s.org_id = ${scope.orgId}::uuid or t.org_id = ${scope.orgId}::uuid)`;
/**
 * Visible log lines: naming a task or a subscription of the department, or one of its nodes (an upload rejected
 * before its task was known still shows to the department whose node sent it).
 */
const logScope = (scope: MonitorScope): Expression<SqlBool> =>
  scope.kind === 'all'
    ? TRUE
    : sql<SqlBool>`(l.task_id in (select id from exchange_tasks where org_id = ${scope.orgId}::uuid)
        or l.subscription_id in (select id from exchange_subscriptions where org_id = ${scope.orgId}::uuid)
        or l.source_node_id in (select id from exchange_nodes where org_id = ${scope.orgId}::uuid)
        or l.target_node_id in (select id from exchange_nodes where org_id = ${scope.orgId}::uuid))`;

/** The bucket index of a timestamp: whole buckets of `size` seconds since the epoch, counted in CST (UTC+8). */
const bucketOf = (column: string, size: number) =>
  sql<number>`floor((extract(epoch from ${sql.ref(column)}) + 28800) / ${sql.lit(size)})::bigint`;

export function monitoringRepository(db: Database) {
  const batches = () => db.selectFrom('exchange_batches as b')
    .innerJoin('exchange_tasks as t', 't.id', 'b.task_id')
    .innerJoin('catalog_resources as r', 'r.id', 'b.resource_id')
    .leftJoin('exchange_nodes as n', 'n.id', 'b.source_node_id');

  const deliveries = () => db.selectFrom('exchange_deliveries as d')
    .innerJoin('exchange_batches as b', 'b.id', 'd.batch_id')
    .innerJoin('exchange_tasks as t', 't.id', 'b.task_id')
    .innerJoin('exchange_subscriptions as s', 's.id', 'd.subscription_id')
    .innerJoin('catalog_resources as r', 'r.id', 'b.resource_id')
    .leftJoin('identity_orgs as o', 'o.id', 's.org_id')
    .leftJoin('exchange_nodes as n', 'n.id', 'd.target_node_id');

  const batchWhere = (scope: MonitorScope, f: BatchFilter) => {
    let q = batches().where(batchScope(scope));
    if (f.id) q = q.where('b.id', '=', f.id);
    if (f.taskId) q = q.where('b.task_id', '=', f.taskId);
    if (f.status) q = q.where('b.status', '=', f.status as 'received');
    if (f.from) q = q.where('b.received_at', '>=', f.from);
    if (f.to) q = q.where('b.received_at', '<', f.to);
    return q;
  };

  const deliveryWhere = (scope: MonitorScope, f: DeliveryFilter) => {
    let q = deliveries().where(deliveryScope(scope));
    if (f.id) q = q.where('d.id', '=', f.id);
    if (f.subscriptionId) q = q.where('d.subscription_id', '=', f.subscriptionId);
    if (f.batchId) q = q.where('d.batch_id', '=', f.batchId);
    if (f.status) q = q.where('d.status', '=', f.status as 'pending');
    if (f.statuses) q = q.where('d.status', 'in', f.statuses as 'pending'[]);
    if (f.from) q = q.where('d.created_at', '>=', f.from);
    if (f.to) q = q.where('d.created_at', '<', f.to);
    return q;
  };

  const logWhere = (scope: MonitorScope, f: LogFilter) => {
    let q = db.selectFrom('exchange_log as l').where(logScope(scope));
    if (f.taskId) q = q.where('l.task_id', '=', f.taskId);
    if (f.subscriptionId) q = q.where('l.subscription_id', '=', f.subscriptionId);
    if (f.event) q = q.where('l.event', '=', f.event as 'upload');
    if (f.result) q = q.where('l.result', '=', f.result as 'success');
    if (f.from) q = q.where('l.finished_at', '>=', f.from);
    if (f.to) q = q.where('l.finished_at', '<', f.to);
    return q;
  };

  const count = sql<number>`count(*)`;

  return {
    async listBatches(scope: MonitorScope, f: BatchFilter, page: Page) {
      const [rows, total] = await Promise.all([
        batchWhere(scope, f)
          .selectAll('b')
          .select(['t.code as task_code', 'r.code as resource_code', 'r.name as resource_name', 'n.name as source_node_name'])
          .select(sql<number>`(select count(*) from exchange_deliveries dd where dd.batch_id = b.id)`.as('delivery_count'))
          .orderBy('b.received_at', 'desc').orderBy('b.seq', 'desc')
          .limit(page.limit).offset(page.offset).execute(),
        batchWhere(scope, f).select(count.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(total.n) };
    },

    async listDeliveries(scope: MonitorScope, f: DeliveryFilter, page: Page) {
      const [rows, total] = await Promise.all([
        deliveryWhere(scope, f)
          .selectAll('d')
          .select(['b.serial_no as batch_serial_no', 's.code as subscription_code', 'o.name as consumer_name', 'n.name as target_node_name', 'r.code as resource_code', 'r.name as resource_name'])
          .orderBy('d.created_at', 'desc').orderBy('d.seq', 'desc')
          .limit(page.limit).offset(page.offset).execute(),
        deliveryWhere(scope, f).select(count.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(total.n) };
    },

    async listRuns(scope: MonitorScope, taskId: string | undefined, limit: number) {
      let q = batches().where(batchScope(scope));
      if (taskId) q = q.where('b.task_id', '=', taskId);
      return q.select([
        'b.run_id', 'b.task_id', sql<string>`max(t.code)`.as('task_code'), sql<string>`max(r.name)`.as('resource_name'), sql<string>`max(b.mode)`.as('mode'),
        sql<Date>`min(b.created_at)`.as('started_at'), sql<Date>`max(coalesce(b.applied_at, b.received_at))`.as('finished_at'),
        count.as('batches'), sql<number>`sum(b.upserts)`.as('upserts'), sql<number>`sum(b.deletes)`.as('deletes'),
        sql<number>`sum(b.bytes)`.as('bytes'), sql<number>`count(*) filter (where b.status = 'failed')`.as('failed'),
      ]).groupBy(['b.run_id', 'b.task_id']).orderBy(sql`min(b.created_at)`, 'desc').limit(limit).execute();
    },

    async listLog(scope: MonitorScope, f: LogFilter, page: Page) {
      const [rows, total] = await Promise.all([
        logWhere(scope, f)
          .leftJoin('exchange_nodes as sn', 'sn.id', 'l.source_node_id')
          .leftJoin('exchange_nodes as tn', 'tn.id', 'l.target_node_id')
          .selectAll('l')
          .select(['sn.name as source_node_name', 'sn.code as source_node_code', 'tn.name as target_node_name', 'tn.code as target_node_code'])
          .orderBy('l.finished_at', 'desc').orderBy('l.id', 'desc')
          .limit(page.limit).offset(page.offset).execute(),
        logWhere(scope, f).select(count.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(total.n) };
    },

    /** Per-bucket sums from `from` (inclusive) on: uploads, applied deliveries and failed or rejected log lines. */
    async volume(scope: MonitorScope, from: Date, size: number, taskId: string | undefined) {
      let up = batches().where(batchScope(scope)).where('b.received_at', '>=', from);
      if (taskId) up = up.where('b.task_id', '=', taskId);
      let down = deliveries().where(deliveryScope(scope)).where('d.status', '=', 'applied').where('d.acked_at', '>=', from);
      if (taskId) down = down.where('b.task_id', '=', taskId);
      let failed = db.selectFrom('exchange_log as l').where(logScope(scope)).where('l.result', '<>', 'success').where('l.finished_at', '>=', from);
      if (taskId) failed = failed.where('l.task_id', '=', taskId);
      const [uploads, applied, failures] = await Promise.all([
        up.select([bucketOf('b.received_at', size).as('bucket'), count.as('batches'), sql<number>`sum(b.upserts + b.deletes)`.as('records'), sql<number>`sum(b.bytes)`.as('bytes')])
          .groupBy(sql`1`).execute(),
        down.select([bucketOf('d.acked_at', size).as('bucket'), count.as('deliveries')]).groupBy(sql`1`).execute(),
        failed.select([bucketOf('l.finished_at', size).as('bucket'), count.as('failures')]).groupBy(sql`1`).execute(),
      ]);
      return { uploads, applied, failures };
    },

    async summary(scope: MonitorScope, onlineSince: Date, dayStart: Date) {
      const own = (column: string) => (scope.kind === 'all' ? TRUE : sql<SqlBool>`${sql.ref(column)} = ${scope.orgId}::uuid`);
      const [nodes, tasks, subs, today, failedBatches, deliveryCounts] = await Promise.all([
        db.selectFrom('exchange_nodes').where('status', '=', 'approved').where(own('org_id'))
          .select([count.as('total'), sql<number>`count(*) filter (where last_heartbeat_at >= ${onlineSince})`.as('online')]).executeTakeFirstOrThrow(),
        db.selectFrom('exchange_tasks').where('status', '=', 'active').where(own('org_id')).select(count.as('n')).executeTakeFirstOrThrow(),
        db.selectFrom('exchange_subscriptions').where('status', '=', 'active').where(own('org_id')).select(count.as('n')).executeTakeFirstOrThrow(),
        batches().where(batchScope(scope)).where('b.received_at', '>=', dayStart)
          .select([count.as('n'), sql<number>`coalesce(sum(b.upserts + b.deletes), 0)`.as('records')]).executeTakeFirstOrThrow(),
        batches().where(batchScope(scope)).where('b.status', '=', 'failed').select(count.as('n')).executeTakeFirstOrThrow(),
        deliveries().where(deliveryScope(scope)).select([
          sql<number>`count(*) filter (where d.status in ('failed', 'stopped'))`.as('failed'),
          sql<number>`count(*) filter (where d.status in ('pending', 'sent'))`.as('backlog'),
        ]).executeTakeFirstOrThrow(),
      ]);
      return {
        nodesOnline: Number(nodes.online), nodesTotal: Number(nodes.total), tasksActive: Number(tasks.n), subscriptionsActive: Number(subs.n),
        batchesToday: Number(today.n), recordsToday: Number(today.records),
        failuresOpen: Number(failedBatches.n) + Number(deliveryCounts.failed), backlog: Number(deliveryCounts.backlog),
      };
    },
  };
}

export type MonitoringRepository = ReturnType<typeof monitoringRepository>;
export type BatchRow = Awaited<ReturnType<MonitoringRepository['listBatches']>>['rows'][number];
export type DeliveryRow = Awaited<ReturnType<MonitoringRepository['listDeliveries']>>['rows'][number];
export type RunRow = Awaited<ReturnType<MonitoringRepository['listRuns']>>[number];
export type LogRow = Awaited<ReturnType<MonitoringRepository['listLog']>>['rows'][number];
