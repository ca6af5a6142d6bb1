import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { registerRawBodyParsers } from '../../platform/http/raw-body.js';
import { actorOf, auditContextOf } from '../../platform/http/request-context.js';
import { IdParams, responses } from '../../platform/http/schemas.js';
import {
  CreatedTokenSchema, CreateTokenBody, EnrolBody, EnrolResponse, HeartbeatBody, HeartbeatHeaders, HeartbeatResponse, NodeListResponse, NodeSchema,
  ReasonBody, TokenListResponse, TokenSchema,
} from './nodes.schemas.js';
import type { NodesService } from './nodes.service.js';
import { nodeRequestOf } from './node-request.js';

/** The exchange node registry (docs/exchange-api.md): /api/v1/exchange/enrolment-tokens…, /enrol, /nodes…, /heartbeat. */
export function nodesRoutes(nodes: NodesService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['exchange'];

    app.post('/exchange/enrolment-tokens', {
      schema: { tags, summary: 'Create a one-time enrolment token for a node of my department (dept_admin); the token is shown only here', body: CreateTokenBody, response: responses({ 201: CreatedTokenSchema }) },
    }, async (request, reply) => reply.status(201).send(await nodes.createToken(actorOf(request), auditContextOf(request), request.body)));

    app.get('/exchange/enrolment-tokens', {
      schema: { tags, summary: 'Enrolment tokens of my department (without the tokens)', response: responses({ 200: TokenListResponse }) },
    }, async (request) => nodes.listTokens(actorOf(request)));

    app.post('/exchange/enrolment-tokens/:id/revoke', {
      schema: { tags, summary: 'Revoke an unused enrolment token', params: IdParams, response: responses({ 200: TokenSchema }) },
    }, async (request) => nodes.revokeToken(actorOf(request), auditContextOf(request), request.params.id));

    app.get('/exchange/nodes', {
      schema: { tags, summary: 'Exchange nodes (前置机) of my department; the platform admin sees all', response: responses({ 200: NodeListResponse }) },
    }, async (request) => nodes.list(actorOf(request)));

    app.get('/exchange/nodes/:id', {
      schema: { tags, summary: 'One exchange node', params: IdParams, response: responses({ 200: NodeSchema }) },
    }, async (request) => nodes.get(actorOf(request), request.params.id));

    app.post('/exchange/nodes/:id/approve', {
      schema: { tags, summary: 'Approve a pending node and assign its node code (platform_admin)', params: IdParams, response: responses({ 200: NodeSchema }) },
    }, async (request) => nodes.approve(actorOf(request), auditContextOf(request), request.params.id));

    app.post('/exchange/nodes/:id/reject', {
      schema: { tags, summary: 'Reject a pending node with a reason (platform_admin)', params: IdParams, body: ReasonBody, response: responses({ 200: NodeSchema }) },
    }, async (request) => nodes.reject(actorOf(request), auditContextOf(request), request.params.id, request.body.reason));

    app.post('/exchange/nodes/:id/revoke', {
      schema: { tags, summary: 'Revoke an approved node with a reason (platform_admin); its signed calls are refused from now on', params: IdParams, body: ReasonBody, response: responses({ 200: NodeSchema }) },
    }, async (request) => nodes.revoke(actorOf(request), auditContextOf(request), request.params.id, request.body.reason));

    app.post('/exchange/enrol', {
      config: { public: true },
      schema: { tags, summary: 'Enrol a node with a one-time token and proof of possession of its SM2 key (called by the node agent, no session)', security: [], body: EnrolBody, response: responses({ 201: EnrolResponse }) },
    }, async (request, reply) => reply.status(201).send(await nodes.enrol(auditContextOf(request), request.body)));

    // Signed node calls: the signature covers the body bytes exactly as sent, so keep them (this scope only).
    await app.register(async (signed) => {
      registerRawBodyParsers(signed);

      signed.post('/exchange/heartbeat', {
        config: { public: true },
        schema: {
          tags, summary: 'Heartbeat of an approved node, signed with its SM2 key (X-Node-Id, X-Timestamp, X-Nonce, X-Signature)', security: [],
          headers: HeartbeatHeaders, body: HeartbeatBody, response: responses({ 200: HeartbeatResponse }),
        },
      }, async (request) => nodes.heartbeat({ ...nodeRequestOf(request), body: request.body as Static<typeof HeartbeatBody> | undefined }));
    });
  };
}
