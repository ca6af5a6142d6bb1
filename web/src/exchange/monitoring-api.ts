import { api, apiUrl } from '../api/client';
import type { BatchView, DeliveryView, ExchangeLogEntry, ExchangeSummary, RunView, VolumePoint } from '@shared/exchange/flows.types';

/** 交换监控 (src/modules/exchange/monitoring): batches, deliveries, runs, failures, the exchange log, volume and summary. */

export type { BatchView, DeliveryView, ExchangeLogEntry, ExchangeSummary, RunView, VolumePoint };


export interface Paged<T> { items: T[]; total: number }
// Type aliases (not interfaces) so they fit the client's Query index signature.
export type LogFilters = { taskId?: string; subscriptionId?: string; event?: string; result?: string; from?: string; to?: string };
export type PageArgs = { limit: number; offset: number };

export const monitoringApi = {
  summary: () => api.get<ExchangeSummary>('/exchange/stats/summary'),
  volume: (granularity: 'hour' | 'day') =>
    api.get<{ points: VolumePoint[] }>('/exchange/stats/volume', { granularity, days: granularity === 'hour' ? 1 : 30 }).then((r) => r.points),
  batches: (q: { status?: string } & PageArgs) => api.get<Paged<BatchView>>('/exchange/batches', q),
  deliveries: (q: { status?: string } & PageArgs) => api.get<Paged<DeliveryView>>('/exchange/deliveries', q),
  runs: () => api.get<{ items: RunView[] }>('/exchange/runs', { limit: 100 }).then((r) => r.items),
  failures: () => api.get<{ batches: BatchView[]; deliveries: DeliveryView[] }>('/exchange/failures'),
  log: (q: LogFilters & PageArgs) => api.get<Paged<ExchangeLogEntry>>('/exchange/log', q),
  logExportUrl: (q: LogFilters) => apiUrl('/exchange/log/export', q),
  retryBatch: (id: string) => api.post<unknown>(`/exchange/batches/${encodeURIComponent(id)}/retry`),
  retryDelivery: (id: string) => api.post<unknown>(`/exchange/deliveries/${encodeURIComponent(id)}/retry`),
};

/** Bytes as a short Chinese-console size: 1.5 MB. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}
