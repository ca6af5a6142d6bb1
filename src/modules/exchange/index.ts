export { createNodesService, nodeCodeOf, NODE_ONLINE_WINDOW_MS, NETWORK_ZONES, type NodesService, type NodeView, type EnrolmentTokenView } from './nodes.service.js';
export { createExchangeServices, type ExchangeServices, type ExchangeDeps } from './exchange.services.js';
export { exchangeRoutes } from './exchange.routes.js';
export * from './node-signing.js';
export type { NetworkZone, NodeStatus } from './exchange.tables.js';
