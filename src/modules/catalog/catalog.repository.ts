import { sql, type Insertable, type Selectable } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { CatalogResourceVersionsTable, CatalogResourcesTable } from '../../platform/db/schema.js';
import type { InfoItemInput, ResourceInput } from './catalog.types.js';

export type ResourceRow = Selectable<CatalogResourcesTable>;
export type VersionRow = Selectable<CatalogResourceVersionsTable>;
export type ItemRow = { version_id: string; position: number; name: string; data_type: string; length: number | null };

/** Rows per multi-row insert: keeps every statement under PostgreSQL's 65,535 parameters. */
const PARAMS_PER_STATEMENT = 30_000;

export function chunks<T>(rows: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** The version columns that hold a ResourceInput. */
export function versionColumnsOf(input: ResourceInput) {
  return {
    name: input.name.trim(),
    provider_name: input.providerName,
    provider_code: input.providerCode,
    provider_division: input.providerDivision,
    summary: input.summary,
    format_class: input.formatClass,
    format_type: input.formatType,
    format_other: input.formatOther,
    share_type: input.shareType,
    share_condition: input.shareCondition,
    share_method_class: input.shareType === '不予共享' ? input.shareMethodClass ?? null : input.shareMethodClass,
    share_method_type: input.shareMethodType,
    is_open: input.isOpen,
    open_condition: input.openCondition,
    update_cycle: input.updateCycle,
    publish_date: input.publishDate,
    related_class: input.relatedClass,
  };
}

export function itemsOf(version: VersionRow, items: ItemRow[], code: string | null): ResourceInput {
  return {
    name: version.name,
    code,
    providerName: version.provider_name,
    providerCode: version.provider_code,
    providerDivision: version.provider_division,
    summary: version.summary,
    formatClass: version.format_class as ResourceInput['formatClass'],
    formatType: version.format_type,
    formatOther: version.format_other,
    items: items.map((i): InfoItemInput => ({ name: i.name, dataType: i.data_type as InfoItemInput['dataType'], length: i.length })),
    shareType: version.share_type as ResourceInput['shareType'],
    shareCondition: version.share_condition,
    shareMethodClass: version.share_method_class as ResourceInput['shareMethodClass'],
    shareMethodType: version.share_method_type as ResourceInput['shareMethodType'],
    isOpen: version.is_open,
    openCondition: version.open_condition,
    updateCycle: version.update_cycle as ResourceInput['updateCycle'],
    publishDate: version.publish_date,
    relatedClass: version.related_class,
  };
}

export function catalogRepository(db: Database) {
  return {
    /** A registered department by USCC, or by the legacy organization code `XXXXXXXX-X` (USCC chars 9–17). */
    async findOrgByCode(code: string) {
      const c = code.trim().toUpperCase();
      let query = db.selectFrom('identity_orgs').select(['id', 'name', 'uscc']);
      if (/^[0-9A-Z]{18}$/.test(c)) query = query.where('uscc', '=', c);
      else if (/^[0-9A-Z]{8}-?[0-9X]$/.test(c)) query = query.where(sql`substr(uscc, 9, 9)`, '=', c.replace('-', ''));
      else return undefined;
      return query.executeTakeFirst();
    },

    async findOrg(id: string) {
      return db.selectFrom('identity_orgs').select(['id', 'name', 'uscc']).where('id', '=', id).executeTakeFirst();
    },

    async listCategories() {
      return db.selectFrom('catalog_categories').select(['id', 'parent_id', 'code', 'name', 'kind', 'org_id']).orderBy('code').execute();
    },

    async findCategory(id: string) {
      return db.selectFrom('catalog_categories').select(['id', 'parent_id', 'code', 'name', 'kind', 'org_id']).where('id', '=', id).executeTakeFirst();
    },

    /**
     * The 部门 class of each department, created on first use: code `3` + a 5-digit department number.
     * An advisory lock makes numbering safe between concurrent transactions.
     */
    async departmentCategories(orgIds: string[]): Promise<Map<string, { id: string; code: string }>> {
      const wanted = [...new Set(orgIds)];
      const result = new Map<string, { id: string; code: string }>();
      if (wanted.length === 0) return result;
      const existing = async () => db.selectFrom('catalog_categories').select(['id', 'code', 'org_id']).where('org_id', 'in', wanted).execute();
      for (const row of await existing()) result.set(row.org_id!, { id: row.id, code: row.code });
      const missing = wanted.filter((id) => !result.has(id));
      if (missing.length === 0) return result;
      await sql`select pg_advisory_xact_lock(hashtext('catalog_categories.department'))`.execute(db);
      for (const row of await existing()) result.set(row.org_id!, { id: row.id, code: row.code });
      const still = wanted.filter((id) => !result.has(id));
      if (still.length === 0) return result;
      const root = await db.selectFrom('catalog_categories').select('id').where('code', '=', '3').executeTakeFirstOrThrow();
      const last = await db.selectFrom('catalog_categories').select(sql<string | null>`max(code)`.as('code'))
        .where('kind', '=', '部门').where(sql`length(code)`, '=', 6).executeTakeFirstOrThrow();
      let next = last.code ? Number(last.code.slice(1)) + 1 : 1;
      const orgs = await db.selectFrom('identity_orgs').select(['id', 'name']).where('id', 'in', still).execute();
      const inserted = await db.insertInto('catalog_categories')
        .values(orgs.map((o) => ({ parent_id: root.id, code: `3${String(next++).padStart(5, '0')}`, name: o.name, kind: '部门' as const, org_id: o.id })))
        .returning(['id', 'code', 'org_id']).execute();
      for (const row of inserted) result.set(row.org_id!, { id: row.id, code: row.code });
      return result;
    },

    /** Reserves `count` sequence numbers for a classification; returns the first. Row-locked, so race-safe. */
    async allocateSequence(classification: string, count: number): Promise<number> {
      const row = await sql<{ last_value: number }>`
        insert into catalog_code_sequences (classification, last_value) values (${classification}, ${count})
        on conflict (classification) do update set last_value = catalog_code_sequences.last_value + ${count}
        returning last_value`.execute(db);
      return row.rows[0]!.last_value - count + 1;
    },

    /** Moves a classification's counter past a provider-supplied sequence so generated codes never collide. */
    async reserveSequence(classification: string, sequence: number): Promise<void> {
      await sql`insert into catalog_code_sequences (classification, last_value) values (${classification}, ${sequence})
                on conflict (classification) do update set last_value = greatest(catalog_code_sequences.last_value, ${sequence})`.execute(db);
    },

    async codesTaken(codes: string[]): Promise<Set<string>> {
      if (codes.length === 0) return new Set();
      const rows = await db.selectFrom('catalog_resources').select('code').where('code', 'in', codes).execute();
      return new Set(rows.map((r) => r.code));
    },

    async insertResources(rows: Insertable<CatalogResourcesTable>[]): Promise<string[]> {
      const ids: string[] = [];
      for (const chunk of chunks(rows, 8)) {
        const out = await db.insertInto('catalog_resources').values(chunk).returning('id').execute();
        ids.push(...out.map((r) => r.id));
      }
      return ids;
    },

    async insertVersions(rows: Insertable<CatalogResourceVersionsTable>[]): Promise<string[]> {
      const ids: string[] = [];
      for (const chunk of chunks(rows, 24)) {
        const out = await db.insertInto('catalog_resource_versions').values(chunk).returning('id').execute();
        ids.push(...out.map((r) => r.id));
      }
      return ids;
    },

    async insertItems(rows: ItemRow[]): Promise<void> {
      for (const chunk of chunks(rows, 5)) await db.insertInto('catalog_resource_items').values(chunk).execute();
    },

    async findResource(id: string, forUpdate = false) {
      let q = db.selectFrom('catalog_resources').selectAll().where('id', '=', id);
      if (forUpdate) q = q.forUpdate();
      return q.executeTakeFirst();
    },

    async resourcesByProviderAndName(pairs: { orgId: string; name: string }[]) {
      if (pairs.length === 0) return [];
      const orgIds = [...new Set(pairs.map((p) => p.orgId))];
      const names = [...new Set(pairs.map((p) => p.name))];
      const out: ResourceRow[] = [];
      for (const chunk of chunks(names, 1)) {
        out.push(...await db.selectFrom('catalog_resources').selectAll().where('provider_org_id', 'in', orgIds).where('name', 'in', chunk).forUpdate().execute());
      }
      return out;
    },

    async versionsOf(resourceId: string) {
      return db.selectFrom('catalog_resource_versions').selectAll().where('resource_id', '=', resourceId).orderBy('version_no', 'desc').execute();
    },

    async findVersion(id: string) {
      return db.selectFrom('catalog_resource_versions').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async itemsOf(versionIds: string[]): Promise<ItemRow[]> {
      if (versionIds.length === 0) return [];
      const out: ItemRow[] = [];
      for (const chunk of chunks(versionIds, 1)) {
        out.push(...await db.selectFrom('catalog_resource_items').select(['version_id', 'position', 'name', 'data_type', 'length'])
          .where('version_id', 'in', chunk).orderBy('version_id').orderBy('position').execute());
      }
      return out;
    },

    async reviewEvents(resourceId: string) {
      return db.selectFrom('catalog_review_events').select(['id', 'version_id', 'action', 'actor_username', 'comment', 'at'])
        .where('resource_id', '=', resourceId).orderBy('id').execute();
    },

    async insertReviewEvents(rows: { resource_id: string; version_id: string | null; action: string; actor_id: string | null; actor_username: string | null; comment: string | null; at: Date }[]) {
      for (const chunk of chunks(rows, 7)) await db.insertInto('catalog_review_events').values(chunk).execute();
    },
  };
}

export type CatalogRepository = ReturnType<typeof catalogRepository>;
