/**
 * Paths and bodies of the node-facing API (every call signed with the node's key, see node-signing.ts).
 * Documented in docs/exchange-api.md; the node agent's HTTP transport and the platform routes both use these.
 */
export const NODE_API = {
  heartbeat: '/api/v1/exchange/heartbeat',
  config: '/api/v1/exchange/node/config',
  /** POST, body = the batch file (application/octet-stream). */
  batches: '/api/v1/exchange/node/batches',
  /** GET ?subscriptionId=&afterSeq=&waitMs= (long poll, waitMs ≤ 25000). */
  deliveries: '/api/v1/exchange/node/deliveries',
  /** GET → the delivery batch file, signed by the platform. */
  deliveryPayload: (id: string) => `/api/v1/exchange/node/deliveries/${id}/payload`,
  /** POST {status, errorCode?, message?} */
  deliveryAck: (id: string) => `/api/v1/exchange/node/deliveries/${id}/ack`,
  /** POST {side: 'source'|'target', subscriptionId?, count, checksum} */
  reconciliationReport: (id: string) => `/api/v1/exchange/node/reconciliations/${id}/report`,
} as const;

export interface HeartbeatBody {
  version: string;
  status: 'ok' | 'degraded';
  backlog: number;
  detail?: string | null;
  endpoints?: { name: string; type: 'postgres' | 'mysql' | 'csv'; role: 'source' | 'target' }[];
}

export interface UploadResult {
  batchId: string;
  serialNo: string;
  /** stored: new; duplicate: this batch id was stored before (a retry) — nothing is applied twice. */
  outcome: 'stored' | 'duplicate';
}

export interface DeliveryListItem {
  id: string;
  subscriptionId: string;
  seq: number;
  batchId: string;
  records: number;
}

export interface DeliveryAckBody {
  /** applied: written to the target now; duplicate: the target's ledger already had it; failed: not applied. */
  status: 'applied' | 'duplicate' | 'failed';
  errorCode?: string | null;
  message?: string | null;
}

export interface ReconciliationReportBody {
  side: 'source' | 'target';
  subscriptionId?: string | null;
  count: number;
  checksum: string;
}
