import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataServicesTokens } from '../../../../test/helpers/data-services-factories.js';
import { publishResource } from '../../../../test/helpers/sharing-factories.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { aResource } from '../../../../test/helpers/catalog-factories.js';
import { createDatastoreService, datastoreLayout, selectRows, verifyClaims } from './index.js';
import { citizenId, citizenIdLarge, multipartBody, TYPED_ITEMS, VALID_USCC } from './datastore-test-support.js';

let t: TestApp;
let tk: Awaited<ReturnType<typeof dataServicesTokens>>;

beforeAll(async () => {
  t = await createTestApp();
  tk = await dataServicesTokens(t);
}, 60_000);
afterAll(async () => t?.close());

async function aTypedResource(items = TYPED_ITEMS, name = `类型测试${Math.random().toString(36).slice(2, 8)}`): Promise<string> {
  return publishResource(t, { provider: tk.gajAdmin, platform: tk.platform }, { name, items, formatClass: '数据库' });
}

async function upload(resourceId: string, filename: string, content: Buffer | string, query = 'mode=replace', token = tk.gajAdmin) {
  const { payload, contentType } = multipartBody(filename, content);
  return t.app.inject({ method: 'POST', url: `/api/v1/resources/${resourceId}/loads?${query}`, payload, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } });
}

async function define(resourceId: string, keyItems: string[], token = tk.gajAdmin) {
  return t.call(token, 'PUT', `/api/v1/resources/${resourceId}/datastore`, { keyItems });
}

const HEADER = TYPED_ITEMS.map((i) => i.name).join(',');
const ID1 = citizenId(1);
const ID2 = citizenId(2);
const ID3 = citizenId(3);

async function allRows(resourceId: string, items = TYPED_ITEMS.map((i) => i.name)) {
  const layout = (await datastoreLayout(t.db, resourceId))!;
  return (await selectRows(t.db, layout, { filters: [], items, limit: 1000, after: null })).rows;
}

describe('datastore definition', () => {
  it('creates a typed table with the key, maps items to columns and reports an empty store', async () => {
    const id = await aTypedResource();
    const before = await t.call(tk.gajUser, 'GET', `/api/v1/resources/${id}/datastore`);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ exists: false, tableName: null, kind: 'table', pendingItems: TYPED_ITEMS.map((i) => i.name) });

    const res = await define(id, ['公民身份号码']);
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view).toMatchObject({ exists: true, tableName: `data_store.r_${id.replace(/-/g, '')}`, keyItems: ['公民身份号码'], rowCount: 0, pendingItems: [] });
    expect(view.columns.slice(0, 3)).toEqual([
      { item: '公民身份号码', column: 'c_1', dataType: 'C', length: 18 },
      { item: '姓名', column: 'c_2', dataType: 'C', length: 4 },
      { item: '出生日期', column: 'c_3', dataType: 'D', length: null },
    ]);
  });

  it('refuses other departments and department users, and unknown or JSON key items', async () => {
    const id = await aTypedResource();
    expect((await define(id, ['公民身份号码'], tk.scjAdmin)).statusCode).toBe(403);
    expect((await define(id, ['公民身份号码'], tk.gajUser)).statusCode).toBe(403);
    expect((await t.call(tk.scjUser, 'GET', `/api/v1/resources/${id}/datastore`)).statusCode).toBe(403);
    expect((await t.call(tk.scjAdmin, 'GET', `/api/v1/resources/${id}/loads`)).statusCode).toBe(403);
    const unknown = await define(id, ['不存在']);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('DATASTORE_INVALID');
    expect((await define(id, ['扩展'])).json().code).toBe('DATASTORE_INVALID');
    expect((await define(id, ['公民身份号码'], tk.platform)).statusCode).toBe(200);
    expect((await upload(id, 'rows.csv', `${HEADER}\n`, 'mode=replace', tk.scjAdmin)).statusCode).toBe(403);
  });

  it('refuses file resources and unpublished ones', async () => {
    const fileId = await publishResource(t, { provider: tk.gajAdmin, platform: tk.platform }, { name: `文件资源${Math.random().toString(36).slice(2, 6)}`, formatClass: '电子文件', formatType: 'pdf' });
    const wrongKind = await define(fileId, ['姓名']);
    expect(wrongKind.statusCode).toBe(409);
    expect(wrongKind.json().code).toBe('DATA_KIND_MISMATCH');
    expect((await upload(fileId, 'a.csv', '姓名\n张三\n')).json().code).toBe('DATA_KIND_MISMATCH');
    const missing = await define('00000000-0000-4000-8000-000000000000', ['姓名']);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('DATA_RESOURCE_NOT_FOUND');
  });

  it('adds columns for new items of a newer published version, and locks the key once rows exist', async () => {
    const items = TYPED_ITEMS.slice(0, 3);
    const id = await aTypedResource(items);
    expect((await define(id, ['姓名'])).statusCode).toBe(200);
    // No rows yet: the key may still change.
    expect((await define(id, ['公民身份号码'])).json().keyItems).toEqual(['公民身份号码']);
    expect((await upload(id, 'a.csv', `公民身份号码,姓名\n${ID1},张三\n`)).json().status).toBe('succeeded');

    const detail = (await t.call(tk.gajAdmin, 'GET', `/api/v1/resources/${id}`)).json();
    const newer = aResource({ name: detail.name ?? '户籍人口基本信息', code: detail.code, items: [...items, { name: '联系电话', dataType: 'C', length: 20 }] });
    const draft = await t.call(tk.gajAdmin, 'PUT', `/api/v1/resources/${id}/draft`, newer);
    expect(draft.statusCode, draft.body).toBe(200);
    expect((await t.call(tk.gajAdmin, 'POST', `/api/v1/resources/${id}/submit`)).statusCode).toBe(200);
    expect((await t.call(tk.platform, 'POST', `/api/v1/resources/${id}/approve`, {})).statusCode).toBe(200);

    expect((await t.call(tk.gajAdmin, 'GET', `/api/v1/resources/${id}/datastore`)).json().pendingItems).toEqual(['联系电话']);
    const locked = await define(id, ['姓名']);
    expect(locked.statusCode).toBe(409);
    expect(locked.json().code).toBe('DATASTORE_KEY_LOCKED');
    const added = await define(id, ['公民身份号码']);
    expect(added.statusCode).toBe(200);
    expect(added.json().columns.at(-1)).toEqual({ item: '联系电话', column: 'c_4', dataType: 'C', length: 20 });
    expect(added.json().rowCount).toBe(1);
    expect((await upload(id, 'b.csv', `公民身份号码,联系电话\n${ID1},13800000000\n`, 'mode=upsert')).json().status).toBe('succeeded');
    expect(await allRows(id, ['公民身份号码', '姓名', '联系电话'])).toEqual([{ 公民身份号码: ID1, 姓名: '张三', 联系电话: '13800000000' }]);
  });
});

describe('loads', () => {
  let id: string;
  beforeAll(async () => {
    id = await aTypedResource();
    await define(id, ['公民身份号码']);
  });

  it('loads every type from CSV (BOM, CRLF, quotes) and reads the same JSON values back on either engine', async () => {
    const csv = `\uFEFF${HEADER}\r\n`
      + `${ID1},"张,三",1990-01-02,12.5,42,0.25,是,2026-11-21 08:30,"多行\r\n""备注""",{"a":1},${VALID_USCC},123.4\r\n`
      + `${ID2},李四,2000/2/3,-3,9007199254740993,1e3,N,2026-11-21T00:00:00Z,制表\t反斜杠\\,纯文本,,\r\n`
      + `${ID3},,20010304,,,,,,,,,\r\n`;
    const res = await upload(id, 'rows.csv', csv);
    expect(res.statusCode).toBe(200);
    const load = res.json();
    expect(load).toMatchObject({ status: 'succeeded', mode: 'replace', format: 'csv', filename: 'rows.csv', totalRows: 3, loaded: 3, failed: 0, errors: [], startedBy: 'gaj_admin' });
    expect(load.bytesRead).toBe(Buffer.byteLength(csv));

    expect(await allRows(id)).toEqual([
      { 公民身份号码: ID1, 姓名: '张,三', 出生日期: '1990-01-02', 金额: '12.50', 数量: 42, 比率: 0.25, 在册: true, 登记时间: '2026-11-21T00:30:00.000Z', 备注: '多行\r\n"备注"', 扩展: { a: 1 }, 统一社会信用代码: VALID_USCC, 数值: '123.4' },
      { 公民身份号码: ID2, 姓名: '李四', 出生日期: '2000-02-03', 金额: '-3.00', 数量: '9007199254740993', 比率: 1000, 在册: false, 登记时间: '2026-11-21T00:00:00.000Z', 备注: '制表\t反斜杠\\', 扩展: '纯文本', 统一社会信用代码: null, 数值: null },
      { 公民身份号码: ID3, 姓名: null, 出生日期: '2001-03-04', 金额: null, 数量: null, 比率: null, 在册: null, 登记时间: null, 备注: null, 扩展: null, 统一社会信用代码: null, 数值: null },
    ].sort((a, b) => a.公民身份号码.localeCompare(b.公民身份号码)));
    const view = (await t.call(tk.gajUser, 'GET', `/api/v1/resources/${id}/datastore`)).json();
    expect(view.rowCount).toBe(3);
    expect(view.lastLoadedAt).not.toBeNull();
  });

  it('reports each failing row with its item and a Chinese message, and changes nothing', async () => {
    const before = await allRows(id);
    const csv = `${HEADER}\n`
      + `${ID1},张三丰五六,1990-13-01,1.234,4.5,abc,也许,昨天,,,91440400XXXXXXXXXX,123456\n`
      + `440402199001011234,,,,,,,,,,,\n`
      + `,无主键,,,,,,,,,,\n`
      + `${ID2},正常,,,,,,,,,,\n`;
    const res = await upload(id, 'bad.csv', csv);
    expect(res.statusCode).toBe(200);
    const load = res.json();
    expect(load).toMatchObject({ status: 'failed', loaded: 0, failed: 3, totalRows: 4 });
    const at = (row: number, item: string) => load.errors.find((e: { row: number; item: string }) => e.row === row && e.item === item)?.message;
    expect(at(2, '姓名')).toMatch(/长度 5 超过 4 个字符/);
    expect(at(2, '出生日期')).toMatch(/不是有效的日期/);
    expect(at(2, '金额')).toMatch(/最多两位小数/);
    expect(at(2, '数量')).toMatch(/不是整数/);
    expect(at(2, '比率')).toMatch(/不是有效的数值/);
    expect(at(2, '在册')).toMatch(/不是有效的逻辑值/);
    expect(at(2, '登记时间')).toMatch(/不是有效的日期时间/);
    expect(at(2, '统一社会信用代码')).toMatch(/统一社会信用代码不正确/);
    expect(at(2, '数值')).toMatch(/位数超过 5 位/);
    expect(at(3, '公民身份号码')).toMatch(/公民身份号码不正确/);
    expect(at(4, '公民身份号码')).toMatch(/主键数据项不能为空/);
    expect(load.message).toMatch(/未做任何更改/);
    expect(await allRows(id)).toEqual(before);
    const history = (await t.call(tk.gajUser, 'GET', `/api/v1/resources/${id}/loads`)).json().items;
    expect(history[0]).toMatchObject({ id: load.id, status: 'failed' });
  });

  it('reads CSV edge cases the same way on either engine: CR line ends, blank lines, short rows, text after a closing quote', async () => {
    const r = await aTypedResource(TYPED_ITEMS.slice(0, 5));
    await define(r, ['公民身份号码']);
    const csv = ` 公民身份号码 ,姓名,数量\r${ID1},"张"三,7\r\r${ID2},""\r${ID3},"李""四",\r\n\n`;
    const ok = (await upload(r, 'edge.csv', csv)).json();
    expect(ok).toMatchObject({ status: 'succeeded', loaded: 3, totalRows: 3 });
    expect(await allRows(r, ['公民身份号码', '姓名', '数量'])).toEqual([
      { 公民身份号码: ID1, 姓名: '张三', 数量: 7 }, { 公民身份号码: ID2, 姓名: null, 数量: null }, { 公民身份号码: ID3, 姓名: '李"四', 数量: null },
    ].sort((a, b) => a.公民身份号码.localeCompare(b.公民身份号码)));
    const wide = (await upload(r, 'wide.csv', `公民身份号码,姓名\n${ID1},张三,多余\n${ID2},李四,\n`)).json();
    expect(wide).toMatchObject({ status: 'failed', failed: 1, errors: [{ row: 2, item: null, message: '字段数 3 多于表头的 2 列' }] });
    const empty = await upload(r, 'empty.csv', '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toMatch(/文件为空/);
    const open = (await upload(r, 'open.csv', `公民身份号码,姓名\n${ID1},"张三\n${ID2},李四\n`)).json();
    expect(open).toMatchObject({ status: 'failed', errors: [{ row: 2, item: null, message: '引号未闭合' }] });
    const noNewline = (await upload(r, 'last.csv', `公民身份号码,数量\n${ID1},"8"`, 'mode=upsert')).json();
    expect(noNewline).toMatchObject({ status: 'succeeded', loaded: 1 });
    expect((await allRows(r, ['公民身份号码', '数量']))[0]).toEqual({ 公民身份号码: ID1, 数量: 8 });
  });

  it('refuses duplicate keys in the file, naming the key value and both rows', async () => {
    const before = await allRows(id);
    const res = await upload(id, 'dup.csv', `公民身份号码,姓名\n${ID1},甲\n${ID2},乙\n${ID1},丙\n`);
    const load = res.json();
    expect(load).toMatchObject({ status: 'failed', loaded: 0, failed: 1 });
    expect(load.errors).toEqual([{ row: 4, item: '公民身份号码', message: `主键重复（公民身份号码=${ID1}），与第 2 行相同` }]);
    expect(await allRows(id)).toEqual(before);
    const upsert = (await upload(id, 'dup.csv', `公民身份号码,姓名\n${ID1},甲\n${ID1},丙\n`, 'mode=upsert')).json();
    expect(upsert.status).toBe('failed');
    expect(upsert.errors[0].row).toBe(3);
  });

  it('refuses unknown headers and missing key items with 400 naming them', async () => {
    const unknown = await upload(id, 'h.csv', `公民身份号码,籍贯,住所\n${ID1},广东,珠海\n`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('DATA_LOAD_INVALID');
    expect(unknown.json().message).toMatch(/籍贯、住所/);
    const missing = await upload(id, 'h.csv', `姓名\n张三\n`);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/缺少主键数据项：公民身份号码/);
    expect((await upload(id, 'h.txt.doc', `姓名\n`)).json().code).toBe('DATA_LOAD_INVALID');
  });

  it('replace makes the table exactly the file; upsert inserts or updates by key and keeps other columns', async () => {
    const r = await aTypedResource(TYPED_ITEMS.slice(0, 5));
    await define(r, ['公民身份号码']);
    await upload(r, 'a.csv', `公民身份号码,姓名,数量\n${ID1},甲,1\n${ID2},乙,2\n`);
    const up = (await upload(r, 'b.csv', `公民身份号码,数量\n${ID2},20\n${ID3},30\n`, 'mode=upsert')).json();
    expect(up).toMatchObject({ status: 'succeeded', loaded: 2, mode: 'upsert' });
    expect(await allRows(r, ['公民身份号码', '姓名', '数量'])).toEqual([
      { 公民身份号码: ID1, 姓名: '甲', 数量: 1 }, { 公民身份号码: ID2, 姓名: '乙', 数量: 20 }, { 公民身份号码: ID3, 姓名: null, 数量: 30 },
    ].sort((a, b) => a.公民身份号码.localeCompare(b.公民身份号码)));
    expect((await t.call(tk.gajAdmin, 'GET', `/api/v1/resources/${r}/datastore`)).json().rowCount).toBe(3);
    await upload(r, 'c.csv', `公民身份号码,姓名\n${ID3},丙\n`);
    expect(await allRows(r, ['公民身份号码', '姓名', '数量'])).toEqual([{ 公民身份号码: ID3, 姓名: '丙', 数量: null }]);
    expect((await t.call(tk.gajAdmin, 'GET', `/api/v1/resources/${r}/datastore`)).json().rowCount).toBe(1);
    const history = (await t.call(tk.gajAdmin, 'GET', `/api/v1/resources/${r}/loads`)).json().items;
    expect(history.map((l: { mode: string }) => l.mode)).toEqual(['replace', 'upsert', 'replace']);
    const one = await t.call(tk.gajUser, 'GET', `/api/v1/loads/${history[0].id}`);
    expect(one.json()).toMatchObject({ id: history[0].id, status: 'succeeded', loaded: 1 });
    expect((await t.call(tk.scjAdmin, 'GET', `/api/v1/loads/${history[0].id}`)).statusCode).toBe(404);
  });

  it('loads XLSX (first sheet, typed cells) and JSON lines with the same result', async () => {
    const r = await aTypedResource(TYPED_ITEMS.slice(0, 8));
    await define(r, ['公民身份号码']);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('数据');
    sheet.addRow(TYPED_ITEMS.slice(0, 8).map((i) => i.name));
    sheet.addRow([ID1, '张三', new Date(Date.UTC(1990, 0, 2)), 12.5, 42, 0.25, true, new Date(Date.UTC(2026, 10, 21, 8, 30))]);
    sheet.addRow([ID2, { richText: [{ text: '李' }, { text: '四' }] }, '2000-02-03', '-3', { formula: '1+1', result: 2 }, null, '否', '2026-11-21T00:00:00Z']);
    workbook.addWorksheet('其他').addRow(['忽略']);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await upload(r, '数据.xlsx', xlsx, 'mode=replace&loadId=0f0e0d0c-0b0a-4908-8706-050403020100');
    expect(res.json()).toMatchObject({ id: '0f0e0d0c-0b0a-4908-8706-050403020100', status: 'succeeded', format: 'xlsx', loaded: 2 });
    const fromXlsx = await allRows(r, TYPED_ITEMS.slice(0, 8).map((i) => i.name));
    expect(fromXlsx[0]).toEqual({ 公民身份号码: ID1, 姓名: '张三', 出生日期: '1990-01-02', 金额: '12.50', 数量: 42, 比率: 0.25, 在册: true, 登记时间: '2026-11-21T00:30:00.000Z' });
    expect(fromXlsx[1]).toMatchObject({ 姓名: '李四', 数量: 2, 在册: false, 比率: null });

    const jsonl = `${JSON.stringify({ 公民身份号码: ID1, 姓名: '张三', 出生日期: '1990-01-02', 金额: 12.5, 数量: 42, 比率: 0.25, 在册: true, 登记时间: '2026-11-21 08:30' })}\n\n`
      + `${JSON.stringify({ 公民身份号码: ID2, 姓名: '李四', 出生日期: '2000-02-03', 金额: '-3', 数量: 2, 在册: '否', 登记时间: '2026-11-21T00:00:00Z' })}`;
    const j = await upload(r, 'rows.ndjson', jsonl);
    expect(j.json()).toMatchObject({ status: 'succeeded', format: 'jsonl', loaded: 2 });
    expect(await allRows(r, TYPED_ITEMS.slice(0, 8).map((i) => i.name))).toEqual(fromXlsx);

    const bad = (await upload(r, 'rows.jsonl', `${JSON.stringify({ 公民身份号码: ID1, 籍贯: '广东' })}\n[1]\n{oops\n`)).json();
    expect(bad).toMatchObject({ status: 'failed', failed: 3 });
    expect(bad.errors.map((e: { row: number; message: string }) => [e.row, e.message])).toEqual([[1, '未知数据项：籍贯'], [2, '每行应为一个 JSON 对象'], [3, '不是有效的 JSON']]);
    expect(await allRows(r, TYPED_ITEMS.slice(0, 8).map((i) => i.name))).toEqual(fromXlsx);
  });

  it('streams a 50,000-row file generated on the fly, with live progress', async () => {
    const r = await aTypedResource(TYPED_ITEMS.slice(0, 5));
    await define(r, ['公民身份号码']);
    const service = createDatastoreService({ db: t.db });
    const rows = 50_000;
    async function* generate() {
      yield '公民身份号码,姓名,出生日期,金额,数量\n';
      for (let start = 0; start < rows; start += 1000) {
        let chunk = '';
        for (let i = start; i < start + 1000; i++) chunk += `${citizenIdLarge(i)},名${i % 97},2000-01-${String((i % 28) + 1).padStart(2, '0')},${i}.5,${i}\n`;
        yield chunk;
      }
    }
    const loadId = '1a2b3c4d-0000-4000-8000-00000000abcd';
    let sawProgress = false;
    const poll = setInterval(() => {
      void service.getLoad({ userId: '', username: 'platform', orgId: null, roles: ['platform_admin'] }, loadId).then((v) => { if (v.status === 'running' && v.bytesRead > 0) sawProgress = true; }, () => undefined);
    }, 5);
    const load = await service.load(null, { actor: null, ip: 'test' }, { id: r }, { mode: 'replace', filename: 'big.csv', stream: Readable.from(generate()), loadId });
    clearInterval(poll);
    expect(load).toMatchObject({ status: 'succeeded', loaded: rows, totalRows: rows, startedBy: 'cli' });
    expect(sawProgress).toBe(true);
    const layout = (await datastoreLayout(t.db, r))!;
    const last = await selectRows(t.db, layout, { filters: [{ item: '公民身份号码', op: 'eq', value: citizenIdLarge(49_999) }], items: ['数量', '金额'], limit: 10, after: null });
    expect(last.rows).toEqual([{ 数量: 49_999, 金额: '49999.50' }]);
  }, 120_000);
});

describe('reading rows (data API side)', () => {
  let id: string;
  beforeAll(async () => {
    id = await aTypedResource(TYPED_ITEMS.slice(0, 5));
    await define(id, ['公民身份号码']);
    const lines = Array.from({ length: 25 }, (_, i) => `${citizenId(i + 1)},${i % 2 ? '张' : '李'}${i},1990-01-${String(i + 1).padStart(2, '0')},${i}.00,${i}`);
    await upload(id, 'r.csv', `公民身份号码,姓名,出生日期,金额,数量\n${lines.join('\n')}\n`);
  });

  it('filters with eq, in, gte, lte and prefix; values are parameters, so injection attempts match nothing', async () => {
    const layout = (await datastoreLayout(t.db, id))!;
    const q = (filters: Parameters<typeof selectRows>[2]['filters']) => selectRows(t.db, layout, { filters, items: ['姓名', '数量'], limit: 100, after: null });
    expect((await q([{ item: '公民身份号码', op: 'eq', value: citizenId(3) }])).rows).toEqual([{ 姓名: '李2', 数量: 2 }]);
    expect((await q([{ item: '数量', op: 'in', value: ['1', '4'] }])).rows.map((r) => r.数量).sort()).toEqual([1, 4]);
    expect((await q([{ item: '出生日期', op: 'gte', value: '1990/01/24' }, { item: '金额', op: 'lte', value: '24' }])).rows.map((r) => r.数量)).toEqual([23, 24]);
    expect((await q([{ item: '姓名', op: 'prefix', value: '张1' }])).rows.map((r) => r.姓名).sort()).toEqual(['张1', '张11', '张13', '张15', '张17', '张19']);
    expect((await q([{ item: '姓名', op: 'prefix', value: '%' }])).rows).toEqual([]);
    expect((await q([{ item: '姓名', op: 'eq', value: "' or 1=1 --" }])).rows).toEqual([]);
    expect((await q([{ item: '姓名', op: 'prefix', value: "张' or '1'='1" }])).rows).toEqual([]);
    await expect(q([{ item: '数量', op: 'eq', value: "1 or 1=1" }])).rejects.toMatchObject({ code: 'DATA_FILTER_INVALID' });
    await expect(q([{ item: '金额', op: 'prefix', value: '1' }])).rejects.toMatchObject({ code: 'DATA_FILTER_INVALID' });
    await expect(q([{ item: '出生日期', op: 'eq', value: '1990-02-30' }])).rejects.toMatchObject({ code: 'DATA_FILTER_INVALID', extra: { item: '出生日期' } });
    await expect(q([{ item: 'c_1; drop table x', op: 'eq', value: '1' }])).rejects.toMatchObject({ code: 'DATA_FILTER_INVALID' });
  });

  it('pages by key with a cursor: lastKey only while there is more', async () => {
    const layout = (await datastoreLayout(t.db, id))!;
    const seen: unknown[] = [];
    let after: unknown[] | null = null;
    let pages = 0;
    for (;;) {
      const page: Awaited<ReturnType<typeof selectRows>> = await selectRows(t.db, layout, { filters: [], items: ['公民身份号码'], limit: 10, after });
      pages++;
      seen.push(...page.rows.map((r) => r.公民身份号码));
      if (!page.lastKey) break;
      expect(page.lastKey).toEqual([page.rows.at(-1)!.公民身份号码]);
      after = page.lastKey;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...Array.from({ length: 25 }, (_, i) => citizenId(i + 1))].sort());
    await expect(selectRows(t.db, layout, { filters: [], items: ['姓名'], limit: 10, after: [1, 2] })).rejects.toMatchObject({ code: 'DATA_CURSOR_INVALID' });
  });

  it('verifies claims without returning values', async () => {
    const layout = (await datastoreLayout(t.db, id))!;
    const key = { 公民身份号码: citizenId(3) };
    expect(await verifyClaims(t.db, layout, key, { 姓名: ' 李2 ', 出生日期: '1990/1/3', 金额: '2', 数量: 'x' })).toEqual({ found: true, results: { 姓名: true, 出生日期: true, 金额: true, 数量: false } });
    expect(await verifyClaims(t.db, layout, key, { 姓名: "' or 1=1 --" })).toEqual({ found: true, results: { 姓名: false } });
    expect(await verifyClaims(t.db, layout, { 公民身份号码: citizenId(99) }, { 姓名: '李2' })).toEqual({ found: false, results: { 姓名: false } });
  });
});

describe('uploads larger than the app\'s body limit', () => {
  it('streams a multipart load past bodyLimit (1 MB here) and reports it in the history', async () => {
    const small = await createTestApp({ config: (c) => ({ ...c, http: { ...c.http, bodyLimitBytes: 1024 * 1024 } }) });
    try {
      const [gaj, platform] = [await small.login('gaj_admin'), await small.login('platform')];
      const id = await publishResource(small, { provider: gaj, platform }, { name: '大文件装载', items: TYPED_ITEMS.slice(0, 3), formatClass: '电子表格', formatType: 'xlsx' });
      expect((await small.call(gaj, 'PUT', `/api/v1/resources/${id}/datastore`, { keyItems: ['公民身份号码'] })).statusCode).toBe(200);
      let csv = '公民身份号码,姓名,出生日期\n';
      for (let i = 0; csv.length < 1.5 * 1024 * 1024; i++) csv += `${citizenIdLarge(i)},一个比较长的名字${i % 10},1990-01-01\n`.replace(/一个比较长的名字/, '名');
      const { payload, contentType } = multipartBody('big.csv', csv);
      expect(payload.length).toBeGreaterThan(1024 * 1024);
      const res = await small.app.inject({ method: 'POST', url: `/api/v1/resources/${id}/loads`, payload, headers: { authorization: `Bearer ${gaj}`, 'content-type': contentType } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'succeeded', bytesRead: Buffer.byteLength(csv) });
    } finally {
      await small.close();
    }
  }, 120_000);
});
