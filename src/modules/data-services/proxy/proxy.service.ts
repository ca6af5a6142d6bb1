import { recordAuditEvent, type AuditContext } from '../../audit/index.js';
import { publishedDataResource, type PublishedDataResource } from '../../catalog/index.js';
import type { Actor } from '../../identity/identity.policy.js';
import type { SealedBox } from '../../../platform/crypto/sealed-box.js';
import type { Database } from '../../../platform/db/database.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import type { DataCallContext } from '../api/data-call.types.js';
import { resourceKindOf } from '../resource-kinds.js';
import { canReadProxyEndpoint, canSetProxyEndpoint } from './proxy.policy.js';
import { proxyRepository, type ProxyEndpointRow } from './proxy.repository.js';
import { shapeUpstreamJson, type ShapedResponse } from './proxy-response.js';
import type { ProxyEndpointInput, ProxyEndpointView } from './proxy.types.js';

export type { ProxyEndpointInput, ProxyEndpointView };

export const PROXY_TIMEOUT_MIN_MS = 100;
export const PROXY_TIMEOUT_MAX_MS = 60_000;
/** Largest upstream response read (10 MB); more is an upstream error rather than memory pressure. */
export const UPSTREAM_MAX_BYTES = 10 * 1024 * 1024;
const MAX_HEADERS = 20;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
// Set by the platform per call, or meaningless to forward.
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', 'accept-encoding']);

/** What the caller sent that is forwarded: the query string as received and, on POST, the JSON body. */
export interface ForwardedCall {
  queryString: string;
  body: string | null;
}

const invalid = (message: string, field: string) => new DomainError('PROXY_ENDPOINT_INVALID', message, { field });
const notFound = (id: string) => new DomainError('DATA_RESOURCE_NOT_FOUND', `Resource ${id} does not exist or is not published (资源不存在或未发布).`);

function assertApiKind(resource: PublishedDataResource): void {
  const kind = resourceKindOf(resource.formatClass);
  if (kind !== 'api') throw new DomainError('DATA_KIND_MISMATCH', `Resource ${resource.code} is served as ${kind}, not as an interface (该资源不是接口类资源).`, { kind });
}

function normalisedUrl(raw: string): string {
  let url: URL;
  try { url = new URL(raw.trim()); } catch { throw invalid('The upstream URL is not a valid URL (上游地址格式不正确).', 'url'); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('The upstream URL must be http or https (上游地址只支持 http 或 https).', 'url');
  if (url.username || url.password) throw invalid('Put credentials in headers, not in the URL (请勿在地址中包含账号密码，请使用请求头).', 'url');
  url.hash = '';
  return url.toString();
}

function checkedHeaders(headers: Record<string, string>): Record<string, string> {
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS) throw invalid(`At most ${MAX_HEADERS} headers (请求头最多 ${MAX_HEADERS} 个).`, 'headers');
  const seen = new Set<string>();
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) throw invalid(`"${name}" is not a valid header name (请求头名称不合法).`, 'headers');
    if (RESERVED_HEADERS.has(lower) || lower.startsWith('proxy-') || lower.startsWith('x-app-') || lower === 'x-signature' || lower === 'x-nonce' || lower === 'x-timestamp') {
      throw invalid(`Header ${name} is set by the platform (请求头 ${name} 由平台设置，不能配置).`, 'headers');
    }
    if (seen.has(lower)) throw invalid(`Header ${name} is given twice (请求头 ${name} 重复).`, 'headers');
    if (typeof value !== 'string' || value.length > 4096 || /[\u0000-\u001f\u007f]/.test(value)) throw invalid(`The value of header ${name} is not valid (请求头 ${name} 的值不合法).`, 'headers');
    seen.add(lower);
    out[name] = value;
  }
  return out;
}

/** Reads a response body up to `max` bytes; null when it is larger. Aborts with the request's signal. */
async function readCapped(response: Response, max: number): Promise<Buffer | null> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) { await response.body.cancel().catch(() => undefined); return null; }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}

const upstreamError = (what: string, chinese: string, extra: Record<string, unknown> = {}) =>
  new DomainError('UPSTREAM_ERROR', `${what} (${chinese}).`, extra);

/** Proxied provider APIs (接口代理): the provider registers its upstream; granted callers reach it through the platform. */
export function createProxyService(deps: { db: Database; now?: () => Date; box: SealedBox; fetch?: typeof fetch }) {
  const now = deps.now ?? (() => new Date());
  const { db, box } = deps;
  const doFetch = deps.fetch ?? fetch;

  const openHeaders = (row: ProxyEndpointRow): Record<string, string> =>
    row.headers_sealed ? JSON.parse(box.open(row.headers_sealed)) as Record<string, string> : {};
  const toView = (row: ProxyEndpointRow): ProxyEndpointView => ({
    url: row.url, method: row.method, timeoutMs: row.timeout_ms, headerNames: Object.keys(openHeaders(row)), updatedAt: new Date(row.updated_at).toISOString(),
  });

  return {
    /** GET /resources/{id}/proxy-endpoint. */
    async get(actor: Actor, resourceId: string): Promise<ProxyEndpointView> {
      const resource = await publishedDataResource(db, { id: resourceId });
      if (!resource) throw notFound(resourceId);
      if (!canReadProxyEndpoint(actor, resource.providerOrgId)) throw forbidden('Only the provider department may see the upstream (只有提供部门可以查看接口配置).');
      assertApiKind(resource);
      const row = await proxyRepository(db).find(resourceId);
      if (!row) throw new DomainError('NOT_FOUND', 'No upstream is registered for this interface yet (尚未配置上游接口).');
      return toView(row);
    },

    /** PUT /resources/{id}/proxy-endpoint: registers or changes the upstream; header values are sealed. */
    async set(actor: Actor, ctx: AuditContext, resourceId: string, input: ProxyEndpointInput): Promise<ProxyEndpointView> {
      const url = normalisedUrl(input.url);
      if (input.method !== 'GET' && input.method !== 'POST') throw invalid('The method is GET or POST (请求方式只支持 GET 或 POST).', 'method');
      if (!Number.isInteger(input.timeoutMs) || input.timeoutMs < PROXY_TIMEOUT_MIN_MS || input.timeoutMs > PROXY_TIMEOUT_MAX_MS) {
        throw invalid(`The timeout is ${PROXY_TIMEOUT_MIN_MS}–${PROXY_TIMEOUT_MAX_MS} ms (超时时间应在 ${PROXY_TIMEOUT_MIN_MS}–${PROXY_TIMEOUT_MAX_MS} 毫秒之间).`, 'timeoutMs');
      }
      const headers = input.headers === undefined ? undefined : checkedHeaders(input.headers);
      return db.transaction().execute(async (trx) => {
        const at = now();
        const resource = await publishedDataResource(trx, { id: resourceId });
        if (!resource) throw notFound(resourceId);
        if (!canSetProxyEndpoint(actor, resource.providerOrgId)) throw forbidden('Only the provider department\'s admin may set the upstream (只有提供部门管理员可以配置接口).');
        assertApiKind(resource);
        const repo = proxyRepository(trx);
        const existing = await repo.find(resourceId);
        const headersSealed = headers === undefined
          ? existing?.headers_sealed ?? null
          : Object.keys(headers).length > 0 ? box.seal(JSON.stringify(headers)) : null;
        const row: ProxyEndpointRow = {
          resource_id: resourceId, url, method: input.method, timeout_ms: input.timeoutMs, headers_sealed: headersSealed, updated_by: actor.userId, updated_at: at,
        };
        await repo.upsert(row);
        const view = toView(row);
        // The query string may hold a key, so the audit log keeps only where the upstream is.
        const parsed = new URL(url);
        await recordAuditEvent(trx, ctx, {
          action: 'data.proxy_endpoint_set', targetType: 'resource', targetId: resourceId,
          detail: { resourceCode: resource.code, upstream: `${parsed.origin}${parsed.pathname}`, method: view.method, timeoutMs: view.timeoutMs, headerNames: view.headerNames },
        }, at);
        return view;
      });
    },

    /**
     * Forwards a granted call to the upstream and returns its JSON cut to the grant. Failures never name the
     * upstream's address or credentials: refused or unreachable → UPSTREAM_UNAVAILABLE, too slow →
     * UPSTREAM_TIMEOUT, non-2xx / not JSON / too large → UPSTREAM_ERROR.
     */
    async forward(call: DataCallContext, request: ForwardedCall): Promise<ShapedResponse> {
      const row = await proxyRepository(db).find(call.resource.id);
      if (!row) throw new DomainError('PROXY_NOT_CONFIGURED', 'The provider has not registered the upstream of this interface yet (提供部门尚未配置该接口的上游地址).');
      const target = request.queryString ? `${row.url}${row.url.includes('?') ? '&' : '?'}${request.queryString}` : row.url;
      const sendBody = row.method === 'POST' && request.body !== null && request.body !== '';
      const headers: Record<string, string> = { ...openHeaders(row), accept: 'application/json', ...(sendBody ? { 'content-type': 'application/json' } : {}) };
      const signal = AbortSignal.timeout(row.timeout_ms);
      const timedOut = () => new DomainError('UPSTREAM_TIMEOUT', `The upstream did not answer within ${row.timeout_ms} ms (上游接口 ${row.timeout_ms} 毫秒内未响应).`);

      let response: Response;
      try {
        response = await doFetch(target, { method: row.method, headers, body: sendBody ? request.body : undefined, redirect: 'manual', signal });
      } catch {
        if (signal.aborted) throw timedOut();
        throw new DomainError('UPSTREAM_UNAVAILABLE', 'The upstream could not be reached (上游接口无法连接).');
      }
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel().catch(() => undefined);
        throw upstreamError(`The upstream returned HTTP ${response.status}`, `上游接口返回 HTTP ${response.status}`, { upstreamStatus: response.status });
      }
      let raw: Buffer | null;
      try {
        raw = await readCapped(response, UPSTREAM_MAX_BYTES);
      } catch {
        if (signal.aborted) throw timedOut();
        throw new DomainError('UPSTREAM_UNAVAILABLE', 'The upstream connection broke off (上游接口连接中断).');
      }
      if (raw === null) throw upstreamError(`The upstream response is larger than ${UPSTREAM_MAX_BYTES / 1024 / 1024} MB`, '上游接口返回的数据过大');
      let json: unknown;
      try { json = JSON.parse(raw.toString('utf8')); } catch { throw upstreamError('The upstream did not return JSON', '上游接口返回的不是 JSON'); }
      const shaped = shapeUpstreamJson(json, call.grant, call.resource.items.map((i) => i.name));
      if (!shaped) throw upstreamError('The upstream JSON is neither an object nor an array', '上游接口返回的 JSON 不是对象或数组');
      return shaped;
    },
  };
}

export type ProxyService = ReturnType<typeof createProxyService>;
