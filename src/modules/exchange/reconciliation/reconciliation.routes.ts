import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DomainError } from '../../../platform/errors.js';
import { registerRawBodyParsers } from '../../../platform/http/raw-body.js';
import { actorOf, auditContextOf } from '../../../platform/http/request-context.js';
import { IdParams, responses } from '../../../platform/http/schemas.js';
import { nodeRequestOf } from '../node-request.js';
import type { NodesService } from '../nodes.service.js';
import type { ReconciliationReportBody } from '../protocol/node-api.js';
import { ListQuery, ReconciliationListResponse, ReconciliationSchema, ReportBody, ReportResponse, RequestBody, SignedHeaders } from './reconciliation.schemas.js';
import type { ReconciliationService } from './reconciliation.service.js';

/** Reconciliation (对账, docs/exchange-api.md): console requests and reads, and the nodes' signed reports. */
export function reconciliationRoutes(deps: { reconciliation: ReconciliationService; nodes: NodesService }): FastifyPluginAsyncTypebox {
  const { reconciliation, nodes } = deps;
  return async (app) => {
    const tags = ['exchange'];

    app.post('/exchange/reconciliations', {
      schema: {
        tags, summary: "Reconcile a publish task (provider dept_admin or platform_admin): the platform's figures now, the nodes' when they report",
        body: RequestBody, response: responses({ 201: ReconciliationSchema }),
      },
    }, async (request, reply) => reply.status(201).send(await reconciliation.request(actorOf(request), auditContextOf(request), request.body.taskId)));

    app.get('/exchange/reconciliations', {
      schema: { tags, summary: 'Reconciliations, newest first (a subscriber department sees its own lines)', querystring: ListQuery, response: responses({ 200: ReconciliationListResponse }) },
    }, async (request) => reconciliation.list(actorOf(request), request.query));

    app.get('/exchange/reconciliations/:id', {
      schema: { tags, summary: 'One reconciliation', params: IdParams, response: responses({ 200: ReconciliationSchema }) },
    }, async (request) => reconciliation.get(actorOf(request), request.params.id));

    // Signed node calls: the signature covers the body bytes exactly as sent.
    await app.register(async (scope) => {
      registerRawBodyParsers(scope, { keepOtherTypes: true });
      const signed = scope.withTypeProvider<TypeBoxTypeProvider>();
      signed.post('/exchange/node/reconciliations/:id/report', {
        config: { public: true },
        schema: {
          tags, summary: 'A node reports its count and checksum for the source side (its task) or a target side (its subscription)', security: [],
          headers: SignedHeaders, params: IdParams, response: responses({ 200: ReportResponse }),
        },
      }, async (request) => {
        const node = await nodes.authenticate(nodeRequestOf(request));
        // Validated after authentication so that unsigned junk is refused as such.
        if (request.bodyInvalid || !request.body || !isReportBody(request.body)) {
          throw new DomainError('EXCHANGE_INVALID', 'The body must be JSON {side, subscriptionId?, count, checksum} (对账上报内容无效).');
        }
        return reconciliation.report(node, request.params.id, request.body);
      });
    });
  };
}

function isReportBody(body: unknown): body is ReconciliationReportBody {
  const b = body as Record<string, unknown>;
  return typeof b === 'object' && b !== null && (b.side === 'source' || b.side === 'target') && typeof b.count === 'number' && typeof b.checksum === 'string'
    && (b.subscriptionId === undefined || b.subscriptionId === null || typeof b.subscriptionId === 'string');
}
