import type { SignedNodeConfig } from '../../modules/exchange/flows.types.js';
import type { DeliveryAckBody, DeliveryListItem, HeartbeatBody, ReconciliationReportBody, UploadResult } from '../../modules/exchange/protocol/index.js';

/** How the node talks to the platform: HTTP (default) or a file mailbox ferried by something else (网闸). */
export interface Transport {
  readonly kind: 'http' | 'mailbox';
  heartbeat(body: HeartbeatBody): Promise<void>;
  fetchConfig(): Promise<SignedNodeConfig>;
  upload(file: Buffer, meta: { taskId: string; seq: number; batchId: string }): Promise<UploadResult>;
  deliveries(q: { subscriptionId: string; afterSeq: number; waitMs: number; signal?: AbortSignal }): Promise<DeliveryListItem[]>;
  payload(id: string): Promise<Buffer>;
  ack(id: string, body: DeliveryAckBody): Promise<void>;
  reconciliationReport(id: string, body: ReconciliationReportBody): Promise<void>;
  close?(): Promise<void>;
}

/** A refused call: `status` is the HTTP status (0 for a network error), `code` the platform's error code. */
export class TransportError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly body: Record<string, unknown> = {}) {
    super(message);
  }

  /** Worth retrying as is (network, 5xx, 429). */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429 || this.status === 408;
  }
}
