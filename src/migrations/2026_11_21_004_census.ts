import { sql, type Kysely } from 'kysely';

/**
 * Information-system census (信息系统普查, seed 003 annexes 2–3). One row per system and department;
 * zombie flags are computed from these facts, never stored, except the manual flag and its reason.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('census_systems')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('自建').check(sql`kind in ('自建', '垂管')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('运行', '停止', '其他')`))
    .addColumn('function_desc', 'text')
    .addColumn('resource_names', 'text')
    .addColumn('network', 'text', (c) => c.notNull().check(sql`network in ('电子政务内网', '电子政务外网', '业务专网', '互联网')`))
    .addColumn('classified', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('security_level', 'text')
    .addColumn('secrecy_clause', 'text')
    .addColumn('can_connect', 'boolean')
    .addColumn('connect_method', 'text')
    .addColumn('no_connect_reason', 'text')
    .addColumn('access_address', 'text')
    .addColumn('website_intensive', 'boolean')
    .addColumn('usage_scope', 'text', (c) => c.check(sql`usage_scope in ('科室内部', '本部门或管理单位', '横向跨部门', '纵向到基层')`))
    .addColumn('usage_scope_detail', 'text')
    .addColumn('user_count', 'integer', (c) => c.check(sql`user_count >= 0`))
    .addColumn('frequency', 'text', (c) => c.notNull().check(sql`frequency in ('每日', '每周', '每月', '每季度', '每年', '按需')`))
    .addColumn('owner_division', 'text')
    .addColumn('owner_name', 'text')
    .addColumn('owner_title', 'text')
    .addColumn('owner_phone', 'text')
    .addColumn('approver', 'text')
    .addColumn('approval_date', 'date')
    .addColumn('builder', 'text')
    .addColumn('build_date', 'date')
    .addColumn('warranty_years', 'integer', (c) => c.check(sql`warranty_years >= 0`))
    .addColumn('build_budget', sql`numeric(14, 2)`, (c) => c.check(sql`build_budget >= 0`))
    .addColumn('build_budget_source', 'text')
    .addColumn('om_budget', sql`numeric(14, 2)`, (c) => c.check(sql`om_budget >= 0`))
    .addColumn('om_budget_source', 'text')
    .addColumn('om_unit', 'text')
    .addColumn('provided_to', 'text')
    .addColumn('obtained_from', 'text')
    .addColumn('needed_from', 'text')
    .addColumn('tech_support', 'text')
    .addColumn('remarks', 'text')
    .addColumn('manual_zombie', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('manual_zombie_reason', 'text')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('census_systems_manual_reason', sql`not manual_zombie or coalesce(manual_zombie_reason, '') <> ''`)
    .execute();
  // One questionnaire per system: the name is unique within its department (the import matches on it).
  await db.schema.createIndex('census_systems_org_name_uq').on('census_systems').columns(['org_id', 'name']).unique().execute();

  await db.schema
    .createTable('census_system_resources')
    .addColumn('system_id', 'uuid', (c) => c.notNull().references('census_systems.id').onDelete('cascade'))
    // A catalog resource that goes away takes its links with it rather than blocking the catalog.
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('census_system_resources_pk', ['system_id', 'resource_id'])
    .execute();
  await db.schema.createIndex('census_system_resources_resource_idx').on('census_system_resources').column('resource_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
