import type { Database } from '../../platform/db/database.js';

/** A catalog resource as the census needs it: to validate a link and to show it. */
export interface CatalogResourceRef {
  id: string;
  code: string;
  name: string;
  providerOrgId: string;
}

/** The narrow part of the catalog the census depends on; passed in, so tests and the wiring choose it. */
export interface CatalogLookup {
  byIds(db: Database, ids: readonly string[]): Promise<CatalogResourceRef[]>;
  byCodes(db: Database, codes: readonly string[]): Promise<CatalogResourceRef[]>;
}

/**
 * Reads `catalog_resources` (its `name` column is the latest version's name). The catalog module
 * exports no lookup yet; when `catalog/index.ts` offers one, wire that in instead of this.
 */
export const catalogTableLookup: CatalogLookup = {
  async byIds(db, ids) {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom('catalog_resources').select(['id', 'code', 'name', 'provider_org_id']).where('id', 'in', [...ids]).execute();
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, providerOrgId: r.provider_org_id }));
  },
  async byCodes(db, codes) {
    if (codes.length === 0) return [];
    const rows = await db.selectFrom('catalog_resources').select(['id', 'code', 'name', 'provider_org_id']).where('code', 'in', [...codes]).execute();
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, providerOrgId: r.provider_org_id }));
  },
};
