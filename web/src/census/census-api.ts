import { api, apiUrl, ApiError, request, upload, type Query } from '../api/client';
import type { Page } from '../api/types';
import type { CensusImportError, CensusSystemInput, CensusSystemView, SystemKind, SystemStatus, ZombieReason } from '@shared/census/census.types';

/**
 * 信息系统普查: /api/v1/census (see the OpenAPI document). The questionnaire's value lists and the record
 * types are the server's (src/modules/census/census.types.ts); the console adds its labels and colours here.
 */

export { SYSTEM_KINDS, SYSTEM_STATUSES, NETWORKS, USAGE_SCOPES, FREQUENCIES } from '@shared/census/census.types';
export type { CensusSystemInput, SystemKind, SystemStatus, ZombieReason };

export const STATUS_LABELS: Record<SystemStatus, string> = { 运行: '正在运行', 停止: '停止运行', 其他: '其他' };
export const STATUS_COLORS: Record<SystemStatus, string> = { 运行: 'green', 停止: 'red', 其他: 'default' };
export const KIND_LABELS: Record<SystemKind, string> = { 自建: '自建系统', 垂管: '垂管系统' };

/** A system as GET /census/systems answers it. */
export type CensusSystem = CensusSystemView;

export interface CensusFilters {
  orgId?: string;
  status?: SystemStatus;
  zombieOnly?: boolean;
  q?: string;
}

export interface ImportReport {
  dryRun: boolean;
  ok: boolean;
  total: number;
  created: number;
  updated: number;
  errors: CensusImportError[];
}

const path = (id: string) => `/census/systems/${encodeURIComponent(id)}`;

export const censusApi = {
  list: (filters: CensusFilters, limit: number, offset: number) =>
    api.get<Page<CensusSystem>>('/census/systems', { ...filters, limit, offset } as Query),
  get: (id: string) => api.get<CensusSystem>(path(id)),
  create: (input: Partial<CensusSystemInput> & { orgId?: string }) => api.post<CensusSystem>('/census/systems', input),
  update: (id: string, patch: Partial<CensusSystemInput>) => api.patch<CensusSystem>(path(id), patch),
  remove: (id: string) => request<void>(path(id), { method: 'DELETE' }),
  linkResource: (id: string, resourceCode: string) => api.post<CensusSystem>(`${path(id)}/resources`, { resourceCode }),
  unlinkResource: (id: string, resourceId: string) => request<void>(`${path(id)}/resources/${encodeURIComponent(resourceId)}`, { method: 'DELETE' }),
  candidates: (orgId?: string) => api.get<Page<CensusSystem>>('/census/candidates', { orgId }),
  /** A plain GET link: the browser downloads it with the session cookie. */
  exportUrl: (orgId?: string) => apiUrl('/census/export', { orgId }),

  /**
   * Uploads the census spreadsheet. An import with errors answers 400 with the same report, which is
   * returned here rather than thrown, so the page can show every error.
   */
  async importFile(file: File, options: { dryRun: boolean; orgId?: string }): Promise<ImportReport> {
    let body: Partial<ImportReport>;
    try {
      body = await upload<Partial<ImportReport>>('/census/import', file, { query: { dryRun: options.dryRun, orgId: options.orgId }, failure: '导入失败' });
    } catch (error) {
      if (!(error instanceof ApiError && Array.isArray(error.body.errors))) throw error;
      body = error.body as Partial<ImportReport>;
    }
    return { dryRun: options.dryRun, ok: false, total: 0, created: 0, updated: 0, errors: [], ...body };
  },
};

export const ZOMBIE_COLORS: Record<ZombieReason['code'], string> = {
  stopped: 'red',
  rarely_used: 'orange',
  not_connected: 'volcano',
  unmaintained: 'gold',
  manual: 'magenta',
};
