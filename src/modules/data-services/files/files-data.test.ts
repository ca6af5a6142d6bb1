import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { aTableResourceWithGrant, anApp, signedInject, type TableResourceWithGrant } from '../../../../test/helpers/data-services-factories.js';

const sm3 = (data: Buffer | string) => createHash('sm3').update(data).digest('hex');

function multipart(filename: string, content: Buffer | string, note?: string) {
  const boundary = `----govshare-files-${Math.random().toString(36).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(note === undefined ? '' : `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n${note}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('file resources (文件): data API', () => {
  let t: TestApp;
  let g: TableResourceWithGrant;
  const v1 = '第一版：2026 年企业年报汇总';
  const v2 = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x80]);
  const flush = () => (t.app as unknown as { services: { dataServices: { api: { flush(): Promise<void> } } } }).services.dataServices.api.flush();
  const lastCall = async () => {
    await flush();
    return t.db.selectFrom('data_calls').selectAll().where('resource_id', '=', g.resourceId).orderBy('at', 'desc').limit(1).executeTakeFirstOrThrow();
  };

  beforeAll(async () => {
    t = await createTestApp();
    g = await aTableResourceWithGrant(t, { name: '企业年报文件汇编', formatClass: '电子文件' });
    for (const [filename, content, note] of [['年报汇总.txt', v1, '首版'], ['年报(修订).pdf', v2, undefined]] as const) {
      const { payload, contentType } = multipart(filename, content, note);
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/resources/${g.resourceId}/files`, payload, headers: { authorization: `Bearer ${g.tokens.gajAdmin}`, 'content-type': contentType } });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => t.close());

  it('lists the versions, newest first, without internal ids', async () => {
    const res = await signedInject(t, g.app, 'GET', `/api/v1/files/${g.code}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toEqual([
      { versionNo: 2, filename: '年报(修订).pdf', contentType: 'application/pdf', size: v2.length, sm3: sm3(v2), note: null, createdAt: expect.any(String) },
      { versionNo: 1, filename: '年报汇总.txt', contentType: 'text/plain; charset=utf-8', size: Buffer.byteLength(v1), sm3: sm3(v1), note: '首版', createdAt: expect.any(String) },
    ]);
    expect(await lastCall()).toMatchObject({ operation: 'file', status: 200, rows: 2, items: [], grant_id: g.grantId, consumer_org_id: g.consumerOrgId });
  });

  it('downloads a version or the latest, byte for byte, with its SM3 and an RFC 5987 file name', async () => {
    const latest = await signedInject(t, g.app, 'GET', `/api/v1/files/${g.code}/versions/latest`);
    expect(latest.statusCode, latest.body).toBe(200);
    expect(latest.rawPayload.equals(v2)).toBe(true);
    expect(latest.headers['content-type']).toBe('application/pdf');
    expect(latest.headers['x-content-sm3']).toBe(sm3(v2));
    expect(latest.headers['content-disposition']).toBe(`attachment; filename="__(__).pdf"; filename*=UTF-8''${encodeURIComponent('年报')}%28${encodeURIComponent('修订')}%29.pdf`);
    expect(await lastCall()).toMatchObject({ operation: 'file', status: 200, rows: 1, items: [] });

    const first = await signedInject(t, g.app, 'GET', `/api/v1/files/${g.code}/versions/1`);
    expect(first.statusCode).toBe(200);
    expect(first.body).toBe(v1);
    expect(first.headers['x-content-sm3']).toBe(sm3(v1));
  });

  it('404 for a missing version, 400 for a malformed one; both logged', async () => {
    const missing = await signedInject(t, g.app, 'GET', `/api/v1/files/${g.code}/versions/9`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('FILE_NOT_FOUND');
    expect(await lastCall()).toMatchObject({ status: 404, error_code: 'FILE_NOT_FOUND' });
    const bad = await signedInject(t, g.app, 'GET', `/api/v1/files/${g.code}/versions/1abc`);
    expect(bad.statusCode).toBe(400);
  });

  it('refuses unsigned calls, other departments without a grant, a 库表 resource, and a revoked grant', async () => {
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/files/${g.code}/versions/latest` })).statusCode).toBe(401);
    const gajApp = await anApp(t, g.tokens.gajAdmin, '公安局自有应用');
    const noGrant = await signedInject(t, gajApp, 'GET', `/api/v1/files/${g.code}/versions/latest`);
    expect(noGrant.statusCode).toBe(403);
    expect(noGrant.json().code).toBe('GRANT_REQUIRED');
    const table = await aTableResourceWithGrant(t, { name: '户籍库表（文件接口测试）' }, g.tokens);
    const wrongKind = await signedInject(t, table.app, 'GET', `/api/v1/files/${table.code}`);
    expect(wrongKind.statusCode).toBe(409);
    expect(wrongKind.json().code).toBe('DATA_KIND_MISMATCH');
    const tampered = await signedInject(t, { ...g.app, appSecret: 'not-the-secret' }, 'GET', `/api/v1/files/${g.code}/versions/latest`);
    expect(tampered.statusCode).toBe(401);

    const revoked = await aTableResourceWithGrant(t, { name: '已撤销授权的文件', formatClass: '电子文件' }, g.tokens);
    expect((await t.call(g.tokens.gajAdmin, 'POST', `/api/v1/grants/${revoked.grantId}/revoke`, { reason: '停止共享' })).statusCode).toBe(200);
    const afterRevoke = await signedInject(t, revoked.app, 'GET', `/api/v1/files/${revoked.code}`);
    expect(afterRevoke.statusCode).toBe(403);
    expect(afterRevoke.json().code).toBe('GRANT_REVOKED');
  });
});
