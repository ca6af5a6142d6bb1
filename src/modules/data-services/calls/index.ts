export { createCallsService, type CallsService, type CallView, type CallStats } from './calls.service.js';
export { callsRoutes } from './calls.routes.js';
