import { sql, type Kysely } from 'kysely';

/**
 * The in-app inbox (消息). A message goes to one user, to a department (optionally only to holders of
 * some roles), or to every holder of some roles; read state is per user.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('recipient_user_id', 'uuid')
    .addColumn('recipient_org_id', 'uuid')
    // null: everyone in the department; else a JSON array of roles.
    .addColumn('recipient_roles', 'jsonb')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('notifications_recipient', sql`recipient_user_id is not null or recipient_org_id is not null or recipient_roles is not null`)
    .execute();
  await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['recipient_user_id', 'created_at']).execute();
  await db.schema.createIndex('notifications_org_idx').on('notifications').columns(['recipient_org_id', 'created_at']).execute();

  await db.schema
    .createTable('notifications_reads')
    .addColumn('notification_id', 'uuid', (c) => c.notNull().references('notifications.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('notifications_reads_pk', ['notification_id', 'user_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
