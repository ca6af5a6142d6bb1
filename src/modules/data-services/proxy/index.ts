export { createProxyService, type ProxyService, type ProxyEndpointView, type ProxyEndpointInput } from './proxy.service.js';
export { proxyRoutes, proxyDataRoutes } from './proxy.routes.js';
export { shapeUpstreamJson } from './proxy-response.js';
