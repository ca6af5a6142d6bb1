import { recordAuditEvent, type AuditContext } from '../../audit/index.js';
import type { Actor } from '../../identity/identity.policy.js';
import type { Database } from '../../../platform/db/database.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import { parseDateRange } from '../../../platform/http/date-range.js';
import {
  LOG_EVENT_LABELS, LOG_RESULT_LABELS, MODE_LABELS, type BatchView, type DeliveryView, type ExchangeLogEntry, type ExtractMode, type LogEvent,
  type LogResult, type RunView, type VolumePoint, type ExchangeSummary,
} from '../flows.types.js';
import { NODE_ONLINE_WINDOW_MS } from '../nodes.service.js';
import { runMonitoringAlerts, type AlertCounts } from './monitoring.alerts.js';
import {
  monitoringRepository, type BatchRow, type DeliveryRow, type LogRow, type MonitorScope, type RunRow,
} from './monitoring.repository.js';

export type { AlertCounts, MonitorScope };

export interface RangeQuery { from?: string; to?: string }
export interface PageQuery { limit?: number; offset?: number }
export type BatchQuery = RangeQuery & PageQuery & { taskId?: string; status?: string };
export type DeliveryQuery = RangeQuery & PageQuery & { subscriptionId?: string; batchId?: string; status?: string };
export type LogQuery = RangeQuery & PageQuery & { taskId?: string; subscriptionId?: string; event?: string; result?: string };
export interface VolumeQuery { days?: number; granularity?: 'hour' | 'day'; taskId?: string }

export type { ExchangeSummary };

const CST_OFFSET_MS = 8 * 3_600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The most lines one CSV export holds. */
export const LOG_EXPORT_LIMIT = 100_000;

export const LOG_EXPORT_COLUMNS = [
  '流水号', '事件', '任务编码', '资源编码', '源节点', '目标节点', '方式', '开始时间', '结束时间', '记录数', '字节数', '结果', '错误码', 'SM3 校验值', '重试次数', '操作者',
] as const;

const iso = (d: Date | string | null | undefined) => (d === null || d === undefined ? null : new Date(d).toISOString());
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** The platform admin and the auditor see every flow; a department user or admin sees its own; nobody else sees any. */
export function monitorScopeOf(actor: Actor): MonitorScope | null {
  if (actor.roles.includes('platform_admin') || actor.roles.includes('auditor')) return { kind: 'all' };
  if (actor.orgId !== null && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'))) return { kind: 'department', orgId: actor.orgId };
  return null;
}

/** A bare date is a CST calendar day (`to` through its end); otherwise an ISO date-time. */
export function parseRange(query: RangeQuery): { from?: Date; to?: Date } {
  return parseDateRange(query.from, query.to);
}

/** The start of the CST bucket (hour or day) holding `at`, as an instant. */
export function bucketStart(at: Date, size: number): Date {
  return new Date(Math.floor((at.getTime() + CST_OFFSET_MS) / size) * size - CST_OFFSET_MS);
}

/**
 * Zero-filled buckets covering the last `days` days up to and including the bucket of `now`: 24 × days hourly
 * buckets, or `days` daily ones (CST calendar days). `rows` carry the bucket index counted in CST since the epoch.
 */
export function volumeBuckets(
  now: Date, days: number, granularity: 'hour' | 'day',
  data: { uploads: { bucket: unknown; batches: unknown; records: unknown; bytes: unknown }[]; applied: { bucket: unknown; deliveries: unknown }[]; failures: { bucket: unknown; failures: unknown }[] },
): VolumePoint[] {
  const size = granularity === 'hour' ? HOUR_MS : DAY_MS;
  const count = granularity === 'hour' ? days * 24 : days;
  const last = Math.floor((now.getTime() + CST_OFFSET_MS) / size);
  const first = last - count + 1;
  const points: VolumePoint[] = [];
  for (let i = first; i <= last; i++) points.push({ at: new Date(i * size - CST_OFFSET_MS).toISOString(), batches: 0, records: 0, bytes: 0, deliveries: 0, failures: 0 });
  const at = (bucket: unknown) => points[Number(bucket) - first];
  for (const r of data.uploads) {
    const p = at(r.bucket);
    if (p) { p.batches += num(r.batches); p.records += num(r.records); p.bytes += num(r.bytes); }
  }
  for (const r of data.applied) { const p = at(r.bucket); if (p) p.deliveries += num(r.deliveries); }
  for (const r of data.failures) { const p = at(r.bucket); if (p) p.failures += num(r.failures); }
  return points;
}

function toBatchView(r: BatchRow): BatchView {
  return {
    id: r.id, serialNo: r.serial_no, taskId: r.task_id, taskCode: r.task_code, resourceId: r.resource_id, resourceCode: r.resource_code,
    resourceName: r.resource_name, sourceNodeId: r.source_node_id, sourceNodeName: r.source_node_name ?? '', seq: num(r.seq), runId: r.run_id,
    kind: r.kind, mode: r.mode, upserts: num(r.upserts), deletes: num(r.deletes), bytes: num(r.bytes), sm3: r.sm3, watermarkTo: r.watermark_to,
    createdAt: iso(r.created_at)!, receivedAt: iso(r.received_at)!, appliedAt: iso(r.applied_at), status: r.status, errorCode: r.error_code,
    errorMessage: r.error_message, retries: num(r.retries), deliveries: num(r.delivery_count),
  };
}

function toDeliveryView(r: DeliveryRow): DeliveryView {
  return {
    id: r.id, serialNo: r.serial_no, batchId: r.batch_id, batchSerialNo: r.batch_serial_no, subscriptionId: r.subscription_id,
    subscriptionCode: r.subscription_code, consumerName: r.consumer_name ?? '', targetNodeId: r.target_node_id, targetNodeName: r.target_node_name ?? '',
    resourceCode: r.resource_code, resourceName: r.resource_name, seq: num(r.seq), records: num(r.records), bytes: r.bytes === null ? null : num(r.bytes),
    sm3: r.sm3, status: r.status, attempts: num(r.attempts), errorCode: r.error_code, errorMessage: r.error_message, createdAt: iso(r.created_at)!,
    sentAt: iso(r.sent_at), ackedAt: iso(r.acked_at),
  };
}

function toRunView(r: RunRow): RunView {
  return {
    runId: r.run_id, taskId: r.task_id, taskCode: r.task_code, resourceName: r.resource_name, mode: r.mode as ExtractMode, startedAt: iso(r.started_at)!,
    finishedAt: iso(r.finished_at)!, batches: num(r.batches), upserts: num(r.upserts), deletes: num(r.deletes), bytes: num(r.bytes), failed: num(r.failed),
  };
}

const nodeLabel = (name: string | null, code: string | null) => (name === null ? null : code ? `${name}（${code}）` : name);

function toLogEntry(r: LogRow): ExchangeLogEntry {
  return {
    id: String(r.id), serialNo: r.serial_no, event: r.event, taskCode: r.task_code, resourceCode: r.resource_code,
    sourceNodeName: nodeLabel(r.source_node_name, r.source_node_code), targetNodeName: nodeLabel(r.target_node_name, r.target_node_code),
    batchId: r.batch_id, deliveryId: r.delivery_id, mode: r.mode, startedAt: iso(r.started_at)!, finishedAt: iso(r.finished_at)!, records: num(r.records),
    bytes: num(r.bytes), result: r.result, errorCode: r.error_code, errorMessage: r.error_message, sm3: r.sm3, retries: num(r.retries), operator: r.operator,
  };
}

/** 'yyyy-mm-dd hh:mm:ss' in CST, as a Chinese spreadsheet reader expects. */
export function cstTime(value: string): string {
  return new Date(Date.parse(value) + CST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The CSV of log lines: UTF-8 with a BOM (so Excel detects the encoding), CRLF, RFC 4180 quoting, Chinese headers. */
export function logToCsv(entries: ExchangeLogEntry[]): string {
  const escape = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = entries.map((e) => [
    e.serialNo, LOG_EVENT_LABELS[e.event as LogEvent] ?? e.event, e.taskCode, e.resourceCode, e.sourceNodeName, e.targetNodeName,
    e.mode ? MODE_LABELS[e.mode as ExtractMode] ?? e.mode : '', cstTime(e.startedAt), cstTime(e.finishedAt), e.records, e.bytes,
    LOG_RESULT_LABELS[e.result as LogResult] ?? e.result, e.errorCode, e.sm3, e.retries, e.operator,
  ]);
  return '\uFEFF' + [LOG_EXPORT_COLUMNS as readonly unknown[], ...rows].map((r) => r.map(escape).join(',')).join('\r\n') + '\r\n';
}

/** Monitoring of the exchange flows (交换监控): batches, deliveries, runs, failures, the exchange log, volume; and the alert job. */
export function createMonitoringService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;
  const repo = () => monitoringRepository(db);

  function scopeOrRefuse(actor: Actor): MonitorScope {
    const scope = monitorScopeOf(actor);
    if (!scope) throw forbidden('Only departments, the platform admin and the auditor see exchange monitoring (无权查看交换监控).');
    return scope;
  }
  const page = (q: PageQuery) => ({ limit: q.limit ?? 50, offset: q.offset ?? 0 });

  return {
    async batches(actor: Actor, q: BatchQuery): Promise<{ items: BatchView[]; total: number }> {
      const { rows, total } = await repo().listBatches(scopeOrRefuse(actor), { taskId: q.taskId, status: q.status, ...parseRange(q) }, page(q));
      return { items: rows.map(toBatchView), total };
    },

    /** One batch; another department's (or a missing one) is 404 alike. */
    async batch(actor: Actor, id: string): Promise<BatchView> {
      const scope = monitorScopeOf(actor);
      const found = scope ? (await repo().listBatches(scope, { id }, { limit: 1, offset: 0 })).rows[0] : undefined;
      if (!found) throw new DomainError('NOT_FOUND', `Exchange batch ${id} does not exist (交换批次不存在).`);
      return toBatchView(found);
    },

    async deliveries(actor: Actor, q: DeliveryQuery): Promise<{ items: DeliveryView[]; total: number }> {
      const filter = { subscriptionId: q.subscriptionId, batchId: q.batchId, status: q.status, ...parseRange(q) };
      const { rows, total } = await repo().listDeliveries(scopeOrRefuse(actor), filter, page(q));
      return { items: rows.map(toDeliveryView), total };
    },

    async delivery(actor: Actor, id: string): Promise<DeliveryView> {
      const scope = monitorScopeOf(actor);
      const found = scope ? (await repo().listDeliveries(scope, { id }, { limit: 1, offset: 0 })).rows[0] : undefined;
      if (!found) throw new DomainError('NOT_FOUND', `Exchange delivery ${id} does not exist (投递记录不存在).`);
      return toDeliveryView(found);
    },

    async runs(actor: Actor, q: { taskId?: string; limit?: number }): Promise<{ items: RunView[] }> {
      return { items: (await repo().listRuns(scopeOrRefuse(actor), q.taskId, q.limit ?? 50)).map(toRunView) };
    },

    /** What needs attention: failed batches, and failed or stopped deliveries (newest first, at most 200 each). */
    async failures(actor: Actor): Promise<{ batches: BatchView[]; deliveries: DeliveryView[] }> {
      const scope = scopeOrRefuse(actor);
      const [b, d] = await Promise.all([
        repo().listBatches(scope, { status: 'failed' }, { limit: 200, offset: 0 }),
        repo().listDeliveries(scope, { statuses: ['failed', 'stopped'] }, { limit: 200, offset: 0 }),
      ]);
      return { batches: b.rows.map(toBatchView), deliveries: d.rows.map(toDeliveryView) };
    },

    async log(actor: Actor, q: LogQuery): Promise<{ items: ExchangeLogEntry[]; total: number }> {
      const filter = { taskId: q.taskId, subscriptionId: q.subscriptionId, event: q.event, result: q.result, ...parseRange(q) };
      const { rows, total } = await repo().listLog(scopeOrRefuse(actor), filter, page(q));
      return { items: rows.map(toLogEntry), total };
    },

    /** The filtered log as CSV (newest first, at most LOG_EXPORT_LIMIT lines); the export itself is audited. */
    async exportLog(actor: Actor, ctx: AuditContext, q: LogQuery): Promise<{ filename: string; contentType: string; body: Buffer }> {
      const scope = scopeOrRefuse(actor);
      const filter = { taskId: q.taskId, subscriptionId: q.subscriptionId, event: q.event, result: q.result, ...parseRange(q) };
      const { rows, total } = await repo().listLog(scope, filter, { limit: LOG_EXPORT_LIMIT, offset: 0 });
      const at = now();
      await db.transaction().execute((trx) => recordAuditEvent(trx, ctx, {
        action: 'exchange.log_exported', targetType: 'exchange_log',
        detail: { filters: { ...q }, rows: rows.length, total },
      }, at));
      const stamp = new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 19).replace(/[-:T]/g, '');
      return { filename: `exchange-log-${stamp}.csv`, contentType: 'text/csv; charset=utf-8', body: Buffer.from(logToCsv(rows.map(toLogEntry)), 'utf8') };
    },

    /** Volume per CST hour or day, zero-filled: batches, records and bytes uploaded, deliveries applied, failed or rejected log lines. */
    async volume(actor: Actor, q: VolumeQuery): Promise<{ points: VolumePoint[] }> {
      const scope = scopeOrRefuse(actor);
      const granularity = q.granularity ?? 'hour';
      const days = q.days ?? (granularity === 'hour' ? 1 : 30);
      if (!Number.isInteger(days) || days < 1 || days > 90) throw new DomainError('VALIDATION_FAILED', '"days" is 1–90 (天数须在 1–90 之间).', { field: 'days' });
      const size = granularity === 'hour' ? HOUR_MS : DAY_MS;
      const at = now();
      const count = granularity === 'hour' ? days * 24 : days;
      const from = new Date(bucketStart(at, size).getTime() - (count - 1) * size);
      const data = await repo().volume(scope, from, size / 1000, q.taskId);
      return { points: volumeBuckets(at, days, granularity, data) };
    },

    async summary(actor: Actor): Promise<ExchangeSummary> {
      const scope = scopeOrRefuse(actor);
      const at = now();
      return repo().summary(scope, new Date(at.getTime() - NODE_ONLINE_WINDOW_MS), bucketStart(at, DAY_MS));
    },

    /** Every minute (server.ts): inbox alerts for failing tasks and subscriptions and for silent nodes, each once. */
    async runJobs(): Promise<AlertCounts> {
      return runMonitoringAlerts(db, now());
    },
  };
}

export type MonitoringService = ReturnType<typeof createMonitoringService>;
