// STUB — to be replaced by the proxy implementation. Keep these exports and signatures.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../../platform/db/database.js';
import type { SealedBox } from '../../../platform/crypto/sealed-box.js';
import type { RunDataCall } from '../api/data-call.types.js';

export function createProxyService(_deps: { db: Database; now?: () => Date; box: SealedBox }) {
  return {};
}
export type ProxyService = ReturnType<typeof createProxyService>;
/** Management routes (session auth): the upstream endpoint of an 接口 resource. */
export function proxyRoutes(_deps: { proxy: ProxyService }): FastifyPluginAsync {
  return async () => {};
}
/** Data API routes (signed): GET|POST /api/v1/proxy/:classification/:sequence. */
export function proxyDataRoutes(_deps: { runDataCall: RunDataCall; proxy: ProxyService }): FastifyPluginAsync {
  return async () => {};
}
