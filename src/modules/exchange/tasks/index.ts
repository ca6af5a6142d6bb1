/**
 * The exchange config plane: publish tasks (发布任务), subscriptions (订阅), the platform's SM2 key and the
 * signed configuration nodes fetch.
 */
import type { Database } from '../../../platform/db/database.js';
import type { AuthenticatedNode } from '../nodes.types.js';
import type { NodesService } from '../nodes.service.js';
import type { SignedNodeConfig } from '../flows.types.js';
import { createNodeConfigBuilder, type PendingReconciliations } from './node-config.js';
import type { PlatformKey } from './platform-key.js';
import { createSubscriptionOperations } from './subscriptions.service.js';
import { createTaskOperations } from './tasks.service.js';

export { createPlatformKey, type PlatformKey } from './platform-key.js';
export { tasksRoutes } from './tasks.routes.js';
export type { PendingReconciliations } from './node-config.js';
export type { TaskInput, TaskUpdate } from './tasks.service.js';
export type { SubscriptionInput, SubscriptionUpdate } from './subscriptions.service.js';

export interface TasksDeps {
  db: Database;
  now?: () => Date;
  nodes: NodesService;
  platformKey: PlatformKey;
  /** The reconciliation service, looked up when a config is built (it is composed after this one). */
  reconciliation?: () => Partial<PendingReconciliations> | undefined;
}

export function createTasksService(deps: TasksDeps) {
  const now = deps.now ?? (() => new Date());
  const builder = createNodeConfigBuilder({ db: deps.db, now, platformKey: deps.platformKey, reconciliation: deps.reconciliation });
  return {
    tasks: createTaskOperations({ db: deps.db, now }),
    subscriptions: createSubscriptionOperations({ db: deps.db, now }),
    /** The node's signed configuration (GET /api/v1/exchange/node/config, the mailbox's config.json). */
    nodeConfig: (node: AuthenticatedNode): Promise<SignedNodeConfig> => builder.nodeConfig(node),
  };
}

export type TasksService = ReturnType<typeof createTasksService>;
