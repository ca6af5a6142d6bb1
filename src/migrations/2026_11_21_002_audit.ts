import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey()) // assigned by the chain writer: gaps are detectable
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_id', 'uuid')
    .addColumn('actor_username', 'text')
    .addColumn('actor_org_id', 'uuid')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('ip', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_at_idx').on('audit_events').column('at').execute();
  await db.schema.createIndex('audit_events_action_idx').on('audit_events').columns(['action', 'at']).execute();
  await db.schema.createIndex('audit_events_actor_idx').on('audit_events').columns(['actor_username', 'at']).execute();

  await db.schema
    .createTable('audit_anchors')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('pruned_through_id', 'bigint', (c) => c.notNull())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .addColumn('pruned_count', 'integer', (c) => c.notNull())
    .addColumn('pruned_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // Append-only at the database too: updates always fail; deletes only by retention pruning,
  // which sets govshare.audit_prune for its own transaction. The hash chain catches what a
  // superuser does around this.
  await sql`
    create function audit_events_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and current_setting('govshare.audit_prune', true) = 'on' then
        return old;
      end if;
      raise exception 'audit_events is append-only (% refused)', tg_op;
    end $$`.execute(db);
  await sql`create trigger audit_events_append_only before update or delete on audit_events
            for each row execute function audit_events_guard()`.execute(db);
  await sql`create trigger audit_events_no_truncate before truncate on audit_events
            for each statement execute function audit_events_guard()`.execute(db);
  await sql`create trigger audit_anchors_append_only before update or delete on audit_anchors
            for each row execute function audit_events_guard()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
