export { datastoreLayout, type DatastoreColumn, type DatastoreLayout } from './datastore-schema.js';
export { selectRows, verifyClaims, type FilterOp, type RowFilter } from './datastore-query.js';
export { createDatastoreService, type DatastoreService, type LoadInput } from './datastore.service.js';
export type { DatastoreView, LoadError, LoadFormat, LoadMode, LoadStatus, LoadView } from './datastore.types.js';
export { datastoreRoutes } from './datastore.routes.js';
export { recoverInterruptedLoads } from './load-recovery.js';
