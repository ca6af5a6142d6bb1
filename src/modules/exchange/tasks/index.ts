// STUB (replaced by the tasks area): publish tasks (发布任务), subscriptions (订阅), the platform key, node config.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../../platform/db/database.js';
import type { SealedBox } from '../../../platform/crypto/sealed-box.js';
import type { NodesService } from '../nodes.service.js';
import type { NodeKeyPair } from '../node-signing.js';

export function createPlatformKey(_deps: { db: Database; box: SealedBox; now?: () => Date }) {
  return { async get(): Promise<NodeKeyPair> { throw new Error('not implemented'); } };
}
export type PlatformKey = ReturnType<typeof createPlatformKey>;

export function createTasksService(_deps: { db: Database; now?: () => Date; nodes: NodesService; platformKey: PlatformKey }) {
  return {};
}
export type TasksService = ReturnType<typeof createTasksService>;

export function tasksRoutes(_deps: { tasks: TasksService; nodes: NodesService }): FastifyPluginAsync {
  return async () => {};
}
