import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../identity/identity.policy.js';
import { DomainError } from '../../../platform/errors.js';
import { isMemberOfDepartment, type AppsService } from '../apps/index.js';
import { signRequest } from '../request-signing.js';
import { signedPartsOf } from './data-api.service.js';

export interface TryInput { appId: string; method: 'GET' | 'POST'; path: string; query?: Record<string, string>; body?: unknown }
export interface TryResult { status: number; body: unknown; signedHeaders: { 'X-App-Key': string; 'X-Timestamp': string; 'X-Nonce': string; 'X-Signature': string } }

const DATA_PATH = /^\/api\/v1\/(data|verify|files|proxy)\/[^?#]+$/;
const MAX_TEXT = 64 * 1024;

/**
 * 在线调试: signs the call server-side with the app's secret (never returned) and runs it through the real data
 * API route, so it is checked, counted and logged like any other call. Members of the app's department only.
 */
export async function tryDataCall(deps: { apps: AppsService; inject: FastifyInstance['inject'] }, actor: Actor, input: TryInput): Promise<TryResult> {
  const app = await deps.apps.credentialsById(input.appId);
  if (!app || !isMemberOfDepartment(actor, app.orgId)) {
    throw new DomainError('APP_NOT_FOUND', `Application ${input.appId} does not exist or is not your department's (应用不存在或不属于本部门).`);
  }
  if (!DATA_PATH.test(input.path)) {
    throw new DomainError('VALIDATION_FAILED', 'path: a data API path such as /api/v1/data/<分类>/<顺序号> (请填写数据接口路径).', { field: 'path' });
  }
  const qs = Object.entries(input.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  const url = encodeURI(input.path) + (qs ? `?${qs}` : '');
  const raw = input.body === undefined || input.body === null ? '' : JSON.stringify(input.body);
  const { path, query } = signedPartsOf(url);
  const timestamp = String(Date.now());
  const nonce = `try-${randomUUID()}`;
  const signature = signRequest(app.secret, { method: input.method, path, query, timestamp, nonce, body: raw });
  const signedHeaders = { 'X-App-Key': app.appKey, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature };
  const response = await deps.inject({
    method: input.method, url,
    headers: { ...signedHeaders, ...(raw ? { 'content-type': 'application/json' } : {}) },
    ...(raw ? { payload: raw } : {}),
  });
  const type = String(response.headers['content-type'] ?? '');
  let body: unknown;
  if (type.includes('json')) {
    try { body = response.json(); } catch { body = response.body.slice(0, MAX_TEXT); }
  } else if (type.startsWith('text/')) {
    body = response.body.slice(0, MAX_TEXT);
  } else {
    body = { contentType: type, size: response.rawPayload.length, note: '二进制内容，未显示' };
  }
  return { status: response.statusCode, body, signedHeaders };
}
