import type { MaskingKind } from './masking.js';
import type { ErrorReportRow, EventRow, GrantRow, RequestRow } from './sharing.repository.js';
import {
  OPEN_ERROR_REPORT_STATUSES, OPEN_REQUEST_STATUSES, type ErrorReportView, type GrantView, type HistoryEntry, type ShareRequestView,
} from './sharing.types.js';
import { cstDate, workingDaysLeft, type WorkingCalendar } from './working-days.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** What a view needs besides the row: the clock, the calendar and department names. */
export interface ViewContext {
  now: Date;
  calendar: WorkingCalendar;
  orgNames: Map<string, string>;
}

function deadlineState(deadline: Date | string | null, open: boolean, ctx: ViewContext) {
  if (!deadline || !open) return { workingDaysLeft: null, overdue: false };
  const due = new Date(deadline);
  return { workingDaysLeft: workingDaysLeft(ctx.now, due, ctx.calendar), overdue: ctx.now.getTime() > due.getTime() };
}

export function toRequestView(r: RequestRow, ctx: ViewContext): ShareRequestView {
  const state = deadlineState(r.deadline, OPEN_REQUEST_STATUSES.includes(r.status), ctx);
  return {
    id: r.id, resourceId: r.resource_id, resourceCode: r.resource_code, resourceName: r.resource_name, shareType: r.share_type,
    providerOrgId: r.provider_org_id, providerName: ctx.orgNames.get(r.provider_org_id) ?? '',
    applicantOrgId: r.applicant_org_id, applicantOrgName: ctx.orgNames.get(r.applicant_org_id) ?? '', applicantUsername: r.applicant_username,
    applicationName: r.application_name, items: r.items, purpose: r.purpose, basis: r.basis, validFrom: r.valid_from, validTo: r.valid_to,
    status: r.status, createdAt: iso(r.created_at)!, deadline: iso(r.deadline), ...state, decidedAt: iso(r.decided_at),
    decisionReason: r.decision_reason, renewalOfGrantId: r.renewal_of_grant_id,
    decision: r.decision ? { ...r.decision, masking: r.decision.masking as Record<string, MaskingKind> } : null,
  };
}

/** Is the grant usable at this instant (CST calendar day within the period)? */
export function isEffective(g: Pick<GrantRow, 'status' | 'valid_from' | 'valid_to'>, at: Date): boolean {
  const today = cstDate(at);
  return g.status === 'active' && g.valid_from <= today && today <= g.valid_to;
}

export function toGrantView(g: GrantRow, ctx: Pick<ViewContext, 'now' | 'orgNames'>): GrantView {
  return {
    id: g.id, requestId: g.request_id, resourceId: g.resource_id, resourceCode: g.resource_code, resourceName: g.resource_name,
    providerOrgId: g.provider_org_id, providerName: ctx.orgNames.get(g.provider_org_id) ?? '',
    consumerOrgId: g.consumer_org_id, consumerOrgName: ctx.orgNames.get(g.consumer_org_id) ?? '',
    applicationName: g.application_name, items: g.items, masking: g.masking as Record<string, MaskingKind>,
    validFrom: g.valid_from, validTo: g.valid_to, dailyQuota: g.daily_quota, status: g.status, effective: isEffective(g, ctx.now),
    createdAt: iso(g.created_at)!, revokedAt: iso(g.revoked_at), revokedReason: g.revoked_reason,
  };
}

export function toErrorReportView(e: ErrorReportRow, ctx: ViewContext): ErrorReportView {
  const state = deadlineState(e.deadline, OPEN_ERROR_REPORT_STATUSES.includes(e.status), ctx);
  return {
    id: e.id, resourceId: e.resource_id, resourceCode: e.resource_code, resourceName: e.resource_name,
    providerOrgId: e.provider_org_id, providerName: ctx.orgNames.get(e.provider_org_id) ?? '',
    reporterOrgId: e.reporter_org_id, reporterOrgName: ctx.orgNames.get(e.reporter_org_id) ?? '', reporterUsername: e.reporter_username,
    recordKey: e.record_key, itemName: e.item_name, description: e.description, status: e.status, createdAt: iso(e.created_at)!,
    deadline: iso(e.deadline)!, ...state, reply: e.reply, repliedAt: iso(e.replied_at),
  };
}

export function toHistory(events: EventRow[]): HistoryEntry[] {
  return events.map((e) => ({ action: e.action, actor: e.actor_username, orgName: e.actor_org_name, at: iso(e.at)!, comment: e.comment }));
}
