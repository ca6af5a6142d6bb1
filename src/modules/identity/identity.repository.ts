import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { Role } from './identity.policy.js';

export interface OrgRow {
  id: string;
  name: string;
  uscc: string;
  region_code: string;
  parent_id: string | null;
  level: 'province' | 'city' | 'county';
}

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  org_id: string | null;
  org_name: string | null;
  password_hash: string;
  must_change_password: boolean;
  failed_attempts: number;
  locked_until: Date | null;
  disabled: boolean;
  last_login_at: Date | null;
  created_at: Date;
  roles: Role[];
}

const ORG_COLUMNS = ['id', 'name', 'uscc', 'region_code', 'parent_id', 'level'] as const;

export function identityRepository(db: Database) {
  const usersQuery = () =>
    db
      .selectFrom('identity_users as u')
      .leftJoin('identity_orgs as o', 'o.id', 'u.org_id')
      .select([
        'u.id', 'u.username', 'u.display_name', 'u.org_id', 'o.name as org_name', 'u.password_hash',
        'u.must_change_password', 'u.failed_attempts', 'u.locked_until', 'u.disabled', 'u.last_login_at', 'u.created_at',
        sql<Role[]>`coalesce((select array_agg(r.role order by r.role) from identity_user_roles r where r.user_id = u.id), '{}')`.as('roles'),
      ]);

  return {
    // ----- departments -----
    listOrgs: (): Promise<OrgRow[]> => db.selectFrom('identity_orgs').select(ORG_COLUMNS).orderBy('created_at').orderBy('name').execute(),
    findOrg: (id: string): Promise<OrgRow | undefined> =>
      db.selectFrom('identity_orgs').select(ORG_COLUMNS).where('id', '=', id).executeTakeFirst(),
    findOrgByUscc: (uscc: string): Promise<OrgRow | undefined> =>
      db.selectFrom('identity_orgs').select(ORG_COLUMNS).where('uscc', '=', uscc).executeTakeFirst(),
    insertOrg: (org: Omit<OrgRow, 'id'>): Promise<OrgRow> =>
      db.insertInto('identity_orgs').values(org).returning(ORG_COLUMNS).executeTakeFirstOrThrow(),
    updateOrg: (id: string, patch: Partial<Omit<OrgRow, 'id' | 'uscc'>>): Promise<OrgRow> =>
      db.updateTable('identity_orgs').set({ ...patch, updated_at: new Date() }).where('id', '=', id).returning(ORG_COLUMNS).executeTakeFirstOrThrow(),
    /** Ids of the department and all departments below it. */
    async orgSubtreeIds(id: string): Promise<string[]> {
      const rows = await sql<{ id: string }>`
        with recursive tree as (
          select id from identity_orgs where id = ${id}
          union all
          select o.id from identity_orgs o join tree t on o.parent_id = t.id
        ) select id from tree`.execute(db);
      return rows.rows.map((r) => r.id);
    },
    countOrgs: async () => Number((await db.selectFrom('identity_orgs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),

    // ----- accounts -----
    findUserById: (id: string): Promise<UserRow | undefined> => usersQuery().where('u.id', '=', id).executeTakeFirst(),
    findUserByUsername: (username: string): Promise<UserRow | undefined> =>
      usersQuery().where('u.username', '=', username.trim().toLowerCase()).executeTakeFirst(),
    async listUsers(filter: { orgId?: string; q?: string; limit: number; offset: number }) {
      let query = usersQuery();
      let count = db.selectFrom('identity_users as u');
      if (filter.orgId) {
        query = query.where('u.org_id', '=', filter.orgId);
        count = count.where('u.org_id', '=', filter.orgId);
      }
      if (filter.q?.trim()) {
        const pattern = `%${filter.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) => eb.or([eb('u.username', 'ilike', pattern), eb('u.display_name', 'ilike', pattern)]));
        count = count.where((eb) => eb.or([eb('u.username', 'ilike', pattern), eb('u.display_name', 'ilike', pattern)]));
      }
      const [rows, total] = await Promise.all([
        query.orderBy(sql`o.name nulls first`).orderBy('u.username').limit(filter.limit).offset(filter.offset).execute(),
        count.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(total.n) };
    },
    countUsers: async () => Number((await db.selectFrom('identity_users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
    async insertUser(user: { username: string; display_name: string; org_id: string | null; password_hash: string; must_change_password: boolean }, roles: Role[]) {
      const { id } = await db
        .insertInto('identity_users')
        .values({ ...user, username: user.username.trim().toLowerCase(), password_changed_at: user.must_change_password ? null : new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (roles.length > 0) await db.insertInto('identity_user_roles').values(roles.map((role) => ({ user_id: id, role }))).execute();
      return id;
    },
    async updateUser(id: string, patch: { display_name?: string; disabled?: boolean; password_hash?: string; must_change_password?: boolean; failed_attempts?: number; locked_until?: Date | null; last_login_at?: Date; password_changed_at?: Date }) {
      await db.updateTable('identity_users').set({ ...patch, updated_at: new Date() }).where('id', '=', id).execute();
    },
    async replaceRoles(userId: string, roles: Role[]) {
      await db.deleteFrom('identity_user_roles').where('user_id', '=', userId).execute();
      if (roles.length > 0) await db.insertInto('identity_user_roles').values(roles.map((role) => ({ user_id: userId, role }))).execute();
    },
    /** Counts a failed login atomically and returns the new count. */
    async incrementFailedAttempts(id: string): Promise<number> {
      const row = await db
        .updateTable('identity_users')
        .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
        .where('id', '=', id)
        .returning('failed_attempts')
        .executeTakeFirstOrThrow();
      return row.failed_attempts;
    },

    // ----- sessions -----
    insertSession: (s: { id: string; user_id: string; csrf_token: string; created_at: Date; last_seen_at: Date; expires_at: Date; ip: string | null; user_agent: string | null }) =>
      db.insertInto('identity_sessions').values(s).execute(),
    findSession: (id: string) =>
      db.selectFrom('identity_sessions').select(['id', 'user_id', 'csrf_token', 'last_seen_at', 'expires_at']).where('id', '=', id).executeTakeFirst(),
    touchSession: (id: string, at: Date) => db.updateTable('identity_sessions').set({ last_seen_at: at }).where('id', '=', id).execute(),
    deleteSession: (id: string) => db.deleteFrom('identity_sessions').where('id', '=', id).execute(),
    /** Ends every session of a user except (optionally) one. */
    deleteUserSessions: (userId: string, exceptId?: string) => {
      let q = db.deleteFrom('identity_sessions').where('user_id', '=', userId);
      if (exceptId) q = q.where('id', '!=', exceptId);
      return q.execute();
    },
    deleteExpiredSessions: (idleBefore: Date, now: Date) =>
      db.deleteFrom('identity_sessions').where((eb) => eb.or([eb('last_seen_at', '<', idleBefore), eb('expires_at', '<', now)])).execute(),
  };
}

export type IdentityRepository = ReturnType<typeof identityRepository>;
