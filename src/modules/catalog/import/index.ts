/** Catalog workbook import/export in the annex-4 template layout (DOMAIN.md §3). */
export { parseCatalogWorkbook } from './catalog-workbook-reader.js';
export type { ParseCatalogOptions, ParsedBlock, ParsedCatalog, ProviderRef } from './catalog-workbook-reader.js';
export { catalogToCsv, catalogToJson, writeCatalogWorkbook } from './catalog-workbook-writer.js';
export type { ExportedResource, WriteCatalogOptions } from './catalog-workbook-writer.js';
