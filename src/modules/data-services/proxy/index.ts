export { createProxyService, type ProxyService } from './proxy.service.js';
export type { ProxyEndpointInput, ProxyEndpointView } from './proxy.types.js';
export { proxyRoutes, proxyDataRoutes } from './proxy.routes.js';
export { shapeUpstreamJson } from './proxy-response.js';
