export { createNodesService, nodeCodeOf, NODE_ONLINE_WINDOW_MS, NETWORK_ZONES, type NodesService, type NodeView, type EnrolmentTokenView } from './nodes.service.js';
export { nodesRoutes as exchangeRoutes } from './nodes.routes.js';
export * from './node-signing.js';
export type { NetworkZone, NodeStatus } from './exchange.tables.js';
