// STUB (replaced by the reconciliation area): 对账 source ↔ platform ↔ target.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../../platform/db/database.js';
import type { NodesService } from '../nodes.service.js';

export function createReconciliationService(_deps: { db: Database; now?: () => Date }) {
  return {};
}
export type ReconciliationService = ReturnType<typeof createReconciliationService>;

export function reconciliationRoutes(_deps: { reconciliation: ReconciliationService; nodes: NodesService }): FastifyPluginAsync {
  return async () => {};
}
