import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { DB } from '../../../platform/db/schema.js';
import type { CallScope } from './calls.policy.js';

export interface CallFilter {
  resourceId?: string;
  appId?: string;
  consumerOrgId?: string;
  status?: 'ok' | 'error';
  from?: Date;
  to?: Date;
}

type CallsQuery = SelectQueryBuilder<DB & { c: DB['data_calls'] }, 'c', object>;

/** The calendar day in China Standard Time (UTC+8, no daylight saving). */
const cstDay = sql<string>`to_char((c.at at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;
const errorCount = sql<number>`count(*) filter (where c.status >= 400)`;
const rowSum = sql<number>`coalesce(sum(c.rows), 0)`;
const callCount = sql<number>`count(*)`;

function narrowed(query: CallsQuery, scope: CallScope, filter: CallFilter): CallsQuery {
  let q = query;
  if (scope.kind === 'department') q = q.where(scope.side === 'provider' ? 'c.provider_org_id' : 'c.consumer_org_id', '=', scope.orgId);
  if (filter.resourceId) q = q.where('c.resource_id', '=', filter.resourceId);
  if (filter.appId) q = q.where('c.app_id', '=', filter.appId);
  if (filter.consumerOrgId) q = q.where('c.consumer_org_id', '=', filter.consumerOrgId);
  if (filter.status === 'ok') q = q.where('c.status', '<', 400);
  if (filter.status === 'error') q = q.where('c.status', '>=', 400);
  if (filter.from) q = q.where('c.at', '>=', filter.from);
  if (filter.to) q = q.where('c.at', '<', filter.to);
  return q;
}

/** Reading `data_calls` (written by the data API's call-log writer). */
export function callsRepository(db: Database) {
  const base = () => db.selectFrom('data_calls as c') as unknown as CallsQuery;

  return {
    async list(scope: CallScope, filter: CallFilter, page: { limit: number; offset: number }) {
      const where = narrowed(base(), scope, filter);
      const [rows, count] = await Promise.all([
        where
          .leftJoin('identity_orgs as co', 'co.id', 'c.consumer_org_id')
          .leftJoin('identity_orgs as po', 'po.id', 'c.provider_org_id')
          .select([
            'c.id', 'c.at', 'c.app_id', 'c.app_key', 'c.app_name', 'c.consumer_org_id', 'co.name as consumer_org_name', 'c.provider_org_id',
            'po.name as provider_org_name', 'c.resource_id', 'c.resource_code', 'c.grant_id', 'c.operation', 'c.items', 'c.rows', 'c.status',
            'c.error_code', 'c.latency_ms', 'c.client_ip',
          ])
          .orderBy('c.at', 'desc').orderBy('c.id', 'desc')
          .limit(page.limit).offset(page.offset)
          .execute(),
        where.select(callCount.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(count.n) };
    },

    async stats(scope: CallScope, filter: CallFilter) {
      const where = () => narrowed(base(), scope, filter);
      const [byDay, byResource, byConsumer, byOperation, latency] = await Promise.all([
        where().select([cstDay.as('day'), callCount.as('calls'), errorCount.as('errors'), rowSum.as('rows')])
          .groupBy(cstDay).orderBy(cstDay).execute(),
        where().where('c.resource_id', 'is not', null)
          .select(['c.resource_id', sql<string | null>`max(c.resource_code)`.as('resource_code'), callCount.as('calls'), errorCount.as('errors'), rowSum.as('rows')])
          .groupBy('c.resource_id').orderBy(callCount, 'desc').orderBy('c.resource_id').limit(100).execute(),
        where().where('c.consumer_org_id', 'is not', null)
          .leftJoin('identity_orgs as co', 'co.id', 'c.consumer_org_id')
          .select(['c.consumer_org_id', sql<string | null>`max(co.name)`.as('org_name'), callCount.as('calls'), errorCount.as('errors'), rowSum.as('rows')])
          .groupBy('c.consumer_org_id').orderBy(callCount, 'desc').orderBy('c.consumer_org_id').limit(100).execute(),
        where().select(['c.operation', callCount.as('calls')]).groupBy('c.operation').orderBy(callCount, 'desc').orderBy('c.operation').execute(),
        where().select([
          sql<number | null>`percentile_cont(0.5) within group (order by c.latency_ms)`.as('p50'),
          sql<number | null>`percentile_cont(0.95) within group (order by c.latency_ms)`.as('p95'),
        ]).executeTakeFirstOrThrow(),
      ]);
      return { byDay, byResource, byConsumer, byOperation, latency };
    },
  };
}
