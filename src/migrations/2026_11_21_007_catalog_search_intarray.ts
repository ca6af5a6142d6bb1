import { sql, type Kysely } from 'kysely';

/**
 * Catalog search: count matched query terms and weigh them with intarray's set operations (C code)
 * instead of one `= any(array)` scan per term and field, over disjoint per-field term arrays. Once intarray is installed its operators
 * take over `&&` and `@>` on int4[], which the default GIN opclass does not serve, so the terms index
 * moves to intarray's gin__int_ops.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists intarray`.execute(db);
  // Per-field term arrays become disjoint (each term in the best field holding it: name > items >
  // provider > summary) and sorted — intarray sorts its inputs with an insertion sort, quadratic on
  // unsorted arrays; the name is stored normalised as queries are.
  await sql`update catalog_search_docs set
              terms = sort(terms),
              name = lower(normalize(name, NFKC)),
              name_terms = sort(name_terms),
              item_terms = sort(item_terms) - name_terms,
              provider_terms = sort(provider_terms) - name_terms - item_terms`.execute(db);
  await sql`drop index catalog_search_docs_terms_gin`.execute(db);
  await sql`create index catalog_search_docs_terms_gin on catalog_search_docs using gin (terms gin__int_ops)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
