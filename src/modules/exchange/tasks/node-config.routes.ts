import type { FastifyPluginAsync } from 'fastify';
import { registerRawBodyParsers } from '../../../platform/http/raw-body.js';
import { responses } from '../../../platform/http/schemas.js';
import { nodeRequestOf } from '../node-request.js';
import { HeartbeatHeaders } from '../nodes.schemas.js';
import type { NodesService } from '../nodes.service.js';
import type { TasksService } from './index.js';
import { SignedNodeConfigSchema } from './tasks.schemas.js';

/** GET /api/v1/exchange/node/config: signed by the node (its key, approved only), answered signed by the platform. */
export function nodeConfigRoutes(deps: { tasks: TasksService; nodes: NodesService }): FastifyPluginAsync {
  return async (app) => {
    registerRawBodyParsers(app, { keepOtherTypes: true });
    app.get('/exchange/node/config', {
      config: { public: true },
      schema: {
        tags: ['exchange'], summary: 'The node\'s tasks, subscriptions and pending reconciliations, signed by the platform (signed node call)', security: [],
        headers: HeartbeatHeaders, response: responses({ 200: SignedNodeConfigSchema }),
      },
    }, async (request) => deps.tasks.nodeConfig(await deps.nodes.authenticate(nodeRequestOf(request))));
  };
}
