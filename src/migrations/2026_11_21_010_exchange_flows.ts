import { sql, type Kysely } from 'kysely';

/**
 * Exchange (数据交换), the flows: publish tasks (发布任务) binding a published resource to a provider node's
 * source, subscriptions (订阅) binding a consumer's grant to its node's target, the batches (批次) nodes upload
 * and the deliveries (投递) fanned out from them, the exchange log (交换日志), reconciliations (对账) and the
 * platform's own SM2 key (it signs deliveries and node configuration).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('exchange_nodes')
    // What the node reported in its last heartbeat: [{name, type, role: 'source'|'target'}].
    .addColumn('last_endpoints', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('silent_alerted_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('exchange_platform_keys')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    // The private key sealed with the master key (platform/crypto/sealed-box).
    .addColumn('private_key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('exchange_tasks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('node_id', 'uuid', (c) => c.notNull().references('exchange_nodes.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('table', 'file')`))
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('source_table', 'text')
    .addColumn('source_query', 'text')
    .addColumn('column_map', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('key_items', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('incremental', 'full')`))
    .addColumn('watermark_column', 'text')
    .addColumn('delete_mode', 'text', (c) => c.notNull().check(sql`delete_mode in ('none', 'soft_delete', 'change_log')`))
    .addColumn('soft_delete_column', 'text')
    .addColumn('change_log_table', 'text')
    .addColumn('schedule_kind', 'text', (c) => c.notNull().check(sql`schedule_kind in ('cron', 'realtime')`))
    .addColumn('cron', 'text')
    .addColumn('interval_seconds', 'integer')
    .addColumn('batch_rows', 'integer', (c) => c.notNull())
    .addColumn('file_pattern', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'paused')`))
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('applied_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failure_alerted_at', 'timestamptz')
    .addColumn('run_requested_at', 'timestamptz')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exchange_tasks_node_idx').on('exchange_tasks').columns(['node_id']).execute();
  await db.schema.createIndex('exchange_tasks_resource_idx').on('exchange_tasks').columns(['resource_id']).execute();

  await db.schema
    .createTable('exchange_subscriptions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('grant_id', 'uuid', (c) => c.notNull().references('sharing_grants.id'))
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('node_id', 'uuid', (c) => c.notNull().references('exchange_nodes.id'))
    .addColumn('target_name', 'text', (c) => c.notNull())
    .addColumn('target_table', 'text', (c) => c.notNull())
    .addColumn('column_map', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'paused', 'stopped')`))
    .addColumn('stopped_reason', 'text')
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('applied_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failure_alerted_at', 'timestamptz')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exchange_subscriptions_node_idx').on('exchange_subscriptions').columns(['node_id']).execute();
  await db.schema.createIndex('exchange_subscriptions_resource_idx').on('exchange_subscriptions').columns(['resource_id', 'status']).execute();

  // 交换流水号: 'JH' + yyyymmdd + 10-digit number from this sequence.
  await sql`create sequence exchange_serial_seq`.execute(db);

  await db.schema
    .createTable('exchange_batches')
    // The node chooses the batch id (uuid); a retried upload carries the same one.
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('serial_no', 'text', (c) => c.notNull().unique())
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('exchange_tasks.id'))
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('source_node_id', 'uuid', (c) => c.notNull().references('exchange_nodes.id'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('run_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('upserts', 'integer', (c) => c.notNull())
    .addColumn('deletes', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('sm3', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('storage_path', 'text', (c) => c.notNull())
    .addColumn('watermark_to', 'text')
    .addColumn('snapshot_last', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('applied_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('received', 'applied', 'failed')`))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('exchange_batches_task_seq_uq', ['task_id', 'seq'])
    .execute();
  await db.schema.createIndex('exchange_batches_received_idx').on('exchange_batches').columns(['received_at']).execute();
  await db.schema.createIndex('exchange_batches_status_idx').on('exchange_batches').columns(['status', 'task_id', 'seq']).execute();

  await db.schema
    .createTable('exchange_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('serial_no', 'text', (c) => c.notNull().unique())
    .addColumn('batch_id', 'uuid', (c) => c.notNull().references('exchange_batches.id'))
    .addColumn('subscription_id', 'uuid', (c) => c.notNull().references('exchange_subscriptions.id'))
    .addColumn('target_node_id', 'uuid', (c) => c.notNull().references('exchange_nodes.id'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bigint')
    .addColumn('sm3', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sent', 'applied', 'failed', 'stopped')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addColumn('acked_at', 'timestamptz')
    .addUniqueConstraint('exchange_deliveries_sub_seq_uq', ['subscription_id', 'seq'])
    .execute();
  await db.schema.createIndex('exchange_deliveries_status_idx').on('exchange_deliveries').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('exchange_deliveries_batch_idx').on('exchange_deliveries').columns(['batch_id']).execute();

  // 交换日志 (DOMAIN §7): one append-only line per upload, delivery outcome, retry or rejected attempt.
  await db.schema
    .createTable('exchange_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('serial_no', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull().check(sql`event in ('upload', 'apply', 'delivery', 'ack', 'retry', 'reject')`))
    .addColumn('task_id', 'uuid')
    .addColumn('subscription_id', 'uuid')
    .addColumn('resource_id', 'uuid')
    .addColumn('resource_code', 'text')
    .addColumn('task_code', 'text')
    .addColumn('source_node_id', 'uuid')
    .addColumn('target_node_id', 'uuid')
    .addColumn('batch_id', 'uuid')
    .addColumn('delivery_id', 'uuid')
    .addColumn('mode', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('result', 'text', (c) => c.notNull().check(sql`result in ('success', 'failure', 'rejected')`))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('sm3', 'text')
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('operator', 'text')
    .execute();
  await db.schema.createIndex('exchange_log_time_idx').on('exchange_log').columns(['finished_at']).execute();
  await db.schema.createIndex('exchange_log_task_idx').on('exchange_log').columns(['task_id', 'finished_at']).execute();

  await db.schema
    .createTable('exchange_reconciliations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('exchange_tasks.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('requested', 'done')`))
    .addColumn('requested_by', 'uuid')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    // {count, checksum} of each side; targets: [{subscriptionId, nodeId, count, checksum, reportedAt}]
    .addColumn('source', 'jsonb')
    .addColumn('platform', 'jsonb')
    .addColumn('targets', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('differences', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
}
