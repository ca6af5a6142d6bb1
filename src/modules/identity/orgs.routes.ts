import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, auditContextOf } from '../../platform/http/request-context.js';
import { IdParams, responses } from '../../platform/http/schemas.js';
import { searchRegions } from '../../platform/validation/region.js';
import { CreateOrgBody, OrgListResponse, OrgSchema, RegionListResponse, RegionQuery, UpdateOrgBody } from './identity.schemas.js';
import type { OrgsService } from './orgs.service.js';

export function orgsRoutes(orgs: OrgsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['departments'];
    app.get('/orgs', {
      schema: { tags, summary: 'All departments (the tree is given by parentId)', response: responses({ 200: OrgListResponse }) },
    }, async () => ({ items: await orgs.list() }));

    app.get('/orgs/:id', {
      schema: { tags, params: IdParams, response: responses({ 200: OrgSchema }) },
    }, async (request) => orgs.get(request.params.id));

    app.post('/orgs', {
      schema: { tags, summary: 'Register a department (platform admin)', body: CreateOrgBody, response: responses({ 201: OrgSchema }) },
    }, async (request, reply) => reply.status(201).send(await orgs.create(actorOf(request), auditContextOf(request), request.body)));

    app.patch('/orgs/:id', {
      schema: { tags, summary: 'Change a department (platform admin); the USCC is fixed', params: IdParams, body: UpdateOrgBody, response: responses({ 200: OrgSchema }) },
    }, async (request) => orgs.update(actorOf(request), auditContextOf(request), request.params.id, request.body));

    app.get('/regions', {
      schema: { tags, summary: 'GB/T 2260 administrative divisions by code prefix or name', querystring: RegionQuery, response: responses({ 200: RegionListResponse }) },
    }, async (request) => ({ items: searchRegions(request.query.q ?? '').map(({ code, name, fullName }) => ({ code, name, fullName })) }));
  };
}
