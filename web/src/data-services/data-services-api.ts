import { api, request, uploadWithProgress, type Query, type UploadProgress } from '../api/client';
import type { DataResourceKind } from '@shared/data-services/resource-kinds';
import type { MaskingKind } from '@shared/sharing/masking';
import type { GrantView } from '@shared/sharing/sharing.types';

/** 数据服务 (docs/data-services-api.md): the views of the management routes as the console reads them. */

export interface DatastoreColumn {
  item: string;
  column: string;
  dataType: string;
  length: number | null;
}

export interface DatastoreView {
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  kind: DataResourceKind;
  exists: boolean;
  tableName: string | null;
  keyItems: string[];
  rowCount: number | string;
  lastLoadedAt: string | null;
  columns: DatastoreColumn[];
  pendingItems: string[];
}

export type LoadMode = 'replace' | 'upsert';
export type LoadStatus = 'running' | 'succeeded' | 'failed';

export interface LoadError {
  row: number;
  item: string | null;
  message: string;
}

export interface LoadView {
  id: string;
  resourceId: string;
  mode: LoadMode;
  format: 'csv' | 'xlsx' | 'jsonl';
  filename: string | null;
  status: LoadStatus;
  bytes: number | string;
  bytesRead: number | string;
  totalRows: number | string;
  loaded: number | string;
  failed: number | string;
  errors: LoadError[];
  message: string | null;
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface AppView {
  id: string;
  orgId: string;
  orgName: string;
  name: string;
  description: string | null;
  appKey: string;
  status: 'active' | 'disabled';
  createdAt: string;
  secretRotatedAt: string | null;
  disabledAt: string | null;
}

/** The answer of creating an app or rotating its secret: the only time the secret is seen. */
export interface AppSecret {
  id: string;
  appKey: string;
  appSecret: string;
  app: AppView;
}

export interface FileVersionView {
  id: string;
  resourceId: string;
  versionNo: number;
  filename: string;
  contentType: string;
  size: number | string;
  sm3: string;
  note: string | null;
  uploadedBy: string | null;
  createdAt: string;
}

export interface ProxyEndpointView {
  url: string;
  method: 'GET' | 'POST';
  timeoutMs: number;
  headerNames: string[];
  updatedAt: string;
}

export interface ProxyEndpointBody {
  url: string;
  method: 'GET' | 'POST';
  timeoutMs: number;
  headers?: Record<string, string>;
}

export type CallOperation = 'query' | 'verify' | 'file' | 'proxy';

export interface CallView {
  id: string;
  at: string;
  appId: string | null;
  appKey: string | null;
  appName: string | null;
  consumerOrgId: string | null;
  consumerOrgName: string | null;
  providerOrgId: string | null;
  providerOrgName: string | null;
  resourceId: string | null;
  resourceCode: string | null;
  resourceName: string | null;
  grantId: string | null;
  operation: CallOperation;
  items: string[];
  rows: number;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  clientIp: string | null;
}

export interface CallQuery {
  side?: 'provider' | 'consumer';
  resource?: string;
  app?: string;
  consumer?: string;
  status?: 'ok' | 'error';
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

export interface CallCounts {
  calls: number;
  errors: number;
  rows: number;
}

export interface CallStats {
  byDay: (CallCounts & { day: string })[];
  byResource: (CallCounts & { resourceId: string; resourceCode: string; resourceName: string })[];
  byConsumer: (CallCounts & { orgId: string; orgName: string })[];
  byOperation: { operation: CallOperation; calls: number }[];
  latency: { p50: number | null; p95: number | null };
}

export interface ApiDocField {
  item: string;
  dataType: string;
  length: number | null;
  key: boolean;
  granted: boolean;
  masking: MaskingKind | null;
}

export interface ApiDoc {
  resource: { id: string; code: string; name: string; kind: DataResourceKind; providerOrgName: string };
  fields: ApiDocField[];
  grant: GrantView | null;
  operations: { method: string; path: string; summary: string }[];
  openapi: Record<string, unknown>;
  examples: { curl: string; typescript: string };
}

export interface TryBody {
  appId: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

export interface TryResult {
  status: number;
  body: unknown;
  signedHeaders: Record<string, string>;
}

/** A grant narrowed to one application (授权指定应用), as GET /apps/grant-narrowings lists it. */
export interface GrantNarrowing {
  grantId: string;
  appId: string;
  appName: string;
}

/**
 * A grant the department holds, with the application it is narrowed to (null: any of the department's). GET /grants
 * does not carry the narrowing: it comes from GET /apps/grant-narrowings (see `consumerGrants`).
 */
export type ConsumerGrant = GrantView & { appId: string | null; appName: string | null };

/** The department's active grants (consumer side) joined with their narrowings, both read at once. */
async function consumerGrants(): Promise<ConsumerGrant[]> {
  const [grants, narrowings] = await Promise.all([
    api.get<{ items: GrantView[] }>('/grants', { as: 'consumer', status: 'active' }),
    api.get<{ items: GrantNarrowing[] }>('/apps/grant-narrowings'),
  ]);
  const byGrant = new Map(narrowings.items.map((n) => [n.grantId, n]));
  return grants.items.map((g) => {
    const n = byGrant.get(g.id);
    return { ...g, appId: n?.appId ?? null, appName: n?.appName ?? null };
  });
}

const resourcePath = (id: string) => `/resources/${encodeURIComponent(id)}`;
const appPath = (id: string) => `/apps/${encodeURIComponent(id)}`;

export const dataServicesApi = {
  datastore: (resourceId: string) => api.get<DatastoreView>(`${resourcePath(resourceId)}/datastore`),
  defineDatastore: (resourceId: string, keyItems: string[]) =>
    request<DatastoreView>(`${resourcePath(resourceId)}/datastore`, { method: 'PUT', body: { keyItems } }),
  /** Uploads a load; the server answers when the load is over (the LoadView, whether it succeeded or failed). */
  load: (resourceId: string, file: File, mode: LoadMode, loadId: string, onProgress: (p: UploadProgress) => void) =>
    uploadWithProgress<LoadView>(`${resourcePath(resourceId)}/loads`, file, { query: { mode, loadId }, onProgress, failure: '装载失败' }),
  loads: (resourceId: string) => api.get<{ items: LoadView[] }>(`${resourcePath(resourceId)}/loads`).then((r) => r.items),
  loadStatus: (loadId: string) => api.get<LoadView>(`/loads/${encodeURIComponent(loadId)}`),

  apps: () => api.get<{ items: AppView[] }>('/apps').then((r) => r.items),
  createApp: (name: string, description: string | undefined) => api.post<AppSecret>('/apps', { name, ...(description ? { description } : {}) }),
  rotateSecret: (id: string) => api.post<AppSecret>(`${appPath(id)}/rotate-secret`),
  disableApp: (id: string) => api.post<AppView>(`${appPath(id)}/disable`),
  enableApp: (id: string) => api.post<AppView>(`${appPath(id)}/enable`),
  setGrantApp: (grantId: string, appId: string | null) =>
    request<{ grantId: string; appId: string | null }>(`/grants/${encodeURIComponent(grantId)}/app`, { method: 'PUT', body: { appId } }),
  grantNarrowings: () => api.get<{ items: GrantNarrowing[] }>('/apps/grant-narrowings').then((r) => r.items),
  consumerGrants,

  files: (resourceId: string) => api.get<{ items: FileVersionView[] }>(`${resourcePath(resourceId)}/files`).then((r) => r.items),
  uploadFile: (resourceId: string, file: File, note: string, onProgress: (p: UploadProgress) => void) =>
    uploadWithProgress<FileVersionView>(`${resourcePath(resourceId)}/files`, file, { fields: note ? { note } : {}, onProgress, failure: '上传失败' }),

  proxyEndpoint: (resourceId: string) => api.get<ProxyEndpointView>(`${resourcePath(resourceId)}/proxy-endpoint`),
  saveProxyEndpoint: (resourceId: string, body: ProxyEndpointBody) =>
    request<ProxyEndpointView>(`${resourcePath(resourceId)}/proxy-endpoint`, { method: 'PUT', body }),

  calls: (query: CallQuery) => api.get<{ items: CallView[]; total: number }>('/calls', { ...query } as Query),
  callStats: (query: Pick<CallQuery, 'side' | 'resource' | 'from' | 'to'>) => api.get<CallStats>('/calls/stats', { ...query } as Query),

  apiDoc: (resourceId: string) => api.get<ApiDoc>(`/data-services/resources/${encodeURIComponent(resourceId)}/api-doc`),
  tryCall: (body: TryBody) => api.post<TryResult>('/data-services/try', body),
};

/** Counts come as numbers or (bigint columns) strings. */
export function num(value: number | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

export function formatBytes(value: number | string): string {
  const n = num(value);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export const LOAD_MODE_LABELS: Record<LoadMode, string> = { replace: '全量替换', upsert: '按主键更新' };
export const LOAD_STATUS: Record<LoadStatus, { label: string; color: string }> = {
  running: { label: '装载中', color: 'processing' },
  succeeded: { label: '成功', color: 'green' },
  failed: { label: '失败', color: 'red' },
};
export const OPERATION_LABELS: Record<CallOperation, string> = { query: '查询', verify: '核验', file: '文件下载', proxy: '接口代理' };
