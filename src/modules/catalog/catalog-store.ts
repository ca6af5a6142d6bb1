/** Writes resources and versions in batches; shared by the single-resource API and the importer. */
import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { sql } from 'kysely';
import { DomainError } from '../../platform/errors.js';
import { catalogRepository, versionColumnsOf, type ResourceRow } from './catalog.repository.js';
import { insertSearchDocs, reindexResources, searchDocOf } from './catalog-search-index.js';
import type { ImportError, ResourceInput } from './catalog.types.js';
import { RESOURCE_CODE } from './catalog-validation.js';

export type NewStatus = 'draft' | 'submitted';

export interface NewResourceEntry {
  input: ResourceInput;
  providerOrgId: string;
  /** Primary class; defaults to the provider's 部门 class. */
  categoryId?: string;
  status: NewStatus;
}

export interface NewVersionEntry {
  resource: ResourceRow;
  input: ResourceInput;
  status: NewStatus;
}

type Category = { id: string; code: string; name: string; kind: string };

/** `基础信息资源/人口基础信息` → the 人口 class; matches on the last path segment, loosely. */
export function relatedCategoryId(relatedClass: string | null, categories: Category[]): string | null {
  if (!relatedClass) return null;
  const strip = (s: string) => s.replace(/\s+/g, '').replace(/(基础信息资源|主题信息资源|部门信息资源|基础信息|信息资源|信息|类)$/u, '');
  const segments = relatedClass.split(/[/／>、]/).map((s) => s.trim()).filter(Boolean);
  const last = segments.at(-1);
  if (!last) return null;
  const kind = segments.length > 1 ? (segments[0]!.startsWith('基础') ? '基础' : segments[0]!.startsWith('主题') ? '主题' : segments[0]!.startsWith('部门') ? '部门' : null) : null;
  const wanted = strip(last);
  const match = categories.find((c) => c.code.length > 1 && (kind === null || c.kind === kind) && (c.name === last || strip(c.name) === wanted));
  return match?.id ?? null;
}

/** Problems with provider-supplied codes (format; taken on the platform or twice in this batch), by entry index. */
export async function codeProblems(db: Database, codes: (string | null)[]): Promise<Map<number, ImportError>> {
  const problems = new Map<number, ImportError>();
  const given = codes.map((c, i) => ({ c, i })).filter((x): x is { c: string; i: number } => x.c !== null);
  const taken = await catalogRepository(db).codesTaken(given.map((x) => x.c));
  const seen = new Set<string>();
  for (const { c, i } of given) {
    if (!RESOURCE_CODE.test(c)) problems.set(i, { column: '信息资源代码', message: '信息资源代码应为“9位分类码/6位顺序码”，如 101000000/000123' });
    else if (taken.has(c) || seen.has(c)) problems.set(i, { column: '信息资源代码', message: `信息资源代码 ${c} 已被使用` });
    seen.add(c);
  }
  return problems;
}

const isUniqueViolation = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';

/** Creates resources with their first version and items, assigns codes, and indexes them. */
export async function storeNewResources(db: Database, actor: Actor, entries: NewResourceEntry[], now: Date): Promise<{ id: string; code: string; versionId: string }[]> {
  if (entries.length === 0) return [];
  const repo = catalogRepository(db);
  const categories = await repo.listCategories();
  const byId = new Map(categories.map((c) => [c.id, c]));
  const departmentClasses = await repo.departmentCategories(entries.filter((e) => !e.categoryId).map((e) => e.providerOrgId));
  const classification = (e: NewResourceEntry) => {
    const category = e.categoryId ? byId.get(e.categoryId) : departmentClasses.get(e.providerOrgId);
    if (!category) throw new DomainError('CATALOG_CATEGORY_NOT_FOUND', `Category ${e.categoryId} does not exist (资源分类不存在).`, { field: 'categoryId' });
    return { categoryId: category.id, digits: category.code.padEnd(9, '0') };
  };
  const classes = entries.map(classification);

  // Codes: keep a valid provider code (and move the counter past it), else number per classification.
  const codes: string[] = new Array(entries.length);
  const needing = new Map<string, number[]>();
  for (const [i, e] of entries.entries()) {
    const given = e.input.code ? RESOURCE_CODE.exec(e.input.code) : null;
    if (given) {
      codes[i] = e.input.code!;
      await repo.reserveSequence(given[1]!, Number(given[2]));
    } else {
      const list = needing.get(classes[i]!.digits) ?? [];
      list.push(i);
      needing.set(classes[i]!.digits, list);
    }
  }
  for (const [digits, indexes] of needing) {
    let next = await repo.allocateSequence(digits, indexes.length);
    if (next + indexes.length - 1 > 999_999) throw new DomainError('CATALOG_CODE_INVALID', `Classification ${digits} has run out of sequence numbers.`);
    for (const i of indexes) codes[i] = `${digits}/${String(next++).padStart(6, '0')}`;
  }

  let resourceIds: string[];
  try {
    resourceIds = await repo.insertResources(entries.map((e, i) => ({
      code: codes[i]!, provider_org_id: e.providerOrgId, category_id: classes[i]!.categoryId, status: e.status,
      name: e.input.name.trim(), created_at: now, updated_at: now,
    })));
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError('CATALOG_CODE_DUPLICATE', 'A resource code is already in use (信息资源代码已被使用).', { field: 'code' });
    throw error;
  }
  const versionIds = await insertVersionRows(db, actor, entries.map((e, i) => ({ resourceId: resourceIds[i]!, versionNo: 1, input: e.input, status: e.status })), categories, now);
  for (const status of ['draft', 'submitted'] as const) {
    const picked = entries.map((e, i) => ({ e, i })).filter((x) => x.e.status === status);
    if (picked.length) await setWorkingVersions(db, picked.map((x) => resourceIds[x.i]!), picked.map((x) => versionIds[x.i]!), picked.map((x) => x.e.input.name.trim()), status, now);
  }
  await repo.insertReviewEvents(entries.flatMap((e, i) => e.status === 'submitted'
    ? [{ resource_id: resourceIds[i]!, version_id: versionIds[i]!, action: 'submitted', actor_id: actor.userId, actor_username: actor.username, comment: null, at: now }]
    : []));
  // New resources have one version and nothing indexed yet: build their documents from the input
  // rather than reading back what was just written (reindexResources would; it halves a bulk import).
  await insertSearchDocs(db, entries.map((e, i) => searchDocOf({
    versionId: versionIds[i]!, resourceId: resourceIds[i]!, inShared: false, inDepartment: true, providerOrgId: e.providerOrgId,
    categoryId: classes[i]!.categoryId, status: e.status, shareType: e.input.shareType, formatClass: e.input.formatClass,
    isOpen: e.input.isOpen, updateCycle: e.input.updateCycle, publishDate: e.input.publishDate, name: e.input.name.trim(),
    summary: e.input.summary, providerName: e.input.providerName, itemNames: e.input.items.map((item) => item.name.trim()),
  })));
  return resourceIds.map((id, i) => ({ id, code: codes[i]!, versionId: versionIds[i]! }));
}

/**
 * Adds a new working version to existing resources (an edit of a published resource, or an import
 * over an existing one). A replaced draft or returned working version is kept as superseded.
 */
export async function storeNewVersions(db: Database, actor: Actor, entries: NewVersionEntry[], now: Date): Promise<{ id: string; code: string; versionId: string }[]> {
  if (entries.length === 0) return [];
  const repo = catalogRepository(db);
  const categories = await repo.listCategories();
  const resourceIds = entries.map((e) => e.resource.id);
  const maxNo = new Map((await db.selectFrom('catalog_resource_versions').select(['resource_id', db.fn.max('version_no').as('n')])
    .where('resource_id', 'in', resourceIds).groupBy('resource_id').execute()).map((r) => [r.resource_id, Number(r.n)]));
  const replaced = entries.map((e) => e.resource.working_version_id).filter((v): v is string => v !== null);
  if (replaced.length) await db.updateTable('catalog_resource_versions').set({ status: 'superseded', updated_at: now }).where('id', 'in', replaced).execute();
  const versionIds = await insertVersionRows(db, actor, entries.map((e) => ({ resourceId: e.resource.id, versionNo: (maxNo.get(e.resource.id) ?? 0) + 1, input: e.input, status: e.status })), categories, now);
  for (const status of ['draft', 'submitted'] as const) {
    const ids = entries.map((e, i) => ({ e, i })).filter((x) => x.e.status === status);
    if (ids.length === 0) continue;
    await setWorkingVersions(db, ids.map((x) => x.e.resource.id), ids.map((x) => versionIds[x.i]!), ids.map((x) => x.e.input.name.trim()), status, now);
  }
  await repo.insertReviewEvents(entries.flatMap((e, i) => e.status === 'submitted'
    ? [{ resource_id: e.resource.id, version_id: versionIds[i]!, action: 'submitted', actor_id: actor.userId, actor_username: actor.username, comment: null, at: now }]
    : []));
  await reindexResources(db, resourceIds);
  return entries.map((e, i) => ({ id: e.resource.id, code: e.resource.code, versionId: versionIds[i]! }));
}

async function insertVersionRows(
  db: Database, actor: Actor,
  rows: { resourceId: string; versionNo: number; input: ResourceInput; status: NewStatus }[],
  categories: Category[], now: Date,
): Promise<string[]> {
  const repo = catalogRepository(db);
  const versionIds = await repo.insertVersions(rows.map((r) => ({
    resource_id: r.resourceId, version_no: r.versionNo, status: r.status, ...versionColumnsOf(r.input),
    related_category_id: relatedCategoryId(r.input.relatedClass, categories),
    created_by: actor.userId, created_at: now, updated_at: now,
    submitted_by: r.status === 'submitted' ? actor.userId : null, submitted_at: r.status === 'submitted' ? now : null,
  })));
  await repo.insertItems(rows.flatMap((r, i) => r.input.items.map((item, position) => ({
    version_id: versionIds[i]!, position, name: item.name.trim(), data_type: item.dataType, length: item.length,
  }))));
  return versionIds;
}

/** Points each resource at its new working version in one statement (unnest of parallel arrays). */
async function setWorkingVersions(db: Database, resourceIds: string[], versionIds: string[], names: string[], status: NewStatus, now: Date) {
  await sql`update catalog_resources r
            set working_version_id = u.version_id, name = u.name, updated_at = ${now},
                status = case when r.published_version_id is not null then r.status else ${status} end
            from unnest(${resourceIds}::uuid[], ${versionIds}::uuid[], ${names}::text[]) as u(id, version_id, name)
            where r.id = u.id`.execute(db);
}
