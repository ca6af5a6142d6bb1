import ExcelJS from 'exceljs';
import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import { chainHash, GENESIS_HASH, type ChainedFields } from './audit-chain.js';
import { auditRepository } from './audit.repository.js';
import { canReadAudit } from './audit.policy.js';
import type { AuditContext, AuditEventInput, AuditEventView, AuditFilters } from './audit.types.js';

/**
 * Appends one event to the hash chain. Call it with the transaction that makes the change, so the
 * change and its audit record commit or roll back together.
 */
export async function recordAuditEvent(trx: Database, ctx: AuditContext, event: AuditEventInput, now = new Date()): Promise<void> {
  const repo = auditRepository(trx);
  await repo.lockChain();
  const head = await repo.head();
  const fields: ChainedFields = {
    id: (head?.id ?? 0) + 1,
    at: now,
    actorId: ctx.actor?.userId ?? null,
    actorUsername: ctx.actor?.username ?? null,
    actorOrgId: ctx.actor?.orgId ?? null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    detail: event.detail ?? {},
    ip: ctx.ip,
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  await repo.insert({
    id: fields.id,
    at: fields.at,
    actor_id: fields.actorId,
    actor_username: fields.actorUsername,
    actor_org_id: fields.actorOrgId,
    action: fields.action,
    target_type: fields.targetType,
    target_id: fields.targetId,
    detail: fields.detail,
    ip: fields.ip,
    prev_hash: prevHash,
    hash: chainHash(prevHash, fields),
  });
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  head: { id: number; hash: string } | null;
  firstBroken: { id: number; reason: string } | null;
}

/** Recomputes the whole chain from the genesis (or the latest retention anchor) to the head. */
export async function verifyAuditChain(db: Database): Promise<ChainVerification> {
  const repo = auditRepository(db);
  const anchor = await repo.latestAnchor();
  let expectedId = (anchor?.pruned_through_id ?? 0) + 1;
  let prevHash = anchor?.last_hash ?? GENESIS_HASH;
  let checked = 0;
  let afterId = 0;
  for (;;) {
    const page = await repo.pageAfter(afterId, 2000);
    if (page.length === 0) break;
    for (const row of page) {
      const broken = (reason: string): ChainVerification => ({ ok: false, checked, head: null, firstBroken: { id: row.id, reason } });
      if (row.id !== expectedId) {
        return row.id > expectedId
          ? broken(`event ${expectedId}${row.id - expectedId > 1 ? `–${row.id - 1}` : ''} missing before event ${row.id}`)
          : broken(`unexpected event id ${row.id} (expected ${expectedId})`);
      }
      if (row.prev_hash !== prevHash) return broken('previous-hash link does not match the event before it');
      const recomputed = chainHash(prevHash, {
        id: row.id,
        at: new Date(row.at),
        actorId: row.actor_id,
        actorUsername: row.actor_username,
        actorOrgId: row.actor_org_id,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        detail: row.detail,
        ip: row.ip,
      });
      if (recomputed !== row.hash) return broken('content does not match its hash (the row was changed)');
      prevHash = row.hash;
      expectedId++;
      checked++;
    }
    afterId = page[page.length - 1]!.id;
  }
  return { ok: true, checked, head: checked > 0 ? { id: expectedId - 1, hash: prevHash } : null, firstBroken: null };
}

function toView(row: {
  id: number; at: Date; actor_username: string | null; action: string; target_type: string | null;
  target_id: string | null; detail: Record<string, unknown>; ip: string | null; hash: string;
}): AuditEventView {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: row.actor_username,
    action: row.action,
    target: row.target_type ? `${row.target_type}:${row.target_id ?? ''}` : null,
    detail: row.detail,
    ip: row.ip,
    hash: row.hash,
  };
}

const EXPORT_LIMIT = 100_000;
const EXPORT_COLUMNS = ['编号', '时间', '操作人', '操作', '对象', '详情', 'IP', '哈希'] as const;

export function createAuditService(deps: { db: Database; retentionDays: number; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const assertAuditor = (actor: Actor) => {
    if (!canReadAudit(actor)) throw new DomainError('FORBIDDEN', 'Only the security auditor may read the audit trail (只有安全审计员可以查看审计日志).');
  };

  return {
    assertAuditor,

    async search(actor: Actor, filters: AuditFilters) {
      assertAuditor(actor);
      const { rows, total } = await auditRepository(deps.db).search(filters);
      return { items: rows.map(toView), total };
    },

    async verify(actor: Actor) {
      assertAuditor(actor);
      return verifyAuditChain(deps.db);
    },

    /** Exports the filtered trail (newest first) and records the export itself. */
    async export(actor: Actor, ctx: AuditContext, filters: AuditFilters, format: 'csv' | 'xlsx') {
      assertAuditor(actor);
      const { rows, total } = await auditRepository(deps.db).search({ ...filters, limit: EXPORT_LIMIT, offset: 0 });
      const views = rows.map(toView);
      const table = views.map((v) => [v.id, v.at, v.actor ?? '', v.action, v.target ?? '', JSON.stringify(v.detail), v.ip ?? '', v.hash]);
      await deps.db.transaction().execute((trx) =>
        recordAuditEvent(trx, ctx, { action: 'audit.exported', targetType: 'audit', detail: { format, filters, rows: views.length, total } }, now()),
      );
      const stamp = now().toISOString().slice(0, 19).replace(/[-:T]/g, '');
      if (format === 'csv') {
        const escape = (v: unknown) => {
          const s = String(v);
          return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
        };
        // A BOM so that Excel opens the Chinese text correctly.
        const body = '\uFEFF' + [EXPORT_COLUMNS, ...table].map((r) => r.map(escape).join(',')).join('\r\n') + '\r\n';
        return { filename: `audit-${stamp}.csv`, contentType: 'text/csv; charset=utf-8', body: Buffer.from(body, 'utf8') };
      }
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('审计日志');
      sheet.addRow([...EXPORT_COLUMNS]).font = { bold: true };
      for (const r of table) sheet.addRow(r);
      sheet.columns.forEach((c, i) => { c.width = [8, 26, 14, 22, 40, 60, 16, 66][i] ?? 16; });
      const body = Buffer.from(await workbook.xlsx.writeBuffer());
      return {
        filename: `audit-${stamp}.xlsx`,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        body,
      };
    },

    /** Deletes events older than the retention period (never under 180 days), keeping the chain verifiable. */
    async prune(ctx: AuditContext): Promise<number> {
      const days = Math.max(180, deps.retentionDays);
      const cutoff = new Date(now().getTime() - days * 86_400_000);
      return deps.db.transaction().execute(async (trx) => {
        const repo = auditRepository(trx);
        await repo.lockChain();
        const pruned = await repo.pruneBefore(cutoff, now());
        if (!pruned) return 0;
        await recordAuditEvent(trx, ctx, {
          action: 'audit.pruned',
          targetType: 'audit',
          detail: { count: pruned.count, throughId: pruned.throughId, retentionDays: days, cutoff: cutoff.toISOString() },
        }, now());
        return pruned.count;
      });
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
