export { createCatalogService, type CatalogService, type CategoryNode } from './catalog.service.js';
export { catalogRoutes } from './catalog.routes.js';
export type { ImportOutcome } from './catalog-import.service.js';
export type { CatalogSearchQuery } from './catalog-search.service.js';
export { isRequestable } from './catalog-views.js';
export * from './catalog.types.js';
export {
  catalogResourceLookup, publishedForSharing, publishedDataResource, type CatalogResourceRef, type SharableResource, type PublishedDataResource,
} from './catalog-lookup.js';
