// STUB — to be replaced by the call-log reading implementation. Keep these exports and signatures.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../../platform/db/database.js';

export function createCallsService(_deps: { db: Database; now?: () => Date }) {
  return {};
}
export type CallsService = ReturnType<typeof createCallsService>;
/** GET /api/v1/calls and /api/v1/calls/stats (session auth). */
export function callsRoutes(_deps: { calls: CallsService }): FastifyPluginAsync {
  return async () => {};
}
