import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import { notify } from '../notifications/index.js';
import type { Database } from '../../platform/db/database.js';
import { sharingRepository } from './sharing.repository.js';
import { links } from './sharing-support.js';
import type { JobOutcome } from './sharing.types.js';
import { cstDate, workingDaysLeft } from './working-days.js';
import { emitPlatformEvent } from '../../platform/events.js';

const SYSTEM: AuditContext = { actor: null, ip: null };
const EXPIRING_NOTICE_DAYS = 7;
const shiftDate = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The periodic deadline and expiry job (every 10 minutes in the server; `POST /sharing/jobs/run`).
 * Each notice is sent once: the row remembers when. Overdue flags themselves are computed on read.
 */
export async function runSharingJobs(db: Database, at: Date): Promise<JobOutcome> {
  return db.transaction().execute(async (trx) => {
    const repo = sharingRepository(trx);
    const calendar = await repo.calendar();
    const today = cstDate(at);
    const outcome: JobOutcome = { overdueFlagged: 0, dueSoonNotified: 0, grantsExpired: 0, expiringNotified: 0, errorReportsOverdue: 0 };

    const overdue = await trx.selectFrom('sharing_requests').selectAll()
      .where('status', 'in', ['pending', 'second_review']).where('deadline', '<', at).where('overdue_notified_at', 'is', null).forUpdate().execute();
    for (const r of overdue) {
      await repo.updateRequest(r.id, { overdue_notified_at: at });
      await recordAuditEvent(trx, SYSTEM, { action: 'sharing.request_overdue', targetType: 'share_request', targetId: r.id, detail: { resourceCode: r.resource_code, status: r.status, deadline: new Date(r.deadline!).toISOString() } }, at);
      const message = { kind: 'share_request.overdue', title: `“${r.resource_name}”的共享申请审核已超期`, body: `答复期限 ${cstDate(r.deadline!)} 已过，请尽快处理。`, link: links.request(r.id) };
      await notify(trx, { ...message, recipient: { orgId: r.provider_org_id, roles: ['dept_admin'] } }, at);
      await notify(trx, { ...message, recipient: { roles: ['platform_admin'] } }, at);
      outcome.overdueFlagged++;
    }

    const waiting = await trx.selectFrom('sharing_requests').selectAll()
      .where('status', '=', 'pending').where('deadline', '>=', at).where('due_soon_notified_at', 'is', null).forUpdate().execute();
    for (const r of waiting.filter((w) => workingDaysLeft(at, new Date(w.deadline!), calendar) <= 1)) {
      await repo.updateRequest(r.id, { due_soon_notified_at: at });
      await notify(trx, {
        recipient: { orgId: r.provider_org_id, roles: ['dept_admin'] }, kind: 'share_request.due_soon',
        title: `“${r.resource_name}”的共享申请今天到期`, body: `请在 ${cstDate(r.deadline!)} 内答复。`, link: links.request(r.id),
      }, at);
      outcome.dueSoonNotified++;
    }

    const ended = await trx.selectFrom('sharing_grants').selectAll().where('status', '=', 'active').where('valid_to', '<', today).forUpdate().execute();
    for (const g of ended) {
      await repo.updateGrant(g.id, { status: 'expired', expired_at: at });
      emitPlatformEvent('grant.changed', g.id);
      await recordAuditEvent(trx, SYSTEM, { action: 'sharing.grant_expired', targetType: 'grant', targetId: g.id, detail: { resourceCode: g.resource_code, consumerOrgId: g.consumer_org_id, validTo: g.valid_to } }, at);
      await notify(trx, {
        recipient: { orgId: g.consumer_org_id }, kind: 'grant.expired',
        title: `“${g.resource_name}”的共享授权已到期`, body: `有效期至 ${g.valid_to}。如需继续使用，请申请续期。`, link: links.grant(g.id),
      }, at);
      outcome.grantsExpired++;
    }

    const expiring = await trx.selectFrom('sharing_grants').selectAll().where('status', '=', 'active')
      .where('valid_to', '<=', shiftDate(today, EXPIRING_NOTICE_DAYS)).where('expiring_notified_at', 'is', null).forUpdate().execute();
    for (const g of expiring) {
      await repo.updateGrant(g.id, { expiring_notified_at: at });
      await notify(trx, {
        recipient: { orgId: g.consumer_org_id }, kind: 'grant.expiring',
        title: `“${g.resource_name}”的共享授权将于 ${g.valid_to} 到期`, body: '如需继续使用，请及时申请续期。', link: links.grant(g.id),
      }, at);
      outcome.expiringNotified++;
    }

    const lateReports = await trx.selectFrom('sharing_error_reports').selectAll()
      .where('status', 'in', ['open', 'confirmed']).where('deadline', '<', at).where('overdue_notified_at', 'is', null).forUpdate().execute();
    for (const e of lateReports) {
      await repo.updateErrorReport(e.id, { overdue_notified_at: at });
      await notify(trx, {
        recipient: { orgId: e.provider_org_id, roles: ['dept_admin'] }, kind: 'error_report.overdue',
        title: `“${e.resource_name}”的数据纠错处理已超期`, body: `处理期限 ${cstDate(e.deadline)} 已过。`, link: links.errorReport(e.id),
      }, at);
      outcome.errorReportsOverdue++;
    }
    return outcome;
  });
}
