// STUB — to be replaced by the applications implementation. Keep these exports and signatures.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../../platform/db/database.js';
import type { SealedBox } from '../../../platform/crypto/sealed-box.js';

export function createAppsService(_deps: { db: Database; now?: () => Date; box: SealedBox }) {
  return {};
}
export type AppsService = ReturnType<typeof createAppsService>;
/** /api/v1/apps… and PUT /api/v1/grants/:id/app (session auth). */
export function appsRoutes(_deps: { apps: AppsService }): FastifyPluginAsync {
  return async () => {};
}
