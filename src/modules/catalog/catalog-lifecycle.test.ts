import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { aResource, GAJ_USCC, SCJ_USCC } from '../../../test/helpers/catalog-factories.js';

describe('catalog lifecycle', () => {
  let t: TestApp;
  let platform: string, gajAdmin: string, gajUser: string, scjAdmin: string;

  beforeAll(async () => {
    t = await createTestApp();
    [platform, gajAdmin, gajUser, scjAdmin] = await Promise.all(['platform', 'gaj_admin', 'gaj_user', 'scj_admin'].map((u) => t.login(u))) as [string, string, string, string];
  });
  afterAll(async () => t.close());

  const create = async (token: string, body: object = aResource()) => t.call(token, 'POST', '/api/v1/resources', body);
  const actions = async () => (await t.db.selectFrom('audit_events').select('action').where('action', 'like', 'catalog.%').orderBy('id').execute()).map((r) => r.action);

  it('creates a draft with a platform code in the provider\'s 部门 class, and relates the 人口 class', async () => {
    const res = await create(gajAdmin);
    expect(res.statusCode).toBe(201);
    const { id, code } = res.json();
    expect(code).toMatch(/^3\d{8}\/000001$/);
    const detail = (await t.call(gajAdmin, 'GET', `/api/v1/resources/${id}`)).json();
    expect(detail.status).toBe('draft');
    expect(detail.category.kind).toBe('部门');
    expect(detail.category.name).toBe('珠海市公安局');
    expect(detail.relatedCategories.map((c: { name: string }) => c.name)).toEqual(['人口基础信息']);
    expect(detail.working.items).toHaveLength(3);
    expect(detail.providerCode).toBe(GAJ_USCC);
  });

  it('runs draft → submit → return → edit → resubmit → approve, then revises through a new version and diffs', async () => {
    const { id } = (await create(gajAdmin, aResource({ name: '居住证信息' }))).json();
    expect((await t.call(gajAdmin, 'POST', `/api/v1/resources/${id}/submit`)).statusCode).toBe(200);
    expect((await t.call(platform, 'POST', `/api/v1/resources/${id}/return`, { comment: '摘要不完整' })).statusCode).toBe(200);
    let detail = (await t.call(gajAdmin, 'GET', `/api/v1/resources/${id}`)).json();
    expect(detail.status).toBe('returned');
    expect(detail.working.reviewComment).toBe('摘要不完整');
    expect((await t.call(gajAdmin, 'PUT', `/api/v1/resources/${id}/draft`, aResource({ name: '居住证信息', summary: '居住证办理与签注信息' }))).statusCode).toBe(200);
    expect((await t.call(gajAdmin, 'POST', `/api/v1/resources/${id}/submit`)).statusCode).toBe(200);
    expect((await t.call(platform, 'POST', `/api/v1/resources/${id}/approve`, {})).statusCode).toBe(200);
    detail = (await t.call(scjAdmin, 'GET', `/api/v1/resources/${id}`)).json();
    expect(detail.status).toBe('published');
    expect(detail.published.summary).toBe('居住证办理与签注信息');
    expect(detail.requestable).toBe(true);

    // A new version is worked on while version 1 stays live.
    const v2 = aResource({ name: '居住证信息', summary: '居住证办理与签注信息', items: [{ name: '姓名', dataType: 'C', length: 100 }, { name: '居住地址', dataType: 'C', length: 200 }, { name: '出生日期', dataType: 'D', length: null }] });
    expect((await t.call(gajAdmin, 'PUT', `/api/v1/resources/${id}/draft`, v2)).statusCode).toBe(200);
    detail = (await t.call(gajAdmin, 'GET', `/api/v1/resources/${id}`)).json();
    expect(detail.status).toBe('published');
    expect(detail.published.versionNo).toBe(1);
    expect(detail.working.versionNo).toBe(2);
    const outsider = (await t.call(scjAdmin, 'GET', `/api/v1/resources/${id}`)).json();
    expect(outsider.working).toBeNull();
    expect(outsider.versions.map((v: { versionNo: number }) => v.versionNo)).toEqual([1]);

    const diff = (await t.call(gajAdmin, 'GET', `/api/v1/resources/${id}/versions/1/diff/2`)).json();
    expect(diff.fields).toEqual([]);
    expect(diff.items.added).toEqual([{ name: '居住地址', dataType: 'C', length: 200 }]);
    expect(diff.items.removed.map((i: { name: string }) => i.name)).toEqual(['公民身份号码']);
    expect(diff.items.changed).toEqual([{ name: '姓名', changes: [{ field: 'length', from: 50, to: 100 }] }]);

    await t.call(gajAdmin, 'POST', `/api/v1/resources/${id}/submit`);
    expect((await t.call(platform, 'POST', `/api/v1/resources/${id}/approve`, { comment: '同意' })).statusCode).toBe(200);
    detail = (await t.call(gajAdmin, 'GET', `/api/v1/resources/${id}`)).json();
    expect(detail.published.versionNo).toBe(2);
    expect(detail.working).toBeNull();
    expect(detail.versions.map((v: { versionNo: number; status: string }) => [v.versionNo, v.status])).toEqual([[2, 'published'], [1, 'superseded']]);
    expect(detail.reviewHistory.map((h: { action: string }) => h.action)).toEqual(['submitted', 'returned', 'submitted', 'approved', 'submitted', 'approved']);
    expect(await actions()).toEqual(expect.arrayContaining(['catalog.resource_created', 'catalog.submitted', 'catalog.returned', 'catalog.version_updated', 'catalog.approved', 'catalog.version_created']));
  });

  it('retires a published resource with a reason: still readable, marked, not requestable', async () => {
    const { id } = (await create(gajAdmin, aResource({ name: '临时身份证信息' }))).json();
    await t.call(gajAdmin, 'POST', `/api/v1/resources/${id}/submit`);
    await t.call(platform, 'POST', `/api/v1/resources/${id}/approve`, {});
    expect((await t.call(scjAdmin, 'POST', `/api/v1/resources/${id}/retire`, { reason: '不再提供' })).statusCode).toBe(403);
    expect((await t.call(gajAdmin, 'POST', `/api/v1/resources/${id}/retire`, { reason: '业务职能调整' })).statusCode).toBe(200);
    const detail = (await t.call(scjAdmin, 'GET', `/api/v1/resources/${id}`)).json();
    expect(detail).toMatchObject({ status: 'retired', retiredReason: '业务职能调整', requestable: false });
    expect((await t.call(gajAdmin, 'PUT', `/api/v1/resources/${id}/draft`, aResource({ name: '临时身份证信息' }))).statusCode).toBe(409);
    expect(await actions()).toContain('catalog.retired');
  });

  describe('from the attacker\'s side', () => {
    it('another department\'s admin cannot create for, edit or submit a department\'s resource', async () => {
      expect((await create(scjAdmin, aResource({ providerCode: GAJ_USCC }))).statusCode).toBe(403);
      const { id } = (await create(gajAdmin, aResource({ name: '出入境证件信息' }))).json();
      expect((await t.call(scjAdmin, 'PUT', `/api/v1/resources/${id}/draft`, aResource({ name: '出入境证件信息' }))).statusCode).toBe(403);
      expect((await t.call(scjAdmin, 'POST', `/api/v1/resources/${id}/submit`)).statusCode).toBe(403);
      // and cannot read its drafts
      expect((await t.call(scjAdmin, 'GET', `/api/v1/resources/${id}`)).statusCode).toBe(404);
    });

    it('a department user cannot create or edit; a department admin cannot approve its own', async () => {
      expect((await create(gajUser)).statusCode).toBe(403);
      const { id } = (await create(gajAdmin, aResource({ name: '机动车驾驶人信息' }))).json();
      expect((await t.call(gajUser, 'PUT', `/api/v1/resources/${id}/draft`, aResource({ name: '机动车驾驶人信息' }))).statusCode).toBe(403);
      await t.call(gajAdmin, 'POST', `/api/v1/resources/${id}/submit`);
      expect((await t.call(gajAdmin, 'POST', `/api/v1/resources/${id}/approve`, {})).statusCode).toBe(403);
      expect((await t.call(gajAdmin, 'POST', `/api/v1/resources/${id}/return`, { comment: 'x' })).statusCode).toBe(403);
      const denied = await t.db.selectFrom('audit_events').select('target_id').where('action', '=', 'access.denied').execute();
      expect(denied.some((d) => d.target_id?.includes('/approve'))).toBe(true);
    });

    it('approving something not submitted is 409', async () => {
      const { id } = (await create(gajAdmin, aResource({ name: '犬只登记信息' }))).json();
      const res = await t.call(platform, 'POST', `/api/v1/resources/${id}/approve`, {});
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('CATALOG_STATE_INVALID');
    });
  });

  describe('codes', () => {
    it('keeps a unique provider-supplied code, rejects a taken one with 409 and a malformed one with 400', async () => {
      const ok = await create(scjAdmin, aResource({ name: '企业登记信息', providerCode: SCJ_USCC, code: '102000000/000777' }));
      expect(ok.statusCode).toBe(201);
      expect(ok.json().code).toBe('102000000/000777');
      const taken = await create(scjAdmin, aResource({ name: '个体工商户登记信息', providerCode: SCJ_USCC, code: '102000000/000777' }));
      expect(taken.statusCode).toBe(409);
      expect(taken.json().code).toBe('CATALOG_CODE_DUPLICATE');
      const bad = await create(scjAdmin, aResource({ name: '个体工商户登记信息', providerCode: SCJ_USCC, code: '1020/7' }));
      expect(bad.statusCode).toBe(400);
    });

    it('numbers codes per classification without gaps or collisions under concurrency', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => create(scjAdmin, aResource({ name: `食品经营许可信息${i}`, providerCode: SCJ_USCC }))));
      const codes = results.map((r) => r.json().code as string);
      expect(new Set(codes).size).toBe(8);
      expect(codes.every((c) => /^3\d{8}\/\d{6}$/.test(c))).toBe(true);
    });

    it('accepts the legacy org code as provider code', async () => {
      const res = await create(gajAdmin, aResource({ name: '治安户口信息', providerCode: 'WFA5YL7R-9' }));
      expect(res.statusCode).toBe(201);
    });
  });

  it('rejects a 不予共享 resource without legal basis', async () => {
    const res = await create(gajAdmin, aResource({ name: '涉密信息', shareType: '不予共享', shareCondition: '', shareMethodClass: null, shareMethodType: null }));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('CATALOG_INVALID');
  });
});
