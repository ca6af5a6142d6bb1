import { api, apiUrl, ApiError, request, upload, type Query } from '../api/client';
import type { InfoItemInput, ResourceInput } from '@shared/catalog/catalog.types';
import type { ResourceStatus, VersionStatus } from './catalog-constants';

/** 目录管理: types mirroring /api/v1/resources and /api/v1/catalog (docs/catalog-api.md). */

/** 信息项: the server's InfoItemInput (src/modules/catalog/catalog.types.ts). */
export type InfoItem = InfoItemInput;

/** The body of POST /resources and PUT /resources/{id}/draft. */
export type ResourceBody = Omit<ResourceInput, 'code' | 'providerName' | 'providerCode'> & {
  /** Kept when unique; omitted, the platform assigns one. */
  code?: string | null;
  /** Default: the actor's department and its registered name. */
  providerName?: string;
  providerCode?: string;
  categoryId?: string | null;
};

export interface Version extends Omit<ResourceBody, 'code' | 'providerName' | 'providerCode' | 'categoryId'> {
  providerName: string;
  providerCode: string;
  id: string;
  versionNo: number;
  status: VersionStatus;
  relatedCategoryId: string | null;
  reviewComment: string | null;
  createdAt: string;
  submittedAt: string | null;
  reviewedAt: string | null;
}

export interface CategoryRef {
  id: string;
  code: string;
  name: string;
  kind: string;
}

export interface VersionSummary {
  id: string;
  versionNo: number;
  status: VersionStatus;
  name: string;
  createdAt: string;
  submittedAt: string | null;
  reviewedAt: string | null;
  reviewComment: string | null;
}

export interface ReviewEvent {
  action: 'submitted' | 'approved' | 'returned' | 'retired' | string;
  actor: string | null;
  comment: string | null;
  at: string;
  versionNo: number | null;
}

export interface ResourceDetail {
  id: string;
  code: string;
  name: string;
  status: ResourceStatus;
  providerOrgId: string;
  providerName: string;
  providerCode: string;
  categoryId: string;
  category: CategoryRef;
  relatedCategories: CategoryRef[];
  createdAt: string;
  updatedAt: string;
  retiredAt: string | null;
  retiredReason: string | null;
  requestable: boolean;
  published: Version | null;
  working: Version | null;
  versions: VersionSummary[];
  reviewHistory: ReviewEvent[];
}

export interface TransitionResult {
  id: string;
  code: string;
  versionId: string;
}

export interface SearchHit {
  id: string;
  code: string;
  name: string;
  providerName: string;
  providerCode: string;
  shareType: string;
  status: ResourceStatus;
  publishDate: string;
  summary: string;
  categoryName: string;
  requestable: boolean;
  score: number | null;
  /** Status of a version being worked on (draft, submitted, returned), if any. */
  workingStatus: VersionStatus | null;
  submittedAt: string | null;
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

export const FACET_KEYS = ['provider', 'category', 'shareType', 'formatClass', 'isOpen', 'updateCycle', 'status'] as const;
export type FacetKey = (typeof FACET_KEYS)[number];

export interface SearchResult {
  total: number;
  items: SearchHit[];
  facets: Record<FacetKey, FacetValue[]>;
}

/** The filters shared by search and export. */
export interface CatalogFilters {
  q?: string;
  provider?: string;
  category?: string;
  shareType?: string;
  formatClass?: string;
  isOpen?: string;
  updateCycle?: string;
  status?: string;
  scope?: 'shared' | 'department' | 'review';
}

export interface SearchQuery extends CatalogFilters {
  sort?: 'relevance' | 'publishDate' | 'submittedAt';
  limit?: number;
  offset?: number;
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface VersionDiff {
  from: number;
  to: number;
  fields: FieldChange[];
  items: {
    added: InfoItem[];
    removed: InfoItem[];
    changed: { name: string; changes: FieldChange[] }[];
  };
}

export interface CategoryNode {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  kind: '基础' | '主题' | '部门' | string;
  count: number;
  children: CategoryNode[];
}

export interface ImportBlock {
  row: number;
  name: string;
  id?: string;
  code?: string;
  action?: 'created' | 'revised';
  errors: { column: string; message: string }[];
}

export interface ImportReport {
  imported: number;
  failed: number;
  resources: ImportBlock[];
}

/** A per-column problem of a resource, as CATALOG_INVALID answers them. */
export interface Problem {
  column: string;
  message: string;
}

/** The `problems` (or import `errors`) an API error carries, if any. */
export function problemsOf(error: unknown): Problem[] {
  if (!(error instanceof ApiError)) return [];
  const list = error.body.problems ?? error.body.errors;
  return Array.isArray(list) ? (list as Problem[]).filter((p) => p && typeof p.column === 'string') : [];
}

const path = (id: string) => `/resources/${encodeURIComponent(id)}`;

export const catalogApi = {
  search: (query: SearchQuery) => api.get<SearchResult>('/resources', { ...query } as Query),
  get: (id: string) => api.get<ResourceDetail>(path(id)),
  create: (body: ResourceBody) => api.post<TransitionResult>('/resources', body),
  saveDraft: (id: string, body: ResourceBody) => request<TransitionResult>(`${path(id)}/draft`, { method: 'PUT', body }),
  submit: (id: string) => api.post<TransitionResult>(`${path(id)}/submit`),
  approve: (id: string, comment: string | null) => api.post<TransitionResult>(`${path(id)}/approve`, { comment }),
  returnForChanges: (id: string, comment: string) => api.post<TransitionResult>(`${path(id)}/return`, { comment }),
  retire: (id: string, reason: string) => api.post<TransitionResult>(`${path(id)}/retire`, { reason }),
  diff: (id: string, from: number, to: number) => api.get<VersionDiff>(`${path(id)}/versions/${from}/diff/${to}`),
  categories: () => api.get<{ items: CategoryNode[] }>('/catalog/categories').then((r) => r.items),
  /** A plain GET link: the browser downloads the file with the session cookie. */
  exportUrl: (filters: CatalogFilters, format: 'xlsx' | 'csv' | 'json') => apiUrl('/catalog/export', { ...filters, format } as Query),

  /** Uploads an annex-4 workbook (multipart field `file`); `dryRun` writes nothing. */
  importWorkbook: (file: File, options: { dryRun: boolean; submit: boolean }) =>
    upload<ImportReport>('/catalog/imports', file, { query: { dryRun: options.dryRun, submit: options.submit }, failure: '导入失败' }),
};
