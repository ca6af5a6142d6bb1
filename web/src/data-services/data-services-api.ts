import { api, request, uploadWithProgress, type Query, type UploadProgress } from '../api/client';
import type { AppView, AppWithSecret, GrantNarrowing } from '@shared/data-services/apps/apps.types';
import type { CallListQuery, CallOperation, CallQuery, CallStats, CallView } from '@shared/data-services/calls/calls.types';
import type { DatastoreColumn, DatastoreView, LoadError, LoadMode, LoadStatus, LoadView } from '@shared/data-services/datastore/datastore.types';
import type { FileVersionView } from '@shared/data-services/files/files.types';
import type { ProxyEndpointInput, ProxyEndpointView } from '@shared/data-services/proxy/proxy.types';
import type { DataResourceKind } from '@shared/data-services/resource-kinds';
import type { MaskingKind } from '@shared/sharing/masking';
import type { GrantView } from '@shared/sharing/sharing.types';

/**
 * 数据服务 (docs/data-services-api.md). The views of the management routes are the server's
 * (src/modules/data-services/<area>/<area>.types.ts); the console adds the API documentation and try-it shapes here.
 */

export type {
  AppView, CallOperation, CallQuery, CallStats, CallView, DatastoreColumn, DatastoreView, FileVersionView, GrantNarrowing, LoadError, LoadMode,
  LoadStatus, LoadView, ProxyEndpointView,
};
/** The answer of creating an app or rotating its secret: the only time the secret is seen. */
export type AppSecret = AppWithSecret;
/** The body of PUT /resources/:id/proxy-endpoint. */
export type ProxyEndpointBody = ProxyEndpointInput;

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

  calls: (query: CallListQuery) => api.get<{ items: CallView[]; total: number }>('/calls', { ...query } as Query),
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
