import { api, apiUrl, ApiError, request, type Query } from '../api/client';
import type { MeResponse, Page } from '../api/types';

/** 信息系统普查: types mirroring /api/v1/census (see the OpenAPI document). */

export const SYSTEM_KINDS = ['自建', '垂管'] as const;
export const SYSTEM_STATUSES = ['运行', '停止', '其他'] as const;
export const NETWORKS = ['电子政务内网', '电子政务外网', '业务专网', '互联网'] as const;
export const USAGE_SCOPES = ['科室内部', '本部门或管理单位', '横向跨部门', '纵向到基层'] as const;
export const FREQUENCIES = ['每日', '每周', '每月', '每季度', '每年', '按需'] as const;

export type SystemKind = (typeof SYSTEM_KINDS)[number];
export type SystemStatus = (typeof SYSTEM_STATUSES)[number];

export const STATUS_LABELS: Record<SystemStatus, string> = { 运行: '正在运行', 停止: '停止运行', 其他: '其他' };
export const STATUS_COLORS: Record<SystemStatus, string> = { 运行: 'green', 停止: 'red', 其他: 'default' };
export const KIND_LABELS: Record<SystemKind, string> = { 自建: '自建系统', 垂管: '垂管系统' };

export interface CensusSystemInput {
  kind: SystemKind;
  name: string;
  status: SystemStatus;
  functionDesc: string | null;
  resourceNames: string | null;
  network: (typeof NETWORKS)[number];
  classified: boolean;
  securityLevel: string | null;
  secrecyClause: string | null;
  canConnect: boolean | null;
  connectMethod: string | null;
  noConnectReason: string | null;
  accessAddress: string | null;
  websiteIntensive: boolean | null;
  usageScope: (typeof USAGE_SCOPES)[number] | null;
  usageScopeDetail: string | null;
  userCount: number | null;
  frequency: (typeof FREQUENCIES)[number];
  ownerDivision: string | null;
  ownerName: string | null;
  ownerTitle: string | null;
  ownerPhone: string | null;
  approver: string | null;
  approvalDate: string | null;
  builder: string | null;
  buildDate: string | null;
  warrantyYears: number | null;
  buildBudget: number | null;
  buildBudgetSource: string | null;
  omBudget: number | null;
  omBudgetSource: string | null;
  omUnit: string | null;
  providedTo: string | null;
  obtainedFrom: string | null;
  neededFrom: string | null;
  techSupport: string | null;
  remarks: string | null;
  manualZombie: boolean;
  manualZombieReason: string | null;
}

export interface ZombieReason {
  code: 'stopped' | 'rarely_used' | 'not_connected' | 'unmaintained' | 'manual';
  label: string;
  detail: string;
}

export interface CensusSystem extends CensusSystemInput {
  id: string;
  orgId: string;
  orgName: string;
  resources: { id: string; code: string; name: string | null }[];
  zombie: { isZombie: boolean; reasons: ZombieReason[] };
  createdAt: string;
  updatedAt: string;
}

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
  errors: { row: number; column: string; message: string }[];
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
    // The CSRF token lives in the API client; /auth/me hands out the session's token for this multipart request.
    const { csrfToken } = await api.get<MeResponse>('/auth/me');
    const form = new FormData();
    form.append('file', file);
    let response: Response;
    try {
      response = await fetch(apiUrl('/census/import', { dryRun: options.dryRun, orgId: options.orgId }), {
        method: 'POST',
        headers: { Accept: 'application/json', 'X-CSRF-Token': csrfToken },
        credentials: 'same-origin',
        body: form,
      });
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', '无法连接服务器，请检查网络后重试');
    }
    const body = (await response.json().catch(() => ({}))) as Partial<ImportReport> & { code?: string; message?: string };
    if (response.ok || Array.isArray(body.errors)) {
      return { dryRun: options.dryRun, ok: false, total: 0, created: 0, updated: 0, errors: [], ...body } as ImportReport;
    }
    throw new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? `导入失败（${response.status}）`, body as Record<string, unknown>);
  },
};

export const ZOMBIE_COLORS: Record<ZombieReason['code'], string> = {
  stopped: 'red',
  rarely_used: 'orange',
  not_connected: 'volcano',
  unmaintained: 'gold',
  manual: 'magenta',
};
