import { randomBytes } from 'node:crypto';
import { recordAuditEvent, type AuditContext } from '../../audit/index.js';
import type { Actor } from '../../identity/identity.policy.js';
import type { SealedBox } from '../../../platform/crypto/sealed-box.js';
import { randomToken } from '../../../platform/crypto/sm3.js';
import type { Database } from '../../../platform/db/database.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import { emitPlatformEvent } from '../../../platform/events.js';
import { canListAllApps, canListAllGrantNarrowings, canManageApps, canReadGrantApp, canSeeApp, canSetGrantApp } from './apps.policy.js';
import { appsRepository, type AppRow } from './apps.repository.js';
import type { AppView, AppWithSecret, GrantNarrowing } from './apps.types.js';

export type { AppView, AppWithSecret, GrantNarrowing };

/** What the data API needs to authenticate a call: the app and its opened secret. */
export interface AppCredentialsRecord {
  id: string;
  appKey: string;
  name: string;
  orgId: string;
  status: 'active' | 'disabled';
  secret: string;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function toAppView(r: AppRow): AppView {
  return {
    id: r.id, orgId: r.org_id, orgName: r.org_name, name: r.name, description: r.description, appKey: r.app_key, status: r.status,
    createdAt: iso(r.created_at)!, secretRotatedAt: iso(r.secret_rotated_at), disabledAt: iso(r.disabled_at),
  };
}

/** `ak` + 24 hex characters. */
export const newAppKey = () => `ak${randomBytes(12).toString('hex')}`;

const grantNotFound = (id: string) => new DomainError('GRANT_NOT_FOUND', `Grant ${id} does not exist (授权不存在).`);
const notFound = (id: string) => new DomainError('APP_NOT_FOUND', `Application ${id} does not exist (应用不存在).`);
const invalid = (field: string, message: string) => new DomainError('APP_INVALID', message, { field });

/** 应用: create, list, rotate the secret, disable and enable; narrow a grant to one application. */
export function createAppsService(deps: { db: Database; now?: () => Date; box: SealedBox }) {
  const now = deps.now ?? (() => new Date());
  const { db, box } = deps;

  async function managed(trx: Database, actor: Actor, id: string): Promise<AppRow> {
    const repo = appsRepository(trx);
    await repo.lock(id);
    const row = await repo.find(id);
    if (!row || !canSeeApp(actor, row.org_id)) throw notFound(id);
    if (!canManageApps(actor, row.org_id)) throw forbidden('Only the department\'s admin may manage its applications (只有本部门管理员可以管理应用).');
    return row;
  }

  return {
    async list(actor: Actor): Promise<{ items: AppView[] }> {
      if (canListAllApps(actor)) return { items: (await appsRepository(db).list(null)).map(toAppView) };
      if (!actor.orgId || !canSeeApp(actor, actor.orgId)) throw forbidden('Only department users have applications (只有部门用户可以查看本部门的应用).');
      return { items: (await appsRepository(db).list(actor.orgId)).map(toAppView) };
    },

    async get(actor: Actor, id: string): Promise<AppView> {
      const row = await appsRepository(db).find(id);
      if (!row || !canSeeApp(actor, row.org_id)) throw notFound(id);
      return toAppView(row);
    },

    async create(actor: Actor, ctx: AuditContext, input: { name: string; description?: string | null }): Promise<AppWithSecret> {
      const orgId = actor.orgId;
      if (!orgId || !canManageApps(actor, orgId)) throw forbidden('Only a department\'s admin may create applications (只有部门管理员可以创建应用).');
      const name = input.name.trim();
      if (!name) throw invalid('name', 'name: required (请填写应用名称).');
      const description = input.description?.trim() || null;
      const appSecret = randomToken(32);
      const appKey = newAppKey();
      return db.transaction().execute(async (trx) => {
        const at = now();
        const id = await appsRepository(trx).insert({ org_id: orgId, name, description, app_key: appKey, secret_sealed: box.seal(appSecret), created_by: actor.userId, created_at: at });
        await recordAuditEvent(trx, ctx, { action: 'data.app_created', targetType: 'app', targetId: id, detail: { name, appKey } }, at);
        const row = (await appsRepository(trx).find(id))!;
        return { id, appKey, appSecret, app: toAppView(row) };
      });
    },

    /** A new secret; the old one stops working at once (in this process at once, elsewhere within the cache TTL). */
    async rotateSecret(actor: Actor, ctx: AuditContext, id: string): Promise<AppWithSecret> {
      const appSecret = randomToken(32);
      const result = await db.transaction().execute(async (trx) => {
        const row = await managed(trx, actor, id);
        const at = now();
        await appsRepository(trx).update(id, { secret_sealed: box.seal(appSecret), secret_rotated_at: at });
        await recordAuditEvent(trx, ctx, { action: 'data.app_secret_rotated', targetType: 'app', targetId: id, detail: { name: row.name, appKey: row.app_key } }, at);
        return { id, appKey: row.app_key, appSecret, app: toAppView((await appsRepository(trx).find(id))!) };
      });
      emitPlatformEvent('app.changed', result.appKey);
      return result;
    },

    async setStatus(actor: Actor, ctx: AuditContext, id: string, status: 'active' | 'disabled'): Promise<AppView> {
      const view = await db.transaction().execute(async (trx) => {
        const row = await managed(trx, actor, id);
        const at = now();
        if (row.status !== status) {
          await appsRepository(trx).update(id, status === 'disabled' ? { status, disabled_at: at } : { status, disabled_at: null });
          await recordAuditEvent(trx, ctx, {
            action: status === 'disabled' ? 'data.app_disabled' : 'data.app_enabled', targetType: 'app', targetId: id, detail: { name: row.name, appKey: row.app_key },
          }, at);
        }
        return toAppView((await appsRepository(trx).find(id))!);
      });
      emitPlatformEvent('app.changed', view.appKey);
      return view;
    },

    /** 授权指定应用: the consumer department's admin narrows a grant to one of its applications (null: any of them). */
    async setGrantApp(actor: Actor, ctx: AuditContext, grantId: string, appId: string | null): Promise<{ grantId: string; appId: string | null }> {
      await db.transaction().execute(async (trx) => {
        const repo = appsRepository(trx);
        const grant = await repo.grantForNarrowing(grantId);
        if (!grant) throw grantNotFound(grantId);
        if (!canSetGrantApp(actor, grant.consumer_org_id)) {
          throw forbidden('Only the consumer department\'s admin may choose the grant\'s application (只有使用部门管理员可以为授权指定应用).');
        }
        if (appId !== null) {
          const app = await repo.find(appId);
          if (!app || app.org_id !== grant.consumer_org_id) throw invalid('appId', 'appId: not an application of the grant\'s department (只能指定本部门的应用).');
        }
        const at = now();
        await repo.setGrantApp(grantId, appId, actor.userId, at);
        await recordAuditEvent(trx, ctx, { action: 'data.grant_app_set', targetType: 'grant', targetId: grantId, detail: { resourceCode: grant.resource_code, appId } }, at);
      });
      emitPlatformEvent('grant.changed', grantId);
      return { grantId, appId };
    },

    /** The application a grant is narrowed to (null: any of the consumer's): either side's members and the platform admin. */
    async getGrantApp(actor: Actor, grantId: string): Promise<{ grantId: string; appId: string | null }> {
      const repo = appsRepository(db);
      const grant = await repo.grantForNarrowing(grantId);
      if (!grant) throw grantNotFound(grantId);
      if (!canReadGrantApp(actor, { providerOrgId: grant.provider_org_id, consumerOrgId: grant.consumer_org_id })) {
        throw forbidden('Only the consumer\'s and the provider\'s departments may see this grant (只有使用方和提供方可以查看该授权).');
      }
      return { grantId, appId: (await repo.grantApp(grantId)) ?? null };
    },

    /** The narrowed grants of the caller's department (consumer side); the platform admin sees every department's. */
    async grantNarrowings(actor: Actor): Promise<{ items: GrantNarrowing[] }> {
      let orgId: string | null = null;
      if (!canListAllGrantNarrowings(actor)) {
        if (!actor.orgId || !canSeeApp(actor, actor.orgId)) throw forbidden('Only department users have grants (只有部门用户可以查看本部门的授权).');
        orgId = actor.orgId;
      }
      const rows = await appsRepository(db).grantNarrowings(orgId);
      return { items: rows.map((r) => ({ grantId: r.grant_id, appId: r.app_id, appName: r.app_name })) };
    },

    /** The app behind a key with its opened secret, for the data API (which caches it); null when unknown. */
    async credentialsByKey(appKey: string): Promise<AppCredentialsRecord | null> {
      const row = await appsRepository(db).findByKey(appKey);
      if (!row) return null;
      return { id: row.id, appKey: row.app_key, name: row.name, orgId: row.org_id, status: row.status, secret: box.open(row.secret_sealed) };
    },

    /** The app by id with its opened secret, for the console's try-it call (the caller checks membership). */
    async credentialsById(id: string): Promise<AppCredentialsRecord | null> {
      const row = await appsRepository(db).find(id);
      if (!row) return null;
      return { id: row.id, appKey: row.app_key, name: row.name, orgId: row.org_id, status: row.status, secret: box.open(row.secret_sealed) };
    },
  };
}

export type AppsService = ReturnType<typeof createAppsService>;
