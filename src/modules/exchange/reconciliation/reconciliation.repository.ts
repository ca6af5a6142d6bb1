import { sql } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { ReconcileExpected, ReconcileSide, ReconcileTarget } from '../flows.types.js';

/**
 * What the `platform` jsonb column holds: the platform's own figure over the task's columns, and (our
 * choice of place) the per-subscriber figures computed at request time — the subscriptions this
 * reconciliation waits for are exactly these.
 */
export interface StoredPlatformSide extends ReconcileSide { subscriptions: ReconcileExpected[] }

/** jsonb read back: parsed on both engines, but tolerate a string. */
const json = <T>(value: unknown, fallback: T): T => {
  if (value === null || value === undefined) return fallback;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
};

export interface ReconciliationRow {
  id: string;
  taskId: string;
  taskCode: string;
  taskOrgId: string;
  taskNodeId: string;
  taskNodeName: string;
  resourceId: string;
  resourceName: string;
  status: 'requested' | 'done';
  requestedAt: Date;
  source: ReconcileSide | null;
  platform: StoredPlatformSide | null;
  targets: ReconcileTarget[];
  differences: string[];
  finishedAt: Date | null;
}

/** SQL for reconciliations (对账); pass a transaction as `db` to join it. */
export function reconciliationRepository(db: Database) {
  const base = () =>
    db.selectFrom('exchange_reconciliations as x')
      .innerJoin('exchange_tasks as t', 't.id', 'x.task_id')
      .innerJoin('catalog_resources as r', 'r.id', 't.resource_id')
      .innerJoin('exchange_nodes as n', 'n.id', 't.node_id')
      .select([
        'x.id', 'x.task_id', 'x.status', 'x.requested_at', 'x.source', 'x.platform', 'x.targets', 'x.differences', 'x.finished_at',
        't.code as task_code', 't.org_id as task_org_id', 't.node_id as task_node_id', 'n.name as task_node_name',
        't.resource_id', 'r.name as resource_name',
      ]);

  type Raw = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;
  const toRow = (r: Raw): ReconciliationRow => ({
    id: r.id, taskId: r.task_id, taskCode: r.task_code, taskOrgId: r.task_org_id, taskNodeId: r.task_node_id, taskNodeName: r.task_node_name,
    resourceId: r.resource_id, resourceName: r.resource_name, status: r.status, requestedAt: new Date(r.requested_at),
    source: json<ReconcileSide | null>(r.source, null), platform: json<StoredPlatformSide | null>(r.platform, null),
    targets: json<ReconcileTarget[]>(r.targets, []), differences: json<string[]>(r.differences, []),
    finishedAt: r.finished_at === null ? null : new Date(r.finished_at),
  });

  return {
    async find(id: string, options: { lock?: boolean } = {}): Promise<ReconciliationRow | undefined> {
      if (options.lock) await db.selectFrom('exchange_reconciliations').select('id').where('id', '=', id).forUpdate().execute();
      const row = await base().where('x.id', '=', id).executeTakeFirst();
      return row && toRow(row);
    },

    /** Newest first; `orgId`: reconciliations of that department's tasks or with one of its subscriptions. */
    async list(filter: { taskId?: string; orgId?: string; limit: number }): Promise<ReconciliationRow[]> {
      let q = base();
      if (filter.taskId) q = q.where('x.task_id', '=', filter.taskId);
      if (filter.orgId) {
        const org = filter.orgId;
        const mine = JSON.stringify([{ orgId: org }]);
        q = q.where((eb) => eb.or([eb('t.org_id', '=', org), eb(sql<boolean>`(x.platform -> 'subscriptions') @> ${mine}::jsonb`, '=', true)]));
      }
      return (await q.orderBy('x.requested_at', 'desc').orderBy('x.id').limit(filter.limit).execute()).map(toRow);
    },

    /** Open reconciliations that involve this node as the task's source or as a subscriber's target. */
    async openFor(nodeId: string): Promise<ReconciliationRow[]> {
      const subs = db.selectFrom('exchange_subscriptions').select('id').where('node_id', '=', nodeId);
      const ids = (await subs.execute()).map((s) => s.id);
      let q = base().where('x.status', '=', 'requested');
      q = q.where((eb) => eb.or([
        eb('t.node_id', '=', nodeId),
        ...ids.map((id) => eb(sql<boolean>`(x.platform -> 'subscriptions') @> ${JSON.stringify([{ subscriptionId: id }])}::jsonb`, '=', true)),
      ]));
      return (await q.orderBy('x.requested_at').execute()).map(toRow);
    },

    /** Ids of open reconciliations requested before `before`. */
    async staleIds(before: Date): Promise<string[]> {
      return (await db.selectFrom('exchange_reconciliations').select('id').where('status', '=', 'requested').where('requested_at', '<', before).execute()).map((r) => r.id);
    },

    async insert(values: { taskId: string; requestedBy: string; at: Date; platform: StoredPlatformSide }): Promise<string> {
      return (await db.insertInto('exchange_reconciliations').values({
        task_id: values.taskId, status: 'requested', requested_by: values.requestedBy, requested_at: values.at,
        platform: JSON.stringify(values.platform), targets: '[]', differences: '[]',
      }).returning('id').executeTakeFirstOrThrow()).id;
    },

    async update(id: string, values: { source?: ReconcileSide | null; targets?: ReconcileTarget[]; status?: 'done'; differences?: string[]; finishedAt?: Date }): Promise<void> {
      await db.updateTable('exchange_reconciliations').set({
        ...(values.source !== undefined ? { source: values.source === null ? null : JSON.stringify(values.source) } : {}),
        ...(values.targets ? { targets: JSON.stringify(values.targets) } : {}),
        ...(values.status ? { status: values.status } : {}),
        ...(values.differences ? { differences: JSON.stringify(values.differences) } : {}),
        ...(values.finishedAt ? { finished_at: values.finishedAt } : {}),
      }).where('id', '=', id).execute();
    },

    /** A publish task with what a reconciliation request needs. */
    findTask(id: string) {
      return db.selectFrom('exchange_tasks as t')
        .innerJoin('catalog_resources as r', 'r.id', 't.resource_id')
        .select(['t.id', 't.code', 't.org_id', 't.node_id', 't.resource_id', 't.kind', 't.column_map', 'r.name as resource_name'])
        .where('t.id', '=', id).executeTakeFirst();
    },

    /** Active subscriptions of a resource, with their department and node names. */
    activeSubscriptions(resourceId: string) {
      return db.selectFrom('exchange_subscriptions as s')
        .innerJoin('identity_orgs as o', 'o.id', 's.org_id')
        .innerJoin('exchange_nodes as n', 'n.id', 's.node_id')
        .select(['s.id', 's.code', 's.org_id', 's.node_id', 's.column_map', 'o.name as org_name', 'n.name as node_name'])
        .where('s.resource_id', '=', resourceId).where('s.status', '=', 'active')
        .orderBy('s.code').execute();
    },

    findSubscription(id: string) {
      return db.selectFrom('exchange_subscriptions').select(['id', 'node_id', 'org_id']).where('id', '=', id).executeTakeFirst();
    },
  };
}
