import type { FastifyRequest } from 'fastify';
import type { NodeRequestParts } from './node-signing.js';

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** What a signed node call carries (X-Node-Id, X-Signature and the signed parts), for NodesService.authenticate. */
export interface NodeRequest { nodeId: string | undefined; signature: string | undefined; parts: NodeRequestParts }

/** Reads a signed node call from a route registered under registerRawBodyParsers (the body exactly as sent). */
export function nodeRequestOf(request: FastifyRequest): NodeRequest {
  return {
    nodeId: header(request.headers['x-node-id']),
    signature: header(request.headers['x-signature']),
    parts: {
      method: request.method,
      path: request.url.split('?')[0]!,
      timestamp: header(request.headers['x-timestamp']) ?? '',
      nonce: header(request.headers['x-nonce']) ?? '',
      body: request.rawBody ?? '',
    },
  };
}
