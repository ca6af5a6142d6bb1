import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, auditContextOf } from '../../platform/http/request-context.js';
import { IdParams, NoContent, responses } from '../../platform/http/schemas.js';
import { CreateUserBody, ResetPasswordBody, UpdateUserBody, UserListQuery, UserListResponse, UserSchema } from './identity.schemas.js';
import type { UsersService } from './users.service.js';

export function usersRoutes(users: UsersService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['accounts'];
    app.get('/users', {
      schema: { tags, summary: 'List accounts (security admin: all; department admin: own department)', querystring: UserListQuery, response: responses({ 200: UserListResponse }) },
    }, async (request) => users.list(actorOf(request), request.query));

    app.post('/users', {
      schema: { tags, summary: 'Create an account; it must change its password at first login', body: CreateUserBody, response: responses({ 201: UserSchema }) },
    }, async (request, reply) => reply.status(201).send(await users.create(actorOf(request), auditContextOf(request), request.body)));

    app.get('/users/:id', {
      schema: { tags, params: IdParams, response: responses({ 200: UserSchema }) },
    }, async (request) => users.get(actorOf(request), request.params.id));

    app.patch('/users/:id', {
      schema: { tags, summary: 'Change display name, roles, or disable / enable', params: IdParams, body: UpdateUserBody, response: responses({ 200: UserSchema }) },
    }, async (request) => users.update(actorOf(request), auditContextOf(request), request.params.id, request.body));

    app.post('/users/:id/reset-password', {
      schema: { tags, summary: 'Set a temporary password that must be changed at next login', params: IdParams, body: ResetPasswordBody, response: responses({ 204: NoContent }) },
    }, async (request, reply) => {
      await users.resetPassword(actorOf(request), auditContextOf(request), request.params.id, request.body.password);
      return reply.status(204).send(null);
    });

    app.post('/users/:id/unlock', {
      schema: { tags, summary: 'Lift a lockout', params: IdParams, response: responses({ 204: NoContent }) },
    }, async (request, reply) => {
      await users.unlock(actorOf(request), auditContextOf(request), request.params.id);
      return reply.status(204).send(null);
    });
  };
}
