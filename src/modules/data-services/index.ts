export { createDataServices, type DataServices, type DataServicesDeps } from './data-services.service.js';
export { dataServicesRoutes } from './data-services.routes.js';
export { recoverInterruptedLoads } from './datastore/index.js';
export { resourceKindOf, RESOURCE_KIND_LABELS, type DataResourceKind } from './resource-kinds.js';
export {
  canonicalQuery, memoryNonceStore, partsOfUrl, signRequest, stringToSign, verifySignedRequest, MAX_CLOCK_SKEW_MS,
  type NonceStore, type SignatureCheck, type SignedRequestParts,
} from './request-signing.js';
