/**
 * In-memory fakes for the node agent's unit tests: a source table, a target table with its ledger, and a
 * transport that behaves like the platform (seq checks, idempotent by batchId, fan-out to one subscription).
 */
import { randomUUID } from 'node:crypto';
import type { NodeConfig, SignedNodeConfig, SubscriptionConfig, TaskConfig } from '../modules/exchange/flows.types.js';
import {
  compressBody, openBatch, sealBatch, signNodeConfig, signWithNodeKey, verifyNodeSignature, inflateBatch,
  type DeliveryAckBody, type DeliveryListItem, type HeartbeatBody, type NodeKeyPair, type ReconciliationReportBody, type UploadResult, type BatchHeader,
} from '../modules/exchange/protocol/index.js';
import type { ApplyInput, ExtractChunk, ExtractPlan, SourceConnector, TargetConnector } from './connectors/types.js';
import { TransportError, type Transport } from './transport/types.js';

export interface FakeRow { id: string; name: string; wm: number; deleted?: boolean }

export class FakeSource implements SourceConnector {
  readonly type = 'postgres' as const;
  rows = new Map<string, FakeRow>();
  changeLog: { changeId: number; op: 'I' | 'U' | 'D'; id: string }[] = [];
  extracts: ExtractPlan[] = [];
  /** Yield upserts as raw COPY text bytes (upsertBytes) instead of lines. */
  asBytes = false;

  put(...rows: FakeRow[]) { for (const r of rows) this.rows.set(r.id, r); }

  async *extract(plan: ExtractPlan): AsyncIterable<ExtractChunk> {
    this.extracts.push(plan);
    let rows = [...this.rows.values()];
    if (plan.mode === 'incremental') {
      const after = plan.after ? Number(plan.after.value) : null;
      if (after !== null) rows = rows.filter((r) => (plan.after!.inclusive ? r.wm >= after : r.wm > after));
      rows.sort((a, b) => a.wm - b.wm || (a.id < b.id ? -1 : 1));
    } else {
      rows = rows.filter((r) => !r.deleted).sort((a, b) => (a.id < b.id ? -1 : 1));
    }
    for (let i = 0; i < rows.length; i += plan.batchRows) {
      const slice = rows.slice(i, i + plan.batchRows);
      const live = slice.filter((r) => !(plan.softDeleteColumn && r.deleted));
      const lines = live.map((r) => `${r.id}\t${r.name}`);
      const deletes = plan.softDeleteColumn ? slice.filter((r) => r.deleted).map((r) => r.id) : [];
      const watermark = String(slice[slice.length - 1]!.wm);
      // asBytes: the upserts as a COPY text section, like the PostgreSQL source (without keys: the publisher derives them).
      if (this.asBytes) yield { upserts: [], upsertBytes: Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8'), upsertCount: lines.length, deletes, keys: null, watermark };
      else yield { upserts: lines, deletes, keys: plan.mode === 'full' ? live.map((r) => r.id) : null, watermark };
    }
  }

  async changeLogDeletes(q: { afterId: string | null; limit: number }) {
    const after = q.afterId === null ? 0 : Number(q.afterId);
    const entries = this.changeLog.filter((c) => c.changeId > after);
    const deletes = entries.filter((c) => c.op === 'D').slice(0, q.limit);
    const last = deletes.length === q.limit ? deletes[deletes.length - 1] : entries[entries.length - 1];
    return { deletes: deletes.map((c) => c.id), lastId: last ? String(last.changeId) : q.afterId };
  }

  async checksum() { return { count: this.rows.size, checksum: '0000000000000000' }; }
  async close() {}
}

export class FakeTarget implements TargetConnector {
  readonly type = 'postgres' as const;
  rows = new Map<string, Record<string, string>>();
  ledger: { batchId: string; subscriptionId: string; seq: number }[] = [];
  applies = 0;
  failNext: Error | null = null;

  async ensureLedger() {}
  async lastApplied(subscriptionId: string) {
    return Math.max(0, ...this.ledger.filter((l) => l.subscriptionId === subscriptionId).map((l) => l.seq));
  }
  async apply(input: ApplyInput): Promise<'applied' | 'duplicate'> {
    if (this.failNext) { const e = this.failNext; this.failNext = null; throw e; }
    if (this.ledger.some((l) => l.batchId === input.batchId) || input.seq <= (await this.lastApplied(input.subscriptionId))) return 'duplicate';
    this.applies++;
    const keyIdx = input.keyColumns.map((k) => input.columns.indexOf(k));
    for (const line of input.upserts.toString('utf8').split('\n').filter(Boolean)) {
      const fields = line.split('\t');
      const row: Record<string, string> = {};
      input.columns.forEach((c, i) => { if (c) row[c] = fields[i]!; });
      this.rows.set(keyIdx.map((i) => fields[i]).join('\t'), row);
    }
    for (const line of input.deletes.toString('utf8').split('\n').filter(Boolean)) this.rows.delete(line);
    this.ledger.push({ batchId: input.batchId, subscriptionId: input.subscriptionId, seq: input.seq });
    return 'applied';
  }
  async checksum() { return { count: this.rows.size, checksum: '0000000000000000' }; }
  async close() {}
}

export function taskConfig(over: Partial<TaskConfig> = {}): TaskConfig {
  return {
    id: randomUUID(), code: 'FB0001', resourceCode: 'RES-1', kind: 'table', sourceName: 'src', sourceTable: 'people', sourceQuery: null,
    columns: [{ item: 'ID', dataType: 'C', column: 'id' }, { item: 'NAME', dataType: 'C', column: 'name' }],
    keyItems: ['ID'], mode: 'incremental', watermarkColumn: 'wm', deleteMode: 'none', softDeleteColumn: null, changeLogTable: null,
    scheduleKind: 'realtime', cron: null, intervalSeconds: 1, batchRows: 2, filePattern: null, lastSeq: 0, runRequestedAt: null, ...over,
  };
}

export function subscriptionConfig(over: Partial<SubscriptionConfig> = {}): SubscriptionConfig {
  return {
    id: randomUUID(), code: 'DY0001', resourceCode: 'RES-1', kind: 'table', targetName: 'tgt', targetTable: 'people_copy',
    columnMap: { ID: 'pid', NAME: 'pname' }, keyItems: ['ID'], ...over,
  };
}

export interface FakeDelivery extends DeliveryListItem { file: Buffer; status: string; ackBody?: DeliveryAckBody }

/** A platform in memory. `down = true` makes every call fail like a network error. */
export class FakePlatform implements Transport {
  readonly kind = 'http' as const;
  down = false;
  lastSeq = new Map<string, number>();
  stored: { header: BatchHeader; file: Buffer }[] = [];
  deliveriesList: FakeDelivery[] = [];
  heartbeats: HeartbeatBody[] = [];
  reports: { id: string; body: ReconciliationReportBody }[] = [];
  signed: SignedNodeConfig;

  constructor(readonly platformKey: NodeKeyPair, readonly nodeKey: NodeKeyPair, config: NodeConfig) {
    this.signed = signNodeConfig(config, platformKey);
  }

  setConfig(config: NodeConfig) { this.signed = signNodeConfig(config, this.platformKey); }

  private check() { if (this.down) throw new TransportError(0, 'NETWORK', 'connect ECONNREFUSED'); }

  async heartbeat(body: HeartbeatBody) { this.check(); this.heartbeats.push(body); }
  async fetchConfig() { this.check(); return structuredClone(this.signed); }
  async upload(file: Buffer): Promise<UploadResult> {
    this.check();
    const batch = openBatch(file, (d, s) => verifyNodeSignature(d, s, this.nodeKey.publicKey));
    const h = batch.header;
    if (this.stored.some((b) => b.header.batchId === h.batchId)) return { batchId: h.batchId, serialNo: 'JH-dup', outcome: 'duplicate' };
    const last = this.lastSeq.get(h.taskId!) ?? 0;
    if (h.seq <= last) throw new TransportError(409, 'BATCH_REPLAYED', 'replayed');
    if (h.seq !== last + 1) throw new TransportError(409, 'BATCH_OUT_OF_ORDER', 'out of order', { expectedSeq: last + 1 });
    this.lastSeq.set(h.taskId!, h.seq);
    this.stored.push({ header: h, file });
    return { batchId: h.batchId, serialNo: `JH${this.stored.length}`, outcome: 'stored' };
  }

  /** Re-signs an uploaded batch as a delivery for `subscriptionId` (what the platform's fast path does). */
  async deliver(subscriptionId: string, uploaded: { header: BatchHeader; file: Buffer }, signer: NodeKeyPair = this.platformKey): Promise<FakeDelivery> {
    const seq = this.deliveriesList.filter((d) => d.subscriptionId === subscriptionId).length + 1;
    const batch = openBatch(uploaded.file, () => true);
    const { upserts, deletes } = await inflateBatch(batch);
    const { body } = await compressBody(upserts, deletes);
    const header: BatchHeader = { ...uploaded.header, batchId: randomUUID(), taskId: null, subscriptionId, sourceBatchId: uploaded.header.batchId, seq };
    const { file } = sealBatch(header, body, (d) => signWithNodeKey(d, signer));
    const delivery: FakeDelivery = { id: randomUUID(), subscriptionId, seq, batchId: header.batchId, records: header.upserts + header.deletes, file, status: 'pending' };
    this.deliveriesList.push(delivery);
    return delivery;
  }

  async deliveries(q: { subscriptionId: string; afterSeq: number }) {
    this.check();
    return this.deliveriesList.filter((d) => d.subscriptionId === q.subscriptionId && d.seq > q.afterSeq && d.status !== 'applied')
      .map(({ id, subscriptionId, seq, batchId, records }) => ({ id, subscriptionId, seq, batchId, records }));
  }
  async payload(id: string) { this.check(); return this.deliveriesList.find((d) => d.id === id)!.file; }
  async ack(id: string, body: DeliveryAckBody) {
    this.check();
    const d = this.deliveriesList.find((x) => x.id === id)!;
    d.ackBody = body;
    d.status = body.status === 'failed' ? 'failed' : 'applied';
  }
  async reconciliationReport(id: string, body: ReconciliationReportBody) { this.check(); this.reports.push({ id, body }); }
}

export function nodeConfigOf(platformKey: NodeKeyPair, nodeId: string, over: Partial<NodeConfig> = {}): NodeConfig {
  return { nodeId, nodeCode: '110000123456789001', issuedAt: new Date().toISOString(), platformPublicKey: platformKey.publicKey, tasks: [], subscriptions: [], reconciliations: [], ...over };
}
