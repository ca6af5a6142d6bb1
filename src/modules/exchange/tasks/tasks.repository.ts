import { sql, type Insertable, type Updateable } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { ExchangeSubscriptionsTable, ExchangeTasksTable } from '../exchange.tables.js';

/** SQL for publish tasks and subscriptions; pass a transaction as `db` to join it. */
export function tasksRepository(db: Database) {
  const tasks = () =>
    db.selectFrom('exchange_tasks as t')
      .innerJoin('identity_orgs as o', 'o.id', 't.org_id')
      .innerJoin('catalog_resources as r', 'r.id', 't.resource_id')
      .innerJoin('exchange_nodes as n', 'n.id', 't.node_id')
      .selectAll('t')
      .select([
        'o.name as org_name', 'r.code as resource_code', 'r.name as resource_name', 'n.name as node_name', 'n.code as node_code',
        sql<string>`(select count(*) from exchange_subscriptions s where s.resource_id = t.resource_id and s.status = 'active')`.as('subscription_count'),
        sql<Date | null>`(select max(b.received_at) from exchange_batches b where b.task_id = t.id)`.as('last_batch_at'),
      ]);

  const subscriptions = () =>
    db.selectFrom('exchange_subscriptions as s')
      .innerJoin('identity_orgs as o', 'o.id', 's.org_id')
      .innerJoin('catalog_resources as r', 'r.id', 's.resource_id')
      .innerJoin('identity_orgs as p', 'p.id', 'r.provider_org_id')
      .innerJoin('exchange_nodes as n', 'n.id', 's.node_id')
      .innerJoin('sharing_grants as g', 'g.id', 's.grant_id')
      .leftJoin('catalog_resource_versions as v', 'v.id', 'r.published_version_id')
      .selectAll('s')
      .select([
        'v.format_class',
        'o.name as org_name', 'r.code as resource_code', 'r.name as resource_name', 'r.provider_org_id', 'p.name as provider_name',
        'n.name as node_name', 'n.code as node_code', 'g.status as grant_status', 'g.valid_from as grant_valid_from', 'g.valid_to as grant_valid_to',
        'g.items as grant_items', 'g.masking as grant_masking',
      ]);

  return {
    /** Next 'FB'/'DY' code: an advisory lock serialises numbering between concurrent transactions. */
    async nextCode(table: 'exchange_tasks' | 'exchange_subscriptions', prefix: 'FB' | 'DY'): Promise<string> {
      await sql`select pg_advisory_xact_lock(hashtext(${`govshare:${table}.code`}))`.execute(db);
      const row = await db.selectFrom(table).select(sql<string | null>`max(substr(code, 3))`.as('last')).where('code', 'like', `${prefix}%`).executeTakeFirst();
      const next = (row?.last ? Number(row.last) : 0) + 1;
      return `${prefix}${String(next).padStart(6, '0')}`;
    },

    listTasks(filter: { orgId?: string; nodeId?: string; status?: 'active' | 'paused'; resourceId?: string }) {
      let q = tasks();
      if (filter.orgId) q = q.where('t.org_id', '=', filter.orgId);
      if (filter.nodeId) q = q.where('t.node_id', '=', filter.nodeId);
      if (filter.status) q = q.where('t.status', '=', filter.status);
      if (filter.resourceId) q = q.where('t.resource_id', '=', filter.resourceId);
      return q.orderBy('t.created_at', 'desc').orderBy('t.id').execute();
    },

    findTask(id: string) {
      return tasks().where('t.id', '=', id).executeTakeFirst();
    },

    async lockTask(id: string): Promise<void> {
      await db.selectFrom('exchange_tasks').select('id').where('id', '=', id).forUpdate().execute();
    },

    async insertTask(values: Insertable<ExchangeTasksTable>): Promise<string> {
      return (await db.insertInto('exchange_tasks').values(values).returning('id').executeTakeFirstOrThrow()).id;
    },

    async updateTask(id: string, values: Updateable<ExchangeTasksTable>): Promise<void> {
      await db.updateTable('exchange_tasks').set(values).where('id', '=', id).execute();
    },

    listSubscriptions(filter: { orgId?: string; providerOrgId?: string; eitherOrgId?: string; nodeId?: string; status?: 'active' | 'paused' | 'stopped'; resourceId?: string }) {
      let q = subscriptions();
      if (filter.orgId) q = q.where('s.org_id', '=', filter.orgId);
      if (filter.providerOrgId) q = q.where('r.provider_org_id', '=', filter.providerOrgId);
      if (filter.eitherOrgId) { const org = filter.eitherOrgId; q = q.where((eb) => eb.or([eb('s.org_id', '=', org), eb('r.provider_org_id', '=', org)])); }
      if (filter.nodeId) q = q.where('s.node_id', '=', filter.nodeId);
      if (filter.status) q = q.where('s.status', '=', filter.status);
      if (filter.resourceId) q = q.where('s.resource_id', '=', filter.resourceId);
      return q.orderBy('s.created_at', 'desc').orderBy('s.id').execute();
    },

    findSubscription(id: string) {
      return subscriptions().where('s.id', '=', id).executeTakeFirst();
    },

    async lockSubscription(id: string): Promise<void> {
      await db.selectFrom('exchange_subscriptions').select('id').where('id', '=', id).forUpdate().execute();
    },

    async insertSubscription(values: Insertable<ExchangeSubscriptionsTable>): Promise<string> {
      return (await db.insertInto('exchange_subscriptions').values(values).returning('id').executeTakeFirstOrThrow()).id;
    },

    async updateSubscription(id: string, values: Updateable<ExchangeSubscriptionsTable>): Promise<void> {
      await db.updateTable('exchange_subscriptions').set(values).where('id', '=', id).execute();
    },

    /** The resource as tasks and subscriptions need it: provider, status and its published version's format class. */
    resource(id: string) {
      return db.selectFrom('catalog_resources as r')
        .leftJoin('catalog_resource_versions as v', 'v.id', 'r.published_version_id')
        .select(['r.id', 'r.code', 'r.name', 'r.provider_org_id', 'r.status', 'r.published_version_id', 'v.format_class'])
        .where('r.id', '=', id).executeTakeFirst();
    },

    /** Item names of a version, in item order. */
    async items(versionId: string): Promise<string[]> {
      const rows = await db.selectFrom('catalog_resource_items').select('name').where('version_id', '=', versionId).orderBy('position').execute();
      return rows.map((r) => r.name);
    },

    node(id: string) {
      return db.selectFrom('exchange_nodes').select(['id', 'org_id', 'name', 'code', 'status', 'last_endpoints']).where('id', '=', id).executeTakeFirst();
    },

    grant(id: string) {
      return db.selectFrom('sharing_grants').selectAll().where('id', '=', id).executeTakeFirst();
    },

    orgName(id: string) {
      return db.selectFrom('identity_orgs').select('name').where('id', '=', id).executeTakeFirst();
    },
  };
}

export type TaskRow = Awaited<ReturnType<ReturnType<typeof tasksRepository>['listTasks']>>[number];
export type SubscriptionRow = Awaited<ReturnType<ReturnType<typeof tasksRepository>['listSubscriptions']>>[number];
export type GrantRow = NonNullable<Awaited<ReturnType<ReturnType<typeof tasksRepository>['grant']>>>;
