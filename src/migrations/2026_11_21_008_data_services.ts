import { sql, type Kysely } from 'kysely';

/**
 * Data services (数据服务): applications with app keys, the datastore of published 库表 resources
 * (one typed table per resource in schema `data_store`), loads, file versions, proxied provider APIs,
 * daily quota usage and the call log.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists data_store`.execute(db);

  await db.schema
    .createTable('data_apps')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('app_key', 'text', (c) => c.notNull().unique())
    // The secret, sealed with the platform's master key (SM4-CBC + HMAC-SM3); never stored or logged in clear.
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'disabled')`))
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('secret_rotated_at', 'timestamptz')
    .addColumn('disabled_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('data_apps_org_idx').on('data_apps').columns(['org_id', 'name']).execute();

  // A grant narrowed to one of the consumer department's applications (absent: any of them).
  await db.schema
    .createTable('data_grant_apps')
    .addColumn('grant_id', 'uuid', (c) => c.primaryKey().references('sharing_grants.id'))
    .addColumn('app_id', 'uuid', (c) => c.notNull().references('data_apps.id'))
    .addColumn('set_by', 'uuid')
    .addColumn('set_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('data_stores')
    .addColumn('resource_id', 'uuid', (c) => c.primaryKey().references('catalog_resources.id'))
    .addColumn('table_name', 'text', (c) => c.notNull().unique())
    .addColumn('key_items', 'jsonb', (c) => c.notNull())
    .addColumn('row_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_loaded_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('data_store_columns')
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('data_stores.resource_id'))
    .addColumn('item_name', 'text', (c) => c.notNull())
    .addColumn('column_name', 'text', (c) => c.notNull())
    .addColumn('data_type', 'text', (c) => c.notNull())
    .addColumn('length', 'integer')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('data_store_columns_pk', ['resource_id', 'item_name'])
    .addUniqueConstraint('data_store_columns_column_uq', ['resource_id', 'column_name'])
    .execute();

  await db.schema
    .createTable('data_loads')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('replace', 'upsert')`))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('filename', 'text')
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'succeeded', 'failed')`))
    .addColumn('total_rows', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('loaded', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'bigint', (c) => c.notNull().defaultTo(0))
    // The first failing rows: [{row, item, message}].
    .addColumn('errors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('message', 'text')
    .addColumn('started_by', 'uuid')
    .addColumn('started_by_username', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('data_loads_resource_idx').on('data_loads').columns(['resource_id', 'started_at']).execute();

  await db.schema
    .createTable('data_files')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('version_no', 'integer', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sm3', 'text', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('uploaded_by', 'uuid')
    .addColumn('uploaded_by_username', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('data_files_version_uq', ['resource_id', 'version_no'])
    .execute();

  await db.schema
    .createTable('data_proxy_endpoints')
    .addColumn('resource_id', 'uuid', (c) => c.primaryKey().references('catalog_resources.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('GET', 'POST')`))
    .addColumn('timeout_ms', 'integer', (c) => c.notNull())
    // Headers added to every upstream call (an upstream token, say), sealed like app secrets.
    .addColumn('headers_sealed', 'text')
    .addColumn('updated_by', 'uuid')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('data_quota_usage')
    .addColumn('grant_id', 'uuid', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('data_quota_usage_pk', ['grant_id', 'day'])
    .execute();

  await db.schema
    .createTable('data_calls')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('app_id', 'uuid')
    .addColumn('app_key', 'text')
    .addColumn('app_name', 'text')
    .addColumn('consumer_org_id', 'uuid')
    .addColumn('provider_org_id', 'uuid')
    .addColumn('resource_id', 'uuid')
    .addColumn('resource_code', 'text')
    .addColumn('grant_id', 'uuid')
    .addColumn('operation', 'text', (c) => c.notNull().check(sql`operation in ('query', 'verify', 'file', 'proxy')`))
    .addColumn('items', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('latency_ms', 'real', (c) => c.notNull())
    .addColumn('client_ip', 'text')
    .execute();
  await db.schema.createIndex('data_calls_provider_idx').on('data_calls').columns(['provider_org_id', 'at']).execute();
  await db.schema.createIndex('data_calls_consumer_idx').on('data_calls').columns(['consumer_org_id', 'at']).execute();
  await db.schema.createIndex('data_calls_resource_idx').on('data_calls').columns(['resource_id', 'at']).execute();
  await db.schema.createIndex('data_calls_at_idx').on('data_calls').columns(['at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
