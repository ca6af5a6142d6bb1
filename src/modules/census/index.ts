export { createCensusService, type CensusService } from './census.service.js';
export { censusRoutes } from './census.routes.js';
export { catalogTableLookup, type CatalogLookup, type CatalogResourceRef } from './census.catalog.js';
export * from './census.types.js';
export { zombieReasons, FEW_USERS_MAX, LOW_FREQUENCIES } from './census.zombie.js';
