import type { Database } from '../../../platform/db/database.js';
import { DomainError } from '../../../platform/errors.js';
import type { GrantView, MaskingKind } from '../../sharing/index.js';
import { cstDay } from './cst-time.js';
import { TtlCache } from './ttl-cache.js';

interface GrantCandidate {
  id: string;
  request_id: string;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  provider_org_id: string;
  consumer_org_id: string;
  application_name: string;
  items: string[];
  masking: Record<string, string>;
  valid_from: string;
  valid_to: string;
  daily_quota: number;
  status: 'active' | 'revoked' | 'expired';
  created_at: Date | string;
  revoked_at: Date | string | null;
  revoked_reason: string | null;
  narrowed_app_id: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Positive lookups are kept this long; a new grant is never hidden by a cached miss (misses are not cached). */
export const GRANT_CACHE_MS = 1000;
/** A cached grant older than this is re-read in the background while calls keep using it. */
const GRANT_REFRESH_MS = 400;

/**
 * The grant under which an application may call a resource, following the contract's order: an effective
 * grant of the app's department (active, today within the period, not narrowed to another app); otherwise
 * GRANT_EXPIRED when the latest applicable grant's period ended or it expired, GRANT_REVOKED when it was
 * revoked, GRANT_REQUIRED when there is none (or only one narrowed to another application, or not started).
 */
export function createGrantResolver(deps: { db: Database }) {
  const { db } = deps;
  const cache = new TtlCache<GrantView>(GRANT_CACHE_MS);
  const orgNames = new TtlCache<string>(60_000);

  async function namesOf(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing = ids.filter((id) => { const n = orgNames.get(id); if (n !== undefined) out.set(id, n); return n === undefined; });
    if (missing.length > 0) {
      for (const o of await db.selectFrom('identity_orgs').select(['id', 'name']).where('id', 'in', missing).execute()) {
        orgNames.set(o.id, o.name);
        out.set(o.id, o.name);
      }
    }
    return out;
  }

  function toView(g: GrantCandidate, names: Map<string, string>): GrantView {
    return {
      id: g.id, requestId: g.request_id, resourceId: g.resource_id, resourceCode: g.resource_code, resourceName: g.resource_name,
      providerOrgId: g.provider_org_id, providerName: names.get(g.provider_org_id) ?? '',
      consumerOrgId: g.consumer_org_id, consumerOrgName: names.get(g.consumer_org_id) ?? '',
      applicationName: g.application_name, items: g.items, masking: g.masking as Record<string, MaskingKind>,
      validFrom: g.valid_from, validTo: g.valid_to, dailyQuota: g.daily_quota, status: g.status, effective: true,
      createdAt: iso(g.created_at)!, revokedAt: iso(g.revoked_at), revokedReason: g.revoked_reason,
    };
  }

  async function candidates(orgId: string, resourceId: string): Promise<GrantCandidate[]> {
    return db.selectFrom('sharing_grants as g')
      .leftJoin('data_grant_apps as ga', 'ga.grant_id', 'g.id')
      .select([
        'g.id', 'g.request_id', 'g.resource_id', 'g.resource_code', 'g.resource_name', 'g.provider_org_id', 'g.consumer_org_id',
        'g.application_name', 'g.items', 'g.masking', 'g.valid_from', 'g.valid_to', 'g.daily_quota', 'g.status', 'g.created_at',
        'g.revoked_at', 'g.revoked_reason', 'ga.app_id as narrowed_app_id',
      ])
      .where('g.consumer_org_id', '=', orgId).where('g.resource_id', '=', resourceId)
      .orderBy('g.created_at', 'desc')
      .execute() as Promise<GrantCandidate[]>;
  }

  const stillEffective = (g: GrantView, today: string) => g.status === 'active' && g.validFrom <= today && today <= g.validTo;

  /** Bumped by every invalidation, so that a lookup that read the old row does not cache it afterwards. */
  let generation = 0;
  const inflight = new Map<string, Promise<GrantCandidate[]>>();
  /** One query per app and resource at a time: concurrent calls share it. */
  function lookup(app: { id: string; orgId: string }, resourceId: string, key: string): Promise<GrantCandidate[]> {
    let p = inflight.get(key);
    if (!p) {
      const started = candidates(app.orgId, resourceId).then((all) => all.filter((g) => g.narrowed_app_id === null || g.narrowed_app_id === app.id))
        .finally(() => { if (inflight.get(key) === started) inflight.delete(key); });
      p = started;
      inflight.set(key, p);
    }
    return p;
  }

  const effectiveOf = (all: GrantCandidate[], today: string) => all.filter((g) => g.status === 'active' && g.valid_from <= today && today <= g.valid_to)
    .sort((a, b) => (a.valid_to < b.valid_to ? 1 : a.valid_to > b.valid_to ? -1 : 0))[0];

  async function load(app: { id: string; orgId: string }, resourceId: string, key: string, today: string): Promise<{ all: GrantCandidate[]; view: GrantView | null }> {
    const gen = generation;
    const all = await lookup(app, resourceId, key);
    const effective = effectiveOf(all, today);
    if (!effective) {
      cache.delete(key);
      return { all, view: null };
    }
    const view = toView(effective, await namesOf([effective.provider_org_id, effective.consumer_org_id]));
    if (gen === generation) {
      cache.set(key, view);
      fetchedAt.set(key, Date.now());
    }
    return { all, view };
  }
  const fetchedAt = new Map<string, number>();

  return {
    /** The effective grant, or throws GRANT_REQUIRED / GRANT_EXPIRED / GRANT_REVOKED. */
    /** The cached effective grant (re-checked against the clock), or undefined: then call `resolve`. */
    cached(app: { id: string; orgId: string }, resourceId: string, at: Date): GrantView | undefined {
      const key = `${app.id}|${resourceId}`;
      const cached = cache.get(key);
      if (!cached || !stillEffective(cached, cstDay(at))) return undefined;
      // Refresh ahead in the background, so that busy grants never wait for the database.
      if (Date.now() - (fetchedAt.get(key) ?? 0) > GRANT_REFRESH_MS && !inflight.has(key)) void load(app, resourceId, key, cstDay(at)).catch(() => undefined);
      return cached;
    },

    async resolve(app: { id: string; orgId: string }, resourceId: string, at: Date): Promise<GrantView> {
      const key = `${app.id}|${resourceId}`;
      const today = cstDay(at);
      const { all, view } = await load(app, resourceId, key, today);
      if (view) return view;
      // The latest grant that has started says why there is none now.
      const latest = all.find((g) => g.valid_from <= today);
      if (latest?.status === 'revoked') {
        throw new DomainError('GRANT_REVOKED', 'The grant for this resource was revoked (该资源的共享授权已被撤销).', { grantId: latest.id });
      }
      if (latest && (latest.status === 'expired' || latest.valid_to < today)) {
        throw new DomainError('GRANT_EXPIRED', `The grant for this resource ended on ${latest.valid_to} (该资源的共享授权已过期).`, { grantId: latest.id });
      }
      throw new DomainError('GRANT_REQUIRED', 'Your department has no grant for this resource usable by this application (本部门没有该资源的有效共享授权，或授权未指定本应用).');
    },

    /** Drops cached lookups of a grant (revoked, expired, renewed or narrowed in this process). */
    invalidate(grantId: string): void {
      generation++;
      cache.deleteWhere((g) => g.id === grantId);
      // A narrowing or a new grant changes which grant applies: later calls must not share a lookup already running.
      inflight.clear();
    },

    clear(): void {
      generation++;
      cache.clear();
      inflight.clear();
    },
  };
}

export type GrantResolver = ReturnType<typeof createGrantResolver>;
