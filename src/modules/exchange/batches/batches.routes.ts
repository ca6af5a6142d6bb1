import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DomainError } from '../../../platform/errors.js';
import { registerRawBodyParsers } from '../../../platform/http/raw-body.js';
import { actorOf, auditContextOf } from '../../../platform/http/request-context.js';
import { IdParams, responses, Uuid } from '../../../platform/http/schemas.js';
import { nodeRequestOf } from '../node-request.js';
import type { NodesService } from '../nodes.service.js';
import { MAX_BATCH_BYTES } from '../protocol/batch-format.js';
import type { DeliveryAckBody } from '../protocol/node-api.js';
import type { BatchesService } from './batches.service.js';

const SignedHeaders = Type.Object({
  'x-node-id': Type.Optional(Type.String()),
  'x-timestamp': Type.Optional(Type.String()),
  'x-nonce': Type.Optional(Type.String()),
  'x-signature': Type.Optional(Type.String()),
});
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
const UploadResultSchema = Type.Object({
  batchId: Type.String(), serialNo: Type.String(), outcome: Type.Union([Type.Literal('stored'), Type.Literal('duplicate')]),
});
const DeliveryListQuery = Type.Object({
  subscriptionId: Type.Optional(Uuid),
  afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
  waitMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 25_000 })),
});
const DeliveryListResponse = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), subscriptionId: Type.String(), seq: Type.Integer(), batchId: Type.String(), records: Type.Integer() })),
});
const AckBody = Type.Object({
  status: Type.Union([Type.Literal('applied'), Type.Literal('duplicate'), Type.Literal('failed')]),
  errorCode: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  message: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
});
const Done = Type.Object({ ok: Type.Literal(true) });
const RetriedBatch = Type.Object({ id: Type.String(), status: Type.Literal('received') });
const RetriedDelivery = Type.Object({ id: Type.String(), status: Type.Literal('pending') });

/**
 * The exchange data plane (docs/exchange-api.md): signed node calls to upload batches and to fetch and ack
 * deliveries, and the console's retries.
 */
export function batchesRoutes(deps: { batches: BatchesService; nodes: NodesService }): FastifyPluginAsyncTypebox {
  const { batches, nodes } = deps;
  return async (app) => {
    const tags = ['exchange'];

    app.post('/exchange/batches/:id/retry', {
      schema: { tags, summary: 'Re-apply a failed batch (provider dept_admin or platform_admin)', params: IdParams, response: responses({ 200: RetriedBatch }) },
    }, async (request) => batches.retryBatch(actorOf(request), auditContextOf(request), request.params.id));

    app.post('/exchange/deliveries/:id/retry', {
      schema: { tags, summary: 'Offer a failed delivery to the subscriber node again (consumer dept_admin or platform_admin)', params: IdParams, response: responses({ 200: RetriedDelivery }) },
    }, async (request) => batches.retryDelivery(actorOf(request), auditContextOf(request), request.params.id));

    // Signed node calls: the signature covers the body bytes exactly as sent (the batch file is kept raw too).
    await app.register(async (scope) => {
      registerRawBodyParsers(scope, { keepOtherTypes: true });
      const signed = scope.withTypeProvider<TypeBoxTypeProvider>();

      signed.post('/exchange/node/batches', {
        config: { public: true },
        bodyLimit: MAX_BATCH_BYTES,
        schema: {
          tags, summary: 'Upload a batch file (application/octet-stream) signed by the node; idempotent by batch id', security: [],
          headers: SignedHeaders, response: responses({ 200: UploadResultSchema }),
        },
      }, async (request) => {
        const node = await nodes.authenticate(nodeRequestOf(request));
        const file = request.rawBody;
        if (!file || file.length === 0) throw new DomainError('BATCH_FORMAT_INVALID', 'The body must be a batch file (application/octet-stream) (请求正文应为交换批次文件).');
        return batches.ingest(node, file);
      });

      signed.get('/exchange/node/deliveries', {
        config: { public: true },
        schema: {
          tags, summary: 'Deliveries waiting for this node (long poll up to waitMs ≤ 25000)', security: [],
          headers: SignedHeaders, querystring: DeliveryListQuery, response: responses({ 200: DeliveryListResponse }),
        },
      }, async (request) => batches.listDeliveries(await nodes.authenticate(nodeRequestOf(request)), request.query));

      signed.get('/exchange/node/deliveries/:id/payload', {
        config: { public: true },
        schema: {
          tags, summary: 'A delivery\'s batch file, cut to the grant and signed by the platform (application/octet-stream)', security: [],
          headers: SignedHeaders, params: IdParams, response: responses({ 200: Binary }),
        },
      }, async (request, reply) => {
        const file = await batches.deliveryPayload(await nodes.authenticate(nodeRequestOf(request)), request.params.id);
        return reply.header('content-type', 'application/octet-stream').send(file);
      });

      signed.post('/exchange/node/deliveries/:id/ack', {
        config: { public: true },
        schema: {
          tags, summary: 'Acknowledge a delivery: applied, duplicate (already in the target) or failed', security: [],
          headers: SignedHeaders, params: IdParams, body: AckBody, response: responses({ 200: Done }),
        },
      }, async (request) => {
        const node = await nodes.authenticate(nodeRequestOf(request));
        if (request.bodyInvalid || !request.body) throw new DomainError('EXCHANGE_INVALID', 'The ack body must be JSON {status, errorCode?, message?} (回执内容无效).');
        await batches.ack(node, request.params.id, request.body as DeliveryAckBody);
        return { ok: true as const };
      });
    });
  };
}
