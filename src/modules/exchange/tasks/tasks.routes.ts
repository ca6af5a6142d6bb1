import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, auditContextOf } from '../../../platform/http/request-context.js';
import { IdParams, responses } from '../../../platform/http/schemas.js';
import type { NodesService } from '../nodes.service.js';
import { nodeConfigRoutes } from './node-config.routes.js';
import type { TasksService } from './index.js';
import {
  CreateSubscriptionBody, CreateTaskBody, SubscriptionListQuery, SubscriptionListResponse, SubscriptionSchema, TaskListQuery, TaskListResponse, TaskSchema,
  UpdateSubscriptionBody, UpdateTaskBody,
} from './tasks.schemas.js';

/** Publish tasks (发布任务) and subscriptions (订阅) for the console, and the signed node config (docs/exchange-api.md). */
export function tasksRoutes(deps: { tasks: TasksService; nodes: NodesService }): FastifyPluginAsyncTypebox {
  const { tasks } = deps;
  return async (app) => {
    const tags = ['exchange'];

    app.get('/exchange/tasks', {
      schema: { tags, summary: 'Publish tasks of my department; the platform admin and the auditor see all', querystring: TaskListQuery, response: responses({ 200: TaskListResponse }) },
    }, async (request) => tasks.tasks.list(actorOf(request), request.query));

    app.post('/exchange/tasks', {
      schema: { tags, summary: 'Create a publish task for a published 库表/文件 resource of my department (dept_admin)', body: CreateTaskBody, response: responses({ 201: TaskSchema }) },
    }, async (request, reply) => reply.status(201).send(await tasks.tasks.create(actorOf(request), auditContextOf(request), request.body)));

    app.get('/exchange/tasks/:id', {
      schema: { tags, summary: 'One publish task', params: IdParams, response: responses({ 200: TaskSchema }) },
    }, async (request) => tasks.tasks.get(actorOf(request), request.params.id));

    app.put('/exchange/tasks/:id', {
      schema: { tags, summary: 'Change a publish task (not its resource)', params: IdParams, body: UpdateTaskBody, response: responses({ 200: TaskSchema }) },
    }, async (request) => tasks.tasks.update(actorOf(request), auditContextOf(request), request.params.id, request.body));

    app.post('/exchange/tasks/:id/pause', {
      schema: { tags, summary: 'Pause a task: it leaves the node\'s config', params: IdParams, response: responses({ 200: TaskSchema }) },
    }, async (request) => tasks.tasks.pause(actorOf(request), auditContextOf(request), request.params.id));

    app.post('/exchange/tasks/:id/resume', {
      schema: { tags, summary: 'Resume a paused task', params: IdParams, response: responses({ 200: TaskSchema }) },
    }, async (request) => tasks.tasks.resume(actorOf(request), auditContextOf(request), request.params.id));

    app.post('/exchange/tasks/:id/run', {
      schema: { tags, summary: '立即执行: the node runs the task at its next config fetch', params: IdParams, response: responses({ 200: TaskSchema }) },
    }, async (request) => tasks.tasks.run(actorOf(request), auditContextOf(request), request.params.id));

    app.get('/exchange/subscriptions', {
      schema: {
        tags, summary: 'Subscriptions of my department and to my department\'s resources; the platform admin and the auditor see all',
        querystring: SubscriptionListQuery, response: responses({ 200: SubscriptionListResponse }),
      },
    }, async (request) => tasks.subscriptions.list(actorOf(request), request.query));

    app.post('/exchange/subscriptions', {
      schema: { tags, summary: 'Subscribe with an effective grant of my department (dept_admin)', body: CreateSubscriptionBody, response: responses({ 201: SubscriptionSchema }) },
    }, async (request, reply) => reply.status(201).send(await tasks.subscriptions.create(actorOf(request), auditContextOf(request), request.body)));

    app.get('/exchange/subscriptions/:id', {
      schema: { tags, summary: 'One subscription (the consumer, the provider read-only)', params: IdParams, response: responses({ 200: SubscriptionSchema }) },
    }, async (request) => tasks.subscriptions.get(actorOf(request), request.params.id));

    app.put('/exchange/subscriptions/:id', {
      schema: { tags, summary: 'Change a subscription\'s node, target or mapping', params: IdParams, body: UpdateSubscriptionBody, response: responses({ 200: SubscriptionSchema }) },
    }, async (request) => tasks.subscriptions.update(actorOf(request), auditContextOf(request), request.params.id, request.body));

    app.post('/exchange/subscriptions/:id/pause', {
      schema: { tags, summary: 'Pause a subscription: no new deliveries', params: IdParams, response: responses({ 200: SubscriptionSchema }) },
    }, async (request) => tasks.subscriptions.pause(actorOf(request), auditContextOf(request), request.params.id));

    app.post('/exchange/subscriptions/:id/resume', {
      schema: { tags, summary: 'Resume a paused subscription, or a stopped one once a grant is in effect again', params: IdParams, response: responses({ 200: SubscriptionSchema }) },
    }, async (request) => tasks.subscriptions.resume(actorOf(request), auditContextOf(request), request.params.id));

    await app.register(nodeConfigRoutes(deps));
  };
}
