import { sql } from 'kysely';
import { emitPlatformEvent } from '../../platform/events.js';
import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import type { Actor } from '../identity/identity.policy.js';
import { notify } from '../notifications/index.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError, forbidden } from '../../platform/errors.js';
import { canReadSharingCase, canRevokeGrant, isMemberOf, isPlatformAdmin } from './sharing.policy.js';
import { sharingRepository, type GrantRow } from './sharing.repository.js';
import { invalid, links, viewContextFor } from './sharing-support.js';
import { toGrantView } from './sharing-views.js';
import type { GrantStatus, GrantView } from './sharing.types.js';
import { cstDate } from './working-days.js';

export interface GrantFilter {
  as?: 'consumer' | 'provider';
  status?: GrantStatus;
  resourceId?: string;
  limit?: number;
  offset?: number;
}

const notFound = (id: string) => new DomainError('GRANT_NOT_FOUND', `Grant ${id} does not exist (授权不存在).`);

/**
 * The grant under which a department may use a resource at `at`, or null: active, and the CST date
 * within its period. Data services and exchange call this before every use; apply its `masking`.
 * With several (different applications), the one that runs longest.
 */
export async function findEffectiveGrant(db: Database, q: { consumerOrgId: string; resourceId: string; at?: Date }): Promise<GrantView | null> {
  const at = q.at ?? new Date();
  const today = cstDate(at);
  const row = await db.selectFrom('sharing_grants').selectAll()
    .where('consumer_org_id', '=', q.consumerOrgId).where('resource_id', '=', q.resourceId).where('status', '=', 'active')
    .where('valid_from', '<=', today).where('valid_to', '>=', today)
    .orderBy('valid_to', 'desc').limit(1).executeTakeFirst();
  if (!row) return null;
  return toGrantView(row, { now: at, orgNames: await sharingRepository(db).orgNames([row.provider_org_id, row.consumer_org_id]) });
}

export function createGrantsService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;

  async function view(trx: Database, row: GrantRow): Promise<GrantView> {
    return toGrantView(row, await viewContextFor(trx, now(), [row.provider_org_id, row.consumer_org_id]));
  }

  return {
    async list(actor: Actor, filter: GrantFilter): Promise<{ items: GrantView[]; total: number }> {
      let query = db.selectFrom('sharing_grants');
      const side = filter.as ?? (isPlatformAdmin(actor) && !(actor.orgId && isMemberOf(actor, actor.orgId)) ? undefined : 'consumer');
      if (side) {
        if (!actor.orgId || !isMemberOf(actor, actor.orgId)) throw forbidden('Only department users have grants (只有部门用户可以查看本部门的授权).');
        query = query.where(side === 'consumer' ? 'consumer_org_id' : 'provider_org_id', '=', actor.orgId);
      } else if (!isPlatformAdmin(actor)) throw forbidden();
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.resourceId) query = query.where('resource_id', '=', filter.resourceId);
      const { total } = await query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow();
      const rows = await query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit ?? 50).offset(filter.offset ?? 0).execute();
      const context = await viewContextFor(db, now(), rows.flatMap((r) => [r.provider_org_id, r.consumer_org_id]));
      return { items: rows.map((r) => toGrantView(r, context)), total };
    },

    async get(actor: Actor, id: string): Promise<GrantView> {
      const row = await sharingRepository(db).findGrant(id);
      if (!row) throw notFound(id);
      if (!canReadSharingCase(actor, { providerOrgId: row.provider_org_id, consumerOrgId: row.consumer_org_id })) {
        throw forbidden('Only the consumer\'s and the provider\'s departments may see this grant (只有使用方和提供方可以查看该授权).');
      }
      return view(db, row);
    },

    /** 撤销授权: the provider department's admin or the platform admin, with a reason. */
    async revoke(actor: Actor, ctx: AuditContext, id: string, reason: string): Promise<GrantView> {
      const why = reason.trim();
      return db.transaction().execute(async (trx) => {
        const at = now();
        const row = await sharingRepository(trx).findGrant(id, true);
        if (!row) throw notFound(id);
        if (!canRevokeGrant(actor, row.provider_org_id)) throw forbidden('Only the provider department\'s admin or the platform admin may revoke a grant (只有提供部门管理员或平台管理员可以撤销授权).');
        if (!why) throw invalid('reason', 'reason: required (请填写撤销理由).');
        if (row.status !== 'active') throw new DomainError('GRANT_NOT_ACTIVE', `The grant is already ${row.status} (授权已失效).`);
        const updated = await sharingRepository(trx).updateGrant(id, { status: 'revoked', revoked_at: at, revoked_by: actor.userId, revoked_reason: why });
        emitPlatformEvent('grant.changed', id);
        await recordAuditEvent(trx, ctx, { action: 'sharing.grant_revoked', targetType: 'grant', targetId: id, detail: { resourceCode: row.resource_code, consumerOrgId: row.consumer_org_id, reason: why } }, at);
        await notify(trx, {
          recipient: { orgId: row.consumer_org_id }, kind: 'grant.revoked',
          title: `“${row.resource_name}”的共享授权已被撤销`, body: `理由：${why}`, link: links.grant(id),
        }, at);
        return view(trx, updated);
      });
    },
  };
}

export type GrantsService = ReturnType<typeof createGrantsService>;
