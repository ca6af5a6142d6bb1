import { sql, type RawBuilder } from 'kysely';
import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError, forbidden } from '../../platform/errors.js';
import { canReviewResources, canViewDepartmentCatalog } from './catalog.policy.js';
import { catalogRepository } from './catalog.repository.js';
import { sortedTerms, termCode, termsOf } from './catalog-terms.js';
import { isRequestable } from './catalog-views.js';

export interface CatalogSearchQuery {
  q?: string;
  /** The provider department's USCC (or legacy org code). */
  provider?: string;
  /** A category id or classification code; a class includes its sub-classes. */
  category?: string;
  shareType?: string;
  formatClass?: string;
  isOpen?: boolean;
  updateCycle?: string;
  status?: string;
  /**
   * shared: published resources, for everyone; department: one department's catalog incl. drafts;
   * review: every department's versions awaiting review (platform admin).
   */
  scope?: 'shared' | 'department' | 'review';
  /** submittedAt: oldest submission first (the review queue). */
  sort?: 'relevance' | 'publishDate' | 'submittedAt';
  limit?: number;
  offset?: number;
}

interface PageRow {
  resource_id: string; code: string; name: string; provider_name: string; provider_code: string; share_type: string; status: string;
  publish_date: string; summary: string; category_name: string; score: number; working_status: string | null; submitted_at: string | null;
}
interface FacetRow { facet: string; value: string | null; count: number }

export interface FacetValue { value: string; label: string; count: number }
export const FACETS = ['provider', 'category', 'shareType', 'formatClass', 'isOpen', 'updateCycle', 'status'] as const;
export type Facets = Record<(typeof FACETS)[number], FacetValue[]>;

export interface SearchHit {
  id: string;
  code: string;
  name: string;
  providerName: string;
  providerCode: string;
  shareType: string;
  status: string;
  publishDate: string;
  summary: string;
  categoryName: string;
  requestable: boolean;
  score: number | null;
  /** The status of a version being worked on (draft, submitted, returned), if any. */
  workingStatus: string | null;
  /** When the version under review was submitted. */
  submittedAt: string | null;
}

/** Field weights of a matched query bigram: name > items > summary > provider. */
const WEIGHT = { name: 1.0, items: 0.7, summary: 0.5, provider: 0.3 };
/**
 * How many of a query's n bigrams a document must hold: 1 of 1–2, 2 of 3, else 70 %. That still
 * tolerates one missing character (it costs one or two bigrams, adding one that does not match) and
 * two swapped words (one bigram), and keeps a query from matching everything sharing one word with it.
 */
const requiredMatches = (n: number) => (n <= 2 ? 1 : n === 3 ? 2 : Math.ceil(n * 0.7));
const STATUS_LABELS: Record<string, string> = { draft: '草稿', submitted: '待审核', returned: '已退回', published: '已发布', retired: '已下架' };

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Keyword search with filters and facets over catalog_search_docs. Candidates come from the GIN
 * index by bigram overlap; the score is the weighted share of query bigrams matched, plus a boost
 * for an exact name or a whole-query substring, so exact matches rank first.
 */
export function createCatalogSearch(deps: { db: Database }) {
  const { db } = deps;

  /**
   * Candidate groups by the pigeonhole principle: a document missing at most `missing` of the query's
   * terms holds every term of at least one of `missing + 1` disjoint groups. GIN intersects the terms
   * of a group itself, so `terms @> g1 or terms @> g2 …` is selective even when single bigrams are
   * common. Terms are dealt rarest first, so each group starts with a rare one; a group holding a term
   * no document has can never match and is left out.
   */
  async function candidateGroups(terms: number[], missing: number): Promise<number[][]> {
    const rows = await db.selectFrom('catalog_search_term_stats').select(['term', 'df']).where('term', 'in', terms).execute();
    const df = new Map(rows.map((r) => [r.term, r.df]));
    const groups: number[][] = Array.from({ length: missing + 1 }, () => []);
    [...terms].sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0)).forEach((t, i) => groups[i % groups.length]!.push(t));
    return groups.filter((g) => g.every((t) => (df.get(t) ?? 0) > 0));
  }

  async function conditions(actor: Actor, query: CatalogSearchQuery) {
    const repo = catalogRepository(db);
    const where: RawBuilder<unknown>[] = [];
    let providerOrgId: string | null = null;
    if (query.provider) {
      const org = await repo.findOrgByCode(query.provider);
      providerOrgId = org?.id ?? '00000000-0000-0000-0000-000000000000';
    }
    if (query.scope === 'review') {
      if (!canReviewResources(actor)) throw forbidden('Only the platform admin reviews the catalog (只有平台管理员可以审核目录).');
      where.push(sql`d.in_department`, sql`d.status = 'submitted'`);
      if (providerOrgId) where.push(sql`d.provider_org_id = ${providerOrgId}::uuid`);
    } else if (query.scope === 'department') {
      const orgId = providerOrgId ?? actor.orgId;
      if (!orgId) throw new DomainError('VALIDATION_FAILED', 'The department catalog needs a provider (请选择部门).', { field: 'provider' });
      if (!canViewDepartmentCatalog(actor, orgId)) throw forbidden('Only the department itself sees its whole catalog (只能查看本部门的目录).');
      where.push(sql`d.in_department`, sql`d.provider_org_id = ${orgId}::uuid`);
    } else {
      where.push(sql`d.in_shared`);
      if (providerOrgId) where.push(sql`d.provider_org_id = ${providerOrgId}::uuid`);
    }
    if (query.category) {
      const isUuid = /^[0-9a-f-]{36}$/i.test(query.category);
      const category = isUuid ? await repo.findCategory(query.category) : (await repo.listCategories()).find((c) => c.code === query.category);
      const code = category?.code ?? '-';
      where.push(sql`d.category_id in (select id from catalog_categories where code like ${`${code}%`})`);
    }
    if (query.shareType) where.push(sql`d.share_type = ${query.shareType}`);
    if (query.formatClass) where.push(sql`d.format_class = ${query.formatClass}`);
    if (query.isOpen !== undefined) where.push(sql`d.is_open = ${query.isOpen}`);
    if (query.updateCycle) where.push(sql`d.update_cycle = ${query.updateCycle}`);
    if (query.status) where.push(sql`d.status = ${query.status}`);

    const q = (query.q ?? '').normalize('NFKC').toLowerCase().trim();
    const terms = q ? sortedTerms(termsOf(q).map(termCode)) : [];
    let score: RawBuilder<number> = sql<number>`0`;
    let from: RawBuilder<unknown> = sql`catalog_search_docs d`;
    if (q) {
      const substring = `%${likeEscape(q)}%`;
      // d.name is stored normalised like q (NFKC, lower case).
      const nameBoost = sql`(case when d.name = ${q} then 3 when d.name like ${substring} then 2 else 0 end)`;
      if (terms.length === 0) {
        where.push(sql`d.name like ${substring}`);
        score = sql<number>`${nameBoost}`;
      } else {
        const arr = sql`${terms}::int4[]`;
        const needed = requiredMatches(terms.length);
        const groups = await candidateGroups(terms, terms.length - needed);
        where.push(groups.length ? sql`(${sql.join(groups.map((g) => sql`d.terms @> ${g}::int4[]`), sql` or `)})` : sql`false`);
        // Matched query terms per field, counted once per candidate by intarray intersections (C code,
        // linear on the sorted arrays); `offset 0` keeps the planner from inlining and recounting them.
        // The per-field arrays are disjoint and together make up `terms`, so what is in none of name,
        // items or provider is from the summary.
        from = sql`(select d.*, icount(d.terms & ${arr}) as matched, icount(d.name_terms & ${arr}) as in_name,
                           icount(d.item_terms & ${arr}) as in_items, icount(d.provider_terms & ${arr}) as in_provider
                    from catalog_search_docs d where ${sql.join(where, sql` and `)} offset 0) d`;
        where.length = 0;
        where.push(sql`d.matched >= ${needed}`);
        const weighted = sql`(d.in_name * ${WEIGHT.name}::float8 + d.in_items * ${WEIGHT.items}::float8 + d.in_provider * ${WEIGHT.provider}::float8
                              + (d.matched - d.in_name - d.in_items - d.in_provider) * ${WEIGHT.summary}::float8)`;
        // Every query term present approximates "the whole query occurs somewhere": +1.
        // Among equal matches, a name closer in length to the query is the better one (企业登信息 → 企业登记信息, not 香洲区企业登记信息).
        const lengthGap = sql`least(abs(char_length(d.name) - ${[...q].length}), 20) * 0.01`;
        score = sql<number>`((${weighted}) / ${terms.length}::float8 + ${nameBoost} + (case when d.matched = ${terms.length} then 1 else 0 end) - ${lengthGap})`;
      }
    }
    return { from, where: sql.join(where, sql` and `), score, hasQuery: q !== '' };
  }

  return {
    /** The version ids (in catalog order) an export of this query holds, at most `max`. */
    async matchingVersionIds(actor: Actor, query: CatalogSearchQuery, max: number): Promise<string[]> {
      const { from, where } = await conditions(actor, query);
      const rows = await sql<{ version_id: string }>`select d.version_id from ${from} where ${where}
                                                     order by d.provider_org_id, d.publish_date desc, d.resource_id limit ${max}`.execute(db);
      return rows.rows.map((r) => r.version_id);
    },

    async search(actor: Actor, query: CatalogSearchQuery): Promise<{ total: number; items: SearchHit[]; facets: Facets }> {
      const { from, where, score, hasQuery } = await conditions(actor, query);
      const limit = Math.min(query.limit ?? 20, 500);
      const offset = query.offset ?? 0;
      const bySubmission = query.sort === 'submittedAt';
      const order = bySubmission
        ? sql`m.submitted_at asc nulls last, m.resource_id`
        : hasQuery && query.sort !== 'publishDate'
          ? sql`m.score desc, m.publish_date desc, m.resource_id`
          : sql`m.publish_date desc, m.resource_id`;
      // The document's own version is the one under review in the department and review scopes.
      const submittedAt = bySubmission ? sql`(select v.submitted_at from catalog_resource_versions v where v.id = d.version_id)` : sql`null::timestamptz`;
      // One statement: the match set is computed once (materialized) and feeds both the page and the facets.
      const result = await sql<{ page: PageRow[] | null; facets: FacetRow[] | null }>`
        with m as materialized (
          select d.resource_id, d.version_id, d.provider_org_id, d.category_id, d.share_type, d.format_class, d.is_open,
                 d.update_cycle, d.status, d.publish_date, ${score} as score, ${submittedAt} as submitted_at
          from ${from} where ${where}),
        p as (select * from m order by ${order} limit ${limit} offset ${offset}),
        f as (
          select case when grouping(provider_org_id) = 0 then 'provider' when grouping(category_id) = 0 then 'category'
                      when grouping(share_type) = 0 then 'shareType' when grouping(format_class) = 0 then 'formatClass'
                      when grouping(is_open) = 0 then 'isOpen' when grouping(update_cycle) = 0 then 'updateCycle'
                      when grouping(status) = 0 then 'status' else 'total' end as facet,
                 coalesce(provider_org_id::text, category_id::text, share_type, format_class, is_open::text, update_cycle, status) as value,
                 count(*)::int as count
          from m group by grouping sets ((provider_org_id), (category_id), (share_type), (format_class), (is_open), (update_cycle), (status), ()))
        select
          (select json_agg(x) from (
             select m.resource_id, r.code, v.name, o.name as provider_name, o.uscc as provider_code, m.share_type, r.status,
                    m.publish_date, v.summary, c.name as category_name, m.score, w.status as working_status, w.submitted_at
             from p m join catalog_resources r on r.id = m.resource_id join catalog_resource_versions v on v.id = m.version_id
                  left join catalog_resource_versions w on w.id = r.working_version_id
                  join identity_orgs o on o.id = m.provider_org_id join catalog_categories c on c.id = m.category_id
             order by ${order}) x) as page,
          (select json_agg(f) from f) as facets`.execute(db);
      const page = result.rows[0]?.page ?? [];
      const facetRows = result.rows[0]?.facets ?? [];
      return {
        total: facetRows.find((r) => r.facet === 'total')?.count ?? 0,
        items: page.map((r) => ({
          id: r.resource_id, code: r.code, name: r.name, providerName: r.provider_name, providerCode: r.provider_code, shareType: r.share_type,
          status: r.status, publishDate: r.publish_date, summary: r.summary, categoryName: r.category_name,
          requestable: isRequestable(r.status, r.share_type), score: hasQuery ? Number(r.score) : null,
          workingStatus: r.working_status, submittedAt: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
        })),
        facets: await labelFacets(db, facetRows),
      };
    },
  };
}

async function labelFacets(db: Database, rows: { facet: string; value: string | null; count: number }[]): Promise<Facets> {
  const facets = Object.fromEntries(FACETS.map((f) => [f, [] as FacetValue[]])) as Facets;
  const orgIds = rows.filter((r) => r.facet === 'provider').map((r) => r.value!);
  const categoryIds = rows.filter((r) => r.facet === 'category').map((r) => r.value!);
  const orgs = new Map(orgIds.length ? (await db.selectFrom('identity_orgs').select(['id', 'name', 'uscc']).where('id', 'in', orgIds).execute()).map((o) => [o.id, o]) : []);
  const categories = new Map(categoryIds.length ? (await db.selectFrom('catalog_categories').select(['id', 'name']).where('id', 'in', categoryIds).execute()).map((c) => [c.id, c.name]) : []);
  for (const row of rows) {
    if (row.facet === 'total' || row.value === null) continue;
    const facet = row.facet as keyof Facets;
    let value = row.value;
    let label = row.value;
    if (facet === 'provider') { const org = orgs.get(row.value); value = org?.uscc ?? row.value; label = org?.name ?? row.value; }
    if (facet === 'category') label = categories.get(row.value) ?? row.value;
    if (facet === 'isOpen') label = row.value === 'true' ? '是' : '否';
    if (facet === 'status') label = STATUS_LABELS[row.value] ?? row.value;
    facets[facet].push({ value, label, count: row.count });
  }
  for (const list of Object.values(facets)) list.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'zh'));
  return facets;
}
