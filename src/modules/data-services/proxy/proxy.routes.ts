import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { actorOf, auditContextOf } from '../../../platform/http/request-context.js';
import { IdParams, responses } from '../../../platform/http/schemas.js';
import type { RunDataCall } from '../api/data-call.types.js';
import { ProxyEndpointBody, ProxyEndpointSchema, ProxyParams, ProxyResponse } from './proxy.schemas.js';
import type { ForwardedCall, ProxyService } from './proxy.service.js';

/** Management routes (session auth): the upstream endpoint of an 接口 resource. */
export function proxyRoutes(deps: { proxy: ProxyService }): FastifyPluginAsync {
  const { proxy } = deps;
  const plugin: FastifyPluginAsyncTypebox = async (app) => {
    const tags = ['data-services'];
    app.get('/resources/:id/proxy-endpoint', {
      schema: { tags, summary: 'The upstream of an 接口 resource (header names only); 404 when none is registered', params: IdParams, response: responses({ 200: ProxyEndpointSchema }) },
    }, async (request) => proxy.get(actorOf(request), request.params.id));

    app.put('/resources/:id/proxy-endpoint', {
      schema: { tags, summary: 'Register or change the upstream (provider dept_admin); header values are sealed', params: IdParams, body: ProxyEndpointBody, response: responses({ 200: ProxyEndpointSchema }) },
    }, async (request) => proxy.set(actorOf(request), auditContextOf(request), request.params.id, request.body));
  };
  return plugin as FastifyPluginAsync;
}

/** The caller's query string exactly as received, and on POST the JSON body (the raw bytes when the parser kept them). */
export function forwardedCallOf(request: FastifyRequest): ForwardedCall {
  const url = request.raw.url ?? request.url;
  const q = url.indexOf('?');
  const queryString = q === -1 ? '' : url.slice(q + 1);
  if (request.method !== 'POST') return { queryString, body: null };
  const rawBody = (request as unknown as { rawBody?: unknown }).rawBody;
  if (typeof rawBody === 'string') return { queryString, body: rawBody };
  if (Buffer.isBuffer(rawBody)) return { queryString, body: rawBody.toString('utf8') };
  return { queryString, body: request.body === undefined || request.body === null ? null : JSON.stringify(request.body) };
}

/** Data API routes (signed): GET|POST /api/v1/proxy/:classification/:sequence. */
export function proxyDataRoutes(deps: { runDataCall: RunDataCall; proxy: ProxyService }): FastifyPluginAsync {
  const { runDataCall, proxy } = deps;
  const plugin: FastifyPluginAsyncTypebox = async (app) => {
    app.route({
      method: ['GET', 'POST'],
      url: '/proxy/:classification/:sequence',
      config: { public: true },
      schema: {
        tags: ['data-api'], params: ProxyParams, response: responses({ 200: ProxyResponse }),
        summary: 'Call a granted 接口 resource (signed): forwarded to the provider\'s upstream, the JSON cut to the granted items and masked',
      },
      handler: async (request, reply) => {
        const { classification, sequence } = request.params;
        return runDataCall(request, reply, { resourceCode: `${classification}/${sequence}`, operation: 'proxy', kind: 'api' }, async (ctx, outcome) => {
          const shaped = await proxy.forward(ctx, forwardedCallOf(request));
          outcome.items = shaped.items;
          outcome.rows = shaped.rows;
          return shaped.body;
        });
      },
    });
  };
  return plugin as FastifyPluginAsync;
}
