import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { aThirdDepartmentAdmin, publishResource } from '../../../../test/helpers/sharing-factories.js';
import { shapeUpstreamJson } from './proxy-response.js';

describe('proxy endpoints (接口代理): management', () => {
  let t: TestApp;
  let platform: string, gajAdmin: string, gajUser: string, scjAdmin: string, swjAdmin: string;
  let apiResourceId: string;
  const path = () => `/api/v1/resources/${apiResourceId}/proxy-endpoint`;

  beforeAll(async () => {
    t = await createTestApp();
    [platform, gajAdmin, gajUser, scjAdmin] = await Promise.all(['platform', 'gaj_admin', 'gaj_user', 'scj_admin'].map((u) => t.login(u))) as [string, string, string, string];
    swjAdmin = await aThirdDepartmentAdmin(t);
    apiResourceId = await publishResource(t, { provider: gajAdmin, platform }, { name: '户籍人口核查接口', formatClass: '服务接口', formatType: 'REST' });
  });
  afterAll(async () => t.close());

  it('404 until registered; the provider admin registers it, header values are sealed and never returned', async () => {
    const none = await t.call(gajAdmin, 'GET', path());
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('NOT_FOUND');
    const set = await t.call(gajAdmin, 'PUT', path(), {
      url: 'https://upstream.example.gov.cn/api/person?key=k-123#frag', method: 'POST', timeoutMs: 3000, headers: { Authorization: 'Bearer top-secret-token', 'X-Region': '440400' },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({
      url: 'https://upstream.example.gov.cn/api/person?key=k-123', method: 'POST', timeoutMs: 3000, headerNames: ['Authorization', 'X-Region'], updatedAt: expect.any(String),
    });
    expect(set.body).not.toContain('top-secret-token');
    for (const token of [gajUser, platform]) {
      const got = await t.call(token, 'GET', path());
      expect(got.statusCode).toBe(200);
      expect(got.json().headerNames).toEqual(['Authorization', 'X-Region']);
      expect(got.body).not.toContain('top-secret-token');
    }
    const row = await t.db.selectFrom('data_proxy_endpoints').select('headers_sealed').where('resource_id', '=', apiResourceId).executeTakeFirstOrThrow();
    expect(row.headers_sealed).toMatch(/^v1\./);
    expect(row.headers_sealed).not.toContain('top-secret-token');
    const audit = await t.db.selectFrom('audit_events').select('detail').where('target_id', '=', apiResourceId).where('action', '=', 'data.proxy_endpoint_set').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.detail)).not.toMatch(/top-secret-token|k-123/);
  });

  it('keeps the registered headers when a change omits them, and replaces them when given', async () => {
    const changed = await t.call(gajAdmin, 'PUT', path(), { url: 'https://upstream.example.gov.cn/api/v2/person', method: 'GET', timeoutMs: 5000 });
    expect(changed.json()).toMatchObject({ method: 'GET', timeoutMs: 5000, headerNames: ['Authorization', 'X-Region'] });
    const cleared = await t.call(gajAdmin, 'PUT', path(), { url: 'https://upstream.example.gov.cn/api/v2/person', method: 'GET', timeoutMs: 5000, headers: {} });
    expect(cleared.json().headerNames).toEqual([]);
  });

  it('a provider of another department, the provider\'s plain users and the platform admin may not configure it; outsiders may not read it', async () => {
    const body = { url: 'https://evil.example.com/collect', method: 'GET', timeoutMs: 1000 };
    for (const token of [scjAdmin, swjAdmin, gajUser, platform]) {
      const res = await t.call(token, 'PUT', path(), body);
      expect(res.statusCode, res.body).toBe(403);
    }
    for (const token of [scjAdmin, swjAdmin]) expect((await t.call(token, 'GET', path())).statusCode).toBe(403);
    expect((await t.call(gajUser, 'GET', path())).json().url).not.toContain('evil');
  });

  it('validates the URL, timeout and headers', async () => {
    const base = { url: 'https://upstream.example.gov.cn/x', method: 'GET', timeoutMs: 3000 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, url: 'ftp://upstream.example.gov.cn/x' }, 'PROXY_ENDPOINT_INVALID'],
      [{ ...base, url: 'not a url' }, 'PROXY_ENDPOINT_INVALID'],
      [{ ...base, url: 'https://user:pass@upstream.example.gov.cn/x' }, 'PROXY_ENDPOINT_INVALID'],
      [{ ...base, timeoutMs: 99 }, 'VALIDATION_FAILED'],
      [{ ...base, timeoutMs: 60_001 }, 'VALIDATION_FAILED'],
      [{ ...base, method: 'DELETE' }, 'VALIDATION_FAILED'],
      [{ ...base, headers: { Host: 'internal' } }, 'PROXY_ENDPOINT_INVALID'],
      [{ ...base, headers: { 'bad name': 'x' } }, 'PROXY_ENDPOINT_INVALID'],
      [{ ...base, headers: { 'X-Token': 'a\r\nX-Injected: 1' } }, 'PROXY_ENDPOINT_INVALID'],
    ];
    for (const [body, code] of cases) {
      const res = await t.call(gajAdmin, 'PUT', path(), body);
      expect(res.json().code, JSON.stringify(body)).toBe(code);
    }
  });

  it('only 接口 resources: 409 for a 库表 resource', async () => {
    const tableId = await publishResource(t, { provider: gajAdmin, platform }, { name: '户籍库表（非接口）' });
    const res = await t.call(gajAdmin, 'PUT', `/api/v1/resources/${tableId}/proxy-endpoint`, { url: 'https://a.example/x', method: 'GET', timeoutMs: 1000 });
    expect(res.json()).toMatchObject({ code: 'DATA_KIND_MISMATCH', kind: 'table' });
  });
});

describe('shapeUpstreamJson', () => {
  const grant = { items: ['公民身份号码', '姓名', '出生日期'], masking: { 公民身份号码: 'idNumber' as const } };
  const resourceItems = ['公民身份号码', '姓名', '出生日期', '联系电话', '住址'];
  const person = { 公民身份号码: '440402199001011234', 姓名: '张三', 联系电话: '13800001234', 住址: '珠海市香洲区某路1号', internal: 'x' };

  it('cuts a top-level object to the granted items and masks it', () => {
    expect(shapeUpstreamJson(person, grant, resourceItems)).toEqual({
      body: { 公民身份号码: '440402********1234', 姓名: '张三' }, items: ['公民身份号码', '姓名'], rows: 1,
    });
  });

  it('cuts each record of a top-level array; non-records are dropped', () => {
    expect(shapeUpstreamJson([person, 'stray', { 出生日期: '1990-01-01' }], grant, resourceItems)).toEqual({
      body: [{ 公民身份号码: '440402********1234', 姓名: '张三' }, { 出生日期: '1990-01-01' }], items: ['公民身份号码', '姓名', '出生日期'], rows: 2,
    });
  });

  it('cuts the record arrays of an envelope and keeps only counters and flags beside them', () => {
    for (const key of ['items', 'data', 'rows', 'list']) {
      const shaped = shapeUpstreamJson({ total: 1, hasMore: false, message: '成功', 联系电话: '13800001234', [key]: [person] }, grant, resourceItems);
      expect(shaped).toEqual({ body: { total: 1, hasMore: false, [key]: [{ 公民身份号码: '440402********1234', 姓名: '张三' }] }, items: ['公民身份号码', '姓名'], rows: 1 });
    }
    expect(shapeUpstreamJson({ code: 0, data: { total: 1, list: [person] } }, grant, resourceItems)?.body)
      .toEqual({ code: 0, data: { total: 1, list: [{ 公民身份号码: '440402********1234', 姓名: '张三' }] } });
    expect(shapeUpstreamJson({ code: 0, data: person }, grant, resourceItems)).toMatchObject({ body: { code: 0, data: { 姓名: '张三' } }, rows: 1 });
  });

  it('refuses JSON that is neither object nor array', () => {
    expect(shapeUpstreamJson('text', grant, resourceItems)).toBeNull();
    expect(shapeUpstreamJson(null, grant, resourceItems)).toBeNull();
  });
});
