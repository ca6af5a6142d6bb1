import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { aShareRequest, aThirdDepartmentAdmin, publishResource } from '../../../test/helpers/sharing-factories.js';
import { findEffectiveGrant } from './index.js';

describe('grants', () => {
  let t: TestApp;
  let platform: string, gajAdmin: string, gajUser: string, scjAdmin: string, scjUser: string, swjAdmin: string;
  const clock = { at: new Date('2026-11-20T02:00:00Z') };

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock.at });
    [platform, gajAdmin, gajUser, scjAdmin, scjUser] = await Promise.all(['platform', 'gaj_admin', 'gaj_user', 'scj_admin', 'scj_user'].map((u) => t.login(u))) as [string, string, string, string, string];
    swjAdmin = await aThirdDepartmentAdmin(t);
  });
  afterAll(async () => t.close());

  /** A 有条件共享 resource requested by 市场监管局 and approved by 公安局; returns the grant id. */
  async function approvedGrant(name: string): Promise<{ grantId: string; resourceId: string }> {
    const resourceId = await publishResource(t, { provider: gajAdmin, platform }, { name });
    const { id } = (await t.call(scjUser, 'POST', '/api/v1/share-requests', aShareRequest(resourceId, { validFrom: '2026-11-20' }))).json();
    const decided = await t.call(gajAdmin, 'POST', `/api/v1/share-requests/${id}/decision`, { approve: true, masking: { 公民身份号码: 'idNumber' } });
    expect(decided.statusCode, decided.body).toBe(200);
    return { grantId: (await t.call(scjUser, 'GET', `/api/v1/share-requests/${id}`)).json().grantId, resourceId };
  }

  it('lists grants by side; outsiders may not read them', async () => {
    const { grantId } = await approvedGrant('列表测试资源');
    expect((await t.call(scjUser, 'GET', '/api/v1/grants?as=consumer')).json().items.map((g: { id: string }) => g.id)).toContain(grantId);
    expect((await t.call(gajUser, 'GET', '/api/v1/grants?as=provider')).json().items.map((g: { id: string }) => g.id)).toContain(grantId);
    expect((await t.call(platform, 'GET', '/api/v1/grants')).json().total).toBeGreaterThan(0);
    expect((await t.call(swjAdmin, 'GET', `/api/v1/grants/${grantId}`)).statusCode).toBe(403);
    expect((await t.call(swjAdmin, 'GET', '/api/v1/grants?as=consumer')).json().items).toEqual([]);
  });

  it('revocation: 403 from the consumer side, then the provider admin revokes with a reason; 409 once revoked', async () => {
    const { grantId, resourceId } = await approvedGrant('撤销测试资源');
    for (const token of [scjAdmin, scjUser, gajUser, swjAdmin]) {
      expect((await t.call(token, 'POST', `/api/v1/grants/${grantId}/revoke`, { reason: '不再需要' })).statusCode).toBe(403);
    }
    expect((await t.call(gajAdmin, 'POST', `/api/v1/grants/${grantId}/revoke`, { reason: ' ' })).json().code).toBe('VALIDATION_FAILED');
    const revoked = await t.call(gajAdmin, 'POST', `/api/v1/grants/${grantId}/revoke`, { reason: '发现超范围使用' });
    expect(revoked.json()).toMatchObject({ status: 'revoked', effective: false, revokedReason: '发现超范围使用' });
    const again = await t.call(platform, 'POST', `/api/v1/grants/${grantId}/revoke`, { reason: '重复' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('GRANT_NOT_ACTIVE');
    expect(await findEffectiveGrant(t.db, { consumerOrgId: await t.orgIdByName('珠海市市场监督管理局'), resourceId, at: clock.at })).toBeNull();
    const renewal = await t.call(scjUser, 'POST', `/api/v1/grants/${grantId}/renewal`, { validTo: '2028-06-30', reason: '继续使用' });
    expect(renewal.statusCode).toBe(409);
    const inbox = (await t.call(scjUser, 'GET', '/api/v1/notifications')).json().items as { kind: string }[];
    expect(inbox.some((n) => n.kind === 'grant.revoked')).toBe(true);
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', grantId).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['sharing.grant_created', 'sharing.grant_revoked']);
  });

  it('the platform admin may revoke too', async () => {
    const { grantId } = await approvedGrant('平台撤销资源');
    expect((await t.call(platform, 'POST', `/api/v1/grants/${grantId}/revoke`, { reason: '数据安全检查' })).json().status).toBe('revoked');
  });

  it('renewal is a new request reviewed by the provider; approval extends the same grant', async () => {
    const { grantId } = await approvedGrant('续期测试资源');
    expect((await t.call(gajAdmin, 'POST', `/api/v1/grants/${grantId}/renewal`, { validTo: '2028-06-30', reason: 'x' })).statusCode).toBe(403);
    expect((await t.call(scjUser, 'POST', `/api/v1/grants/${grantId}/renewal`, { validTo: '2027-01-01', reason: '继续' })).json().code).toBe('VALIDATION_FAILED');
    const renewal = await t.call(scjUser, 'POST', `/api/v1/grants/${grantId}/renewal`, { validTo: '2028-06-30', reason: '项目延期' });
    expect(renewal.statusCode, renewal.body).toBe(201);
    expect(renewal.json().status).toBe('pending');
    expect((await t.call(scjUser, 'POST', `/api/v1/grants/${grantId}/renewal`, { validTo: '2028-06-30', reason: '再次' })).statusCode).toBe(409);
    const request = (await t.call(gajAdmin, 'GET', `/api/v1/share-requests/${renewal.json().id}`)).json();
    expect(request).toMatchObject({ renewalOfGrantId: grantId, validTo: '2028-06-30', items: ['姓名', '公民身份号码'] });
    expect(request.history[0]).toMatchObject({ action: 'renewal_requested', comment: '项目延期' });
    const decided = await t.call(gajAdmin, 'POST', `/api/v1/share-requests/${renewal.json().id}/decision`, { approve: true });
    expect(decided.json().decision).toMatchObject({ validTo: '2028-06-30', masking: { 公民身份号码: 'idNumber' } });
    expect((await t.call(scjUser, 'GET', `/api/v1/grants/${grantId}`)).json()).toMatchObject({ status: 'active', validTo: '2028-06-30', masking: { 公民身份号码: 'idNumber' } });
    expect((await t.call(scjUser, 'GET', `/api/v1/share-requests/${renewal.json().id}`)).json().grantId).toBe(grantId);
  });
});
