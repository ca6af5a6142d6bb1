import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../platform/db/database.js';
import { apiDocRoutes, dataApiRoutes } from './api/index.js';
import { appsRoutes } from './apps/index.js';
import { callsRoutes } from './calls/index.js';
import { datastoreRoutes } from './datastore/index.js';
import { fileDataRoutes, filesRoutes } from './files/index.js';
import { proxyDataRoutes, proxyRoutes } from './proxy/index.js';
import type { DataServices } from './data-services.service.js';

/** Every data-services route under /api/v1 (docs/data-services-api.md): console routes and the signed data API. */
export function dataServicesRoutes(services: DataServices, db: Database): FastifyPluginAsync {
  return async (app) => {
    await app.register(datastoreRoutes({ datastore: services.datastore }));
    await app.register(appsRoutes({ apps: services.apps }));
    await app.register(filesRoutes({ files: services.files }));
    await app.register(proxyRoutes({ proxy: services.proxy }));
    await app.register(callsRoutes({ calls: services.calls }));
    await app.register(apiDocRoutes({ api: services.api, apps: services.apps, box: services.box, db }));
    const { runDataCall } = services.api;
    await app.register(dataApiRoutes({
      api: services.api,
      datastore: services.datastore,
      extra: [fileDataRoutes({ runDataCall, files: services.files }), proxyDataRoutes({ runDataCall, proxy: services.proxy })],
    }));
  };
}
