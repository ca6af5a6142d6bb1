import type { Database } from '../../platform/db/database.js';

/** A resource as other modules reference it (the census links systems to resources). */
export interface CatalogResourceRef {
  id: string;
  code: string;
  /** The latest version's name (working, else published). */
  name: string;
  providerOrgId: string;
  status: string;
}

const refColumns = ['id', 'code', 'name', 'provider_org_id', 'status'] as const;
const toRef = (r: { id: string; code: string; name: string; provider_org_id: string; status: string }): CatalogResourceRef =>
  ({ id: r.id, code: r.code, name: r.name, providerOrgId: r.provider_org_id, status: r.status });

/** Resource references by id or code, for other modules; pass the caller's transaction as `db`. */
export const catalogResourceLookup = {
  async byIds(db: Database, ids: readonly string[]): Promise<CatalogResourceRef[]> {
    if (ids.length === 0) return [];
    return (await db.selectFrom('catalog_resources').select(refColumns).where('id', 'in', [...ids]).execute()).map(toRef);
  },
  async byCodes(db: Database, codes: readonly string[]): Promise<CatalogResourceRef[]> {
    if (codes.length === 0) return [];
    return (await db.selectFrom('catalog_resources').select(refColumns).where('code', 'in', [...codes]).execute()).map(toRef);
  },
};

/** The live (published) terms of a resource, as the sharing module needs them to take a request. */
export interface SharableResource {
  id: string;
  code: string;
  name: string;
  providerOrgId: string;
  /** draft | submitted | returned | published | retired */
  status: string;
  /** null when no version has been published yet. */
  shareType: string | null;
  shareCondition: string | null;
  /** The published version's info item names, in order. */
  items: string[];
}

/** The resource with its published version's share type, condition and items; pass the caller's transaction. */
export async function publishedForSharing(db: Database, id: string): Promise<SharableResource | null> {
  const row = await db.selectFrom('catalog_resources as r')
    .leftJoin('catalog_resource_versions as v', 'v.id', 'r.published_version_id')
    .select(['r.id', 'r.code', 'r.name', 'r.provider_org_id', 'r.status', 'r.published_version_id', 'v.name as version_name', 'v.share_type', 'v.share_condition'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const items = row.published_version_id
    ? (await db.selectFrom('catalog_resource_items').select('name').where('version_id', '=', row.published_version_id).orderBy('position').execute()).map((i) => i.name)
    : [];
  return {
    id: row.id, code: row.code, name: row.version_name ?? row.name, providerOrgId: row.provider_org_id, status: row.status,
    shareType: row.share_type ?? null, shareCondition: row.share_condition ?? null, items,
  };
}

/** A published resource as data services serve it: its format class decides table, file or API. */
export interface PublishedDataResource {
  id: string;
  code: string;
  name: string;
  providerOrgId: string;
  formatClass: string;
  publishedVersionId: string;
  versionNo: number;
  /** The published version's info items, in order (data type letter C/N/Y/D/T/L/M/G/B/I/F). */
  items: { name: string; dataType: string; length: number | null; position: number }[];
}

/** The published version of a resource by id or code, or null when it does not exist or is not published. */
export async function publishedDataResource(db: Database, ref: { id: string } | { code: string }): Promise<PublishedDataResource | null> {
  let query = db.selectFrom('catalog_resources as r')
    .innerJoin('catalog_resource_versions as v', 'v.id', 'r.published_version_id')
    .select(['r.id', 'r.code', 'r.provider_org_id', 'r.status', 'v.id as version_id', 'v.version_no', 'v.name', 'v.format_class'])
    .where('r.status', '=', 'published');
  query = 'id' in ref ? query.where('r.id', '=', ref.id) : query.where('r.code', '=', ref.code);
  const row = await query.executeTakeFirst();
  if (!row) return null;
  const items = await db.selectFrom('catalog_resource_items').select(['name', 'data_type', 'length', 'position'])
    .where('version_id', '=', row.version_id).orderBy('position').execute();
  return {
    id: row.id, code: row.code, name: row.name, providerOrgId: row.provider_org_id, formatClass: row.format_class,
    publishedVersionId: row.version_id, versionNo: row.version_no,
    items: items.map((i) => ({ name: i.name, dataType: i.data_type, length: i.length, position: i.position })),
  };
}
