import { api, apiUrl, request, upload, type Query } from '../api/client';
import type { MaskingKind } from '@shared/sharing/masking';
import type {
  AttachmentView, CreateRequestInput, ErrorReportStatus, ErrorReportView, GrantStatus, GrantTerms, GrantView, HistoryEntry,
  RequestStatus, ShareRequestDetail, ShareRequestView, SharingSettings,
} from '@shared/sharing/sharing.types';

/**
 * 共享申请、审批、授权、数据纠错、共享设置 (docs/sharing-api.md). The views, statuses and masking kinds are the
 * server's (src/modules/sharing/sharing.types.ts, masking.ts); the console adds its request shapes here.
 */

export type { ErrorReportStatus, GrantStatus, HistoryEntry, ShareRequestDetail, SharingSettings };
export type ShareRequestStatus = RequestStatus;
export type MaskingRule = MaskingKind;
export type Decision = GrantTerms;
export type ShareRequest = ShareRequestView;
export type Attachment = AttachmentView;
export type Grant = GrantView;
export type ErrorReport = ErrorReportView;
/** The body of POST /share-requests. */
export type ShareRequestBody = CreateRequestInput;

/** What a deadline countdown needs (share requests and error reports). */
export interface Deadline {
  deadline: string | null;
  workingDaysLeft: number | null;
  overdue: boolean;
}

export interface DecisionBody {
  approve: boolean;
  reason?: string;
  items?: string[];
  validTo?: string;
  masking?: Record<string, MaskingRule>;
  dailyQuota?: number;
}

export interface ErrorReportDetail extends ErrorReport {
  history: HistoryEntry[];
}

export interface CalendarDay {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

export interface Listing<T> {
  items: T[];
  total: number;
}

export interface Created {
  id: string;
  status: string;
}

export interface RequestQuery {
  role: 'applicant' | 'provider' | 'reviewer';
  status?: string;
  overdue?: boolean;
  limit?: number;
  offset?: number;
}

const requestPath = (id: string) => `/share-requests/${encodeURIComponent(id)}`;
const grantPath = (id: string) => `/grants/${encodeURIComponent(id)}`;
const reportPath = (id: string) => `/error-reports/${encodeURIComponent(id)}`;

export const sharingApi = {
  createRequest: (body: ShareRequestBody) => api.post<Created>('/share-requests', body),
  uploadAttachment: (requestId: string, file: File) => upload<Attachment>(`${requestPath(requestId)}/attachments`, file),
  /** A plain GET link: the browser downloads the file with the session cookie. */
  attachmentUrl: (requestId: string, attachmentId: string) => apiUrl(`${requestPath(requestId)}/attachments/${encodeURIComponent(attachmentId)}`),
  listRequests: (query: RequestQuery) => api.get<Listing<ShareRequest>>('/share-requests', { ...query } as Query),
  getRequest: (id: string) => api.get<ShareRequestDetail>(requestPath(id)),
  decide: (id: string, body: DecisionBody) => api.post<ShareRequest>(`${requestPath(id)}/decision`, body),
  withdraw: (id: string) => api.post<unknown>(`${requestPath(id)}/withdraw`),

  /** Without `as`, the platform admin sees every department's grants (oversight). */
  listGrants: (query: { as?: 'consumer' | 'provider'; status?: string; resourceId?: string }) =>
    api.get<Listing<Grant>>('/grants', { ...query } as Query),
  getGrant: (id: string) => api.get<Grant>(grantPath(id)),
  revokeGrant: (id: string, reason: string) => api.post<Grant>(`${grantPath(id)}/revoke`, { reason }),
  renewGrant: (id: string, validTo: string, reason: string) => api.post<Created>(`${grantPath(id)}/renewal`, { validTo, reason }),

  createErrorReport: (body: { resourceId: string; recordKey?: string; itemName?: string; description: string }) =>
    api.post<Created>('/error-reports', body),
  listErrorReports: (query: { as: 'reporter' | 'provider'; status?: string; overdue?: boolean }) =>
    api.get<Listing<ErrorReport>>('/error-reports', { ...query } as Query),
  getErrorReport: (id: string) => api.get<ErrorReportDetail>(reportPath(id)),
  replyErrorReport: (id: string, status: 'confirmed' | 'rejected' | 'corrected', comment: string) =>
    api.post<ErrorReport>(`${reportPath(id)}/reply`, { status, comment }),

  settings: () => api.get<SharingSettings>('/sharing/settings'),
  saveSettings: (body: SharingSettings) => request<SharingSettings>('/sharing/settings', { method: 'PUT', body }),
  calendar: (year: number) => api.get<{ items: CalendarDay[] }>('/sharing/calendar', { year }).then((r) => r.items),
  putCalendarDay: (date: string, kind: CalendarDay['kind'], name: string) =>
    request<unknown>(`/sharing/calendar/${encodeURIComponent(date)}`, { method: 'PUT', body: { kind, name } }),
  deleteCalendarDay: (date: string) => request<void>(`/sharing/calendar/${encodeURIComponent(date)}`, { method: 'DELETE' }),
};
