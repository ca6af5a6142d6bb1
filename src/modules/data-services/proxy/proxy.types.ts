/**
 * Proxy endpoint (接口代理) views without server imports, shared with the console (web/ imports them as
 * `@shared/data-services/proxy/proxy.types`).
 */

export interface ProxyEndpointView {
  url: string;
  method: 'GET' | 'POST';
  timeoutMs: number;
  /** Names of the headers sent upstream; their values are sealed and never shown. */
  headerNames: string[];
  updatedAt: string;
}

/** The body of PUT /resources/:id/proxy-endpoint. */
export interface ProxyEndpointInput {
  url: string;
  method: 'GET' | 'POST';
  timeoutMs: number;
  /** Replaces the registered headers; omitted: the registered ones stay (values cannot be read back to resend them). */
  headers?: Record<string, string>;
}
