import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { aShareRequest, publishResource } from '../../../test/helpers/sharing-factories.js';
import { findEffectiveGrant } from './index.js';

/** Deadlines on the working-day calendar, the overdue flag and notices, and grant expiry, on a movable clock. */
describe('sharing deadlines and expiry', () => {
  let t: TestApp;
  const clock = { at: new Date('2026-11-20T02:00:00Z') }; // Friday 10:00 CST
  const as = (username: string) => t.login(username); // sessions idle out when the clock jumps; sign in afresh
  let conditional: string, unconditional: string;

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock.at });
    const [gajAdmin, platform] = await Promise.all([as('gaj_admin'), as('platform')]);
    conditional = await publishResource(t, { provider: gajAdmin, platform });
    unconditional = await publishResource(t, { provider: gajAdmin, platform }, { name: '出入境证件签发信息', shareType: '无条件共享', shareCondition: '无' });
  });
  afterAll(async () => t.close());

  const inbox = async (token: string) => (await t.call(token, 'GET', '/api/v1/notifications')).json().items as { kind: string; link: string }[];

  it('counts the deadline over a weekend, configured holidays and a 调休 working Saturday; flags and notifies overdue once', async () => {
    const platform = await as('platform');
    // 11-25/26 holidays, Saturday 11-28 a make-up working day: 10 working days after Friday 11-20 end on Monday 12-07.
    for (const [date, kind, name] of [['2026-11-25', 'holiday', '测试假日'], ['2026-11-26', 'holiday', '测试假日'], ['2026-11-28', 'workday', '测试调休']] as const) {
      expect((await t.call(platform, 'PUT', `/api/v1/sharing/calendar/${date}`, { kind, name })).statusCode).toBe(200);
    }
    expect((await t.call(await as('gaj_admin'), 'PUT', '/api/v1/sharing/calendar/2026-11-27', { kind: 'holiday', name: 'x' })).statusCode).toBe(403);
    expect((await t.call(platform, 'GET', '/api/v1/sharing/calendar?year=2026')).json().items).toHaveLength(3);

    const scjUser = await as('scj_user');
    const { id } = (await t.call(scjUser, 'POST', '/api/v1/share-requests', aShareRequest(conditional))).json();
    let view = (await t.call(scjUser, 'GET', `/api/v1/share-requests/${id}`)).json();
    expect(view.deadline).toBe('2026-12-07T15:59:59.999Z'); // 23:59:59.999 CST on Monday 12-07

    clock.at = new Date('2026-12-07T15:00:00Z'); // 23:00 CST on the due day
    const sysadmin = await as('sysadmin');
    view = (await t.call(await as('scj_user'), 'GET', `/api/v1/share-requests/${id}`)).json();
    expect(view).toMatchObject({ workingDaysLeft: 1, overdue: false });
    expect((await t.call(sysadmin, 'POST', '/api/v1/sharing/jobs/run')).json()).toMatchObject({ overdueFlagged: 0, dueSoonNotified: 1 });
    expect((await inbox(await as('gaj_admin'))).some((n) => n.kind === 'share_request.due_soon' && n.link.endsWith(id))).toBe(true);

    clock.at = new Date('2026-12-08T01:00:00Z'); // Tuesday 09:00 CST
    const scj = await as('scj_user');
    view = (await t.call(scj, 'GET', `/api/v1/share-requests/${id}`)).json();
    expect(view).toMatchObject({ status: 'pending', overdue: true, workingDaysLeft: -1 });
    const overdueList = (await t.call(scj, 'GET', '/api/v1/share-requests?role=applicant&overdue=true')).json();
    expect(overdueList.items.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await t.call(scj, 'GET', '/api/v1/share-requests?role=applicant&overdue=false')).json().total).toBe(0);

    expect((await t.call(await as('scj_user'), 'POST', '/api/v1/sharing/jobs/run')).statusCode).toBe(403);
    expect((await t.call(await as('platform'), 'POST', '/api/v1/sharing/jobs/run')).json()).toMatchObject({ overdueFlagged: 1 });
    expect((await t.call(await as('platform'), 'POST', '/api/v1/sharing/jobs/run')).json()).toMatchObject({ overdueFlagged: 0 });
    for (const who of ['gaj_admin', 'platform']) {
      expect((await inbox(await as(who))).filter((n) => n.kind === 'share_request.overdue' && n.link.endsWith(id))).toHaveLength(1);
    }
    expect((await inbox(await as('gaj_user'))).some((n) => n.kind === 'share_request.overdue')).toBe(false);
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', id).where('action', '=', 'sharing.request_overdue').execute();
    expect(audit).toHaveLength(1);

    // The provider can still answer late; the flag goes once it is decided.
    expect((await t.call(await as('gaj_admin'), 'POST', `/api/v1/share-requests/${id}/decision`, { approve: true })).json()).toMatchObject({ status: 'approved', overdue: false, workingDaysLeft: null });
  });

  it('an expired grant is not effective, and the job marks it expired and tells the consumer', async () => {
    clock.at = new Date('2026-12-08T01:00:00Z');
    const scjUser = await as('scj_user');
    const res = await t.call(scjUser, 'POST', '/api/v1/share-requests', aShareRequest(unconditional, { validFrom: '2026-12-08', validTo: '2026-12-10' }));
    const { grantId } = (await t.call(scjUser, 'GET', `/api/v1/share-requests/${res.json().id}`)).json();
    const scjOrg = await t.orgIdByName('珠海市市场监督管理局');
    expect(await findEffectiveGrant(t.db, { consumerOrgId: scjOrg, resourceId: unconditional, at: clock.at })).not.toBeNull();
    expect((await t.call(await as('platform'), 'POST', '/api/v1/sharing/jobs/run')).json()).toMatchObject({ expiringNotified: 1 });
    expect((await inbox(await as('scj_admin'))).some((n) => n.kind === 'grant.expiring')).toBe(true);

    clock.at = new Date('2026-12-10T16:00:00Z'); // 00:00 CST 12-11: the day after validTo
    expect(await findEffectiveGrant(t.db, { consumerOrgId: scjOrg, resourceId: unconditional, at: clock.at })).toBeNull();
    expect((await t.call(await as('scj_user'), 'GET', `/api/v1/grants/${grantId}`)).json()).toMatchObject({ status: 'active', effective: false });
    expect((await t.call(await as('platform'), 'POST', '/api/v1/sharing/jobs/run')).json()).toMatchObject({ grantsExpired: 1 });
    expect((await t.call(await as('scj_user'), 'GET', `/api/v1/grants/${grantId}`)).json()).toMatchObject({ status: 'expired', effective: false });
    expect((await t.call(await as('scj_user'), 'GET', '/api/v1/grants?as=consumer&status=expired')).json().items.map((g: { id: string }) => g.id)).toContain(grantId);
    expect((await inbox(await as('scj_user'))).some((n) => n.kind === 'grant.expired' && n.link.endsWith(grantId))).toBe(true);
    expect((await t.call(await as('platform'), 'POST', '/api/v1/sharing/jobs/run')).json()).toMatchObject({ grantsExpired: 0 });
    // Renewing an expired grant brings it back (无条件共享: at once).
    const renewal = await t.call(await as('scj_user'), 'POST', `/api/v1/grants/${grantId}/renewal`, { validTo: '2027-06-30', reason: '业务持续开展' });
    expect(renewal.json()).toMatchObject({ status: 'approved' });
    expect((await t.call(await as('scj_user'), 'GET', `/api/v1/grants/${grantId}`)).json()).toMatchObject({ status: 'active', effective: true, validTo: '2027-06-30' });
  });
});
