/**
 * Reconciliation (对账) of a publish task: the platform counts and checksums its datastore at once; the
 * source node and every subscriber node report theirs (they find the request in NodeConfig.reconciliations);
 * when every side is in — or after an hour — the differences are written as Chinese sentences.
 */
import { recordAuditEvent, type AuditContext } from '../../audit/index.js';
import type { Actor } from '../../identity/identity.policy.js';
import { datastoreLayout } from '../../data-services/datastore/index.js';
import { keyColumnsOf } from '../../data-services/datastore/datastore-schema.js';
import { findEffectiveGrant, type MaskingKind } from '../../sharing/index.js';
import type { Database } from '../../../platform/db/database.js';
import { DomainError } from '../../../platform/errors.js';
import type { ReconcileExpected, ReconcileSide, ReconcileTarget, ReconciliationView } from '../flows.types.js';
import type { ReconciliationReportBody } from '../protocol/node-api.js';
import { platformChecksums, type ChecksumColumn, type SubscriberSpec } from './platform-checksum.js';
import { reconciliationRepository, type ReconciliationRow, type StoredPlatformSide } from './reconciliation.repository.js';

/** An open reconciliation is closed this long after it was requested, naming the nodes that did not report. */
export const RECONCILIATION_TIMEOUT_MS = 3_600_000;
const CHECKSUM = /^[0-9a-f]{16}$/;

const n = (value: number) => value.toLocaleString('en-US');
const taskNotFound = (id: string) => new DomainError('TASK_NOT_FOUND', `Publish task ${id} does not exist (发布任务不存在).`);
const notFound = (id: string) => new DomainError('RECONCILIATION_NOT_FOUND', `Reconciliation ${id} does not exist (对账记录不存在).`);
const invalid = (message: string) => new DomainError('RECONCILIATION_INVALID', message);

const isMemberOf = (actor: Actor, orgId: string) =>
  actor.orgId !== null && actor.orgId === orgId && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'));
const readsAll = (actor: Actor) => actor.roles.includes('platform_admin') || actor.roles.includes('auditor');
const canRequest = (actor: Actor, taskOrgId: string) =>
  actor.roles.includes('platform_admin') || (actor.roles.includes('dept_admin') && actor.orgId === taskOrgId);

/** jsonb read back: parsed on both engines, but tolerate a string. */
const parsed = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** The sentences comparing what is in (missing sides are left to `missing`). */
export function differencesOf(row: Pick<ReconciliationRow, 'source' | 'platform' | 'targets'>): string[] {
  const out: string[] = [];
  const { source, platform } = row;
  if (source && platform) {
    if (source.count !== platform.count) {
      out.push(`源端 ${n(source.count)} 行，平台 ${n(platform.count)} 行，相差 ${n(Math.abs(source.count - platform.count))} 行`);
    } else if (source.checksum !== platform.checksum) {
      out.push(`源端与平台均为 ${n(source.count)} 行，但校验值不同：源端 ${source.checksum}，平台 ${platform.checksum}`);
    }
  }
  for (const expected of platform?.subscriptions ?? []) {
    const target = row.targets.find((t) => t.subscriptionId === expected.subscriptionId);
    if (!target) continue;
    if (target.count !== expected.count) {
      out.push(`订阅 ${expected.subscriptionCode}（${expected.orgName}）：平台应有 ${n(expected.count)} 行，目标端 ${n(target.count)} 行，相差 ${n(Math.abs(target.count - expected.count))} 行`);
    } else if (target.checksum !== expected.checksum) {
      out.push(`订阅 ${expected.subscriptionCode}（${expected.orgName}）：平台应有校验值 ${expected.checksum}，目标端为 ${target.checksum}`);
    }
  }
  return out;
}

function missingSides(row: ReconciliationRow): string[] {
  const out: string[] = [];
  if (!row.source) out.push(`前置机 ${row.taskNodeName} 未在 1 小时内上报（源端）`);
  for (const e of row.platform?.subscriptions ?? []) {
    if (!row.targets.some((t) => t.subscriptionId === e.subscriptionId)) out.push(`前置机 ${e.nodeName} 未在 1 小时内上报（订阅 ${e.subscriptionCode}）`);
  }
  return out;
}

const complete = (row: Pick<ReconciliationRow, 'source' | 'platform' | 'targets'>) =>
  row.source !== null && (row.platform?.subscriptions ?? []).every((e) => row.targets.some((t) => t.subscriptionId === e.subscriptionId));

export function createReconciliationService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;

  /** The view for this actor: a subscriber department sees only its own lines. */
  function toView(row: ReconciliationRow, actor: Actor | null): ReconciliationView {
    const expected = row.platform?.subscriptions ?? [];
    const full = actor === null || readsAll(actor) || isMemberOf(actor, row.taskOrgId);
    const platform: ReconcileSide | null = row.platform && { count: row.platform.count, checksum: row.platform.checksum, reportedAt: row.platform.reportedAt };
    const mine = full ? expected : expected.filter((e) => e.orgId === actor!.orgId);
    const codes = mine.map((e) => `订阅 ${e.subscriptionCode}`);
    return {
      id: row.id, taskId: row.taskId, taskCode: row.taskCode, resourceName: row.resourceName, status: row.status,
      requestedAt: row.requestedAt.toISOString(),
      source: full ? row.source : null,
      platform: full ? platform : null,
      targets: full ? row.targets : row.targets.filter((t) => mine.some((e) => e.subscriptionId === t.subscriptionId)),
      expected: mine,
      differences: full ? row.differences : row.differences.filter((d) => codes.some((c) => d.includes(c))),
      finishedAt: row.finishedAt === null ? null : row.finishedAt.toISOString(),
    };
  }

  const visible = (actor: Actor, row: ReconciliationRow) =>
    readsAll(actor) || isMemberOf(actor, row.taskOrgId) || (actor.orgId !== null && isMemberOf(actor, actor.orgId) && (row.platform?.subscriptions ?? []).some((e) => e.orgId === actor.orgId));

  /** Closes open reconciliations older than the timeout, naming the nodes that did not report. */
  async function closeStale(): Promise<number> {
    const at = now();
    const ids = await reconciliationRepository(db).staleIds(new Date(at.getTime() - RECONCILIATION_TIMEOUT_MS));
    for (const id of ids) {
      await db.transaction().execute(async (trx) => {
        const repo = reconciliationRepository(trx);
        const row = await repo.find(id, { lock: true });
        if (!row || row.status !== 'requested') return;
        await repo.update(id, { status: 'done', differences: [...differencesOf(row), ...missingSides(row)], finishedAt: at });
      });
    }
    return ids.length;
  }

  return {
    closeStale,

    async request(actor: Actor, ctx: AuditContext, taskId: string): Promise<ReconciliationView> {
      const task = await reconciliationRepository(db).findTask(taskId);
      if (!task || !canRequest(actor, task.org_id)) throw taskNotFound(taskId);
      if (task.kind !== 'table') throw invalid('Only table tasks can be reconciled (文件类发布任务不支持对账).');
      const layout = await datastoreLayout(db, task.resource_id);
      if (!layout) throw invalid('The resource has no datastore (资源未定义数据存储，无法对账).');
      const columnMap = parsed<Record<string, string>>(task.column_map);
      // TaskConfig order: the resource's items that have a source column, in datastore column order.
      const columns: ChecksumColumn[] = layout.columns.filter((c) => Object.hasOwn(columnMap, c.item));
      if (columns.length === 0) throw invalid('The task maps no items (发布任务未映射任何数据项).');
      const at = now();
      const subscriptions = await reconciliationRepository(db).activeSubscriptions(task.resource_id);
      const specs: SubscriberSpec[] = [];
      const meta: Omit<ReconcileExpected, 'count' | 'checksum'>[] = [];
      for (const s of subscriptions) {
        const grant = await findEffectiveGrant(db, { consumerOrgId: s.org_id, resourceId: task.resource_id, at });
        if (!grant) continue;
        const mapped = parsed<Record<string, string>>(s.column_map);
        const indexes: number[] = [];
        columns.forEach((c, i) => { if (grant.items.includes(c.item) && Object.hasOwn(mapped, c.item)) indexes.push(i); });
        specs.push({ subscriptionId: s.id, indexes, masks: indexes.map((i) => (grant.masking[columns[i]!.item] as MaskingKind | undefined) ?? null) });
        meta.push({ subscriptionId: s.id, subscriptionCode: s.code, orgId: s.org_id, orgName: s.org_name, nodeId: s.node_id, nodeName: s.node_name, items: indexes.map((i) => columns[i]!.item) });
      }
      const figures = await platformChecksums(db, { table: layout.table, columns, keyColumns: keyColumnsOf(layout), subscribers: specs });
      const computedAt = now().toISOString();
      const platform: StoredPlatformSide = {
        ...figures.all, reportedAt: computedAt,
        subscriptions: meta.map((m) => ({ ...m, ...figures.subscribers.get(m.subscriptionId)! })),
      };
      const id = await db.transaction().execute(async (trx) => {
        const newId = await reconciliationRepository(trx).insert({ taskId, requestedBy: actor.userId, at, platform });
        await recordAuditEvent(trx, ctx, {
          action: 'exchange.reconciliation_requested', targetType: 'exchange_reconciliation', targetId: newId,
          detail: { taskId, taskCode: task.code, resourceName: task.resource_name, platformCount: figures.all.count, subscriptions: meta.length },
        }, at);
        return newId;
      });
      return toView((await reconciliationRepository(db).find(id))!, actor);
    },

    async list(actor: Actor, filter: { taskId?: string; limit?: number }): Promise<{ items: ReconciliationView[] }> {
      await closeStale();
      const limit = filter.limit ?? 100;
      const repo = reconciliationRepository(db);
      let rows: ReconciliationRow[];
      if (readsAll(actor)) rows = await repo.list({ taskId: filter.taskId, limit });
      else if (actor.orgId !== null && isMemberOf(actor, actor.orgId)) rows = await repo.list({ taskId: filter.taskId, orgId: actor.orgId, limit });
      else rows = [];
      return { items: rows.filter((r) => visible(actor, r)).map((r) => toView(r, actor)) };
    },

    async get(actor: Actor, id: string): Promise<ReconciliationView> {
      await closeStale();
      const row = await reconciliationRepository(db).find(id);
      if (!row || !visible(actor, row)) throw notFound(id);
      return toView(row, actor);
    },

    /** What this node must report: the source side of its tasks, the target side of its subscriptions. */
    async pendingFor(nodeId: string): Promise<{ id: string; taskId: string | null; subscriptionId: string | null }[]> {
      await closeStale();
      const repo = reconciliationRepository(db);
      const rows = await repo.openFor(nodeId);
      const out: { id: string; taskId: string | null; subscriptionId: string | null }[] = [];
      for (const row of rows) {
        if (row.taskNodeId === nodeId && !row.source) out.push({ id: row.id, taskId: row.taskId, subscriptionId: null });
        for (const e of row.platform?.subscriptions ?? []) {
          if (row.targets.some((t) => t.subscriptionId === e.subscriptionId)) continue;
          const sub = await repo.findSubscription(e.subscriptionId);
          if (sub?.node_id === nodeId) out.push({ id: row.id, taskId: null, subscriptionId: e.subscriptionId });
        }
      }
      return out;
    },

    /** A node's figures for one side; the node must own the task (source) or the subscription (target). */
    async report(node: { id: string; orgId: string }, id: string, body: ReconciliationReportBody): Promise<{ id: string; status: 'requested' | 'done' }> {
      if (!body || (body.side !== 'source' && body.side !== 'target')) throw new DomainError('EXCHANGE_INVALID', 'side must be source or target (对账上报内容无效).', { field: 'side' });
      if (!Number.isSafeInteger(body.count) || body.count < 0) throw new DomainError('EXCHANGE_INVALID', 'count must be a non-negative integer (行数无效).', { field: 'count' });
      if (typeof body.checksum !== 'string' || !CHECKSUM.test(body.checksum)) throw new DomainError('EXCHANGE_INVALID', 'checksum must be 16 lowercase hex digits (校验值无效).', { field: 'checksum' });
      await closeStale();
      const at = now();
      return db.transaction().execute(async (trx) => {
        const repo = reconciliationRepository(trx);
        const row = await repo.find(id, { lock: true });
        if (!row) throw notFound(id);
        const side: ReconcileSide = { count: body.count, checksum: body.checksum, reportedAt: at.toISOString() };
        let targets = row.targets;
        let source = row.source;
        if (body.side === 'source') {
          if (row.taskNodeId !== node.id) throw notFound(id);
          source = side;
        } else {
          const subscriptionId = body.subscriptionId ?? '';
          const expected = row.platform?.subscriptions.find((e) => e.subscriptionId === subscriptionId);
          const sub = expected && await repo.findSubscription(subscriptionId);
          if (!expected || !sub || sub.node_id !== node.id || sub.org_id !== node.orgId) throw notFound(id);
          const target: ReconcileTarget = { ...side, subscriptionId, nodeId: node.id };
          targets = [...row.targets.filter((t) => t.subscriptionId !== subscriptionId), target];
        }
        // A late report of a closed reconciliation is accepted and ignored (the node stops once it leaves its config).
        if (row.status === 'done') return { id, status: 'done' as const };
        const next = { ...row, source, targets };
        if (complete(next)) {
          await repo.update(id, { source, targets, status: 'done', differences: differencesOf(next), finishedAt: at });
          return { id, status: 'done' as const };
        }
        await repo.update(id, { source, targets });
        return { id, status: 'requested' as const };
      });
    },
  };
}

export type ReconciliationService = ReturnType<typeof createReconciliationService>;
