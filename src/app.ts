import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { auditRoutes, createAuditService, recordAuditEvent } from './modules/audit/index.js';
import { catalogRoutes, createCatalogService } from './modules/catalog/index.js';
import { censusRoutes, createCensusService } from './modules/census/index.js';
import { createNotificationsService, notificationsRoutes } from './modules/notifications/index.js';
import { createSharingService, sharingRoutes } from './modules/sharing/index.js';
import { createDataServices, dataServicesRoutes } from './modules/data-services/index.js';
import { createExchangeServices, exchangeRoutes } from './modules/exchange/index.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { sealedBox } from './platform/crypto/sealed-box.js';
import { randomBytes } from 'node:crypto';
import {
  authRoutes, createAuthService, createOrgsService, createUsersService, orgsRoutes, SESSION_COOKIE, usersRoutes,
} from './modules/identity/index.js';
import { systemRoutes, VERSION } from './modules/system/system.routes.js';
import type { Database } from './platform/db/database.js';
import { DomainError } from './platform/errors.js';
import { registerErrorHandler } from './platform/http/error-handler.js';
import { auditContextOf } from './platform/http/request-context.js';
import { ErrorBody } from './platform/http/schemas.js';
import type { Logger } from './platform/logger.js';

export interface AppDeps {
  db: Database;
  logger?: Logger;
  /** The clock; tests move it to cross lockout and idle timeouts. */
  now?: () => Date;
  /** The 16-byte master key sealing app secrets (server: GOVSHARE_MASTER_KEY or master.key); absent: from config, else a random one for this process (tests). */
  masterKey?: Buffer;
  /** Where the data-API call log journals calls before they reach the database; absent: memory only (tests). */
  callLogJournalDir?: string;
  /** Where uploaded exchange batches are stored (server: <state dir>/exchange); absent: a temporary directory (tests). */
  exchangeDir?: string;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(config: Config, deps: AppDeps) {
  const { db, now } = deps;
  const box = sealedBox(deps.masterKey ?? (config.masterKeyHex ? Buffer.from(config.masterKeyHex, 'hex') : randomBytes(16)));
  return {
    auth: createAuthService({ db, security: config.security, now }),
    users: createUsersService({ db, now }),
    orgs: createOrgsService({ db, now }),
    audit: createAuditService({ db, retentionDays: config.audit.retentionDays, now }),
    catalog: createCatalogService({ db, now }),
    census: createCensusService({ db, now }),
    sharing: createSharingService({ db, now }),
    notifications: createNotificationsService({ db, now }),
    dataServices: createDataServices({
      db, now, logger: deps.logger, journalDir: deps.callLogJournalDir,
      box,
    }),
    exchange: createExchangeServices({
      db, now, box, logger: deps.logger,
      storageDir: deps.exchangeDir ?? mkdtempSync(path.join(os.tmpdir(), 'govshare-exchange-')),
    }),
  };
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Builds the Fastify instance with every module's routes; does not listen. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance & { services: Services }> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger | undefined,
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const services = createServices(config, deps);
  const startedAt = new Date();

  app.decorateRequest('auth', null);
  // The data-API call log replays its journal at start and flushes on close.
  app.addHook('onReady', async () => services.dataServices.api.start());
  app.addHook('onClose', async () => services.dataServices.api.close());
  // Exchange: batches left half-applied by a killed process are picked up again; the applier stops on close.
  app.addHook('onReady', async () => services.exchange.batches.start());
  app.addHook('onClose', async () => services.exchange.batches.close());
  app.addSchema(ErrorBody);
  registerErrorHandler(app, async (request, error) => {
    if (!request.auth) return;
    await deps.db.transaction().execute((trx) =>
      recordAuditEvent(trx, auditContextOf(request), {
        action: 'access.denied',
        targetType: 'route',
        targetId: `${request.method} ${request.routeOptions.url ?? request.url}`,
        detail: { reason: error.message },
      }, deps.now?.()),
    );
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design injects its styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: config.security.secureCookies,
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'govshare API',
        version: VERSION,
        description: 'Government information resource sharing and exchange platform (政务信息资源共享交换平台). Errors are `{code, message}` with stable codes.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/v1/auth/login' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Console session; unsafe methods also need X-CSRF-Token' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Authentication runs before the body is parsed. Every /api route needs a session unless it says `public`.
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const routeConfig = request.routeOptions.config ?? {};
    if (routeConfig.public) return;
    const header = request.headers.authorization;
    const bearer = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined;
    const cookieToken = request.cookies[SESSION_COOKIE];
    const token = bearer || cookieToken;
    if (!token) throw new DomainError('AUTH_REQUIRED', 'Not signed in (请先登录).');
    const auth = await services.auth.authenticate(token);
    if (!bearer && UNSAFE_METHODS.has(request.method)) {
      const csrf = request.headers['x-csrf-token'];
      services.auth.checkCsrf(auth, Array.isArray(csrf) ? csrf[0] : csrf);
    }
    if (auth.user.mustChangePassword && !routeConfig.allowPendingPasswordChange) {
      throw new DomainError('PASSWORD_CHANGE_REQUIRED', 'You must change your initial password first (请先修改初始密码).');
    }
    request.auth = auth;
  });

  app.get('/healthz', {
    schema: { tags: ['system'], summary: 'Liveness and database check' },
  }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      return { status: 'ok', database: config.database.kind, version: VERSION };
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: config.database.kind, version: VERSION });
    }
  });

  await app.register(async (api) => {
    await api.register(authRoutes({ auth: services.auth, secureCookies: config.security.secureCookies }));
    await api.register(orgsRoutes(services.orgs));
    await api.register(usersRoutes(services.users));
    await api.register(auditRoutes(services.audit));
    await api.register(catalogRoutes(services.catalog));
    await api.register(systemRoutes({ db: deps.db, config, startedAt }));
    await api.register(censusRoutes(services.census));
    await api.register(sharingRoutes(services.sharing));
    await api.register(notificationsRoutes(services.notifications));
    await api.register(dataServicesRoutes(services.dataServices, deps.db));
    await api.register(exchangeRoutes(services.exchange));
  }, { prefix: '/api/v1' });

  // The console: static files, and index.html for client-side routes.
  const consoleBuilt = existsSync(path.join(config.webDir, 'index.html'));
  // wildcard: files are looked up per request, so a rebuilt console is served without a restart.
  if (consoleBuilt) await app.register(fastifyStatic, { root: config.webDir, wildcard: true, index: 'index.html' });
  app.setNotFoundHandler(async (request, reply) => {
    if (request.method === 'GET' && !request.url.startsWith('/api/') && consoleBuilt) {
      return reply.type('text/html').sendFile('index.html');
    }
    if (request.method === 'GET' && request.url === '/' && !consoleBuilt) {
      return reply.type('text/plain').send('govshare is running, but the console is not built: run `npm run build:web`. API docs: /docs');
    }
    return reply.status(404).send({ code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}.` });
  });

  return Object.assign(app, { services });
}
