// STUB (replaced by the batches area): upload, durable storage, datastore apply, fan-out, deliveries, acks, retry.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../../platform/db/database.js';
import type { Logger } from '../../../platform/logger.js';
import type { NodesService } from '../nodes.service.js';
import type { PlatformKey } from '../tasks/index.js';

export function createBatchesService(_deps: { db: Database; now?: () => Date; nodes: NodesService; platformKey: PlatformKey; storageDir: string; logger?: Logger }) {
  return { async start(): Promise<void> {}, async close(): Promise<void> {} };
}
export type BatchesService = ReturnType<typeof createBatchesService>;

export function batchesRoutes(_deps: { batches: BatchesService; nodes: NodesService }): FastifyPluginAsync {
  return async () => {};
}
