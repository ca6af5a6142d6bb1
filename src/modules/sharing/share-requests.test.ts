import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { aShareRequest, aThirdDepartmentAdmin, publishResource } from '../../../test/helpers/sharing-factories.js';
import { findEffectiveGrant } from './index.js';

describe('share requests', () => {
  let t: TestApp;
  let platform: string, gajAdmin: string, gajUser: string, scjAdmin: string, scjUser: string, swjAdmin: string;
  let conditional: string, unconditional: string;
  // Friday 2026-11-20 10:00 CST.
  const clock = { at: new Date('2026-11-20T02:00:00Z') };

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock.at });
    [platform, gajAdmin, gajUser, scjAdmin, scjUser] = await Promise.all(['platform', 'gaj_admin', 'gaj_user', 'scj_admin', 'scj_user'].map((u) => t.login(u))) as [string, string, string, string, string];
    swjAdmin = await aThirdDepartmentAdmin(t);
    const tokens = { provider: gajAdmin, platform };
    conditional = await publishResource(t, tokens);
    unconditional = await publishResource(t, tokens, { name: '出入境证件签发信息', shareType: '无条件共享', shareCondition: '无' });
  });
  afterAll(async () => t.close());

  const request = (token: string, body: object) => t.call(token, 'POST', '/api/v1/share-requests', body);
  const decide = (token: string, id: string, body: object) => t.call(token, 'POST', `/api/v1/share-requests/${id}/decision`, body);
  const pendingRequest = async (overrides: Record<string, unknown> = {}, token = scjUser) => {
    const res = await request(token, aShareRequest(conditional, overrides));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const auditActions = async (targetId: string) =>
    (await t.db.selectFrom('audit_events').select('action').where('target_id', '=', targetId).orderBy('id').execute()).map((r) => r.action);
  const inbox = async (token: string) => (await t.call(token, 'GET', '/api/v1/notifications')).json().items as { kind: string; link: string }[];

  it('grants a 无条件共享 resource at once: a recorded, approved request and an active grant', async () => {
    const res = await request(scjUser, aShareRequest(unconditional, { validFrom: '2026-11-20' }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).toBe('approved');
    const detail = (await t.call(scjUser, 'GET', `/api/v1/share-requests/${res.json().id}`)).json();
    expect(detail).toMatchObject({ status: 'approved', shareType: '无条件共享', deadline: null, workingDaysLeft: null, overdue: false, applicantOrgName: '珠海市市场监督管理局', providerName: '珠海市公安局' });
    expect(detail.grantId).toBeTruthy();
    const grant = (await t.call(scjUser, 'GET', `/api/v1/grants/${detail.grantId}`)).json();
    expect(grant).toMatchObject({ status: 'active', effective: true, items: ['姓名', '公民身份号码'], masking: {}, dailyQuota: 10000, validTo: '2027-11-30' });
    const effective = await findEffectiveGrant(t.db, { consumerOrgId: await t.orgIdByName('珠海市市场监督管理局'), resourceId: unconditional, at: clock.at });
    expect(effective?.id).toBe(detail.grantId);
    expect(await auditActions(detail.id)).toEqual(['sharing.request_created']);
    expect(await auditActions(detail.grantId)).toEqual(['sharing.grant_created']);
    expect((await inbox(gajAdmin)).some((n) => n.kind === 'share_request.created' && n.link.endsWith(detail.id))).toBe(true);
  });

  it('runs a 有条件共享 request through the provider admin\'s approval with narrowed items, masking, period and quota', async () => {
    const id = await pendingRequest();
    let detail = (await t.call(scjUser, 'GET', `/api/v1/share-requests/${id}`)).json();
    // Today (a working day) counts: 11 on the day of submission, 1 on the due day.
    expect(detail).toMatchObject({ status: 'pending', workingDaysLeft: 11, overdue: false, grantId: null, deadline: '2026-12-04T15:59:59.999Z' });
    expect((await inbox(gajAdmin)).some((n) => n.kind === 'share_request.created' && n.link.endsWith(id))).toBe(true);
    const providerView = (await t.call(gajAdmin, 'GET', '/api/v1/share-requests?role=provider&status=pending')).json();
    expect(providerView.items.map((r: { id: string }) => r.id)).toContain(id);

    const res = await decide(gajAdmin, id, { approve: true, items: ['姓名'], masking: { 姓名: 'name' }, validTo: '2027-05-31', dailyQuota: 500 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'approved', decision: { items: ['姓名'], masking: { 姓名: 'name' }, validTo: '2027-05-31', dailyQuota: 500 } });
    detail = (await t.call(scjUser, 'GET', `/api/v1/share-requests/${id}`)).json();
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['submitted', 'approved']);
    expect(detail.history[1]).toMatchObject({ actor: 'gaj_admin', orgName: '珠海市公安局' });
    const grant = (await t.call(scjAdmin, 'GET', `/api/v1/grants/${detail.grantId}`)).json();
    expect(grant).toMatchObject({ items: ['姓名'], masking: { 姓名: 'name' }, validFrom: '2026-12-01', validTo: '2027-05-31', dailyQuota: 500, status: 'active', applicationName: '企业开办一网通办系统' });
    expect(await auditActions(id)).toEqual(['sharing.request_created', 'sharing.request_approved']);
    expect((await inbox(scjUser)).some((n) => n.kind === 'share_request.decided')).toBe(true);
  });

  it('refuses only with a reason, and tells the applicant', async () => {
    const id = await pendingRequest({ resourceId: conditional, applicationName: '另一个系统' });
    expect((await decide(gajAdmin, id, { approve: false })).json().code).toBe('VALIDATION_FAILED');
    const res = await decide(gajAdmin, id, { approve: false, reason: '用途与共享条件不符' });
    expect(res.json()).toMatchObject({ status: 'refused', decisionReason: '用途与共享条件不符' });
    expect(await auditActions(id)).toEqual(['sharing.request_created', 'sharing.request_refused']);
  });

  it('refuses a 不予共享 resource with 422 citing its legal basis, and retired or unpublished ones', async () => {
    const none = await publishResource(t, { provider: gajAdmin, platform }, { name: '涉密人口信息', shareType: '不予共享', shareCondition: '《中华人民共和国保守国家秘密法》第二十八条' });
    const res = await request(scjUser, aShareRequest(none));
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('SHARE_NOT_ALLOWED');
    expect(res.json().message).toContain('《中华人民共和国保守国家秘密法》第二十八条');

    const retired = await publishResource(t, { provider: gajAdmin, platform }, { name: '旧户籍信息' });
    expect((await t.call(gajAdmin, 'POST', `/api/v1/resources/${retired}/retire`, { reason: '已被新资源替代' })).statusCode).toBe(200);
    expect((await request(scjUser, aShareRequest(retired))).json().code).toBe('SHARE_NOT_ALLOWED');

    const draft = (await t.call(gajAdmin, 'POST', '/api/v1/resources', { ...(await import('../../../test/helpers/catalog-factories.js')).aResource({ name: '草稿资源' }) })).json().id;
    expect((await request(scjUser, aShareRequest(draft))).statusCode).toBe(422);
  });

  it('rejects the provider\'s own resources, unknown items, bad periods and a second open request', async () => {
    expect((await request(gajUser, aShareRequest(conditional))).json().code).toBe('SHARE_OWN_RESOURCE');
    const unknown = await request(scjUser, aShareRequest(conditional, { items: ['姓名', '血型'] }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'SHARE_ITEMS_INVALID', items: ['血型'] });
    expect((await request(scjUser, aShareRequest(conditional, { validTo: '2026-11-30' }))).json().code).toBe('VALIDATION_FAILED');
    expect((await request(scjUser, aShareRequest(conditional, { purpose: '  ' }))).json().code).toBe('VALIDATION_FAILED');
    const other = await publishResource(t, { provider: gajAdmin, platform }, { name: '重复申请测试资源' });
    expect((await request(scjUser, aShareRequest(other))).statusCode).toBe(201);
    const again = await request(scjAdmin, aShareRequest(other));
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('SHARE_REQUEST_DUPLICATE');
  });

  describe('on the attacker\'s side', () => {
    it('403 for another department\'s admin, the applicant department\'s own admin and the provider\'s dept_user', async () => {
      const id = await pendingRequest({ applicationName: '越权测试' , resourceId: await publishResource(t, { provider: gajAdmin, platform }, { name: '越权测试资源' }) });
      for (const token of [swjAdmin, scjAdmin, scjUser, gajUser]) {
        const res = await decide(token, id, { approve: true });
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
      }
      // The platform admin decides only at second review.
      expect((await decide(platform, id, { approve: true })).statusCode).toBe(403);
      expect((await t.call(swjAdmin, 'GET', `/api/v1/share-requests/${id}`)).statusCode).toBe(403);
      expect((await t.call(swjAdmin, 'POST', `/api/v1/share-requests/${id}/withdraw`)).statusCode).toBe(403);
      expect((await t.call(scjUser, 'GET', `/api/v1/share-requests/${id}`)).json().status).toBe('pending');
      expect((await t.db.selectFrom('audit_events').select('action').where('action', '=', 'access.denied').execute()).length).toBeGreaterThan(0);
    });

    it('409 for a decision on a decided or withdrawn request', async () => {
      const decided = await pendingRequest({ resourceId: await publishResource(t, { provider: gajAdmin, platform }, { name: '已决资源' }) });
      expect((await decide(gajAdmin, decided, { approve: true })).statusCode).toBe(200);
      const again = await decide(gajAdmin, decided, { approve: false, reason: '改主意了' });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('SHARE_REQUEST_DECIDED');

      const withdrawn = await pendingRequest({ resourceId: await publishResource(t, { provider: gajAdmin, platform }, { name: '撤回资源' }) });
      expect((await t.call(scjUser, 'POST', `/api/v1/share-requests/${withdrawn}/withdraw`)).json().status).toBe('withdrawn');
      expect((await decide(gajAdmin, withdrawn, { approve: true })).json().code).toBe('SHARE_REQUEST_DECIDED');
      expect((await t.call(scjUser, 'POST', `/api/v1/share-requests/${withdrawn}/withdraw`)).statusCode).toBe(409);
    });

    it('400 for masking with an unknown kind and for narrowing to an item not requested', async () => {
      const id = await pendingRequest({ resourceId: await publishResource(t, { provider: gajAdmin, platform }, { name: '脱敏测试资源' }) });
      const badKind = await decide(gajAdmin, id, { approve: true, masking: { 姓名: 'rot13' } });
      expect(badKind.statusCode).toBe(400);
      expect(badKind.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'masking' });
      const notRequested = await decide(gajAdmin, id, { approve: true, items: ['姓名', '出生日期'] });
      expect(notRequested.statusCode).toBe(400);
      expect(notRequested.json()).toMatchObject({ code: 'SHARE_ITEMS_INVALID', items: ['出生日期'] });
      const longer = await decide(gajAdmin, id, { approve: true, validTo: '2028-01-01' });
      expect(longer.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'validTo' });
      expect((await t.call(gajAdmin, 'GET', `/api/v1/share-requests/${id}`)).json().status).toBe('pending');
    });
  });

  it('with second review on, the provider\'s approval goes to the platform admin, who grants it', async () => {
    const settings = (await t.call(platform, 'GET', '/api/v1/sharing/settings')).json();
    expect((await t.call(gajAdmin, 'PUT', '/api/v1/sharing/settings', { ...settings, secondReviewEnabled: true })).statusCode).toBe(403);
    expect((await t.call(platform, 'PUT', '/api/v1/sharing/settings', { ...settings, secondReviewEnabled: true })).json().secondReviewEnabled).toBe(true);
    try {
      const id = await pendingRequest({ resourceId: await publishResource(t, { provider: gajAdmin, platform }, { name: '复核资源' }) });
      const first = await decide(gajAdmin, id, { approve: true, masking: { 公民身份号码: 'idNumber' } });
      expect(first.json()).toMatchObject({ status: 'second_review', decision: { masking: { 公民身份号码: 'idNumber' } } });
      expect((await inbox(platform)).some((n) => n.kind === 'share_request.second_review' && n.link.endsWith(id))).toBe(true);
      expect((await decide(gajAdmin, id, { approve: true })).statusCode).toBe(403);
      const final = await decide(platform, id, { approve: true });
      expect(final.json()).toMatchObject({ status: 'approved', decision: { items: ['姓名', '公民身份号码'], masking: { 公民身份号码: 'idNumber' } } });
      expect(await auditActions(id)).toEqual(['sharing.request_created', 'sharing.request_forwarded', 'sharing.request_approved']);
    } finally {
      await t.call(platform, 'PUT', '/api/v1/sharing/settings', settings);
    }
  });
});

describe('share request attachments', () => {
  let t: TestApp;
  let platform: string, gajAdmin: string, scjUser: string, swjAdmin: string, requestId: string;

  beforeAll(async () => {
    t = await createTestApp({ now: () => new Date('2026-11-20T02:00:00Z') });
    [platform, gajAdmin, scjUser] = await Promise.all(['platform', 'gaj_admin', 'scj_user'].map((u) => t.login(u))) as [string, string, string];
    swjAdmin = await aThirdDepartmentAdmin(t);
    const resourceId = await publishResource(t, { provider: gajAdmin, platform });
    requestId = (await t.call(scjUser, 'POST', '/api/v1/share-requests', aShareRequest(resourceId))).json().id;
  });
  afterAll(async () => t.close());

  const upload = (token: string, filename: string, content: Buffer) => {
    const boundary = '----govshare-test';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      content, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return t.app.inject({ method: 'POST', url: `/api/v1/share-requests/${requestId}/attachments`, headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
  };

  it('the applicant attaches a document; both sides download it; others may not', async () => {
    const res = await upload(scjUser, 'apply.pdf', Buffer.from('%PDF-1.4 申请函'));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ filename: 'apply.pdf', size: Buffer.from('%PDF-1.4 申请函').length });
    expect(res.json().sm3).toMatch(/^[0-9a-f]{64}$/);
    expect((await upload(scjUser, 'run.exe', Buffer.from('MZ'))).statusCode).toBe(415);
    expect((await upload(gajAdmin, 'x.pdf', Buffer.from('x'))).statusCode).toBe(403);
    const download = await t.call(gajAdmin, 'GET', `/api/v1/share-requests/${requestId}/attachments/${res.json().id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.body).toBe('%PDF-1.4 申请函');
    expect((await t.call(swjAdmin, 'GET', `/api/v1/share-requests/${requestId}/attachments/${res.json().id}`)).statusCode).toBe(403);
    expect((await t.call(scjUser, 'GET', `/api/v1/share-requests/${requestId}`)).json().attachments).toHaveLength(1);
  });
});
