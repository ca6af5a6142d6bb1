import type { FastifyPluginAsync } from 'fastify';
import { batchesRoutes } from './batches/index.js';
import type { ExchangeServices } from './exchange.services.js';
import { monitoringRoutes } from './monitoring/index.js';
import { nodesRoutes } from './nodes.routes.js';
import { reconciliationRoutes } from './reconciliation/index.js';
import { tasksRoutes } from './tasks/index.js';

/** Every exchange route under /api/v1 (docs/exchange-api.md). Signed node routes register their own raw-body parsers in their scope. */
export function exchangeRoutes(exchange: ExchangeServices): FastifyPluginAsync {
  return async (app) => {
    await app.register(nodesRoutes(exchange.nodes));
    await app.register(tasksRoutes({ tasks: exchange.tasks, nodes: exchange.nodes }));
    await app.register(batchesRoutes({ batches: exchange.batches, nodes: exchange.nodes }));
    await app.register(monitoringRoutes({ monitoring: exchange.monitoring }));
    await app.register(reconciliationRoutes({ reconciliation: exchange.reconciliation, nodes: exchange.nodes }));
  };
}
