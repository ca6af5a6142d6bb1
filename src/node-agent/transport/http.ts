/**
 * HTTP transport: every call outbound to the platform, signed with the node key (node-signing.ts headers).
 * Network errors and 5xx are retried with exponential backoff; 4xx are returned to the caller as TransportError.
 */
import type { SignedNodeConfig } from '../../modules/exchange/flows.types.js';
import { NODE_API, signNodeRequest, type DeliveryAckBody, type DeliveryListItem, type HeartbeatBody, type NodeKeyPair, type ReconciliationReportBody, type UploadResult } from '../../modules/exchange/protocol/index.js';
import { sleep } from '../fsutil.js';
import { TransportError, type Transport } from './types.js';

export interface HttpTransportOptions {
  platformUrl: string;
  nodeId: string;
  key: NodeKeyPair;
  /** Attempts for transient failures (default 5) and the first backoff (default 500 ms, doubling, ≤ 15 s). */
  retries?: number;
  backoffMs?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export function httpTransport(options: HttpTransportOptions): Transport {
  const base = options.platformUrl.replace(/\/+$/, '');
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 5;
  const backoff = options.backoffMs ?? 500;

  async function once(method: string, apiPath: string, query: string, body: Buffer | string | null, contentType: string | null, timeoutMs: number, signal?: AbortSignal): Promise<Response> {
    const payload = body ?? '';
    const headers: Record<string, string> = signNodeRequest(options.nodeId, options.key, { method, path: `${basePath}${apiPath}`, body: payload });
    if (contentType) headers['content-type'] = contentType;
    const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : []), ...(options.signal ? [options.signal] : [])];
    let response: Response;
    try {
      response = await doFetch(`${base}${apiPath}${query}`, { method, headers, body: body === null ? undefined : body, signal: AbortSignal.any(signals) });
    } catch (error) {
      throw new TransportError(0, 'NETWORK', `${method} ${apiPath}: ${(error as Error).message}`);
    }
    if (response.ok) return response;
    let parsed: Record<string, unknown> = {};
    try { parsed = (await response.json()) as Record<string, unknown>; } catch { /* not JSON */ }
    throw new TransportError(response.status, String(parsed.code ?? `HTTP_${response.status}`), String(parsed.message ?? `${method} ${apiPath}: HTTP ${response.status}`), parsed);
  }

  async function call(method: string, apiPath: string, init: { query?: string; body?: Buffer | string | null; contentType?: string | null; timeoutMs?: number; signal?: AbortSignal; retries?: number } = {}): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(method, apiPath, init.query ?? '', init.body ?? null, init.contentType ?? null, init.timeoutMs ?? 60_000, init.signal);
      } catch (error) {
        const stopped = init.signal?.aborted || options.signal?.aborted;
        if (!(error instanceof TransportError) || !error.transient || attempt >= (init.retries ?? retries) || stopped) throw error;
        await sleep(Math.min(15_000, backoff * 2 ** attempt), init.signal ?? options.signal);
      }
    }
  }

  const json = (body: unknown) => ({ body: JSON.stringify(body), contentType: 'application/json' });

  return {
    kind: 'http',
    async heartbeat(body: HeartbeatBody) {
      await call('POST', NODE_API.heartbeat, { ...json(body), timeoutMs: 15_000 });
    },
    async fetchConfig() {
      return (await (await call('GET', NODE_API.config, { retries: 1, timeoutMs: 15_000 })).json()) as SignedNodeConfig;
    },
    async upload(file: Buffer) {
      return (await (await call('POST', NODE_API.batches, { body: file, contentType: 'application/octet-stream', timeoutMs: 300_000 })).json()) as UploadResult;
    },
    async deliveries(q) {
      const query = `?subscriptionId=${encodeURIComponent(q.subscriptionId)}&afterSeq=${q.afterSeq}&waitMs=${q.waitMs}`;
      const body = (await (await call('GET', NODE_API.deliveries, { query, timeoutMs: q.waitMs + 30_000, signal: q.signal })).json()) as { items: DeliveryListItem[] };
      return body.items;
    },
    async payload(id: string) {
      return Buffer.from(await (await call('GET', NODE_API.deliveryPayload(id), { timeoutMs: 300_000 })).arrayBuffer());
    },
    async ack(id: string, body: DeliveryAckBody) {
      await call('POST', NODE_API.deliveryAck(id), json(body));
    },
    async reconciliationReport(id: string, body: ReconciliationReportBody) {
      await call('POST', NODE_API.reconciliationReport(id), json(body));
    },
  };
}

/** POST /api/v1/exchange/enrol (unsigned: the body carries the proof). */
export async function postEnrolment(platformUrl: string, body: unknown, doFetch: typeof fetch = fetch): Promise<{ nodeId: string; status: string }> {
  const url = `${platformUrl.replace(/\/+$/, '')}/api/v1/exchange/enrol`;
  let response: Response;
  try {
    response = await doFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new TransportError(0, 'NETWORK', `cannot reach the platform at ${url}: ${cause ?? (error as Error).message}`);
  }
  const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new TransportError(response.status, String(parsed.code ?? `HTTP_${response.status}`), String(parsed.message ?? `enrolment failed: HTTP ${response.status}`), parsed);
  return parsed as { nodeId: string; status: string };
}
