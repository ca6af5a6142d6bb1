import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';

const sample = readFileSync(new URL('../../../test/fixtures/catalog-sample.xlsx', import.meta.url));
const expected = JSON.parse(readFileSync(new URL('../../../test/fixtures/catalog-sample.expected.json', import.meta.url), 'utf8'));

function multipart(file: Buffer) {
  const boundary = '----govshare-roundtrip';
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="catalog.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Imports a workbook as the platform admin, submitted, and approves every block. */
async function importAndPublish(t: TestApp, token: string, file: Buffer) {
  const { payload, headers } = multipart(file);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/catalog/imports?submit=true', payload, headers: { ...headers, authorization: `Bearer ${token}` } });
  expect(res.statusCode).toBe(200);
  const report = res.json();
  for (const block of report.resources) expect((await t.call(token, 'POST', `/api/v1/resources/${block.id}/approve`, {})).statusCode).toBe(200);
  return report;
}

/** The exported catalog without the codes the platform assigned, in a stable order. */
const comparable = (body: string) =>
  (JSON.parse(body) as { code: string; name: string; providerCode: string }[])
    .map(({ code: _code, ...rest }) => rest)
    .sort((a, b) => `${a.providerCode}${a.name}`.localeCompare(`${b.providerCode}${b.name}`));

describe('catalog export → import round trip', () => {
  const apps: TestApp[] = [];
  afterAll(async () => { for (const app of apps) await app.close(); });

  it('imports the sample with zero errors and the expected counts, and re-importing its export reproduces the catalog', async () => {
    const first = await createTestApp();
    apps.push(first);
    const platform = await first.login('platform');
    const report = await importAndPublish(first, platform, sample);
    expect(report).toMatchObject({ imported: expected.resources, failed: 0 });
    expect(report.resources.map((r: { row: number; name: string }) => [r.row, r.name])).toEqual(expected.blocks.map((b: { row: number; name: string }) => [b.row, b.name]));
    const items = await first.db.selectFrom('catalog_resource_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(items.n)).toBe(expected.infoItems);

    const workbook = await first.call(platform, 'GET', '/api/v1/catalog/export?format=xlsx');
    expect(workbook.statusCode).toBe(200);
    const before = (await first.call(platform, 'GET', '/api/v1/catalog/export?format=json')).body;

    const second = await createTestApp();
    apps.push(second);
    const platform2 = await second.login('platform');
    const again = await importAndPublish(second, platform2, workbook.rawPayload);
    expect(again).toMatchObject({ imported: expected.resources, failed: 0 });
    const after = (await second.call(platform2, 'GET', '/api/v1/catalog/export?format=json')).body;
    expect(comparable(after)).toEqual(comparable(before));
    expect(comparable(after)).toHaveLength(expected.resources);
  });
});
