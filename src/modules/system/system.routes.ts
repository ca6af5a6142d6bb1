import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.js';
import type { Database } from '../../platform/db/database.js';
import { listMigrations } from '../../platform/db/migrator.js';
import { DomainError } from '../../platform/errors.js';
import { actorOf } from '../../platform/http/request-context.js';
import { responses } from '../../platform/http/schemas.js';
import { canViewSystemStatus, identityRepository } from '../identity/index.js';

export const VERSION = '0.1.0';

/** Operations view for the system admin 系统管理员, plus the public health check. */
export function systemRoutes(deps: { db: Database; config: Config; startedAt: Date }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/system/status', {
      schema: {
        tags: ['system'], summary: 'Version, database, migrations, counts and security settings (系统管理员 only)',
        response: responses({
          200: Type.Object({
            version: Type.String(),
            database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
            uptimeSeconds: Type.Integer(),
            migrations: Type.Array(Type.Object({ name: Type.String(), executedAt: Type.Union([Type.String(), Type.Null()]) })),
            counts: Type.Object({ orgs: Type.Integer(), users: Type.Integer(), auditEvents: Type.Integer() }),
            settings: Type.Object({ sessionIdleMinutes: Type.Integer(), lockoutThreshold: Type.Integer(), lockoutMinutes: Type.Integer(), auditRetentionDays: Type.Integer() }),
          }),
        }),
      },
    }, async (request) => {
      if (!canViewSystemStatus(actorOf(request))) throw new DomainError('FORBIDDEN', 'Only the system admin sees the system status (只有系统管理员可以查看系统状态).');
      const repo = identityRepository(deps.db);
      const [migrations, orgs, users, audit] = await Promise.all([
        listMigrations(deps.db),
        repo.countOrgs(),
        repo.countUsers(),
        deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      const { security } = deps.config;
      return {
        version: VERSION,
        database: deps.config.database.kind,
        uptimeSeconds: Math.floor((Date.now() - deps.startedAt.getTime()) / 1000),
        migrations: migrations.map((m) => ({ name: m.name, executedAt: m.executedAt?.toISOString() ?? null })),
        counts: { orgs, users, auditEvents: Number(audit.n) },
        settings: {
          sessionIdleMinutes: security.sessionIdleMinutes,
          lockoutThreshold: security.lockoutThreshold,
          lockoutMinutes: security.lockoutMinutes,
          auditRetentionDays: deps.config.audit.retentionDays,
        },
      };
    });
  };
}
