import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SealedBox } from '../../../platform/crypto/sealed-box.js';
import type { Database } from '../../../platform/db/database.js';
import { actorOf } from '../../../platform/http/request-context.js';
import { IdParams, responses } from '../../../platform/http/schemas.js';
import type { AppsService } from '../apps/index.js';
import { ApiDocResponse, TryBody, TryResponse } from './api-doc.schemas.js';
import { createApiDocService } from './api-doc.service.js';
import type { DataApi } from './data-api.service.js';
import { tryDataCall } from './try-call.js';

/** Console routes: per-resource API docs (接口文档) and the try-it call (在线调试); session auth. */
export function apiDocRoutes(deps: { api: DataApi; apps: AppsService; box: SealedBox; db: Database; now?: () => Date }): FastifyPluginAsyncTypebox {
  const docs = createApiDocService({ db: deps.db, now: deps.now ?? deps.api.now });
  return async (app) => {
    const tags = ['data-services'];

    app.get('/data-services/resources/:id/api-doc', {
      schema: { tags, summary: 'The signed API of one published resource: fields (granted, masked), operations, OpenAPI fragment, examples', params: IdParams, response: responses({ 200: ApiDocResponse }) },
    }, async (request) => {
      const origin = `${request.protocol}://${request.host}`;
      return docs.forResource(actorOf(request), request.params.id, origin);
    });

    app.post('/data-services/try', {
      schema: { tags, summary: 'Sign a data API call with one of my department\'s applications and run it through the real route (logged like any call)', body: TryBody, response: responses({ 200: TryResponse }) },
    }, async (request) => tryDataCall({ apps: deps.apps, inject: app.inject.bind(app) }, actorOf(request), request.body));
  };
}
