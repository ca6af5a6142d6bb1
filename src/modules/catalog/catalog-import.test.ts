import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { aResource, GAJ_USCC, SCJ_USCC } from '../../../test/helpers/catalog-factories.js';
import { writeCatalogWorkbook } from './import/index.js';

function multipart(file: Buffer) {
  const boundary = '----govshare-test';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="catalog.xlsx"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('catalog import', () => {
  let t: TestApp;
  let platform: string, gajAdmin: string;
  const upload = async (token: string, file: Buffer, query: string) => {
    const { payload, headers } = multipart(file);
    return t.app.inject({ method: 'POST', url: `/api/v1/catalog/imports?${query}`, payload, headers: { ...headers, authorization: `Bearer ${token}` } });
  };

  beforeAll(async () => {
    t = await createTestApp();
    [platform, gajAdmin] = await Promise.all(['platform', 'gaj_admin'].map((u) => t.login(u))) as [string, string];
  });
  afterAll(async () => t.close());

  it('dry-runs without writing, then imports valid blocks and reports the foreign one per block', async () => {
    const file = await writeCatalogWorkbook([
      { ...aResource({ name: '户籍人口基本信息' }), code: null },
      { ...aResource({ name: '流动人口信息' }), code: null },
      { ...aResource({ name: '企业登记信息', providerCode: SCJ_USCC, providerName: '珠海市市场监督管理局' }), code: null },
    ]);
    const dry = await upload(gajAdmin, file, 'dryRun=true');
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ imported: 2, failed: 1 });
    expect(await t.db.selectFrom('catalog_resources').select('id').execute()).toHaveLength(0);

    const real = (await upload(gajAdmin, file, 'submit=true')).json();
    expect(real).toMatchObject({ imported: 2, failed: 1 });
    const foreign = real.resources.find((r: { name: string }) => r.name === '企业登记信息');
    expect(foreign.errors[0].message).toContain('本部门');
    const ok = real.resources.find((r: { name: string }) => r.name === '户籍人口基本信息');
    expect(ok.code).toMatch(/^3\d{8}\/\d{6}$/);
    const detail = (await t.call(gajAdmin, 'GET', `/api/v1/resources/${ok.id}`)).json();
    expect(detail.status).toBe('submitted');
    const audit = await t.db.selectFrom('audit_events').select('detail').where('action', '=', 'catalog.imported').execute();
    expect(audit.at(-1)!.detail).toMatchObject({ created: 2, revised: 0, failed: 1 });
  });

  it('turns a block matching an existing resource of the same provider and name into a new version, not a duplicate', async () => {
    const [first] = await t.app.services.catalog.importResources(
      { userId: '00000000-0000-0000-0000-000000000000', username: 'platform', orgId: null, roles: ['platform_admin'] },
      { actor: null, ip: null }, [aResource({ name: '居住证信息' })], { submit: true },
    );
    await t.call(platform, 'POST', `/api/v1/resources/${first!.id}/approve`, {});
    const file = await writeCatalogWorkbook([{ ...aResource({ name: '居住证信息', summary: '新的摘要' }), code: null }]);
    const res = (await upload(gajAdmin, file, '')).json();
    expect(res.resources[0]).toMatchObject({ id: first!.id, action: 'revised' });
    const detail = (await t.call(gajAdmin, 'GET', `/api/v1/resources/${first!.id}`)).json();
    expect(detail.published.versionNo).toBe(1);
    expect(detail.working).toMatchObject({ versionNo: 2, status: 'draft', summary: '新的摘要' });
    expect((await t.db.selectFrom('catalog_resources').select('id').where('name', '=', '居住证信息').execute())).toHaveLength(1);
  });

  it('rejects a request without a file', async () => {
    const res = await t.call(gajAdmin, 'POST', '/api/v1/catalog/imports', {});
    expect(res.statusCode).toBe(400);
  });

  it('resolves legacy org codes for the importer', async () => {
    expect(await t.app.services.catalog.findProviderByCode('WFA5YL7R-9')).toMatchObject({ uscc: GAJ_USCC });
    expect(await t.app.services.catalog.findProviderByCode('00000000-0')).toBeNull();
  });

  it('exports the shared catalog as xlsx, csv and json', async () => {
    const json = await t.call(gajAdmin, 'GET', '/api/v1/catalog/export?format=json');
    expect(json.statusCode).toBe(200);
    expect(json.body).toContain('居住证信息');
    const csv = await t.call(gajAdmin, 'GET', '/api/v1/catalog/export?format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const xlsx = await t.call(gajAdmin, 'GET', '/api/v1/catalog/export?format=xlsx');
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const events = await t.db.selectFrom('audit_events').select('action').where('action', '=', 'catalog.exported').execute();
    expect(events).toHaveLength(3);
  });
});
