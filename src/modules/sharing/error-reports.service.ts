import { sql } from 'kysely';
import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import { publishedForSharing } from '../catalog/index.js';
import type { Actor } from '../identity/identity.policy.js';
import { notify } from '../notifications/index.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError, forbidden } from '../../platform/errors.js';
import { canReadSharingCase, canReplyErrorReport, canRequestSharing, isMemberOf, isPlatformAdmin } from './sharing.policy.js';
import { sharingRepository, type ErrorReportRow } from './sharing.repository.js';
import { invalid, links, recordSharingEvent, viewContextFor } from './sharing-support.js';
import { toErrorReportView, toHistory } from './sharing-views.js';
import type { ErrorReportStatus, ErrorReportView, HistoryEntry } from './sharing.types.js';
import { cstDate, workingDayDeadline } from './working-days.js';

export interface ErrorReportFilter {
  as?: 'reporter' | 'provider';
  status?: ErrorReportStatus;
  overdue?: boolean;
  limit?: number;
  offset?: number;
}

const notFound = (id: string) => new DomainError('ERROR_REPORT_NOT_FOUND', `Error report ${id} does not exist (纠错记录不存在).`);
const REPLY_LABELS: Record<'confirmed' | 'rejected' | 'corrected', string> = { confirmed: '已确认，将更正', rejected: '经核实不是错误', corrected: '已更正' };

/** 数据纠错: a consumer reports a data error; the provider verifies and corrects it within a working-day deadline. */
export function createErrorReportsService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;

  async function view(trx: Database, row: ErrorReportRow): Promise<ErrorReportView> {
    return toErrorReportView(row, await viewContextFor(trx, now(), [row.provider_org_id, row.reporter_org_id]));
  }

  return {
    async create(actor: Actor, ctx: AuditContext, input: { resourceId: string; recordKey?: string | null; itemName?: string | null; description: string }) {
      if (!canRequestSharing(actor)) throw forbidden('Only a department admin or user may report a data error (只有部门用户可以提交纠错).');
      const description = input.description.trim();
      if (!description) throw invalid('description', 'description: required (请描述数据错误).');
      return db.transaction().execute(async (trx) => {
        const at = now();
        const repo = sharingRepository(trx);
        const resource = await publishedForSharing(trx, input.resourceId);
        if (!resource || resource.status !== 'published') throw new DomainError('CATALOG_NOT_FOUND', `Resource ${input.resourceId} is not a published resource (资源不存在或未发布).`, { field: 'resourceId' });
        if (resource.providerOrgId === actor.orgId) throw new DomainError('SHARE_OWN_RESOURCE', 'Correct your own department\'s data directly (本部门的资源请直接更正).', { field: 'resourceId' });
        const itemName = input.itemName?.trim() || null;
        if (itemName && !resource.items.includes(itemName)) throw new DomainError('SHARE_ITEMS_INVALID', `${itemName} is not an item of the resource (资源没有该信息项).`, { field: 'itemName', items: [itemName] });
        const settings = await repo.settings();
        const row = await repo.insertErrorReport({
          resource_id: resource.id, resource_code: resource.code, resource_name: resource.name, provider_org_id: resource.providerOrgId,
          reporter_org_id: actor.orgId!, reporter_user_id: actor.userId, reporter_username: actor.username, record_key: input.recordKey?.trim() || null,
          item_name: itemName, description, status: 'open', created_at: at,
          deadline: workingDayDeadline(at, settings.errorReportDeadlineDays, await repo.calendar()),
        });
        await recordSharingEvent(trx, { type: 'error_report', id: row.id }, 'submitted', actor, description, at);
        await recordAuditEvent(trx, ctx, { action: 'sharing.error_report_created', targetType: 'error_report', targetId: row.id, detail: { resourceCode: resource.code, itemName } }, at);
        await notify(trx, {
          recipient: { orgId: resource.providerOrgId, roles: ['dept_admin'] }, kind: 'error_report.created',
          title: `“${resource.name}”收到数据纠错`, body: `请在 ${cstDate(row.deadline)} 前核实答复。${description}`, link: links.errorReport(row.id),
        }, at);
        return { id: row.id, status: row.status };
      });
    },

    async list(actor: Actor, filter: ErrorReportFilter): Promise<{ items: ErrorReportView[]; total: number }> {
      const at = now();
      let query = db.selectFrom('sharing_error_reports');
      const side = filter.as ?? (isPlatformAdmin(actor) && !(actor.orgId && isMemberOf(actor, actor.orgId)) ? undefined : 'reporter');
      if (side) {
        if (!actor.orgId || !isMemberOf(actor, actor.orgId)) throw forbidden('Only department users have error reports (只有部门用户可以查看本部门的纠错).');
        query = query.where(side === 'reporter' ? 'reporter_org_id' : 'provider_org_id', '=', actor.orgId);
      } else if (!isPlatformAdmin(actor)) throw forbidden();
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.overdue !== undefined) {
        const overdue = sql<boolean>`(status in ('open', 'confirmed') and deadline < ${at})`;
        query = query.where(filter.overdue ? overdue : sql<boolean>`not ${overdue}`);
      }
      const { total } = await query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow();
      const rows = await query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit ?? 50).offset(filter.offset ?? 0).execute();
      const context = await viewContextFor(db, at, rows.flatMap((r) => [r.provider_org_id, r.reporter_org_id]));
      return { items: rows.map((r) => toErrorReportView(r, context)), total };
    },

    async get(actor: Actor, id: string): Promise<ErrorReportView & { history: HistoryEntry[] }> {
      const row = await sharingRepository(db).findErrorReport(id);
      if (!row) throw notFound(id);
      if (!canReadSharingCase(actor, { providerOrgId: row.provider_org_id, consumerOrgId: row.reporter_org_id })) throw forbidden('Only the reporter\'s and the provider\'s departments may see this report (无权查看该纠错).');
      return { ...(await view(db, row)), history: toHistory(await sharingRepository(db).events(id)) };
    },

    /** The provider admin's answer: open → confirmed | rejected | corrected; confirmed → corrected. */
    async reply(actor: Actor, ctx: AuditContext, id: string, input: { status: 'confirmed' | 'rejected' | 'corrected'; comment: string }): Promise<ErrorReportView> {
      const comment = input.comment.trim();
      return db.transaction().execute(async (trx) => {
        const at = now();
        const repo = sharingRepository(trx);
        const row = await repo.findErrorReport(id, true);
        if (!row) throw notFound(id);
        if (!canReplyErrorReport(actor, row.provider_org_id)) throw forbidden('Only the provider department\'s admin may answer a data error report (只有提供部门管理员可以答复纠错).');
        const allowed = row.status === 'open' || (row.status === 'confirmed' && input.status === 'corrected');
        if (!allowed) throw new DomainError('ERROR_REPORT_CLOSED', `The report is ${row.status}; it cannot become ${input.status} (该纠错已处理).`);
        if (!comment) throw invalid('comment', 'comment: required (请填写答复).');
        const updated = await repo.updateErrorReport(id, { status: input.status, reply: comment, replied_at: at });
        await recordSharingEvent(trx, { type: 'error_report', id }, input.status, actor, comment, at);
        await recordAuditEvent(trx, ctx, { action: 'sharing.error_report_replied', targetType: 'error_report', targetId: id, detail: { resourceCode: row.resource_code, from: row.status, to: input.status } }, at);
        await notify(trx, {
          recipient: { orgId: row.reporter_org_id }, kind: 'error_report.replied',
          title: `“${row.resource_name}”的数据纠错：${REPLY_LABELS[input.status]}`, body: comment, link: links.errorReport(id),
        }, at);
        return view(trx, updated);
      });
    },
  };
}

export type ErrorReportsService = ReturnType<typeof createErrorReportsService>;
