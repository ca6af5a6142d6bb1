import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { actorOf, auditContextOf } from '../../../platform/http/request-context.js';
import { IdParams, responses } from '../../../platform/http/schemas.js';
import {
  BatchListQuery, BatchListResponse, BatchSchema, DeliveryListQuery, DeliveryListResponse, DeliverySchema, FailuresResponse, LogExportQuery,
  LogListQuery, LogListResponse, RunListQuery, RunListResponse, SummaryResponse, VolumeQuery, VolumeResponse,
} from './monitoring.schemas.js';
import type { MonitoringService } from './monitoring.service.js';

const SCOPE = 'a department sees its own tasks (provider) and subscriptions (consumer); the platform admin and the auditor see all';

/** Exchange monitoring (交换监控), session auth, read-only: /api/v1/exchange/batches, deliveries, runs, failures, log, stats. */
export function monitoringRoutes(deps: { monitoring: MonitoringService }): FastifyPluginAsync {
  const { monitoring } = deps;
  const plugin: FastifyPluginAsyncTypebox = async (app) => {
    const tags = ['exchange'];

    app.get('/exchange/batches', {
      schema: { tags, summary: `Uploaded batches (批次), newest first; ${SCOPE}`, querystring: BatchListQuery, response: responses({ 200: BatchListResponse }) },
    }, async (request) => monitoring.batches(actorOf(request), request.query));

    app.get('/exchange/batches/:id', {
      schema: { tags, summary: 'One batch (another department\'s: 404)', params: IdParams, response: responses({ 200: BatchSchema }) },
    }, async (request) => monitoring.batch(actorOf(request), request.params.id));

    app.get('/exchange/deliveries', {
      schema: { tags, summary: `Deliveries (投递) to subscribers, newest first; ${SCOPE}`, querystring: DeliveryListQuery, response: responses({ 200: DeliveryListResponse }) },
    }, async (request) => monitoring.deliveries(actorOf(request), request.query));

    app.get('/exchange/deliveries/:id', {
      schema: { tags, summary: 'One delivery (a department that is neither its consumer nor its provider: 404)', params: IdParams, response: responses({ 200: DeliverySchema }) },
    }, async (request) => monitoring.delivery(actorOf(request), request.params.id));

    app.get('/exchange/runs', {
      schema: { tags, summary: 'Runs (运行): batches grouped by the extraction that produced them, newest first', querystring: RunListQuery, response: responses({ 200: RunListResponse }) },
    }, async (request) => monitoring.runs(actorOf(request), request.query));

    app.get('/exchange/failures', {
      schema: { tags, summary: 'Failed batches and failed or stopped deliveries, for retry', response: responses({ 200: FailuresResponse }) },
    }, async (request) => monitoring.failures(actorOf(request)));

    app.get('/exchange/log', {
      schema: { tags, summary: `The exchange log (交换日志, DOMAIN §7), newest first; ${SCOPE}`, querystring: LogListQuery, response: responses({ 200: LogListResponse }) },
    }, async (request) => monitoring.log(actorOf(request), request.query));

    app.get('/exchange/log/export', {
      schema: {
        tags, summary: 'Export the filtered exchange log as CSV (UTF-8 with BOM, Chinese headers); the export is audited', querystring: LogExportQuery,
        produces: ['text/csv'], response: responses({ 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) }),
      },
    }, async (request, reply) => {
      const file = await monitoring.exportLog(actorOf(request), auditContextOf(request), request.query);
      return reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).send(file.body);
    });

    app.get('/exchange/stats/volume', {
      schema: { tags, summary: 'Exchange volume per CST hour or day (zero-filled): batches, records, bytes uploaded; deliveries applied; failures', querystring: VolumeQuery, response: responses({ 200: VolumeResponse }) },
    }, async (request) => monitoring.volume(actorOf(request), request.query));

    app.get('/exchange/stats/summary', {
      schema: { tags, summary: 'Exchange overview: nodes online, active tasks and subscriptions, today\'s batches and records, open failures, backlog', response: responses({ 200: SummaryResponse }) },
    }, async (request) => monitoring.summary(actorOf(request)));
  };
  return plugin as FastifyPluginAsync;
}
