import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identity_orgs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('uscc', 'text', (c) => c.notNull().unique())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'uuid', (c) => c.references('identity_orgs.id'))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('province', 'city', 'county')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('identity_orgs_parent_idx').on('identity_orgs').column('parent_id').execute();

  await db.schema
    .createTable('identity_users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('org_id', 'uuid', (c) => c.references('identity_orgs.id')) // null: a platform-level account (admin, 三员)
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('password_changed_at', 'timestamptz')
    .addColumn('last_login_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('identity_users_org_idx').on('identity_users').column('org_id').execute();

  await db.schema
    .createTable('identity_user_roles')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('identity_users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('platform_admin', 'dept_admin', 'dept_user', 'sys_admin', 'sec_admin', 'auditor')`),
    )
    .addPrimaryKeyConstraint('identity_user_roles_pk', ['user_id', 'role'])
    .execute();

  await db.schema
    .createTable('identity_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey()) // SM3 of the token; the token itself is never stored
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('identity_users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('identity_sessions_user_idx').on('identity_sessions').column('user_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
