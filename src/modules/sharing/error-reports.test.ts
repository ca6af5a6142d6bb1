import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { aThirdDepartmentAdmin, publishResource } from '../../../test/helpers/sharing-factories.js';

describe('data-error reports (数据纠错)', () => {
  let t: TestApp;
  let platform: string, gajAdmin: string, gajUser: string, scjUser: string, swjAdmin: string;
  let resourceId: string;
  const clock = { at: new Date('2026-11-20T02:00:00Z') }; // Friday

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock.at });
    [platform, gajAdmin, gajUser, scjUser] = await Promise.all(['platform', 'gaj_admin', 'gaj_user', 'scj_user'].map((u) => t.login(u))) as [string, string, string, string];
    swjAdmin = await aThirdDepartmentAdmin(t);
    resourceId = await publishResource(t, { provider: gajAdmin, platform });
  });
  afterAll(async () => t.close());

  const report = (token: string, body: object) => t.call(token, 'POST', '/api/v1/error-reports', { resourceId, description: '出生日期与户籍登记不一致', ...body });

  it('a consumer reports, the provider admin confirms then corrects, with a 5-working-day deadline', async () => {
    const res = await report(scjUser, { recordKey: '440402199001011234', itemName: '出生日期' });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    const view = (await t.call(gajUser, 'GET', `/api/v1/error-reports/${id}`)).json();
    expect(view).toMatchObject({ status: 'open', itemName: '出生日期', deadline: '2026-11-27T15:59:59.999Z', overdue: false, reporterOrgName: '珠海市市场监督管理局' });
    expect((await t.call(gajAdmin, 'GET', '/api/v1/error-reports?as=provider')).json().items.map((r: { id: string }) => r.id)).toContain(id);
    expect(((await t.call(gajAdmin, 'GET', '/api/v1/notifications')).json().items as { kind: string }[]).some((n) => n.kind === 'error_report.created')).toBe(true);

    for (const token of [gajUser, scjUser, swjAdmin]) {
      expect((await t.call(token, 'POST', `/api/v1/error-reports/${id}/reply`, { status: 'confirmed', comment: '已核实' })).statusCode).toBe(403);
    }
    expect((await t.call(gajAdmin, 'POST', `/api/v1/error-reports/${id}/reply`, { status: 'confirmed', comment: '已核实，将在下次更新中更正' })).json().status).toBe('confirmed');
    expect((await t.call(gajAdmin, 'POST', `/api/v1/error-reports/${id}/reply`, { status: 'rejected', comment: '改口' })).statusCode).toBe(409);
    expect((await t.call(gajAdmin, 'POST', `/api/v1/error-reports/${id}/reply`, { status: 'corrected', comment: '已更正' })).json()).toMatchObject({ status: 'corrected', reply: '已更正', overdue: false, workingDaysLeft: null });
    const closed = await t.call(gajAdmin, 'POST', `/api/v1/error-reports/${id}/reply`, { status: 'corrected', comment: '再次' });
    expect(closed.json().code).toBe('ERROR_REPORT_CLOSED');
    const detail = (await t.call(scjUser, 'GET', `/api/v1/error-reports/${id}`)).json();
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['submitted', 'confirmed', 'corrected']);
    expect(((await t.call(scjUser, 'GET', '/api/v1/notifications')).json().items as { kind: string }[]).filter((n) => n.kind === 'error_report.replied')).toHaveLength(2);
  });

  it('rejects unknown items, the provider\'s own reports and outsiders reading', async () => {
    expect((await report(scjUser, { itemName: '血型' })).json().code).toBe('SHARE_ITEMS_INVALID');
    expect((await report(gajUser, {})).json().code).toBe('SHARE_OWN_RESOURCE');
    const { id } = (await report(scjUser, {})).json();
    expect((await t.call(swjAdmin, 'GET', `/api/v1/error-reports/${id}`)).statusCode).toBe(403);
  });

  it('an unanswered report goes overdue and the provider is told once', async () => {
    const { id } = (await report(scjUser, { description: '性别错误' })).json();
    clock.at = new Date('2026-11-30T01:00:00Z');
    const platformNow = await t.login('platform');
    expect((await t.call(platformNow, 'POST', '/api/v1/sharing/jobs/run')).json().errorReportsOverdue).toBeGreaterThanOrEqual(1);
    const scj = await t.login('scj_user');
    expect((await t.call(scj, 'GET', `/api/v1/error-reports/${id}`)).json()).toMatchObject({ status: 'open', overdue: true });
    expect((await t.call(scj, 'GET', '/api/v1/error-reports?as=reporter&overdue=true')).json().items.map((r: { id: string }) => r.id)).toContain(id);
    const gaj = await t.login('gaj_admin');
    expect(((await t.call(gaj, 'GET', '/api/v1/notifications')).json().items as { kind: string; link: string }[]).filter((n) => n.kind === 'error_report.overdue' && n.link.endsWith(id))).toHaveLength(1);
  });
});
