import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { aResource, GAJ_USCC, SCJ_USCC } from '../../../test/helpers/catalog-factories.js';
import { termsOf } from './catalog-terms.js';

describe('catalog search', () => {
  let t: TestApp;
  let platform: string, gajAdmin: string, scjAdmin: string, scjUser: string;
  const publish = async (token: string, body: object) => {
    const { id } = (await t.call(token, 'POST', '/api/v1/resources', body)).json();
    await t.call(token, 'POST', `/api/v1/resources/${id}/submit`);
    await t.call(platform, 'POST', `/api/v1/resources/${id}/approve`, {});
    return id as string;
  };

  beforeAll(async () => {
    t = await createTestApp();
    [platform, gajAdmin, scjAdmin, scjUser] = await Promise.all(['platform', 'gaj_admin', 'scj_admin', 'scj_user'].map((u) => t.login(u))) as [string, string, string, string];
    const scj = { providerCode: SCJ_USCC, providerName: '珠海市市场监督管理局' };
    await publish(scjAdmin, aResource({ ...scj, name: '企业登记信息', summary: '企业设立、变更、注销登记', items: [{ name: '统一社会信用代码', dataType: 'C', length: 18 }] }));
    await publish(scjAdmin, aResource({ ...scj, name: '企业年度报告登记信息汇总', summary: '年报', shareType: '无条件共享', items: [{ name: '年报年度', dataType: 'N', length: 4 }] }));
    await publish(scjAdmin, aResource({ ...scj, name: '食品生产许可证信息', summary: '食品生产许可', isOpen: true, items: [{ name: '许可证编号', dataType: 'C', length: 20 }] }));
    await publish(gajAdmin, aResource({ name: '户籍人口基本信息' }));
    await publish(gajAdmin, aResource({ name: '涉密案件信息', shareType: '不予共享', shareCondition: '《中华人民共和国保守国家秘密法》第二条', shareMethodClass: null, shareMethodType: null }));
    await t.call(gajAdmin, 'POST', '/api/v1/resources', aResource({ name: '企业登记核查草稿' })); // a draft: never in the shared catalog
  });
  afterAll(async () => t.close());

  const search = async (token: string, query: string) => (await t.call(token, 'GET', `/api/v1/resources?${query}`)).json();

  it('cuts Chinese into bigrams and keeps ASCII words', () => {
    expect(termsOf('企业登记 GDP数据')).toEqual(['企业', '业登', '登记', 'gdp', '数据']);
  });

  it('ranks the exact name first, then names containing it', async () => {
    const res = await search(scjUser, `q=${encodeURIComponent('企业登记信息')}`);
    expect(res.items[0].name).toBe('企业登记信息');
    expect(res.items.map((i: { name: string }) => i.name)).not.toContain('企业登记核查草稿');
  });

  it('finds a resource with a missing character and with swapped word order', async () => {
    expect((await search(scjUser, `q=${encodeURIComponent('企业登信息')}`)).items[0].name).toBe('企业登记信息');
    expect((await search(scjUser, `q=${encodeURIComponent('许可证食品生产')}`)).items[0].name).toBe('食品生产许可证信息');
    expect((await search(scjUser, `q=${encodeURIComponent('人口户籍')}`)).items[0].name).toBe('户籍人口基本信息');
  });

  it('searches item names and provider names too', async () => {
    expect((await search(scjUser, `q=${encodeURIComponent('许可证编号')}`)).items[0].name).toBe('食品生产许可证信息');
    expect((await search(scjUser, `q=${encodeURIComponent('公安局')}`)).total).toBe(2);
  });

  it('counts facets over the filtered set', async () => {
    const res = await search(scjUser, `provider=${SCJ_USCC}`);
    expect(res.total).toBe(3);
    expect(res.facets.provider).toEqual([{ value: SCJ_USCC, label: '珠海市市场监督管理局', count: 3 }]);
    expect(res.facets.shareType).toEqual([{ value: '有条件共享', label: '有条件共享', count: 2 }, { value: '无条件共享', label: '无条件共享', count: 1 }]);
    expect(res.facets.isOpen).toEqual([{ value: 'false', label: '否', count: 2 }, { value: 'true', label: '是', count: 1 }]);
    const filtered = await search(scjUser, `provider=${SCJ_USCC}&isOpen=true`);
    expect(filtered.total).toBe(1);
    const all = await search(scjUser, '');
    expect(all.total).toBe(5);
    expect(all.facets.provider.map((f: { count: number }) => f.count)).toEqual([3, 2]);
  });

  it('shows 不予共享 resources with their legal basis, not requestable', async () => {
    const res = await search(scjUser, `shareType=${encodeURIComponent('不予共享')}`);
    expect(res.items).toHaveLength(1);
    expect(res.items[0].requestable).toBe(false);
    const detail = (await t.call(scjUser, 'GET', `/api/v1/resources/${res.items[0].id}`)).json();
    expect(detail.published.shareCondition).toContain('保守国家秘密法');
  });

  it('shows a department its own drafts in the department catalog, and no one else', async () => {
    const own = await search(gajAdmin, 'scope=department');
    expect(own.items.map((i: { name: string }) => i.name)).toContain('企业登记核查草稿');
    expect((await t.call(scjAdmin, 'GET', `/api/v1/resources?scope=department&provider=${GAJ_USCC}`)).statusCode).toBe(403);
    expect((await search(platform, `scope=department&provider=${GAJ_USCC}`)).total).toBe(3);
  });

  it('pages and sorts by publish date', async () => {
    const page = await search(scjUser, 'limit=2&offset=0&sort=publishDate');
    expect(page.items).toHaveLength(2);
    expect(page.total).toBe(5);
  });

  it('gives the category tree with counts', async () => {
    const { items } = (await t.call(scjUser, 'GET', '/api/v1/catalog/categories')).json();
    const department = items.find((c: { code: string }) => c.code === '3');
    expect(department.count).toBe(5);
    expect(items.find((c: { code: string }) => c.code === '1').children.map((c: { name: string }) => c.name)).toContain('人口基础信息');
  });

  it('gives the platform admin a review queue across departments, new versions of published resources included', async () => {
    const published = (await search(scjUser, `q=${encodeURIComponent('食品生产许可证信息')}`)).items[0];
    await t.call(scjAdmin, 'PUT', `/api/v1/resources/${published.id}/draft`, aResource({ providerCode: SCJ_USCC, providerName: '珠海市市场监督管理局', name: '食品生产许可证信息', summary: '食品生产许可（第二版）', isOpen: true, items: [{ name: '许可证编号', dataType: 'C', length: 20 }] }));
    await t.call(scjAdmin, 'POST', `/api/v1/resources/${published.id}/submit`);
    const { id: fresh } = (await t.call(gajAdmin, 'POST', '/api/v1/resources', aResource({ name: '暂住登记信息' }))).json();
    await t.call(gajAdmin, 'POST', `/api/v1/resources/${fresh}/submit`);

    const queue = await search(platform, 'scope=review&sort=submittedAt');
    // Oldest submission first.
    expect(queue.items.map((i: { name: string }) => i.name)).toEqual(['食品生产许可证信息', '暂住登记信息']);
    const revision = queue.items.find((i: { id: string }) => i.id === published.id);
    expect(revision).toMatchObject({ status: 'published', workingStatus: 'submitted', submittedAt: expect.any(String) });
    // The shared catalog still shows the live version.
    expect((await search(scjUser, `q=${encodeURIComponent('食品生产许可证信息')}`)).items[0]).toMatchObject({ status: 'published', summary: '食品生产许可' });
    // The department sees where its work stands.
    expect((await search(scjAdmin, 'scope=department&status=submitted')).items.map((i: { id: string }) => i.id)).toEqual([published.id]);

    for (const token of [gajAdmin, scjUser]) expect((await t.call(token, 'GET', '/api/v1/resources?scope=review')).statusCode).toBe(403);
  });
});
