export { createReconciliationService, differencesOf, RECONCILIATION_TIMEOUT_MS, type ReconciliationService } from './reconciliation.service.js';
export { reconciliationRoutes } from './reconciliation.routes.js';
export { platformChecksums, maskedText, type ChecksumColumn, type SubscriberSpec, type Figure } from './platform-checksum.js';
