import { sql } from 'kysely';
import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import { publishedForSharing, type SharableResource } from '../catalog/index.js';
import type { Actor } from '../identity/identity.policy.js';
import { notify } from '../notifications/index.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError, forbidden } from '../../platform/errors.js';
import { isMaskingKind, type MaskingKind } from './masking.js';
import {
  canDecideRequest, canReadSharingCase, canRenewGrant, canRequestSharing, canWithdrawRequest, isMemberOf, isPlatformAdmin,
} from './sharing.policy.js';
import { sharingRepository, type GrantRow, type RequestRow } from './sharing.repository.js';
import { invalid, isCalendarDate, isUniqueViolation, links, recordSharingEvent, viewContextFor } from './sharing-support.js';
import { toHistory, toRequestView } from './sharing-views.js';
import {
  OPEN_REQUEST_STATUSES, SHARE_TYPES, type CreateRequestInput, type GrantTerms, type RequestStatus, type ShareRequestDetail,
  type ShareRequestView,
} from './sharing.types.js';
import { cstDate, workingDayDeadline } from './working-days.js';
import { emitPlatformEvent } from '../../platform/events.js';

export type { CreateRequestInput } from './sharing.types.js';

export interface DecisionInput {
  approve: boolean;
  reason?: string | null;
  items?: string[];
  validTo?: string;
  masking?: Record<string, string>;
  dailyQuota?: number;
}

export interface RequestFilter {
  role?: 'applicant' | 'provider' | 'reviewer';
  status?: RequestStatus;
  overdue?: boolean;
  limit?: number;
  offset?: number;
}

const notFound = (id: string) => new DomainError('SHARE_REQUEST_NOT_FOUND', `Share request ${id} does not exist (共享申请不存在).`);
const decided = () => new DomainError('SHARE_REQUEST_DECIDED', 'The request is no longer waiting for this decision (该申请已处理或已撤回).');
const duplicate = () => new DomainError('SHARE_REQUEST_DUPLICATE', 'Your department already has a request for this resource under review (本部门对该资源已有待审核的申请).');
const readDenied = () => forbidden('Only the applicant\'s and the provider\'s departments may see this request (只有申请方和提供方可以查看该申请).');

/**
 * Why a resource cannot be requested, or null when it can. 不予共享 cites the legal basis the provider
 * recorded as its 共享条件 (以共享为原则、不共享为例外).
 */
export function refusalOf(resource: SharableResource): string | null {
  if (resource.status === 'retired') return `Resource ${resource.code} has been retired (该资源已下架，不能申请).`;
  if (resource.status !== 'published' || !resource.shareType) return `Resource ${resource.code} is not published (该资源尚未发布，不能申请).`;
  if (resource.shareType === SHARE_TYPES.none) {
    return `Resource ${resource.code} is 不予共享; legal basis: ${resource.shareCondition || '(none recorded)'} (该资源不予共享，依据：${resource.shareCondition || '未填写'}).`;
  }
  return null;
}

/** Checks the narrowing of `base` a decision asks for: items ⊆ base items, validTo ≤ base, known masking kinds. */
export function narrowTerms(base: GrantTerms, input: DecisionInput, validFrom: string, today: string): GrantTerms {
  let items = base.items;
  if (input.items) {
    const wanted = [...new Set(input.items.map((i) => i.trim()))];
    const unknown = wanted.filter((i) => !base.items.includes(i));
    if (wanted.length === 0) throw new DomainError('SHARE_ITEMS_INVALID', 'Grant at least one info item (至少授权一个信息项).', { field: 'items' });
    if (unknown.length) {
      throw new DomainError('SHARE_ITEMS_INVALID', `Not among the requested items: ${unknown.join('、')} (只能授权申请的信息项：${unknown.join('、')}).`, { field: 'items', items: unknown });
    }
    items = base.items.filter((i) => wanted.includes(i));
  }
  let validTo = base.validTo;
  if (input.validTo !== undefined) {
    if (!isCalendarDate(input.validTo)) throw invalid('validTo', 'validTo: not a date yyyy-mm-dd (有效期格式不正确).');
    if (input.validTo > base.validTo) throw invalid('validTo', `validTo: may not be later than ${base.validTo} (授权有效期不能超过申请的期限).`);
    if (input.validTo < validFrom || input.validTo < today) throw invalid('validTo', 'validTo: before the start of the period or in the past (有效期不能早于起始日或今天).');
    validTo = input.validTo;
  }
  let masking: Record<string, MaskingKind> = Object.fromEntries(Object.entries(base.masking).filter(([item]) => items.includes(item)));
  if (input.masking) {
    masking = {};
    for (const [item, kind] of Object.entries(input.masking)) {
      if (!isMaskingKind(kind)) throw invalid('masking', `masking.${item}: unknown masking rule "${kind}" (未知的脱敏规则).`);
      if (!items.includes(item)) throw new DomainError('SHARE_ITEMS_INVALID', `masking: ${item} is not a granted item (脱敏规则只能针对授权的信息项).`, { field: 'masking', items: [item] });
      masking[item] = kind;
    }
  }
  return { items, validTo, masking, dailyQuota: input.dailyQuota ?? base.dailyQuota };
}

export function createShareRequestsService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;

  async function view(trx: Database, row: RequestRow, at: Date): Promise<ShareRequestView> {
    return toRequestView(row, await viewContextFor(trx, at, [row.provider_org_id, row.applicant_org_id]));
  }

  /** The grant an approved request creates, or the renewed grant it extends; audited and notified. */
  async function grantFor(trx: Database, ctx: AuditContext, row: RequestRow, terms: GrantTerms, at: Date): Promise<GrantRow> {
    const repo = sharingRepository(trx);
    if (row.renewal_of_grant_id) {
      const grant = await repo.updateGrant(row.renewal_of_grant_id, {
        items: JSON.stringify(terms.items), masking: JSON.stringify(terms.masking), valid_to: terms.validTo, daily_quota: terms.dailyQuota,
        status: 'active', expired_at: null, expiring_notified_at: null,
      });
      emitPlatformEvent('grant.changed', grant.id);
      await recordAuditEvent(trx, ctx, { action: 'sharing.grant_renewed', targetType: 'grant', targetId: grant.id, detail: { requestId: row.id, resourceCode: row.resource_code, validTo: terms.validTo } }, at);
      return grant;
    }
    const grant = await repo.insertGrant({
      request_id: row.id, resource_id: row.resource_id, resource_code: row.resource_code, resource_name: row.resource_name,
      provider_org_id: row.provider_org_id, consumer_org_id: row.applicant_org_id, application_name: row.application_name,
      items: JSON.stringify(terms.items), masking: JSON.stringify(terms.masking), valid_from: row.valid_from, valid_to: terms.validTo,
      daily_quota: terms.dailyQuota, status: 'active', created_at: at,
    });
    await recordAuditEvent(trx, ctx, {
      action: 'sharing.grant_created', targetType: 'grant', targetId: grant.id,
      detail: { requestId: row.id, resourceCode: row.resource_code, consumerOrgId: row.applicant_org_id, items: terms.items, validTo: terms.validTo },
    }, at);
    return grant;
  }

  /**
   * Records a request: 无条件共享 is approved with a grant at once; 有条件共享 waits for the provider
   * with a working-day deadline.
   */
  async function submit(
    trx: Database, actor: Actor, ctx: AuditContext, resource: SharableResource,
    fields: CreateRequestInput & { renewalOf?: GrantRow; comment?: string },
  ): Promise<{ id: string; status: RequestStatus }> {
    const at = now();
    const repo = sharingRepository(trx);
    const settings = await repo.settings();
    const unconditional = resource.shareType === SHARE_TYPES.unconditional;
    const base = {
      resource_id: resource.id, resource_code: resource.code, resource_name: resource.name, share_type: resource.shareType!,
      provider_org_id: resource.providerOrgId, applicant_org_id: actor.orgId!, applicant_user_id: actor.userId, applicant_username: actor.username,
      application_name: fields.applicationName, items: JSON.stringify(fields.items), purpose: fields.purpose, basis: fields.basis,
      valid_from: fields.validFrom, valid_to: fields.validTo, created_at: at, renewal_of_grant_id: fields.renewalOf?.id ?? null,
    };
    const row = unconditional
      ? await repo.insertRequest({ ...base, status: 'approved', decided_at: at, deadline: null })
      : await repo.insertRequest({ ...base, status: 'pending', deadline: workingDayDeadline(at, settings.reviewDeadlineDays, await repo.calendar()) });
    const subject = { type: 'request' as const, id: row.id };
    await recordSharingEvent(trx, subject, fields.renewalOf ? 'renewal_requested' : 'submitted', actor, fields.comment ?? null, at);
    await recordAuditEvent(trx, ctx, {
      action: 'sharing.request_created', targetType: 'share_request', targetId: row.id,
      detail: { resourceId: resource.id, resourceCode: resource.code, shareType: resource.shareType, items: fields.items, renewalOfGrantId: base.renewal_of_grant_id },
    }, at);
    const who = (await repo.orgNames([actor.orgId!])).get(actor.orgId!) ?? '';
    if (unconditional) {
      const terms: GrantTerms = fields.renewalOf
        ? { items: fields.renewalOf.items, validTo: fields.validTo, masking: fields.renewalOf.masking as Record<string, MaskingKind>, dailyQuota: fields.renewalOf.daily_quota }
        : { items: fields.items, validTo: fields.validTo, masking: {}, dailyQuota: settings.defaultDailyQuota };
      await repo.updateRequest(row.id, { decision: JSON.stringify(terms) });
      await grantFor(trx, ctx, row, terms, at);
      await recordSharingEvent(trx, subject, 'approved', null, '无条件共享，自动授权', at);
      await notify(trx, {
        recipient: { orgId: resource.providerOrgId, roles: ['dept_admin'] }, kind: 'share_request.created',
        title: `${who}获得了“${resource.name}”的共享授权`, body: `无条件共享资源，已自动授权。应用系统：${fields.applicationName}；用途：${fields.purpose}`, link: links.request(row.id),
      }, at);
    } else {
      await notify(trx, {
        recipient: { orgId: resource.providerOrgId, roles: ['dept_admin'] }, kind: 'share_request.created',
        title: `${who}申请共享“${resource.name}”${fields.renewalOf ? '（续期）' : ''}`,
        body: `请在 ${cstDate(row.deadline!)} 前答复。用途：${fields.purpose}`, link: links.request(row.id),
      }, at);
    }
    return { id: row.id, status: row.status };
  }

  function checkPeriod(validFrom: string, validTo: string, today: string) {
    if (!isCalendarDate(validFrom)) throw invalid('validFrom', 'validFrom: not a date yyyy-mm-dd (起始日期格式不正确).');
    if (!isCalendarDate(validTo)) throw invalid('validTo', 'validTo: not a date yyyy-mm-dd (截止日期格式不正确).');
    if (validTo < validFrom) throw invalid('validTo', 'validTo: before validFrom (截止日期早于起始日期).');
    if (validTo < today) throw invalid('validTo', 'validTo: in the past (截止日期已过).');
  }

  async function loadReadable(trx: Database, actor: Actor, id: string, forUpdate = false): Promise<RequestRow> {
    const row = await sharingRepository(trx).findRequest(id, forUpdate);
    if (!row) throw notFound(id);
    if (!canReadSharingCase(actor, { providerOrgId: row.provider_org_id, consumerOrgId: row.applicant_org_id })) throw readDenied();
    return row;
  }

  return {
    async create(actor: Actor, ctx: AuditContext, input: CreateRequestInput): Promise<{ id: string; status: RequestStatus }> {
      if (!canRequestSharing(actor)) throw forbidden('Only a department admin or user may request resources (只有部门用户可以申请共享).');
      const fields = { ...input, purpose: input.purpose.trim(), basis: input.basis.trim(), applicationName: input.applicationName.trim() };
      for (const key of ['purpose', 'basis', 'applicationName'] as const) if (!fields[key]) throw invalid(key, `${key}: required (必填).`);
      checkPeriod(fields.validFrom, fields.validTo, cstDate(now()));
      try {
        return await db.transaction().execute(async (trx) => {
          const resource = await publishedForSharing(trx, input.resourceId);
          if (!resource) throw new DomainError('CATALOG_NOT_FOUND', `Resource ${input.resourceId} does not exist (信息资源不存在).`, { field: 'resourceId' });
          if (resource.providerOrgId === actor.orgId) throw new DomainError('SHARE_OWN_RESOURCE', 'Your department provides this resource itself (不能申请本部门提供的资源).', { field: 'resourceId' });
          const refusal = refusalOf(resource);
          if (refusal) throw new DomainError('SHARE_NOT_ALLOWED', refusal, { shareCondition: resource.shareCondition });
          const items = [...new Set(input.items.map((i) => i.trim()))];
          const unknown = items.filter((i) => !resource.items.includes(i));
          if (items.length === 0) throw new DomainError('SHARE_ITEMS_INVALID', 'Choose at least one info item (请至少选择一个信息项).', { field: 'items' });
          if (unknown.length) throw new DomainError('SHARE_ITEMS_INVALID', `Unknown info items: ${unknown.join('、')} (资源没有这些信息项).`, { field: 'items', items: unknown });
          return submit(trx, actor, ctx, resource, { ...fields, items: resource.items.filter((i) => items.includes(i)) });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicate();
        throw error;
      }
    },

    /** 续期: a new request for the grant's items up to a later validTo, reviewed like any other. */
    async requestRenewal(actor: Actor, ctx: AuditContext, grantId: string, input: { validTo: string; reason: string }): Promise<{ id: string; status: RequestStatus }> {
      return db.transaction().execute(async (trx) => {
        const repo = sharingRepository(trx);
        const grant = await repo.findGrant(grantId, true);
        if (!grant) throw new DomainError('GRANT_NOT_FOUND', `Grant ${grantId} does not exist (授权不存在).`);
        if (!canRenewGrant(actor, grant.consumer_org_id)) throw forbidden('Only the consumer department may renew its grant (只有使用部门可以申请续期).');
        if (grant.status === 'revoked') throw new DomainError('GRANT_NOT_ACTIVE', 'A revoked grant cannot be renewed (已撤销的授权不能续期).');
        const reason = input.reason.trim();
        if (!reason) throw invalid('reason', 'reason: required (请填写续期理由).');
        checkPeriod(grant.valid_from, input.validTo, cstDate(now()));
        if (input.validTo <= grant.valid_to) throw invalid('validTo', `validTo: must be later than the current ${grant.valid_to} (续期截止日期须晚于当前有效期).`);
        const open = await trx.selectFrom('sharing_requests').select('id').where('renewal_of_grant_id', '=', grantId)
          .where('status', 'in', [...OPEN_REQUEST_STATUSES]).executeTakeFirst();
        if (open) throw duplicate();
        const resource = await publishedForSharing(trx, grant.resource_id);
        const refusal = resource ? refusalOf(resource) : 'The resource no longer exists (资源不存在).';
        if (refusal) throw new DomainError('SHARE_NOT_ALLOWED', refusal);
        const original = (await repo.findRequest(grant.request_id))!;
        return submit(trx, actor, ctx, resource!, {
          resourceId: grant.resource_id, items: grant.items, purpose: original.purpose, basis: original.basis, applicationName: grant.application_name,
          validFrom: grant.valid_from, validTo: input.validTo, renewalOf: grant, comment: reason,
        });
      });
    },

    async list(actor: Actor, filter: RequestFilter): Promise<{ items: ShareRequestView[]; total: number }> {
      const role = filter.role ?? (actor.orgId && canRequestSharing(actor) ? 'applicant' : 'reviewer');
      const at = now();
      let query = db.selectFrom('sharing_requests');
      if (role === 'reviewer') {
        if (!isPlatformAdmin(actor)) throw forbidden('Only the platform admin sees every request (只有平台管理员可以查看全部申请).');
      } else {
        if (!actor.orgId || !isMemberOf(actor, actor.orgId)) throw forbidden('Only department users have requests (只有部门用户可以查看本部门的申请).');
        query = query.where(role === 'applicant' ? 'applicant_org_id' : 'provider_org_id', '=', actor.orgId);
      }
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.overdue !== undefined) {
        const overdue = sql<boolean>`(status in ('pending', 'second_review') and deadline < ${at})`;
        query = query.where(filter.overdue ? overdue : sql<boolean>`not ${overdue}`);
      }
      const { total } = await query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow();
      const rows = await query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit ?? 50).offset(filter.offset ?? 0).execute();
      const context = await viewContextFor(db, at, rows.flatMap((r) => [r.provider_org_id, r.applicant_org_id]));
      return { items: rows.map((r) => toRequestView(r, context)), total };
    },

    async get(actor: Actor, id: string): Promise<ShareRequestDetail> {
      const row = await loadReadable(db, actor, id);
      const repo = sharingRepository(db);
      const grant = await repo.grantOfRequest(id);
      const attachments = await repo.attachmentsOf(id);
      return {
        ...(await view(db, row, now())),
        history: toHistory(await repo.events(id)),
        attachments: attachments.map((a) => ({ id: a.id, filename: a.filename, size: a.size, sm3: a.sm3, createdAt: new Date(a.created_at).toISOString() })),
        grantId: grant?.id ?? (row.status === 'approved' ? row.renewal_of_grant_id : null),
      };
    },

    /**
     * The provider's (or, at second review, the platform's) answer. Approval may narrow items and
     * period and set masking and a daily quota; refusal needs a reason.
     */
    async decide(actor: Actor, ctx: AuditContext, id: string, input: DecisionInput): Promise<ShareRequestView> {
      return db.transaction().execute(async (trx) => {
        const repo = sharingRepository(trx);
        const at = now();
        const row = await repo.findRequest(id, true);
        if (!row) throw notFound(id);
        const sides = { providerOrgId: row.provider_org_id, applicantOrgId: row.applicant_org_id };
        const open = OPEN_REQUEST_STATUSES.includes(row.status);
        const mayDecide = open
          ? canDecideRequest(actor, { ...sides, status: row.status })
          : canDecideRequest(actor, { ...sides, status: 'pending' }) || canDecideRequest(actor, { ...sides, status: 'second_review' });
        if (!mayDecide) {
          throw forbidden(row.status === 'second_review'
            ? 'Only the platform admin reviews a request a second time (复核由平台管理员进行).'
            : 'Only the provider department\'s admin may decide this request (只有资源提供部门的管理员可以审核).');
        }
        if (!open) throw decided();
        const subject = { type: 'request' as const, id };
        const stage = row.status === 'second_review' ? '复核' : '审核';

        if (!input.approve) {
          const reason = input.reason?.trim();
          if (!reason) throw invalid('reason', 'reason: a refusal needs a reason (拒绝时必须说明理由).');
          const updated = await repo.updateRequest(id, { status: 'refused', decided_at: at, decision_reason: reason });
          await recordSharingEvent(trx, subject, 'refused', actor, reason, at);
          await recordAuditEvent(trx, ctx, { action: 'sharing.request_refused', targetType: 'share_request', targetId: id, detail: { resourceCode: row.resource_code, stage: row.status, reason } }, at);
          await notify(trx, {
            recipient: { orgId: row.applicant_org_id }, kind: 'share_request.decided',
            title: `“${row.resource_name}”的共享申请未通过${stage}`, body: `理由：${reason}`, link: links.request(id),
          }, at);
          return view(trx, updated, at);
        }

        const settings = await repo.settings();
        const renewed = row.renewal_of_grant_id ? await repo.findGrant(row.renewal_of_grant_id, true) : undefined;
        if (renewed?.status === 'revoked') throw new DomainError('GRANT_NOT_ACTIVE', 'The grant was revoked meanwhile; it cannot be renewed (授权已撤销，不能续期).');
        const base: GrantTerms = row.decision
          ? { ...row.decision, masking: row.decision.masking as Record<string, MaskingKind> }
          : {
            items: row.items, validTo: row.valid_to, masking: (renewed?.masking ?? {}) as Record<string, MaskingKind>,
            dailyQuota: renewed?.daily_quota ?? settings.defaultDailyQuota,
          };
        const terms = narrowTerms(base, input, row.valid_from, cstDate(at));
        const comment = input.reason?.trim() || null;

        if (row.status === 'pending' && settings.secondReviewEnabled) {
          const updated = await repo.updateRequest(id, { status: 'second_review', decision: JSON.stringify(terms) });
          await recordSharingEvent(trx, subject, 'forwarded', actor, comment, at);
          await recordAuditEvent(trx, ctx, { action: 'sharing.request_forwarded', targetType: 'share_request', targetId: id, detail: { resourceCode: row.resource_code, terms } }, at);
          await notify(trx, {
            recipient: { roles: ['platform_admin'] }, kind: 'share_request.second_review',
            title: `“${row.resource_name}”的共享申请待复核`, body: '提供部门已同意，请复核。', link: links.request(id),
          }, at);
          return view(trx, updated, at);
        }

        const updated = await repo.updateRequest(id, { status: 'approved', decided_at: at, decision: JSON.stringify(terms), decision_reason: comment });
        await recordSharingEvent(trx, subject, 'approved', actor, comment, at);
        await recordAuditEvent(trx, ctx, { action: 'sharing.request_approved', targetType: 'share_request', targetId: id, detail: { resourceCode: row.resource_code, stage: row.status, terms } }, at);
        const grant = await grantFor(trx, ctx, updated, terms, at);
        await notify(trx, {
          recipient: { orgId: row.applicant_org_id }, kind: 'share_request.decided',
          title: `“${row.resource_name}”的共享申请已通过${row.renewal_of_grant_id ? '（续期）' : ''}`,
          body: `授权信息项：${terms.items.join('、')}；有效期至 ${terms.validTo}`, link: links.grant(grant.id),
        }, at);
        return view(trx, updated, at);
      });
    },

    async withdraw(actor: Actor, ctx: AuditContext, id: string): Promise<ShareRequestView> {
      return db.transaction().execute(async (trx) => {
        const at = now();
        const row = await sharingRepository(trx).findRequest(id, true);
        if (!row) throw notFound(id);
        if (!canWithdrawRequest(actor, row.applicant_org_id)) throw forbidden('Only the applicant department may withdraw its request (只有申请部门可以撤回).');
        if (row.status !== 'pending') throw decided();
        const updated = await sharingRepository(trx).updateRequest(id, { status: 'withdrawn' });
        await recordSharingEvent(trx, { type: 'request', id }, 'withdrawn', actor, null, at);
        await recordAuditEvent(trx, ctx, { action: 'sharing.request_withdrawn', targetType: 'share_request', targetId: id, detail: { resourceCode: row.resource_code } }, at);
        await notify(trx, {
          recipient: { orgId: row.provider_org_id, roles: ['dept_admin'] }, kind: 'share_request.withdrawn',
          title: `“${row.resource_name}”的共享申请已撤回`, body: '申请部门撤回了申请，无需审核。', link: links.request(id),
        }, at);
        return view(trx, updated, at);
      });
    },

    /** For the attachment routes: the request if the actor may read it. */
    loadReadable: (actor: Actor, id: string) => loadReadable(db, actor, id),
  };
}

export type ShareRequestsService = ReturnType<typeof createShareRequestsService>;
