import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, auditContextOf } from '../../platform/http/request-context.js';
import { Paging, responses } from '../../platform/http/schemas.js';
import type { AuditService } from './audit.service.js';
import { AUDIT_ACTION_LABELS } from './audit.types.js';

const Filters = {
  q: Type.Optional(Type.String({ maxLength: 200, description: 'keyword in action, actor, target, detail or address' })),
  actor: Type.Optional(Type.String({ maxLength: 64, description: 'username' })),
  action: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
};

const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
  hash: Type.String({ description: 'SM3 chain hash of this event' }),
});

export function auditRoutes(audit: AuditService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['audit'];
    app.get('/audit', {
      schema: {
        tags, summary: 'Search the audit trail (安全审计员 only), newest first',
        querystring: Type.Object({ ...Filters, ...Paging }),
        response: responses({ 200: Type.Object({ items: Type.Array(AuditEvent), total: Type.Integer() }) }),
      },
    }, async (request) => audit.search(actorOf(request), request.query));

    app.get('/audit/export', {
      schema: {
        tags, summary: 'Export the filtered audit trail as CSV or XLSX (安全审计员 only)',
        querystring: Type.Object({ ...Filters, format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }) }),
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: responses({ 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) }),
      },
    }, async (request, reply) => {
      const { format = 'csv', ...filters } = request.query;
      const file = await audit.export(actorOf(request), auditContextOf(request), filters, format);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .send(file.body);
    });

    app.get('/audit/actions', {
      schema: {
        tags, summary: 'Every audited action with its Chinese label (安全审计员 only)',
        response: responses({ 200: Type.Object({ items: Type.Array(Type.Object({ action: Type.String(), label: Type.String() })) }) }),
      },
    }, async (request) => {
      audit.assertAuditor(actorOf(request));
      return { items: Object.entries(AUDIT_ACTION_LABELS).map(([action, label]) => ({ action, label })) };
    });

    app.get('/audit/verify', {
      schema: {
        tags, summary: 'Recompute the SM3 hash chain and report the first broken event (安全审计员 only)',
        response: responses({
          200: Type.Object({
            ok: Type.Boolean(),
            checked: Type.Integer(),
            head: Type.Union([Type.Object({ id: Type.Integer(), hash: Type.String() }), Type.Null()]),
            firstBroken: Type.Union([Type.Object({ id: Type.Integer(), reason: Type.String() }), Type.Null()]),
          }),
        }),
      },
    }, async (request) => audit.verify(actorOf(request)));
  };
}
