import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, auditContextOf } from '../../../platform/http/request-context.js';
import { IdParams, responses } from '../../../platform/http/schemas.js';
import { AppListResponse, AppSchema, AppWithSecretSchema, CreateAppBody, GrantAppBody, GrantAppResponse, GrantNarrowingListResponse } from './apps.schemas.js';
import type { AppsService } from './apps.service.js';

/** 应用 management (docs/data-services-api.md): /api/v1/apps…, /api/v1/apps/grant-narrowings and GET|PUT /api/v1/grants/:id/app. */
export function appsRoutes(deps: { apps: AppsService }): FastifyPluginAsyncTypebox {
  const { apps } = deps;
  return async (app) => {
    const tags = ['data-services'];

    app.get('/apps', {
      schema: { tags, summary: 'Applications of my department; the platform admin sees all', response: responses({ 200: AppListResponse }) },
    }, async (request) => apps.list(actorOf(request)));

    app.get('/apps/grant-narrowings', {
      schema: { tags, summary: 'Grants of my department narrowed to one application (consumer side); the platform admin sees all', response: responses({ 200: GrantNarrowingListResponse }) },
    }, async (request) => apps.grantNarrowings(actorOf(request)));

    app.post('/apps', {
      schema: { tags, summary: 'Create an application (dept_admin); the secret is returned only here', body: CreateAppBody, response: responses({ 201: AppWithSecretSchema }) },
    }, async (request, reply) => reply.status(201).send(await apps.create(actorOf(request), auditContextOf(request), request.body)));

    app.post('/apps/:id/rotate-secret', {
      schema: { tags, summary: 'Issue a new secret; the old one stops working at once', params: IdParams, response: responses({ 200: AppWithSecretSchema }) },
    }, async (request) => apps.rotateSecret(actorOf(request), auditContextOf(request), request.params.id));

    app.post('/apps/:id/disable', {
      schema: { tags, summary: 'Disable an application: its calls are refused (403 APP_DISABLED)', params: IdParams, response: responses({ 200: AppSchema }) },
    }, async (request) => apps.setStatus(actorOf(request), auditContextOf(request), request.params.id, 'disabled'));

    app.post('/apps/:id/enable', {
      schema: { tags, summary: 'Enable a disabled application', params: IdParams, response: responses({ 200: AppSchema }) },
    }, async (request) => apps.setStatus(actorOf(request), auditContextOf(request), request.params.id, 'active'));

    app.get('/grants/:id/app', {
      schema: { tags, summary: 'The application a grant is narrowed to (null: any of the consumer department\'s)', params: IdParams, response: responses({ 200: GrantAppResponse }) },
    }, async (request) => apps.getGrantApp(actorOf(request), request.params.id));

    app.put('/grants/:id/app', {
      schema: { tags, summary: 'Narrow a grant to one of the consumer department\'s applications (null: any of them)', params: IdParams, body: GrantAppBody, response: responses({ 200: GrantAppResponse }) },
    }, async (request) => apps.setGrantApp(actorOf(request), auditContextOf(request), request.params.id, request.body.appId));
  };
}
