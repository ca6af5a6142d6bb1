import type { Selectable } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { DataAppsTable } from '../data-services.tables.js';

export type AppRow = Selectable<DataAppsTable> & { org_name: string };

const appColumns = [
  'a.id', 'a.org_id', 'a.name', 'a.description', 'a.app_key', 'a.secret_sealed', 'a.status', 'a.created_by', 'a.created_at',
  'a.secret_rotated_at', 'a.disabled_at', 'o.name as org_name',
] as const;

/** SQL for applications and grant narrowing; pass the caller's transaction as `db`. */
export function appsRepository(db: Database) {
  const base = () => db.selectFrom('data_apps as a').innerJoin('identity_orgs as o', 'o.id', 'a.org_id').select(appColumns);
  return {
    async list(orgId: string | null): Promise<AppRow[]> {
      let q = base();
      if (orgId) q = q.where('a.org_id', '=', orgId);
      return q.orderBy('a.created_at', 'desc').orderBy('a.id').execute();
    },
    async find(id: string): Promise<AppRow | undefined> {
      return base().where('a.id', '=', id).executeTakeFirst();
    },
    async findByKey(appKey: string): Promise<AppRow | undefined> {
      return base().where('a.app_key', '=', appKey).executeTakeFirst();
    },
    async lock(id: string): Promise<void> {
      await db.selectFrom('data_apps').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    },
    async insert(row: { org_id: string; name: string; description: string | null; app_key: string; secret_sealed: string; created_by: string; created_at: Date }): Promise<string> {
      const { id } = await db.insertInto('data_apps').values({ ...row, status: 'active' }).returning('id').executeTakeFirstOrThrow();
      return id;
    },
    async update(id: string, patch: Partial<Pick<Selectable<DataAppsTable>, 'secret_sealed' | 'status' | 'secret_rotated_at' | 'disabled_at'>>): Promise<void> {
      await db.updateTable('data_apps').set(patch).where('id', '=', id).execute();
    },
    /** The grant's sides and status (read from the sharing module's table: the narrowing belongs to data services). */
    async grantForNarrowing(grantId: string) {
      return db.selectFrom('sharing_grants').select(['id', 'provider_org_id', 'consumer_org_id', 'resource_code', 'status']).where('id', '=', grantId).executeTakeFirst();
    },
    /** The application a grant is narrowed to, or undefined (any of the consumer's applications). */
    async grantApp(grantId: string): Promise<string | undefined> {
      return (await db.selectFrom('data_grant_apps').select('app_id').where('grant_id', '=', grantId).executeTakeFirst())?.app_id;
    },
    /** Narrowed grants with their application's name; `consumerOrgId` null: every department's. */
    async grantNarrowings(consumerOrgId: string | null): Promise<{ grant_id: string; app_id: string; app_name: string }[]> {
      let q = db.selectFrom('data_grant_apps as ga')
        .innerJoin('sharing_grants as g', 'g.id', 'ga.grant_id')
        .innerJoin('data_apps as a', 'a.id', 'ga.app_id')
        .select(['ga.grant_id', 'ga.app_id', 'a.name as app_name']);
      if (consumerOrgId) q = q.where('g.consumer_org_id', '=', consumerOrgId);
      return q.orderBy('ga.set_at', 'desc').orderBy('ga.grant_id').execute();
    },
    async setGrantApp(grantId: string, appId: string | null, by: string, at: Date): Promise<void> {
      if (appId === null) {
        await db.deleteFrom('data_grant_apps').where('grant_id', '=', grantId).execute();
        return;
      }
      await db.insertInto('data_grant_apps').values({ grant_id: grantId, app_id: appId, set_by: by, set_at: at })
        .onConflict((oc) => oc.column('grant_id').doUpdateSet({ app_id: appId, set_by: by, set_at: at })).execute();
    },
  };
}
