import { sql, type Kysely } from 'kysely';

/**
 * Sharing (共享申请、审批、授权, DOMAIN.md §4): requests and their review history, grants, attachments,
 * data-error reports, the review settings and the working-day calendar (法定节假日 and 调休上班日).
 * Requests and grants snapshot the resource's code and name; grants refer to the resource, not a
 * catalog version, so they survive new versions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sharing_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('review_deadline_days', 'integer', (c) => c.notNull().defaultTo(10).check(sql`review_deadline_days between 1 and 60`))
    .addColumn('error_report_deadline_days', 'integer', (c) => c.notNull().defaultTo(5).check(sql`error_report_deadline_days between 1 and 60`))
    .addColumn('second_review_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('default_daily_quota', 'integer', (c) => c.notNull().defaultTo(10000).check(sql`default_daily_quota > 0`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.insertInto('sharing_settings').values({ id: 1 }).execute();

  await db.schema
    .createTable('sharing_calendar_days')
    .addColumn('date', 'date', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('holiday', 'workday')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sharing_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('resource_code', 'text', (c) => c.notNull())
    .addColumn('resource_name', 'text', (c) => c.notNull())
    .addColumn('share_type', 'text', (c) => c.notNull())
    .addColumn('provider_org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('applicant_org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('applicant_user_id', 'uuid', (c) => c.notNull())
    .addColumn('applicant_username', 'text', (c) => c.notNull())
    .addColumn('application_name', 'text', (c) => c.notNull())
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'date', (c) => c.notNull())
    .addColumn('valid_to', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'second_review', 'approved', 'refused', 'withdrawn')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    // null for 无条件共享 requests, which are granted at once.
    .addColumn('deadline', 'timestamptz')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_reason', 'text')
    // The provider's terms {items, validTo, masking, dailyQuota}; set when the provider approves.
    .addColumn('decision', 'jsonb')
    .addColumn('renewal_of_grant_id', 'uuid')
    .addColumn('due_soon_notified_at', 'timestamptz')
    .addColumn('overdue_notified_at', 'timestamptz')
    .addCheckConstraint('sharing_requests_period', sql`valid_to >= valid_from`)
    .execute();
  await db.schema.createIndex('sharing_requests_applicant_idx').on('sharing_requests').columns(['applicant_org_id', 'created_at']).execute();
  await db.schema.createIndex('sharing_requests_provider_idx').on('sharing_requests').columns(['provider_org_id', 'created_at']).execute();
  // One open request per department and resource (SHARE_REQUEST_DUPLICATE); renewals are separate.
  await sql`create unique index sharing_requests_open_uq on sharing_requests (applicant_org_id, resource_id)
    where status in ('pending', 'second_review') and renewal_of_grant_id is null`.execute(db);

  await db.schema
    .createTable('sharing_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('subject_type', 'text', (c) => c.notNull().check(sql`subject_type in ('request', 'error_report')`))
    .addColumn('subject_id', 'uuid', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'uuid')
    .addColumn('actor_username', 'text')
    .addColumn('actor_org_name', 'text')
    .addColumn('comment', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sharing_events_subject_idx').on('sharing_events').columns(['subject_id', 'id']).execute();

  await db.schema
    .createTable('sharing_grants')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('request_id', 'uuid', (c) => c.notNull().unique().references('sharing_requests.id'))
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('resource_code', 'text', (c) => c.notNull())
    .addColumn('resource_name', 'text', (c) => c.notNull())
    .addColumn('provider_org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('consumer_org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('application_name', 'text', (c) => c.notNull())
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('masking', 'jsonb', (c) => c.notNull())
    .addColumn('valid_from', 'date', (c) => c.notNull())
    .addColumn('valid_to', 'date', (c) => c.notNull())
    .addColumn('daily_quota', 'integer', (c) => c.notNull().check(sql`daily_quota > 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'revoked', 'expired')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'uuid')
    .addColumn('revoked_reason', 'text')
    .addColumn('expired_at', 'timestamptz')
    .addColumn('expiring_notified_at', 'timestamptz')
    .addCheckConstraint('sharing_grants_period', sql`valid_to >= valid_from`)
    .addCheckConstraint('sharing_grants_revoked_reason', sql`status <> 'revoked' or coalesce(revoked_reason, '') <> ''`)
    .execute();
  await db.schema.createIndex('sharing_grants_consumer_idx').on('sharing_grants').columns(['consumer_org_id', 'resource_id']).execute();
  await db.schema.createIndex('sharing_grants_provider_idx').on('sharing_grants').columns(['provider_org_id']).execute();

  await db.schema
    .createTable('sharing_attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('sharing_requests.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sm3', 'text', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('uploaded_by', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sharing_attachments_request_idx').on('sharing_attachments').column('request_id').execute();

  await db.schema
    .createTable('sharing_error_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('resource_code', 'text', (c) => c.notNull())
    .addColumn('resource_name', 'text', (c) => c.notNull())
    .addColumn('provider_org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('reporter_org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('reporter_user_id', 'uuid', (c) => c.notNull())
    .addColumn('reporter_username', 'text', (c) => c.notNull())
    .addColumn('record_key', 'text')
    .addColumn('item_name', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'confirmed', 'rejected', 'corrected')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('reply', 'text')
    .addColumn('replied_at', 'timestamptz')
    .addColumn('overdue_notified_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sharing_error_reports_provider_idx').on('sharing_error_reports').columns(['provider_org_id', 'created_at']).execute();
  await db.schema.createIndex('sharing_error_reports_reporter_idx').on('sharing_error_reports').columns(['reporter_org_id', 'created_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
