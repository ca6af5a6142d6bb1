import { catalogResourceLookup } from '../../catalog/index.js';
import type { Actor } from '../../identity/identity.policy.js';
import type { Database } from '../../../platform/db/database.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import { parseDateRange } from '../../../platform/http/date-range.js';
import { callScopeFor, type CallScope } from './calls.policy.js';
import { callsRepository, type CallFilter } from './calls.repository.js';
import type { CallListQuery, CallQuery, CallSide, CallStats, CallView } from './calls.types.js';

export type { CallListQuery, CallQuery, CallStats, CallView };

/** `from` / `to` as instants (a bare date is a CST calendar day). */
export const parseRange = parseDateRange;

function scopeOrRefuse(actor: Actor, side: CallSide | undefined): CallScope {
  const scope = callScopeFor(actor, side ?? 'provider');
  if (!scope) throw forbidden('Only departments, the platform admin and the auditor may read the call log (无权查看调用日志).');
  return scope;
}

function filterOf(query: CallQuery): CallFilter {
  return { resourceId: query.resource, appId: query.app, consumerOrgId: query.consumer, status: query.status, ...parseRange(query.from, query.to) };
}

/** Reading the call log (调用日志) and its statistics for the console's tables and charts. */
export function createCallsService(deps: { db: Database; now?: () => Date }) {
  const { db } = deps;

  async function resourceNames(ids: (string | null)[]): Promise<Map<string, { code: string; name: string }>> {
    const unique = [...new Set(ids.filter((id): id is string => id !== null))];
    return new Map((await catalogResourceLookup.byIds(db, unique)).map((r) => [r.id, { code: r.code, name: r.name }]));
  }

  return {
    /** GET /calls: newest first, with department, application and resource names. */
    async list(actor: Actor, query: CallListQuery): Promise<{ items: CallView[]; total: number }> {
      const scope = scopeOrRefuse(actor, query.side);
      const { rows, total } = await callsRepository(db).list(scope, filterOf(query), { limit: query.limit ?? 50, offset: query.offset ?? 0 });
      const names = await resourceNames(rows.map((r) => r.resource_id));
      const items = rows.map((r): CallView => ({
        id: r.id, at: new Date(r.at).toISOString(), appId: r.app_id, appKey: r.app_key, appName: r.app_name,
        consumerOrgId: r.consumer_org_id, consumerOrgName: r.consumer_org_name ?? null, providerOrgId: r.provider_org_id, providerOrgName: r.provider_org_name ?? null,
        resourceId: r.resource_id, resourceCode: r.resource_code ?? (r.resource_id ? names.get(r.resource_id)?.code ?? null : null),
        resourceName: r.resource_id ? names.get(r.resource_id)?.name ?? null : null, grantId: r.grant_id, operation: r.operation,
        items: Array.isArray(r.items) ? r.items : [], rows: Number(r.rows), status: Number(r.status), errorCode: r.error_code,
        latencyMs: Number(r.latency_ms), clientIp: r.client_ip,
      }));
      return { items, total };
    },

    /** GET /calls/stats: calls per CST day, resource, consumer department and operation, and latency percentiles. */
    async stats(actor: Actor, query: CallQuery): Promise<CallStats> {
      const scope = scopeOrRefuse(actor, query.side);
      const stats = await callsRepository(db).stats(scope, filterOf(query));
      const names = await resourceNames(stats.byResource.map((r) => r.resource_id));
      const counts = (r: { calls: number | string; errors: number | string; rows: number | string }) =>
        ({ calls: Number(r.calls), errors: Number(r.errors), rows: Number(r.rows) });
      const ms = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);
      return {
        byDay: stats.byDay.map((r) => ({ day: r.day, ...counts(r) })),
        byResource: stats.byResource.map((r) => ({
          resourceId: r.resource_id!, resourceCode: names.get(r.resource_id!)?.code ?? r.resource_code, resourceName: names.get(r.resource_id!)?.name ?? null, ...counts(r),
        })),
        byConsumer: stats.byConsumer.map((r) => ({ orgId: r.consumer_org_id!, orgName: r.org_name, ...counts(r) })),
        byOperation: stats.byOperation.map((r) => ({ operation: r.operation, calls: Number(r.calls) })),
        latency: { p50: ms(stats.latency.p50), p95: ms(stats.latency.p95) },
      };
    },
  };
}

export type CallsService = ReturnType<typeof createCallsService>;
