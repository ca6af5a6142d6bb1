import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../platform/http/request-context.js';
import { IdParams, NoContent, Paging, responses } from '../../platform/http/schemas.js';
import type { NotificationsService } from './notifications.service.js';

const NotificationSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'share_request.created, share_request.decided, grant.expired, …' }),
  title: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String(), Type.Null()], { description: 'A console path' }),
  createdAt: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
});

/** 消息: the signed-in user's inbox. */
export function notificationsRoutes(notifications: NotificationsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['notifications'];
    app.get('/notifications', {
      schema: {
        tags, summary: 'Messages to me, to my department for roles I hold, or to my roles; newest first',
        querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), ...Paging }),
        response: responses({ 200: Type.Object({ items: Type.Array(NotificationSchema), total: Type.Integer(), unread: Type.Integer() }) }),
      },
    }, async (request) => notifications.list(actorOf(request), request.query));

    app.post('/notifications/read-all', {
      schema: { tags, summary: 'Mark every message read', response: responses({ 204: NoContent }) },
    }, async (request, reply) => {
      await notifications.markAllRead(actorOf(request));
      return reply.status(204).send(null);
    });

    app.post('/notifications/:id/read', {
      schema: { tags, summary: 'Mark one message read', params: IdParams, response: responses({ 204: NoContent }) },
    }, async (request, reply) => {
      await notifications.markRead(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    });
  };
}
