import { sql, type Kysely } from 'kysely';

/**
 * Resource catalog (政务信息资源目录, DOMAIN.md §3).
 *
 * Classification codes (catalog_categories.code) are digit prefixes of the 9-digit classification
 * part of a resource code: 类 1 digit + 项 2 + 目 3 + 细目 3.
 *   1         基础信息资源类; 101–105 its 项 (人口, 法人单位, 自然资源和空间地理, 社会信用, 电子证照)
 *   2         主题信息资源类; 201–212 its 项 (公共服务 … 应急维稳); 213+ for later themes
 *   3         部门信息资源类; 3 + 5 digits (项+目 together, 00001–99999) numbers each department in the
 *             order it first catalogs a resource (created on demand)
 * A resource code is `<category code right-padded with 0 to 9 digits>/<6-digit sequence>`, the
 * sequence counted per 9-digit classification in catalog_code_sequences (e.g. `101000000/000123`).
 */
const BASIC = ['人口', '法人单位', '自然资源和空间地理', '社会信用', '电子证照'];
const THEMES = ['公共服务', '健康保障', '社会保障', '食品药品安全', '安全生产', '价格监管', '能源安全', '信用体系', '城乡建设', '社区治理', '生态环保', '应急维稳'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('catalog_categories')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('parent_id', 'uuid', (c) => c.references('catalog_categories.id'))
    .addColumn('code', 'text', (c) => c.notNull().unique().check(sql`code ~ '^[0-9]{1,9}$'`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('基础', '主题', '部门')`))
    .addColumn('org_id', 'uuid', (c) => c.references('identity_orgs.id').unique()) // set on 部门 classes
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('catalog_categories_parent_idx').on('catalog_categories').column('parent_id').execute();

  const roots: [string, string, string][] = [['1', '基础信息资源', '基础'], ['2', '主题信息资源', '主题'], ['3', '部门信息资源', '部门']];
  for (const [code, name, kind] of roots) {
    await sql`insert into catalog_categories (code, name, kind) values (${code}, ${name}, ${kind})`.execute(db);
  }
  const children: [string, string, string, string][] = [
    ...BASIC.map((name, i): [string, string, string, string] => [`1${String(i + 1).padStart(2, '0')}`, `${name}基础信息`, '基础', '1']),
    ...THEMES.map((name, i): [string, string, string, string] => [`2${String(i + 1).padStart(2, '0')}`, `${name}`, '主题', '2']),
  ];
  for (const [code, name, kind, parent] of children) {
    await sql`insert into catalog_categories (code, name, kind, parent_id)
              values (${code}, ${name}, ${kind}, (select id from catalog_categories where code = ${parent}))`.execute(db);
  }

  await db.schema
    .createTable('catalog_code_sequences')
    .addColumn('classification', 'text', (c) => c.primaryKey())
    .addColumn('last_value', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('catalog_resources')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('provider_org_id', 'uuid', (c) => c.notNull().references('identity_orgs.id'))
    .addColumn('category_id', 'uuid', (c) => c.notNull().references('catalog_categories.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'submitted', 'returned', 'published', 'retired')`))
    .addColumn('published_version_id', 'uuid')
    .addColumn('working_version_id', 'uuid')
    .addColumn('name', 'text', (c) => c.notNull()) // the latest version's name, for matching imports
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('retired_at', 'timestamptz')
    .addColumn('retired_reason', 'text')
    .execute();
  await db.schema.createIndex('catalog_resources_provider_idx').on('catalog_resources').columns(['provider_org_id', 'name']).execute();
  await db.schema.createIndex('catalog_resources_category_idx').on('catalog_resources').column('category_id').execute();

  await db.schema
    .createTable('catalog_resource_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('version_no', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'submitted', 'returned', 'published', 'superseded')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('provider_name', 'text', (c) => c.notNull())
    .addColumn('provider_code', 'text', (c) => c.notNull())
    .addColumn('provider_division', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('format_class', 'text', (c) => c.notNull())
    .addColumn('format_type', 'text')
    .addColumn('format_other', 'text')
    .addColumn('share_type', 'text', (c) => c.notNull().check(sql`share_type in ('无条件共享', '有条件共享', '不予共享')`))
    .addColumn('share_condition', 'text', (c) => c.notNull())
    .addColumn('share_method_class', 'text')
    .addColumn('share_method_type', 'text')
    .addColumn('is_open', 'boolean', (c) => c.notNull())
    .addColumn('open_condition', 'text')
    .addColumn('update_cycle', 'text', (c) => c.notNull())
    .addColumn('publish_date', 'date', (c) => c.notNull())
    .addColumn('related_class', 'text')
    .addColumn('related_category_id', 'uuid', (c) => c.references('catalog_categories.id'))
    .addColumn('review_comment', 'text')
    .addColumn('created_by', 'uuid')
    .addColumn('submitted_by', 'uuid')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('reviewed_by', 'uuid')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('catalog_resource_versions_no_uq', ['resource_id', 'version_no'])
    .execute();
  await sql`alter table catalog_resources
              add constraint catalog_resources_published_fk foreign key (published_version_id) references catalog_resource_versions(id),
              add constraint catalog_resources_working_fk foreign key (working_version_id) references catalog_resource_versions(id)`.execute(db);

  await db.schema
    .createTable('catalog_resource_items')
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('catalog_resource_versions.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data_type', 'text', (c) => c.notNull())
    .addColumn('length', 'integer')
    .addPrimaryKeyConstraint('catalog_resource_items_pk', ['version_id', 'position'])
    .execute();

  // Review history: every submit / approve / return / retire with its comment.
  await db.schema
    .createTable('catalog_review_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('version_id', 'uuid', (c) => c.references('catalog_resource_versions.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'uuid')
    .addColumn('actor_username', 'text')
    .addColumn('comment', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('catalog_review_events_resource_idx').on('catalog_review_events').column('resource_id').execute();

  /*
   * Search documents: one row per version that a catalog shows (the published version: in_shared;
   * the version a department sees, working else published: in_department). Chinese is not segmented
   * by PostgreSQL, so terms are character bigrams (plus lower-cased ASCII words) per field, stored as
   * integer codes; the GIN index on `terms` finds candidates by overlap, the per-field arrays weight the score.
   */
  await db.schema
    .createTable('catalog_search_docs')
    .addColumn('version_id', 'uuid', (c) => c.primaryKey().references('catalog_resource_versions.id'))
    .addColumn('resource_id', 'uuid', (c) => c.notNull().references('catalog_resources.id'))
    .addColumn('in_shared', 'boolean', (c) => c.notNull())
    .addColumn('in_department', 'boolean', (c) => c.notNull())
    .addColumn('provider_org_id', 'uuid', (c) => c.notNull())
    .addColumn('category_id', 'uuid', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('share_type', 'text', (c) => c.notNull())
    .addColumn('format_class', 'text', (c) => c.notNull())
    .addColumn('is_open', 'boolean', (c) => c.notNull())
    .addColumn('update_cycle', 'text', (c) => c.notNull())
    .addColumn('publish_date', 'date', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // Term codes (see catalog-terms.ts): all fields for the GIN index, and per field for the weights
    // (a term in `terms` but in none of these is from the summary). Kept narrow: the scan is the cost.
    .addColumn('terms', sql`int4[]`, (c) => c.notNull())
    .addColumn('name_terms', sql`int4[]`, (c) => c.notNull())
    .addColumn('item_terms', sql`int4[]`, (c) => c.notNull())
    .addColumn('provider_terms', sql`int4[]`, (c) => c.notNull())
    .execute();
  await sql`create index catalog_search_docs_terms_gin on catalog_search_docs using gin (terms)`.execute(db);
  await db.schema.createIndex('catalog_search_docs_resource_idx').on('catalog_search_docs').column('resource_id').execute();
  await db.schema.createIndex('catalog_search_docs_shared_idx').on('catalog_search_docs').columns(['in_shared', 'publish_date']).execute();
  await db.schema.createIndex('catalog_search_docs_dept_idx').on('catalog_search_docs').columns(['provider_org_id', 'in_department']).execute();

  /*
   * Document frequency per term, kept by statement-level triggers. A document matching at least k of
   * a query's n terms must hold one of any n-k+1 of them, so the search takes its GIN candidates from
   * the n-k+1 rarest terms only; common bigrams (信息, 珠海) would otherwise make every row a candidate.
   */
  await db.schema
    .createTable('catalog_search_term_stats')
    .addColumn('term', 'integer', (c) => c.primaryKey())
    .addColumn('df', 'integer', (c) => c.notNull())
    .execute();
  await sql`
    create function catalog_search_docs_count_terms() returns trigger language plpgsql as $$
    begin
      -- one writer at a time: concurrent upserts of shared terms could otherwise deadlock
      perform pg_advisory_xact_lock(hashtext('catalog_search_term_stats'));
      if tg_op = 'INSERT' then
        insert into catalog_search_term_stats (term, df)
        select t, count(*) from new_docs, unnest(new_docs.terms) t group by t
        on conflict (term) do update set df = catalog_search_term_stats.df + excluded.df;
      else
        update catalog_search_term_stats s set df = s.df - d.n
        from (select t, count(*) as n from old_docs, unnest(old_docs.terms) t group by t) d where s.term = d.t;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger catalog_search_docs_terms_ins after insert on catalog_search_docs
            referencing new table as new_docs for each statement execute function catalog_search_docs_count_terms()`.execute(db);
  await sql`create trigger catalog_search_docs_terms_del after delete on catalog_search_docs
            referencing old table as old_docs for each statement execute function catalog_search_docs_count_terms()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
