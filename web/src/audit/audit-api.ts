import { api, apiUrl, type Query } from '../api/client';
import type { AuditEvent, AuditVerifyResult, Page } from '../api/types';

export interface AuditFilters {
  q?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
}

export const auditApi = {
  list: (filters: AuditFilters, limit: number, offset: number) =>
    api.get<Page<AuditEvent>>('/audit', { ...filters, limit, offset } as Query),
  verify: () => api.get<AuditVerifyResult>('/audit/verify'),
  /** A plain GET link: the browser downloads it with the session cookie (no CSRF needed for GET). */
  exportUrl: (filters: AuditFilters, format: 'csv' | 'xlsx') => apiUrl('/audit/export', { format, ...filters } as Query),
};

export interface AuditActionLabel {
  action: string;
  label: string;
}

/** The audited actions and their Chinese labels, as the server defines them. */
export const fetchAuditActions = () => api.get<{ items: AuditActionLabel[] }>('/audit/actions').then((r) => r.items);
