import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { aThirdDepartmentAdmin } from '../../../../test/helpers/sharing-factories.js';
import { aTableResourceWithGrant, anApp, dataServicesTokens } from '../../../../test/helpers/data-services-factories.js';

describe('applications (应用)', () => {
  let t: TestApp;
  let tk: Awaited<ReturnType<typeof dataServicesTokens>>;
  let swjAdmin: string;

  beforeAll(async () => {
    t = await createTestApp();
    tk = await dataServicesTokens(t);
    swjAdmin = await aThirdDepartmentAdmin(t);
  });
  afterAll(async () => t.close());

  it('a department admin creates an app: key ak+24 hex, secret shown once, stored sealed, audited without the secret', async () => {
    const res = await t.call(tk.scjAdmin, 'POST', '/api/v1/apps', { name: '企业开办系统', description: '一网通办' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.appKey).toMatch(/^ak[0-9a-f]{24}$/);
    expect(body.appSecret.length).toBeGreaterThanOrEqual(40);
    expect(body.app).toMatchObject({ id: body.id, appKey: body.appKey, name: '企业开办系统', status: 'active', orgName: '珠海市市场监督管理局', disabledAt: null });
    expect(body.app).not.toHaveProperty('appSecret');
    const row = await t.db.selectFrom('data_apps').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row.secret_sealed).toMatch(/^v1\./);
    expect(row.secret_sealed).not.toContain(body.appSecret);
    const audit = await t.db.selectFrom('audit_events').selectAll().where('target_id', '=', body.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['data.app_created']);
    expect(JSON.stringify(audit)).not.toContain(body.appSecret);
    const listed = (await t.call(tk.scjUser, 'GET', '/api/v1/apps')).json().items;
    expect(listed.map((a: { id: string }) => a.id)).toContain(body.id);
    expect(JSON.stringify(listed)).not.toContain(body.appSecret);
  });

  it('only a dept_admin creates and manages; other departments do not see the app; the platform admin lists all', async () => {
    expect((await t.call(tk.scjUser, 'POST', '/api/v1/apps', { name: 'x' })).statusCode).toBe(403);
    expect((await t.call(tk.platform, 'POST', '/api/v1/apps', { name: 'x' })).statusCode).toBe(403);
    const app = await anApp(t, tk.scjAdmin, '市场监管应用');
    expect((await t.call(tk.gajAdmin, 'GET', '/api/v1/apps')).json().items.map((a: { id: string }) => a.id)).not.toContain(app.appId);
    expect((await t.call(tk.platform, 'GET', '/api/v1/apps')).json().items.map((a: { id: string }) => a.id)).toContain(app.appId);
    for (const [token, status] of [[tk.gajAdmin, 404], [swjAdmin, 404], [tk.scjUser, 403], [tk.platform, 403]] as const) {
      expect((await t.call(token, 'POST', `/api/v1/apps/${app.appId}/rotate-secret`)).statusCode).toBe(status);
      expect((await t.call(token, 'POST', `/api/v1/apps/${app.appId}/disable`)).statusCode).toBe(status);
    }
  });

  it('rotates the secret, disables and enables; every change audited', async () => {
    const app = await anApp(t, tk.scjAdmin, '轮换测试应用');
    const rotated = await t.call(tk.scjAdmin, 'POST', `/api/v1/apps/${app.appId}/rotate-secret`);
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json().appKey).toBe(app.appKey);
    expect(rotated.json().appSecret).not.toBe(app.appSecret);
    expect(rotated.json().app.secretRotatedAt).not.toBeNull();
    expect((await t.call(tk.scjAdmin, 'POST', `/api/v1/apps/${app.appId}/disable`)).json()).toMatchObject({ status: 'disabled' });
    expect((await t.call(tk.scjAdmin, 'POST', `/api/v1/apps/${app.appId}/enable`)).json()).toMatchObject({ status: 'active', disabledAt: null });
    const audit = await t.db.selectFrom('audit_events').select(['action', 'detail']).where('target_id', '=', app.appId).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['data.app_created', 'data.app_secret_rotated', 'data.app_disabled', 'data.app_enabled']);
    expect(JSON.stringify(audit)).not.toContain(rotated.json().appSecret);
  });

  it('narrows a grant to one of the consumer department\'s apps (consumer admin only; own apps only)', async () => {
    const g = await aTableResourceWithGrant(t, {}, tk);
    const gajApp = await anApp(t, tk.gajAdmin, '公安应用');
    expect((await t.call(tk.gajAdmin, 'PUT', `/api/v1/grants/${g.grantId}/app`, { appId: gajApp.appId })).statusCode).toBe(403);
    expect((await t.call(tk.scjUser, 'PUT', `/api/v1/grants/${g.grantId}/app`, { appId: g.app.appId })).statusCode).toBe(403);
    const foreign = await t.call(tk.scjAdmin, 'PUT', `/api/v1/grants/${g.grantId}/app`, { appId: gajApp.appId });
    expect(foreign.json().code).toBe('APP_INVALID');
    const set = await t.call(tk.scjAdmin, 'PUT', `/api/v1/grants/${g.grantId}/app`, { appId: g.app.appId });
    expect(set.json()).toEqual({ grantId: g.grantId, appId: g.app.appId });
    expect((await t.db.selectFrom('data_grant_apps').select('app_id').where('grant_id', '=', g.grantId).executeTakeFirst())?.app_id).toBe(g.app.appId);
    expect((await t.call(tk.scjAdmin, 'PUT', `/api/v1/grants/${g.grantId}/app`, { appId: null })).json()).toEqual({ grantId: g.grantId, appId: null });
    expect(await t.db.selectFrom('data_grant_apps').select('app_id').where('grant_id', '=', g.grantId).executeTakeFirst()).toBeUndefined();
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', g.grantId).orderBy('id').execute();
    expect(audit.map((a) => a.action).filter((a) => a === 'data.grant_app_set')).toHaveLength(2);
  });

  it('reads a narrowing back: GET /grants/:id/app for either side, GET /apps/grant-narrowings for the consumer department', async () => {
    const g = await aTableResourceWithGrant(t, {}, tk);
    const narrowingsOf = async (token: string) => (await t.call(token, 'GET', '/api/v1/apps/grant-narrowings')).json().items as { grantId: string; appId: string; appName: string }[];
    // Not narrowed yet: any of the consumer's applications.
    expect((await t.call(tk.scjUser, 'GET', `/api/v1/grants/${g.grantId}/app`)).json()).toEqual({ grantId: g.grantId, appId: null });
    expect((await narrowingsOf(tk.scjAdmin)).map((n) => n.grantId)).not.toContain(g.grantId);

    const named = await anApp(t, tk.scjAdmin, '回读测试应用');
    expect((await t.call(tk.scjAdmin, 'PUT', `/api/v1/grants/${g.grantId}/app`, { appId: named.appId })).statusCode).toBe(200);
    for (const token of [tk.scjAdmin, tk.scjUser, tk.gajAdmin, tk.gajUser, tk.platform]) {
      const res = await t.call(token, 'GET', `/api/v1/grants/${g.grantId}/app`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ grantId: g.grantId, appId: named.appId });
    }
    for (const token of [tk.scjAdmin, tk.scjUser, tk.platform]) {
      expect((await narrowingsOf(token)).filter((n) => n.grantId === g.grantId)).toEqual([{ grantId: g.grantId, appId: named.appId, appName: '回读测试应用' }]);
    }
    // The provider's department reads one grant's narrowing, but its list is its own grants as consumer.
    expect((await narrowingsOf(tk.gajAdmin)).map((n) => n.grantId)).not.toContain(g.grantId);

    expect((await t.call(tk.scjAdmin, 'PUT', `/api/v1/grants/${g.grantId}/app`, { appId: null })).statusCode).toBe(200);
    expect((await t.call(tk.gajUser, 'GET', `/api/v1/grants/${g.grantId}/app`)).json()).toEqual({ grantId: g.grantId, appId: null });
    expect((await narrowingsOf(tk.scjUser)).map((n) => n.grantId)).not.toContain(g.grantId);
  });

  it('another department, or a user of no department, cannot read a grant\'s narrowing', async () => {
    const g = await aTableResourceWithGrant(t, {}, tk);
    expect((await t.call(tk.scjAdmin, 'PUT', `/api/v1/grants/${g.grantId}/app`, { appId: g.app.appId })).statusCode).toBe(200);
    const auditor = await t.login('auditor');
    const third = await t.call(swjAdmin, 'GET', `/api/v1/grants/${g.grantId}/app`);
    expect(third.statusCode).toBe(403);
    expect(third.body).not.toContain(g.app.appId);
    expect((await t.call(auditor, 'GET', `/api/v1/grants/${g.grantId}/app`)).statusCode).toBe(403);
    const others = await t.call(swjAdmin, 'GET', '/api/v1/apps/grant-narrowings');
    expect(others.statusCode, others.body).toBe(200);
    expect(others.body).not.toContain(g.grantId);
    expect(others.body).not.toContain(g.app.appId);
    expect((await t.call(auditor, 'GET', '/api/v1/apps/grant-narrowings')).statusCode).toBe(403);
    // Tampered or unknown ids; no session at all.
    expect((await t.call(tk.scjAdmin, 'GET', '/api/v1/grants/not-a-uuid/app')).statusCode).toBe(400);
    const unknown = await t.call(tk.scjAdmin, 'GET', '/api/v1/grants/00000000-0000-4000-8000-000000000000/app');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('GRANT_NOT_FOUND');
    expect((await t.call(null, 'GET', '/api/v1/apps/grant-narrowings')).statusCode).toBe(401);
    expect((await t.call(null, 'GET', `/api/v1/grants/${g.grantId}/app`)).statusCode).toBe(401);
  });
});
