/**
 * Thin fetch wrapper for the govshare API.
 *
 * The console authenticates with the HttpOnly session cookie set by /auth/login; the bearer token in the
 * login response is deliberately not kept (nothing script-readable that grants access is stored).
 * Unsafe methods carry the CSRF token the server handed out with the session.
 */

import type { MeResponse } from './types';

export const API_BASE = '/api/v1';

/** An error answered by the API as `{code, message}`; `body` keeps extra fields such as `lockedUntil`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: Record<string, unknown>;

  constructor(status: number, code: string, message: string, body: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;
let onUnauthorized: ((error: ApiError) => void) | null = null;
let onPasswordChangeRequired: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Registers what happens when a request finds the session gone (the auth context sends the user to login). */
export function setUnauthorizedHandler(handler: ((error: ApiError) => void) | null): void {
  onUnauthorized = handler;
}

export function setPasswordChangeRequiredHandler(handler: (() => void) | null): void {
  onPasswordChangeRequired = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  /** Leave 401 to the caller instead of ending the session (used by login and the initial /auth/me). */
  skipAuthRedirect?: boolean;
}

/** Builds `/api/v1<path>?<query>`, dropping empty query values. */
export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', '无法连接服务器，请检查网络后重试');
  }

  if (response.status === 204) return undefined as T;

  const text = await response.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!response.ok) {
    const body = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    const code = typeof body.code === 'string' ? body.code : `HTTP_${response.status}`;
    const message = typeof body.message === 'string' && body.message ? body.message : defaultMessage(response.status);
    const error = new ApiError(response.status, code, message, body);
    if (response.status === 401 && !options.skipAuthRedirect) onUnauthorized?.(error);
    if (code === 'PASSWORD_CHANGE_REQUIRED') onPasswordChangeRequired?.();
    throw error;
  }
  return data as T;
}

function defaultMessage(status: number): string {
  if (status === 401) return '登录已失效，请重新登录';
  if (status === 403) return '无权执行此操作';
  if (status === 404) return '请求的资源不存在';
  if (status === 429) return '请求过于频繁，请稍后再试';
  if (status >= 500) return '服务器内部错误，请稍后再试';
  return `请求失败（${status}）`;
}

export const api = {
  get: <T>(path: string, query?: Query, options?: Omit<RequestOptions, 'query' | 'method'>) =>
    request<T>(path, { ...options, method: 'GET', query }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body' | 'method'>) =>
    request<T>(path, { ...options, method: 'POST', body }),
  patch: <T>(path: string, body?: unknown) => request<T>(path, { method: 'PATCH', body }),
};

export interface UploadOptions {
  query?: Query;
  /** What failed, for the message used when the server gives none: `导入失败` → `导入失败（400）`. */
  failure?: string;
}

/**
 * POSTs one file as multipart field `file` and answers the JSON body; a failure throws an ApiError with the
 * server's `{code, message}` and the whole body (so callers can read fields such as `errors`).
 */
export async function upload<T>(path: string, file: File, options: UploadOptions = {}): Promise<T> {
  // Sent without `request` (no JSON body), so /auth/me hands out the session's CSRF token for this request.
  const me = await api.get<MeResponse>('/auth/me');
  const form = new FormData();
  form.append('file', file);
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method: 'POST',
      headers: { Accept: 'application/json', 'X-CSRF-Token': me.csrfToken },
      credentials: 'same-origin',
      body: form,
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', '无法连接服务器，请检查网络后重试');
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return body as T;
  const code = typeof body.code === 'string' ? body.code : `HTTP_${response.status}`;
  const message = typeof body.message === 'string' && body.message ? body.message : `${options.failure ?? '上传失败'}（${response.status}）`;
  throw new ApiError(response.status, code, message, body);
}

export interface UploadProgress {
  /** Bytes of the request body sent so far and in all (the multipart body, a little more than the file). */
  loaded: number;
  total: number;
  /** 0–100. */
  percent: number;
}

export interface UploadWithProgressOptions extends UploadOptions {
  /** Extra multipart fields sent before the file (e.g. `note`). */
  fields?: Record<string, string>;
  onProgress?: (progress: UploadProgress) => void;
}

/**
 * `upload` through XMLHttpRequest, reporting the upload's progress (fetch cannot): POSTs the file as multipart
 * field `file` after `fields`, answers the JSON body, and throws an ApiError as `upload` does.
 */
export async function uploadWithProgress<T>(path: string, file: File, options: UploadWithProgressOptions = {}): Promise<T> {
  const me = await api.get<MeResponse>('/auth/me');
  const form = new FormData();
  for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
  form.append('file', file);
  const xhr = new XMLHttpRequest();
  const done = new Promise<{ status: number; text: string }>((resolve, reject) => {
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', '无法连接服务器，请检查网络后重试'));
    xhr.onabort = () => reject(new ApiError(0, 'NETWORK_ERROR', '上传已中断'));
  });
  xhr.upload.onprogress = (event) => {
    if (!options.onProgress) return;
    const total = event.lengthComputable ? event.total : file.size;
    options.onProgress({ loaded: event.loaded, total, percent: total > 0 ? Math.min(100, Math.round((event.loaded / total) * 100)) : 0 });
  };
  xhr.open('POST', apiUrl(path, options.query));
  xhr.withCredentials = true;
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.setRequestHeader('X-CSRF-Token', me.csrfToken);
  xhr.send(form);
  const { status, text } = await done;
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = {};
  }
  if (status >= 200 && status < 300) return body as T;
  const code = typeof body.code === 'string' ? body.code : `HTTP_${status}`;
  const message = typeof body.message === 'string' && body.message ? body.message : `${options.failure ?? '上传失败'}（${status}）`;
  const error = new ApiError(status, code, message, body);
  if (status === 401) onUnauthorized?.(error);
  throw error;
}

/** Best Chinese message for an unknown thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return '操作失败';
}
