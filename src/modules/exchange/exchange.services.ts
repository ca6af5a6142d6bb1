/**
 * The exchange module's services, composed once (app.ts): the node registry, publish tasks and subscriptions
 * (tasks/), batches and deliveries (batches/), monitoring and alerts (monitoring/), reconciliation
 * (reconciliation/), and the platform's SM2 key that signs deliveries and node configuration.
 */
import type { SealedBox } from '../../platform/crypto/sealed-box.js';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import { createBatchesService } from './batches/index.js';
import { createMonitoringService } from './monitoring/index.js';
import { createNodesService } from './nodes.service.js';
import { createReconciliationService } from './reconciliation/index.js';
import { createPlatformKey, createTasksService } from './tasks/index.js';

export interface ExchangeDeps {
  db: Database;
  now?: () => Date;
  box: SealedBox;
  /** Where uploaded batch files are kept (durably, fsynced). */
  storageDir: string;
  logger?: Logger;
}

export function createExchangeServices(deps: ExchangeDeps) {
  const { db, now } = deps;
  const nodes = createNodesService({ db, now });
  const platformKey = createPlatformKey({ db, box: deps.box, now });
  // The reconciliation service is composed below; the config looks it up when built.
  const tasks = createTasksService({ db, now, nodes, platformKey, reconciliation: () => reconciliation });
  const batches = createBatchesService({ db, now, platformKey, storageDir: deps.storageDir, logger: deps.logger });
  const monitoring = createMonitoringService({ db, now });
  const reconciliation = createReconciliationService({ db, now });
  return { nodes, platformKey, tasks, batches, monitoring, reconciliation };
}

export type ExchangeServices = ReturnType<typeof createExchangeServices>;
