import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { DomainError } from '../../../platform/errors.js';
import { responses } from '../../../platform/http/schemas.js';
import { maskValue } from '../../sharing/index.js';
import { selectRows, verifyClaims, type DatastoreLayout, type DatastoreService } from '../datastore/index.js';
import { DataQuery, DataQueryResponse, ResourceCodeParams, SignatureHeaders, VerifyBody, VerifyResponse } from './data-api.schemas.js';
import { signedPartsOf, type DataApi } from './data-api.service.js';
import type { DataCallContext } from './data-call.types.js';
import { encodeCursor, planQuery, planVerify, type QueryPlan } from './query-plan.js';
import { registerRawBodyParsers } from '../../../platform/http/raw-body.js';

/**
 * Request parts are validated inside `runDataCall`, after the signature, so that every call — malformed ones
 * included — is authenticated and logged; the schemas here document the routes.
 */
const documentedOnly = { validatorCompiler: () => () => true };

const DATA_API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
};

type CodeParams = { classification: string; sequence: string };
const codeOf = (request: FastifyRequest) => {
  const { classification, sequence } = request.params as CodeParams;
  return `${classification}/${sequence}`;
};

async function layoutFor(api: DataApi, ctx: DataCallContext): Promise<DatastoreLayout> {
  const layout = await api.layoutOf(ctx.resource.id);
  if (!layout) throw new DomainError('DATASTORE_NOT_FOUND', `Resource ${ctx.resource.code} has no data yet (该资源尚未装载数据).`);
  return layout;
}

/** Signed data API routes (public: authenticated by signature), plus `extra` plugins registered inside (files, proxy). */
export function dataApiRoutes(deps: { api: DataApi; datastore: DatastoreService; extra: FastifyPluginAsync[] }): FastifyPluginAsync {
  const { api } = deps;
  return async (app) => {
    registerRawBodyParsers(app, { keepOtherTypes: true });
    // Machine-to-machine JSON: the console's security headers (helmet rebuilds its middleware, CSP included, on
    // every request) cost more than the rest of the framework here; a fixed set is enough for JSON and files.
    app.addHook('onRoute', (route) => {
      route.config = Object.assign(route.config ?? {}, { helmet: { skipRoute: true } });
      // Every call is in the call log; per-request info lines would only repeat it.
      route.logLevel ??= 'warn';
    });
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(DATA_API_HEADERS);
      done();
    });
    const tags = ['data-api'];
    // Not a session or bearer route: the four signature headers authenticate it.
    const security: { [name: string]: string[] }[] = [];

    app.get('/data/:classification/:sequence', {
      config: { public: true },
      ...documentedOnly,
      schema: {
        tags, security, summary: 'Query a 库表 resource: filters and fields on granted items, masked as the grant says; rows ordered by key',
        headers: SignatureHeaders, params: ResourceCodeParams, querystring: DataQuery, response: responses({ 200: DataQueryResponse }),
      },
    }, async (request, reply) => {
      let layout: DatastoreLayout;
      let plan: QueryPlan;
      return api.runDataCall(request, reply, {
        resourceCode: codeOf(request), operation: 'query', kind: 'table',
        async check(ctx, outcome) {
          layout = await layoutFor(api, ctx);
          plan = planQuery(signedPartsOf(request.url).query, ctx, layout, api.box, outcome);
          outcome.items = plan.fields;
        },
      }, async (_ctx, outcome) => {
        const { rows, lastKey } = await selectRows(api.db, layout, { filters: plan.filters, items: plan.fields, limit: plan.limit, after: plan.after });
        if (plan.masking.length > 0) {
          for (const row of rows) for (const [item, kind] of plan.masking) row[item] = maskValue(kind, row[item]);
        }
        outcome.rows = rows.length;
        return { items: rows, nextCursor: lastKey ? encodeCursor(lastKey, api.box) : null };
      });
    });

    app.post('/verify/:classification/:sequence', {
      config: { public: true },
      ...documentedOnly,
      schema: {
        tags, security, summary: '核验: compare claimed values with the stored row found by key; never returns stored values',
        headers: SignatureHeaders, params: ResourceCodeParams, body: VerifyBody, response: responses({ 200: VerifyResponse }),
      },
    }, async (request, reply) => {
      let layout: DatastoreLayout;
      let plan: ReturnType<typeof planVerify>;
      return api.runDataCall(request, reply, {
        resourceCode: codeOf(request), operation: 'verify', kind: 'table',
        async check(ctx, outcome) {
          if (request.bodyInvalid) throw new DomainError('DATA_FILTER_INVALID', 'The body is not valid JSON (请求体不是合法的 JSON).');
          layout = await layoutFor(api, ctx);
          plan = planVerify(request.body, ctx, layout, outcome);
          outcome.items = plan.items;
        },
      }, async (_ctx, outcome) => {
        const result = await verifyClaims(api.db, layout, plan.key, plan.claims);
        outcome.rows = result.found ? 1 : 0;
        return result;
      });
    });

    for (const plugin of deps.extra) await app.register(plugin);
  };
}
