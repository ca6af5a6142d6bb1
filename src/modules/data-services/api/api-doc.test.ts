import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { aThirdDepartmentAdmin } from '../../../../test/helpers/sharing-factories.js';
import { aTableResourceWithGrant, anApp, dataServicesTokens, peopleCsv, type TableResourceWithGrant } from '../../../../test/helpers/data-services-factories.js';

describe('per-resource API page (接口文档) and try-it (在线调试)', () => {
  let t: TestApp;
  let tk: Awaited<ReturnType<typeof dataServicesTokens>>;
  let g: TableResourceWithGrant;
  let swjAdmin: string;

  beforeAll(async () => {
    t = await createTestApp();
    tk = await dataServicesTokens(t);
    swjAdmin = await aThirdDepartmentAdmin(t);
    g = await aTableResourceWithGrant(t, { masking: { 姓名: 'name' }, keyItems: ['公民身份号码'], csv: peopleCsv(3).csv }, tk);
  });
  afterAll(async () => t.close());

  it('shows fields with key, granted and masking, the caller department\'s grant, operations, an OpenAPI fragment and examples', async () => {
    const res = await t.call(tk.scjUser, 'GET', `/api/v1/data-services/resources/${g.resourceId}/api-doc`);
    expect(res.statusCode, res.body).toBe(200);
    const doc = res.json();
    expect(doc.resource).toMatchObject({ id: g.resourceId, code: g.code, kind: 'table', providerOrgName: '珠海市公安局' });
    expect(doc.fields).toEqual([
      { item: '公民身份号码', dataType: 'C', length: 18, key: true, granted: true, masking: null },
      { item: '姓名', dataType: 'C', length: 50, key: false, granted: true, masking: 'name' },
      { item: '出生日期', dataType: 'D', length: null, key: false, granted: true, masking: null },
      { item: '联系电话', dataType: 'C', length: 20, key: false, granted: false, masking: null },
      { item: '住址', dataType: 'C', length: 200, key: false, granted: false, masking: null },
    ]);
    expect(doc.grant).toMatchObject({ id: g.grantId, effective: true });
    expect(doc.operations.map((o: { method: string; path: string }) => `${o.method} ${o.path}`)).toEqual([`GET ${g.dataPath}`, `POST ${g.verifyPath}`]);
    expect(Object.keys(doc.openapi.paths)).toEqual([g.dataPath, g.verifyPath]);
    expect(doc.examples.curl).toContain(encodeURIComponent('公民身份号码'));
    expect(doc.examples.typescript).toContain("createHmac('sm3'");
    expect(doc.examples.typescript).toContain(g.dataPath);

    const outsider = (await t.call(swjAdmin, 'GET', `/api/v1/data-services/resources/${g.resourceId}/api-doc`)).json();
    expect(outsider.grant).toBeNull();
    expect(outsider.fields.every((f: { granted: boolean }) => !f.granted)).toBe(true);
  });

  it('try-it signs server-side, runs the real route (logged) and never returns the secret; members of the app\'s department only', async () => {
    const res = await t.call(tk.scjUser, 'POST', '/api/v1/data-services/try', { appId: g.app.appId, method: 'GET', path: g.dataPath, query: { limit: '2', fields: '姓名' } });
    expect(res.statusCode, res.body).toBe(200);
    const out = res.json();
    expect(out.status).toBe(200);
    expect(out.body.items).toEqual([{ 姓名: '张**' }, { 姓名: '张**' }]);
    expect(out.signedHeaders).toMatchObject({ 'X-App-Key': g.app.appKey, 'X-Signature': expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(res.body).not.toContain(g.app.appSecret);
    const verify = await t.call(tk.scjAdmin, 'POST', '/api/v1/data-services/try', { appId: g.app.appId, method: 'POST', path: g.verifyPath, body: { key: { 公民身份号码: 'x' }, claims: { 姓名: '张三1' } } });
    expect(verify.json()).toMatchObject({ status: 200, body: { found: false, results: { 姓名: false } } });
    await t.app.services.dataServices.api.flush();
    const logged = await t.db.selectFrom('data_calls').select(['app_id', 'status']).where('app_id', '=', g.app.appId).execute();
    expect(logged.length).toBeGreaterThanOrEqual(2);

    const gajApp = await anApp(t, tk.gajAdmin, '公安调试应用');
    expect((await t.call(tk.scjUser, 'POST', '/api/v1/data-services/try', { appId: gajApp.appId, method: 'GET', path: g.dataPath })).statusCode).toBe(404);
    expect((await t.call(tk.scjUser, 'POST', '/api/v1/data-services/try', { appId: g.app.appId, method: 'GET', path: '/api/v1/users' })).statusCode).toBe(400);
  });
});
