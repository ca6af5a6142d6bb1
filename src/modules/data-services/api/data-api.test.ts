import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import {
  aTableResourceWithGrant, anApp, dataServicesTokens, dataUrl, peopleCsv, signedHeaders, signedInject, type TableResourceWithGrant,
} from '../../../../test/helpers/data-services-factories.js';

describe('signed data API: query and verify (库表)', () => {
  let t: TestApp;
  let tk: Awaited<ReturnType<typeof dataServicesTokens>>;
  let g: TableResourceWithGrant;
  let ids: string[];
  const clock = { offsetMs: 0 };
  const api = () => t.app.services.dataServices.api;

  /** Call-log rows of this test file's calls, flushed first. */
  async function calls() {
    await api().flush();
    return t.db.selectFrom('data_calls').selectAll().orderBy('at').execute();
  }

  beforeAll(async () => {
    t = await createTestApp({ now: () => new Date(Date.now() + clock.offsetMs) });
    tk = await dataServicesTokens(t);
    const people = peopleCsv(5);
    ids = people.ids;
    g = await aTableResourceWithGrant(t, { masking: { 姓名: 'name' }, keyItems: ['公民身份号码'], csv: people.csv }, tk);
  });
  afterAll(async () => t.close());

  it('happy path: exactly the granted items, masked as granted, ordered by key, paged by an opaque cursor; logged', async () => {
    const res = await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { limit: 2 }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
    const page1 = res.json();
    expect(page1.items).toHaveLength(2);
    for (const row of page1.items) {
      expect(Object.keys(row).sort()).toEqual(['公民身份号码', '出生日期', '姓名'].sort());
      expect(row.姓名).toMatch(/^张\*+$/);
    }
    const sorted = [...ids].sort();
    expect(page1.items.map((r: { 公民身份号码: string }) => r.公民身份号码)).toEqual(sorted.slice(0, 2));
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { limit: 2, cursor: page1.nextCursor }))).json();
    expect(page2.items.map((r: { 公民身份号码: string }) => r.公民身份号码)).toEqual(sorted.slice(2, 4));
    const page3 = (await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { limit: 2, cursor: page2.nextCursor }))).json();
    expect(page3.items).toHaveLength(1);
    expect(page3.nextCursor).toBeNull();

    const one = await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { 公民身份号码: ids[2]!, fields: '出生日期,姓名' }));
    expect(one.json()).toEqual({ items: [{ 出生日期: '1980-03-03', 姓名: '张**' }], nextCursor: null });

    const log = (await calls()).filter((c) => c.grant_id === g.grantId && c.status === 200);
    expect(log.length).toBeGreaterThanOrEqual(4);
    const last = log[log.length - 1]!;
    expect(last).toMatchObject({
      app_id: g.app.appId, app_key: g.app.appKey, consumer_org_id: g.consumerOrgId, provider_org_id: g.providerOrgId, resource_id: g.resourceId,
      resource_code: g.code, operation: 'query', items: ['出生日期', '姓名'], rows: 1, error_code: null,
    });
  });

  it('filters: in, gte/lte, prefix on unmasked items; equality only on a masked item', async () => {
    const inRes = await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { 公民身份号码__in: `${ids[0]},${ids[4]}` }));
    expect(inRes.json().items).toHaveLength(2);
    const range = await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { 出生日期__gte: '1980-02-01', 出生日期__lte: '1980-03-31' }));
    expect(range.json().items.map((r: { 出生日期: string }) => r.出生日期).sort()).toEqual(['1980-02-02', '1980-03-03']);
    const byName = await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { 姓名: '张三4' }));
    expect(byName.json().items).toEqual([expect.objectContaining({ 公民身份号码: ids[3], 姓名: '张**' })]);
    const prefix = await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { 姓名__prefix: '张' }));
    expect(prefix.statusCode).toBe(400);
    expect(prefix.json().code).toBe('DATA_FILTER_INVALID');
  });

  it('verify (核验): masked items may be verified; stored values never returned', async () => {
    const res = await signedInject(t, g.app, 'POST', g.verifyPath, { key: { 公民身份号码: ids[0] }, claims: { 姓名: '张三1', 出生日期: '1980-12-31' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ found: true, results: { 姓名: true, 出生日期: false } });
    const missing = await signedInject(t, g.app, 'POST', g.verifyPath, { key: { 公民身份号码: '11010519491231002X' }, claims: { 姓名: '张三1' } });
    expect(missing.json()).toEqual({ found: false, results: { 姓名: false } });
    const notGranted = await signedInject(t, g.app, 'POST', g.verifyPath, { key: { 公民身份号码: ids[0] }, claims: { 联系电话: '13800000001' } });
    expect(notGranted.statusCode).toBe(403);
    expect(notGranted.json()).toMatchObject({ code: 'ITEM_NOT_GRANTED', items: ['联系电话'] });
    const verifyLog = (await calls()).filter((c) => c.operation === 'verify');
    expect(verifyLog.map((c) => c.error_code)).toEqual([null, null, 'ITEM_NOT_GRANTED']);
    expect(verifyLog[2]!.items).toEqual(['公民身份号码', '联系电话']);
    expect(verifyLog[0]).toMatchObject({ items: ['公民身份号码', '姓名', '出生日期'], rows: 1 });
  });

  describe('attacker\'s side: each refused with its code and logged', () => {
    async function expectRefused(res: Awaited<ReturnType<typeof signedInject>>, status: number, code: string) {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().code).toBe(code);
      await api().flush();
      const row = await t.db.selectFrom('data_calls').selectAll().where('error_code', '=', code).orderBy('at', 'desc').executeTakeFirst();
      expect(row, `call log entry for ${code}`).toBeDefined();
      expect(row!.status).toBe(status);
      return row!;
    }

    it('an item not granted (fields or filter), named in the error', async () => {
      const res = await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { fields: '姓名,联系电话', 住址__prefix: '广东' }));
      expect(res.json().items).toEqual(['联系电话', '住址']);
      const row = await expectRefused(res, 403, 'ITEM_NOT_GRANTED');
      expect(row.items).toEqual(['姓名', '联系电话', '住址']);
      expect(row.grant_id).toBe(g.grantId);
    });

    it('SQL in a filter: a value is only a value; a bad typed value and an injected name are refused', async () => {
      const text = await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { 姓名: "' OR '1'='1" }));
      expect(text.statusCode).toBe(200);
      expect(text.json().items).toEqual([]);
      await expectRefused(await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { 出生日期: "1980-01-01'; drop table data_calls; --" })), 400, 'DATA_FILTER_INVALID');
      await expectRefused(await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { '1=1 or 姓名': 'x' })), 403, 'ITEM_NOT_GRANTED');
      expect((await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { limit: 1 }))).json().items).toHaveLength(1);
    });

    it('a tampered signature, a tampered query, an unknown key, missing headers', async () => {
      const url = dataUrl(g.dataPath, { limit: 1 });
      const h = signedHeaders(g.app, 'GET', url);
      const flipped = h['x-signature']!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
      await expectRefused(await t.app.inject({ method: 'GET', url, headers: { ...h, 'x-signature': flipped } }), 401, 'SIGNATURE_INVALID');
      const h2 = signedHeaders(g.app, 'GET', url);
      await expectRefused(await t.app.inject({ method: 'GET', url: dataUrl(g.dataPath, { limit: 2 }), headers: h2 }), 401, 'SIGNATURE_INVALID');
      const unknown = await signedInject(t, { appKey: 'ak000000000000000000000000', appSecret: 'x' }, 'GET', url);
      expect(unknown.json().code).toBe('SIGNATURE_INVALID');
      expect((await t.app.inject({ method: 'GET', url })).json().code).toBe('SIGNATURE_INVALID');
      const body = { key: { 公民身份号码: ids[0] }, claims: { 姓名: '张三1' } };
      const vh = signedHeaders(g.app, 'POST', g.verifyPath, JSON.stringify(body));
      const tamperedBody = await t.app.inject({ method: 'POST', url: g.verifyPath, headers: { ...vh, 'content-type': 'application/json' }, payload: JSON.stringify({ ...body, claims: { 姓名: '张三2' } }) });
      expect(tamperedBody.json().code).toBe('SIGNATURE_INVALID');
    });

    it('a replayed nonce and a stale timestamp', async () => {
      const url = dataUrl(g.dataPath, { limit: 1 });
      const nonce = `replay-${Date.now()}`;
      expect((await signedInject(t, g.app, 'GET', url, undefined, { nonce })).statusCode).toBe(200);
      await expectRefused(await signedInject(t, g.app, 'GET', url, undefined, { nonce }), 401, 'REPLAYED');
      const stale = await signedInject(t, g.app, 'GET', url, undefined, { timestamp: Date.now() - 6 * 60_000 });
      expect(stale.statusCode).toBe(401);
      expect(stale.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
      expect(stale.json().message).toContain('5 minutes');
    });

    it('another department\'s app (公安局 has no grant) and a resource without any grant', async () => {
      const gajApp = await anApp(t, tk.gajAdmin, '公安自有应用');
      const row = await expectRefused(await signedInject(t, gajApp, 'GET', g.dataPath), 403, 'GRANT_REQUIRED');
      expect(row.app_id).toBe(gajApp.appId);
    });

    it('a grant narrowed to another app of the same department', async () => {
      const second = await anApp(t, tk.scjAdmin, '另一个应用');
      const narrowed = await aTableResourceWithGrant(t, { app: g.app, keyItems: ['公民身份号码'], csv: peopleCsv(1).csv }, tk);
      expect((await signedInject(t, second, 'GET', narrowed.dataPath)).statusCode).toBe(200);
      expect((await t.call(tk.scjAdmin, 'PUT', `/api/v1/grants/${narrowed.grantId}/app`, { appId: g.app.appId })).statusCode).toBe(200);
      await expectRefused(await signedInject(t, second, 'GET', narrowed.dataPath), 403, 'GRANT_REQUIRED');
      expect((await signedInject(t, g.app, 'GET', narrowed.dataPath)).statusCode).toBe(200);
    });

    it('an expired grant (period ended, or status expired) and a revoked one (refused at once)', async () => {
      const ended = await aTableResourceWithGrant(t, { app: g.app, keyItems: ['公民身份号码'], csv: peopleCsv(1).csv }, tk);
      await t.db.updateTable('sharing_grants').set({ valid_from: '2025-01-01', valid_to: '2025-12-31' }).where('id', '=', ended.grantId).execute();
      const row = await expectRefused(await signedInject(t, g.app, 'GET', ended.dataPath), 403, 'GRANT_EXPIRED');
      expect(row.grant_id).toBeNull();
      const expired = await aTableResourceWithGrant(t, { app: g.app, keyItems: ['公民身份号码'], csv: peopleCsv(1).csv }, tk);
      await t.db.updateTable('sharing_grants').set({ status: 'expired', expired_at: new Date() }).where('id', '=', expired.grantId).execute();
      await expectRefused(await signedInject(t, g.app, 'GET', expired.dataPath), 403, 'GRANT_EXPIRED');

      const revoked = await aTableResourceWithGrant(t, { app: g.app, keyItems: ['公民身份号码'], csv: peopleCsv(1).csv }, tk);
      expect((await signedInject(t, g.app, 'GET', revoked.dataPath)).statusCode).toBe(200); // now cached
      expect((await t.call(tk.gajAdmin, 'POST', `/api/v1/grants/${revoked.grantId}/revoke`, { reason: '超范围使用' })).statusCode).toBe(200);
      await expectRefused(await signedInject(t, g.app, 'GET', revoked.dataPath), 403, 'GRANT_REVOKED');
    });

    it('a disabled app, then enabled again; a rotated secret: the old one refused at once', async () => {
      const app = await anApp(t, tk.scjAdmin, '停用测试应用');
      expect((await signedInject(t, app, 'GET', dataUrl(g.dataPath, { limit: 1 }))).statusCode).toBe(200);
      await t.call(tk.scjAdmin, 'POST', `/api/v1/apps/${app.appId}/disable`);
      await expectRefused(await signedInject(t, app, 'GET', dataUrl(g.dataPath, { limit: 1 })), 403, 'APP_DISABLED');
      await t.call(tk.scjAdmin, 'POST', `/api/v1/apps/${app.appId}/enable`);
      expect((await signedInject(t, app, 'GET', dataUrl(g.dataPath, { limit: 1 }))).statusCode).toBe(200);

      const rotated = (await t.call(tk.scjAdmin, 'POST', `/api/v1/apps/${app.appId}/rotate-secret`)).json();
      const before = (await calls()).length;
      const old = await signedInject(t, app, 'GET', dataUrl(g.dataPath, { limit: 1 }));
      expect(old.json().code).toBe('SIGNATURE_INVALID');
      expect((await calls()).length).toBe(before + 1);
      expect((await signedInject(t, { appKey: app.appKey, appSecret: rotated.appSecret }, 'GET', dataUrl(g.dataPath, { limit: 1 }))).statusCode).toBe(200);
    });

    it('quota exceeded: 429 with resetAt (next CST midnight) and Retry-After; refused calls do not count', async () => {
      const q = await aTableResourceWithGrant(t, { app: g.app, dailyQuota: 3, keyItems: ['公民身份号码'], csv: peopleCsv(2).csv }, tk);
      expect((await signedInject(t, g.app, 'GET', dataUrl(q.dataPath, { fields: '联系电话' }))).statusCode).toBe(403);
      for (let i = 0; i < 3; i++) expect((await signedInject(t, g.app, 'GET', q.dataPath)).statusCode).toBe(200);
      const over = await signedInject(t, g.app, 'GET', q.dataPath);
      const row = await expectRefused(over, 429, 'QUOTA_EXCEEDED');
      expect(row.grant_id).toBe(q.grantId);
      const resetAt = new Date(over.json().resetAt);
      expect(resetAt.getTime()).toBeGreaterThan(Date.now());
      expect((resetAt.getTime() + 8 * 3600_000) % 86_400_000).toBe(0);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      const usage = await t.db.selectFrom('data_quota_usage').select('used').where('grant_id', '=', q.grantId).executeTakeFirstOrThrow();
      expect(usage.used).toBe(3);
    });

    it('wrong kind and unknown resources', async () => {
      await expectRefused(await signedInject(t, g.app, 'GET', '/api/v1/data/999999999/000001'), 404, 'DATA_RESOURCE_NOT_FOUND');
      const file = await aTableResourceWithGrant(t, { app: g.app, formatClass: '电子文件' }, tk);
      await expectRefused(await signedInject(t, g.app, 'GET', file.dataPath), 409, 'DATA_KIND_MISMATCH');
    });

    it('a forged cursor and a malformed body are refused and logged', async () => {
      await expectRefused(await signedInject(t, g.app, 'GET', dataUrl(g.dataPath, { cursor: 'v1.AAAA' })), 400, 'DATA_CURSOR_INVALID');
      const raw = '{"key": ';
      const headers = { ...signedHeaders(g.app, 'POST', g.verifyPath, raw), 'content-type': 'application/json' };
      const res = await t.app.inject({ method: 'POST', url: g.verifyPath, headers, payload: raw });
      expect(res.json().code).toBe('DATA_FILTER_INVALID');
    });
  });
});
