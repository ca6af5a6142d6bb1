import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { COLUMNS, SHEET_NAME } from './census.excel.js';

let t: TestApp;
let gaj: string;
let scj: string;
const tokens: Record<string, string> = {};
const resources: Record<string, { id: string; code: string }> = {};

beforeAll(async () => {
  t = await createTestApp();
  gaj = await t.orgIdByName('珠海市公安局');
  scj = await t.orgIdByName('珠海市市场监督管理局');
  for (const u of ['gaj_admin', 'gaj_user', 'scj_admin', 'platform']) tokens[u] = await t.login(u);
  let n = 0;
  for (const [key, orgId, name] of [['gaj1', gaj, '常住人口信息'], ['gaj2', gaj, '机动车登记信息'], ['scj1', scj, '企业登记信息']] as const) {
    const code = `101000000/${String(800000 + ++n).padStart(6, '0')}`;
    const row = await sql<{ id: string }>`
      insert into catalog_resources (code, provider_org_id, category_id, status, name)
      values (${code}, ${orgId}, (select id from catalog_categories where code = '101'), 'draft', ${name}) returning id`.execute(t.db);
    resources[key] = { id: row.rows[0]!.id, code };
  }
});
afterAll(async () => { await t?.close(); });

const BOUNDARY = '----govshare-census-test';
function upload(token: string, file: Buffer, query = '') {
  const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="census.xlsx"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/census/import${query}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: Buffer.concat([head, file, tail]),
  });
}

async function exportFile(token: string, query = ''): Promise<Buffer> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/census/export${query}`, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  return res.rawPayload;
}

/** The sheet as header → cell text per row, for comparing files. */
async function sheetRows(file: Buffer): Promise<Record<string, unknown>[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet(SHEET_NAME)!;
  const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, unknown>[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    rows.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1).value ?? null])));
  });
  return rows;
}

/** A census file written by hand, the way a clerk fills the template. */
async function workbook(headers: string[], rows: unknown[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(SHEET_NAME);
  sheet.addRow(headers);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const countSystems = async () => Number((await t.db.selectFrom('census_systems').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('census Excel export and import', () => {
  it('exports the form and re-importing it reproduces the same systems and links', async () => {
    const make = (body: Record<string, unknown>) => t.call(tokens.gaj_admin!, 'POST', '/api/v1/census/systems', body);
    const a = (await make({
      name: '人口信息管理系统', status: '运行', network: '电子政务外网', frequency: '每日', kind: '自建', functionDesc: '户籍登记\n迁移与注销',
      classified: false, securityLevel: '第三级', canConnect: true, connectMethod: '直接连接', userCount: 300, usageScope: '纵向到基层',
      approver: '市发展改革局', approvalDate: '2016-05-10', buildDate: '2017-01-01', warrantyYears: 3, buildBudget: 320.5,
      omBudget: 35, omBudgetSource: '市级财政预算', providedTo: '人口基础信息/市政数局/前置机', remarks: '含"引号"与，逗号',
    })).json();
    await t.call(tokens.gaj_admin!, 'POST', `/api/v1/census/systems/${a.id}/resources`, { resourceId: resources.gaj1!.id });
    await t.call(tokens.gaj_admin!, 'POST', `/api/v1/census/systems/${a.id}/resources`, { resourceId: resources.gaj2!.id });
    await make({ name: '出入境垂管系统', status: '停止', network: '业务专网', frequency: '按需', kind: '垂管', classified: true, userCount: null, manualZombie: true, manualZombieReason: '部里新系统已替代' });

    const first = await exportFile(tokens.gaj_admin!);
    const before = await sheetRows(first);
    expect(before).toHaveLength(2);
    expect(before.find((r) => r['系统名称*'] === '人口信息管理系统')).toMatchObject({
      所属部门: '珠海市公安局', '运行状态*': '正在运行', 系统类型: '自建系统',
      关联目录资源代码: `${resources.gaj1!.code}；${resources.gaj2!.code}`, '建设资金（万元）': 320.5, 审批时间: '2016-05-10',
    });
    expect(String(before.find((r) => r['系统名称*'] === '出入境垂管系统')!['僵尸系统判定（自动生成，导入时忽略）'])).toContain('停止运行');

    // Delete everything, then import the exported file: the same systems come back.
    const { items } = (await t.call(tokens.gaj_admin!, 'GET', '/api/v1/census/systems')).json();
    for (const s of items) await t.call(tokens.gaj_admin!, 'DELETE', `/api/v1/census/systems/${s.id}`);
    const imported = await upload(tokens.gaj_admin!, first);
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toEqual({ dryRun: false, ok: true, total: 2, created: 2, updated: 0, errors: [] });
    expect(await sheetRows(await exportFile(tokens.gaj_admin!))).toEqual(before);

    // Importing it again updates in place instead of duplicating.
    const again = await upload(tokens.gaj_admin!, first);
    expect(again.json()).toMatchObject({ ok: true, created: 0, updated: 2 });
    expect(await sheetRows(await exportFile(tokens.gaj_admin!))).toEqual(before);

    const actions = (await t.db.selectFrom('audit_events').select('action').where('action', 'like', 'census.%').execute()).map((r) => r.action);
    expect(actions.filter((a) => a === 'census.imported')).toHaveLength(2);
    expect(actions.filter((a) => a === 'census.exported').length).toBeGreaterThanOrEqual(3);
  });

  it('reports every bad row by row number, column header and a Chinese message, and writes nothing', async () => {
    const headers = ['系统名称*', '运行状态*', '运行网络*', '使用频度*', '审批时间', '用户数量', '是否可连接到电子政务外网或互联网', '关联目录资源代码', '所属部门'];
    const file = await workbook(headers, [
      ['新建系统甲', '正在运行', '外网', '每日', '2020-01-01', 10, '否', resources.gaj1!.code, ''], // valid… but for its missing reason
      ['', '正在运行', '电子政务外网', '每日', null, null, null, null, null],
      ['新建系统乙', '在用', '电子政务外网', '经常', '2020-13-40', '很多', null, null, null],
      ['新建系统丙', '运行', '电子政务外网', '每周', null, null, null, `${resources.scj1!.code}；101000000/000404`, null],
      ['新建系统丁', '运行', '电子政务外网', '每周', null, null, null, null, '珠海市市场监督管理局'],
      ['新建系统丙', '运行', '电子政务外网', '每周', null, null, null, null, null],
    ]);
    const before = await countSystems();
    const res = await upload(tokens.gaj_admin!, file);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('CENSUS_IMPORT_INVALID');
    expect(res.json().errors).toEqual([
      { row: 2, column: '不可连接的原因', message: '不可连接到电子政务外网或互联网的，须填写原因' },
      { row: 3, column: '系统名称', message: '必填项不能为空' },
      { row: 4, column: '运行状态', message: expect.stringContaining('“在用”不是有效选项') },
      { row: 4, column: '用户数量', message: '应为整数或“不固定”，而不是“很多”' },
      { row: 4, column: '使用频度', message: expect.stringContaining('“经常”不是有效选项') },
      { row: 4, column: '审批时间', message: '“2020-13-40”：不是有效的日期' },
      { row: 5, column: '关联目录资源代码', message: `信息资源 ${resources.scj1!.code} 不是本部门提供的，不能关联` },
      { row: 5, column: '关联目录资源代码', message: '目录中没有代码为 101000000/000404 的信息资源' },
      { row: 6, column: '所属部门', message: '无权填报“珠海市市场监督管理局”的信息系统（只能填报本部门）' },
      { row: 7, column: '系统名称', message: '与第 5 行重复：同一部门的系统名称不能重复' },
    ]);
    expect(await countSystems()).toBe(before);

    // A dry run reports the same errors with 200 and writes nothing either.
    const dry = await upload(tokens.gaj_admin!, file, '?dryRun=true');
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, ok: false, total: 6 });
    expect(dry.json().errors).toHaveLength(10);
  });

  it('checks a good file in a dry run without writing, then imports it', async () => {
    const file = await workbook(['系统名称', '运行状态', '运行网络', '使用频度', '用户数量', '运维经费（万元）'], [
      ['视频会议系统', '正在运行', '电子政务外网', '每周', '不固定', 12],
      ['值班排班系统', '其他', '互联网', '每日', 4, null],
    ]);
    const before = await countSystems();
    const dry = await upload(tokens.gaj_admin!, file, '?dryRun=true');
    expect(dry.json()).toEqual({ dryRun: true, ok: true, total: 2, created: 2, updated: 0, errors: [] });
    expect(await countSystems()).toBe(before);
    const real = await upload(tokens.gaj_admin!, file);
    expect(real.json()).toMatchObject({ ok: true, created: 2 });
    const { items } = (await t.call(tokens.gaj_admin!, 'GET', `/api/v1/census/systems?q=${encodeURIComponent('值班排班')}`)).json();
    expect(items[0]).toMatchObject({ orgId: gaj, status: '其他', network: '互联网', userCount: 4, kind: '自建' });
    expect(items[0].zombie.reasons.map((r: { code: string }) => r.code)).toEqual(['rarely_used', 'not_connected', 'unmaintained']);
  });

  it('rejects a file without the required columns, a non-Excel file, and a department user', async () => {
    const missing = await upload(tokens.gaj_admin!, await workbook(['系统名称'], [['只有名称']]));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors.map((e: { column: string }) => e.column)).toEqual(['运行状态', '运行网络', '使用频度']);
    const garbage = await upload(tokens.gaj_admin!, Buffer.from('not a spreadsheet'));
    expect(garbage.json().errors[0].message).toContain('不是有效的 Excel');
    const user = await upload(tokens.gaj_user!, await workbook(['系统名称', '运行状态', '运行网络', '使用频度'], [['甲', '运行', '互联网', '每日']]));
    expect(user.statusCode).toBe(403);
    const other = await upload(tokens.scj_admin!, await workbook(['系统名称', '运行状态', '运行网络', '使用频度'], [['甲', '运行', '互联网', '每日']]), `?orgId=${gaj}`);
    expect(other.statusCode).toBe(403);
  });

  it('lets the platform admin import for several departments named in the 所属部门 column', async () => {
    const file = await workbook(['所属部门', '系统名称', '运行状态', '运行网络', '使用频度'], [
      ['珠海市公安局', '数据局代录公安系统', '运行', '电子政务外网', '每日'],
      ['珠海市市场监督管理局', '数据局代录市场系统', '运行', '电子政务外网', '每日'],
      ['不存在的局', '无主系统', '运行', '电子政务外网', '每日'],
    ]);
    const res = await upload(tokens.platform!, file);
    expect(res.json().errors).toEqual([{ row: 4, column: '所属部门', message: '没有名为“不存在的局”的部门' }]);
    const ok = await upload(tokens.platform!, await workbook(['所属部门', '系统名称', '运行状态', '运行网络', '使用频度'], [
      ['珠海市公安局', '数据局代录公安系统', '运行', '电子政务外网', '每日'],
      ['珠海市市场监督管理局', '数据局代录市场系统', '运行', '电子政务外网', '每日'],
    ]));
    expect(ok.json()).toMatchObject({ ok: true, created: 2 });
    const rows = await sheetRows(await exportFile(tokens.platform!));
    expect(new Set(rows.map((r) => r['所属部门']))).toEqual(new Set(['珠海市公安局', '珠海市市场监督管理局']));
    expect(COLUMNS.length).toBe(Object.keys(rows[0]!).length);
  });
});
