export { createCallsService, type CallsService } from './calls.service.js';
export type { CallListQuery, CallOperation, CallQuery, CallSide, CallStats, CallView } from './calls.types.js';
export { callsRoutes } from './calls.routes.js';
