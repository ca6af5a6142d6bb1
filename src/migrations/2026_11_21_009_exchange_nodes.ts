import { sql, type Kysely } from 'kysely';

/**
 * Exchange (数据交换), first slice: the front-end node registry (前置机注册). One-time enrolment tokens
 * created by a department admin, the nodes (SM2 public key, state, assigned node code, last heartbeat) and a
 * per-department counter for the node code's sequence.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('exchange_enrolment_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('node_name', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull().check(sql`zone in ('政务外网', '互联网', '专网')`))
    // Only the SM3 of the token is stored; the token itself is shown once.
    .addColumn('token_sm3', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('used_by_node_id', 'uuid')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('exchange_enrolment_tokens_org_idx').on('exchange_enrolment_tokens').columns(['org_id', 'created_at']).execute();

  await db.schema
    .createTable('exchange_nodes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('code', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull().check(sql`zone in ('政务外网', '互联网', '专网')`))
    .addColumn('public_key', 'text', (c) => c.notNull().unique())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('contact', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected', 'revoked')`))
    .addColumn('enrolment_token_id', 'uuid', (c) => c.notNull().references('exchange_enrolment_tokens.id'))
    .addColumn('enrolled_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'uuid')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('reject_reason', 'text')
    .addColumn('revoked_by', 'uuid')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoke_reason', 'text')
    .addColumn('last_heartbeat_at', 'timestamptz')
    .addColumn('last_version', 'text')
    .addColumn('last_status', 'text')
    .addColumn('last_backlog', 'bigint')
    .addColumn('last_detail', 'text')
    .execute();
  await db.schema.createIndex('exchange_nodes_org_idx').on('exchange_nodes').columns(['org_id', 'enrolled_at']).execute();

  // The last node-code sequence used per department (race-safe: one upsert row per department).
  await db.schema
    .createTable('exchange_node_sequences')
    .addColumn('org_id', 'uuid', (c) => c.primaryKey().references('identity_orgs.id'))
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('exchange_node_sequences').execute();
  await db.schema.dropTable('exchange_nodes').execute();
  await db.schema.dropTable('exchange_enrolment_tokens').execute();
}
