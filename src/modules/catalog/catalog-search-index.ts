import type { Insertable } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { CatalogSearchDocsTable } from '../../platform/db/schema.js';
import { catalogRepository, chunks } from './catalog.repository.js';
import { termCodesOf, sortedTerms } from './catalog-terms.js';

type SearchDoc = Insertable<CatalogSearchDocsTable>;

export interface SearchDocSource {
  versionId: string;
  resourceId: string;
  inShared: boolean;
  inDepartment: boolean;
  providerOrgId: string;
  categoryId: string;
  status: string;
  shareType: string;
  formatClass: string;
  isOpen: boolean;
  updateCycle: string;
  publishDate: string;
  name: string;
  summary: string;
  providerName: string;
  itemNames: string[];
}

/**
 * The search document of one catalog entry: bigram terms (sorted) for the GIN index, and per field
 * for the weights. The per-field arrays are disjoint — each term sits in the best field holding it
 * (name > items > provider > summary) — so a query's weighted score is one intersection per field;
 * summary terms are those in `terms` and in none of the others.
 * The name is stored normalised (NFKC, lower case) as queries are.
 */
export function searchDocOf(s: SearchDocSource): SearchDoc {
  const nameTerms = termCodesOf(s.name);
  const itemTerms = without(termCodesOf(s.itemNames.join(' ')), nameTerms);
  const providerTerms = without(termCodesOf(s.providerName), nameTerms, itemTerms);
  const summaryTerms = without(termCodesOf(s.summary), nameTerms, itemTerms, providerTerms);
  return {
    version_id: s.versionId,
    resource_id: s.resourceId,
    in_shared: s.inShared,
    in_department: s.inDepartment,
    provider_org_id: s.providerOrgId,
    category_id: s.categoryId,
    status: s.status,
    share_type: s.shareType,
    format_class: s.formatClass,
    is_open: s.isOpen,
    update_cycle: s.updateCycle,
    publish_date: s.publishDate,
    name: s.name.normalize('NFKC').toLowerCase(),
    terms: sortedTerms([...nameTerms, ...itemTerms, ...summaryTerms, ...providerTerms]),
    name_terms: nameTerms,
    item_terms: itemTerms,
    provider_terms: providerTerms,
  };
}

/** `terms` (sorted) without any term of the other lists. */
function without(terms: number[], ...others: number[][]): number[] {
  const drop = new Set(others.flat());
  return terms.filter((t) => !drop.has(t));
}

export async function insertSearchDocs(db: Database, docs: SearchDoc[]): Promise<void> {
  for (const chunk of chunks(docs, 17)) await db.insertInto('catalog_search_docs').values(chunk).execute();
}

/**
 * Rebuilds the search documents of these resources from their current state: the published version
 * is in the shared catalog; the department sees the working version if there is one, else the
 * published one. Call it in the transaction that changed the resources.
 */
export async function reindexResources(db: Database, resourceIds: string[]): Promise<void> {
  const ids = [...new Set(resourceIds)];
  if (ids.length === 0) return;
  const repo = catalogRepository(db);
  for (const chunk of chunks(ids, 1)) {
    await db.deleteFrom('catalog_search_docs').where('resource_id', 'in', chunk).execute();
    const resources = await db.selectFrom('catalog_resources').selectAll().where('id', 'in', chunk).execute();
    const versionIds = resources.flatMap((r) => [r.published_version_id, r.working_version_id]).filter((v): v is string => v !== null);
    if (versionIds.length === 0) continue;
    const versions = new Map((await db.selectFrom('catalog_resource_versions').selectAll().where('id', 'in', versionIds).execute()).map((v) => [v.id, v]));
    const items = new Map<string, string[]>();
    for (const item of await repo.itemsOf(versionIds)) {
      const list = items.get(item.version_id) ?? [];
      list.push(item.name);
      items.set(item.version_id, list);
    }
    const docs: SearchDoc[] = [];
    for (const r of resources) {
      const departmentVersionId = r.working_version_id ?? r.published_version_id;
      for (const versionId of new Set([r.published_version_id, r.working_version_id])) {
        if (!versionId) continue;
        const v = versions.get(versionId)!;
        docs.push(searchDocOf({
          versionId, resourceId: r.id, inShared: versionId === r.published_version_id, inDepartment: versionId === departmentVersionId,
          providerOrgId: r.provider_org_id, categoryId: r.category_id,
          // The department (and the review queue) sees where its work stands: a new version under review is `submitted`.
          status: versionId === r.working_version_id ? v.status : r.status, shareType: v.share_type, formatClass: v.format_class,
          isOpen: v.is_open, updateCycle: v.update_cycle, publishDate: v.publish_date, name: v.name, summary: v.summary,
          providerName: v.provider_name, itemNames: items.get(versionId) ?? [],
        }));
      }
    }
    await insertSearchDocs(db, docs);
  }
}
