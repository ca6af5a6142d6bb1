export { createDataApi, signedPartsOf, type DataApi, type DataApiDeps, type DataResource } from './data-api.service.js';
export { dataApiRoutes } from './data-api.routes.js';
export { apiDocRoutes } from './api-doc.routes.js';
export { createCallLogWriter, type CallEntry, type CallLogWriter } from './call-log-writer.js';
export { cstDay, nextCstMidnight } from './cst-time.js';
export type { DataCallContext, DataCallOutcome, DataCallSpec, RunDataCall } from './data-call.types.js';
