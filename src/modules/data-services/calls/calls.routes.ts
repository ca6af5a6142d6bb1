import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { actorOf } from '../../../platform/http/request-context.js';
import { responses } from '../../../platform/http/schemas.js';
import { CallListQuery, CallListResponse, CallStatsQuery, CallStatsResponse } from './calls.schemas.js';
import type { CallsService } from './calls.service.js';

/** GET /api/v1/calls and /api/v1/calls/stats (session auth). */
export function callsRoutes(deps: { calls: CallsService }): FastifyPluginAsync {
  const { calls } = deps;
  const plugin: FastifyPluginAsyncTypebox = async (app) => {
    const tags = ['data-services'];
    app.get('/calls', {
      schema: { tags, summary: 'The call log (调用日志), newest first: my department as provider or consumer; the platform admin and the auditor see all', querystring: CallListQuery, response: responses({ 200: CallListResponse }) },
    }, async (request) => calls.list(actorOf(request), request.query));

    app.get('/calls/stats', {
      schema: { tags, summary: 'Call statistics per CST day, resource, consumer department and operation, with latency p50/p95', querystring: CallStatsQuery, response: responses({ 200: CallStatsResponse }) },
    }, async (request) => calls.stats(actorOf(request), request.query));
  };
  return plugin as FastifyPluginAsync;
}
