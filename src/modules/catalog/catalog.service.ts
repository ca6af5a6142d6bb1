import { sql } from 'kysely';
import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { catalogRepository, itemsOf } from './catalog.repository.js';
import { createCatalogImport } from './catalog-import.service.js';
import { createCatalogLifecycle } from './catalog-lifecycle.service.js';
import { createCatalogSearch, type CatalogSearchQuery } from './catalog-search.service.js';
import { catalogToCsv, catalogToJson, writeCatalogWorkbook, type ExportedResource } from './import/index.js';

export interface CategoryNode {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  kind: string;
  /** Published resources in this class and its sub-classes. */
  count: number;
  children: CategoryNode[];
}

const EXPORT_LIMIT = 100_000;

/** The resource catalog (目录管理): lifecycle, search, import and export. */
export function createCatalogService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const lifecycle = createCatalogLifecycle({ db: deps.db, now });
  const search = createCatalogSearch({ db: deps.db });
  const importer = createCatalogImport({ db: deps.db, now });

  return {
    ...lifecycle,
    search: search.search,
    importResources: importer.importResources,

    /** The classification tree with the number of published resources under each class. */
    async categories(): Promise<CategoryNode[]> {
      const rows = await catalogRepository(deps.db).listCategories();
      const counts = await sql<{ category_id: string; n: number }>`select category_id, count(*)::int as n from catalog_search_docs where in_shared group by category_id`.execute(deps.db);
      const direct = new Map(counts.rows.map((r) => [r.category_id, r.n]));
      const nodes = new Map<string, CategoryNode>(rows.map((r) => [r.id, { id: r.id, parentId: r.parent_id, code: r.code, name: r.name, kind: r.kind, count: 0, children: [] }]));
      for (const row of rows) {
        const n = direct.get(row.id) ?? 0;
        for (let node = nodes.get(row.id); node; node = node.parentId ? nodes.get(node.parentId) : undefined) node.count += n;
        if (row.parent_id) nodes.get(row.parent_id)?.children.push(nodes.get(row.id)!);
      }
      return rows.filter((r) => !r.parent_id).map((r) => nodes.get(r.id)!);
    },

    /** Exports the resources a search selects, in the annex-4 workbook, CSV or JSON; the export is audited. */
    async export(actor: Actor, ctx: AuditContext, query: CatalogSearchQuery, format: 'xlsx' | 'csv' | 'json') {
      const versionIds = await search.matchingVersionIds(actor, query, EXPORT_LIMIT);
      const repo = catalogRepository(deps.db);
      const resources: ExportedResource[] = [];
      for (let i = 0; i < versionIds.length; i += 5000) {
        const ids = versionIds.slice(i, i + 5000);
        const versions = new Map((await deps.db.selectFrom('catalog_resource_versions as v').innerJoin('catalog_resources as r', 'r.id', 'v.resource_id')
          .selectAll('v').select('r.code as resource_code').where('v.id', 'in', ids).execute()).map((v) => [v.id, v]));
        const items = await repo.itemsOf(ids);
        const byVersion = new Map<string, typeof items>();
        for (const item of items) byVersion.set(item.version_id, [...(byVersion.get(item.version_id) ?? []), item]);
        for (const id of ids) {
          const v = versions.get(id)!;
          resources.push(itemsOf(v, byVersion.get(id) ?? [], v.resource_code) as ExportedResource);
        }
      }
      await deps.db.transaction().execute((trx) => recordAuditEvent(trx, ctx, {
        action: 'catalog.exported', targetType: 'catalog', detail: { format, scope: query.scope ?? 'shared', filters: { ...query }, rows: resources.length },
      }, now()));
      const stamp = now().toISOString().slice(0, 19).replace(/[-:T]/g, '');
      if (format === 'csv') return { filename: `catalog-${stamp}.csv`, contentType: 'text/csv; charset=utf-8', body: catalogToCsv(resources) };
      if (format === 'json') return { filename: `catalog-${stamp}.json`, contentType: 'application/json; charset=utf-8', body: Buffer.from(catalogToJson(resources), 'utf8') };
      return { filename: `catalog-${stamp}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: await writeCatalogWorkbook(resources) };
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
