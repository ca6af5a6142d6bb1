/**
 * Call log (调用日志) views without server imports, shared with the console (web/ imports them as
 * `@shared/data-services/calls/calls.types`).
 */

/** What a data API call did; the same values as `DataOperation` of the call-log table. */
export type CallOperation = 'query' | 'verify' | 'file' | 'proxy';
/** provider: calls on the department's resources; consumer: calls its applications made. */
export type CallSide = 'provider' | 'consumer';

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

export interface CallCounts { calls: number; errors: number; rows: number }

export interface CallStats {
  byDay: (CallCounts & { day: string })[];
  byResource: (CallCounts & { resourceId: string; resourceCode: string | null; resourceName: string | null })[];
  byConsumer: (CallCounts & { orgId: string; orgName: string | null })[];
  byOperation: { operation: CallOperation; calls: number }[];
  /** Milliseconds; null when there are no calls. */
  latency: { p50: number | null; p95: number | null };
}

/** The filters of GET /calls and GET /calls/stats. */
export interface CallQuery {
  side?: CallSide;
  resource?: string;
  app?: string;
  consumer?: string;
  status?: 'ok' | 'error';
  from?: string;
  to?: string;
}

/** GET /calls: the filters and a page. */
export type CallListQuery = CallQuery & { limit?: number; offset?: number };
