// The exchange data plane: uploads, durable storage, datastore apply, fan-out, deliveries, acks, retries.
export { createBatchesService, type BatchesDeps, type BatchesService } from './batches.service.js';
export { batchesRoutes } from './batches.routes.js';
export { writeExchangeLog, nextSerialNo, cstDay, type ExchangeLogInput } from './exchange-log.js';
export { backfillDeliveries } from './backfill.js';
