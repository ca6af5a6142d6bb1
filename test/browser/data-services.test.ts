import type { APIRequestContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sm3Hex } from '../../src/platform/crypto/sm3.js';
import { GAJ_USCC } from '../helpers/catalog-factories.js';
import { setupConsoleHarness } from './console-harness.js';
import { chooseOption, uniqueSuffix, visit } from './support.js';

/**
 * 数据服务 console: each step signs in as one demo account in a fresh browser context; the steps build on
 * each other (公安局 provides a 库表, a 文件 and an 接口 resource; 市场监管局 holds a grant for the 库表).
 */
const { asUser } = setupConsoleHarness();

const SUFFIX = uniqueSuffix();
const TABLE = `人口核验库${SUFFIX}`;
const FILE = `人口统计年报${SUFFIX}`;
const API = `户籍办理进度接口${SUFFIX}`;
const APP = `市场主体登记系统${SUFFIX}`;
const ids: Record<string, string> = {};
const codes: Record<string, string> = {};

/** An 18-digit ID number with its GB 11643 check digit. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((n, d, i) => n + Number(d) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11];
}
const ID_1 = idNumber('44040219900101123');
const ID_2 = idNumber('44040219850615234');

const BAD_CSV = `姓名,公民身份号码,出生日期\n张三,${ID_1},1990-01-01\n李四,${ID_2},1985-13-45\n`;
const GOOD_CSV = `姓名,公民身份号码,出生日期\n张三,${ID_1},1990-01-01\n李四,${ID_2},1985-06-15\n`;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `/tmp/govshare-data-services-${name}.png`, fullPage: true });
}

async function openFromMenu(page: Page, label: string): Promise<void> {
  await page.getByTestId('side-menu').getByText(label, { exact: true }).click();
}

/** The input of an antd field found by test id, whether the id sits on the input or on its wrapper. */
function inputOf(page: Page, testId: string) {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
}

async function csrfOf(page: Page): Promise<string> {
  return ((await (await page.request.get('/api/v1/auth/me')).json()) as { csrfToken: string }).csrfToken;
}

/** A JSON call with the page's session cookie and CSRF token; fails the setup on any non-2xx answer. */
async function apiCall(request: APIRequestContext, csrf: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) {
  const response = await request.fetch(`/api/v1${path}`, {
    method,
    headers: { 'X-CSRF-Token': csrf, Accept: 'application/json' },
    ...(body !== undefined ? { data: body } : {}),
  });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? null : response.json();
}

function resourceBody(name: string, formatClass: string, formatType: string | null, items: { name: string; dataType: string; length: number | null }[]) {
  return {
    name,
    summary: `${name}（数据服务测试）`,
    providerDivision: '人口管理支队',
    formatClass,
    formatType,
    formatOther: null,
    items,
    shareType: '无条件共享',
    shareCondition: '用于政务服务',
    shareMethodClass: '共享平台方式',
    shareMethodType: '接口',
    isOpen: false,
    openCondition: null,
    updateCycle: '每月',
    publishDate: '2026-11-01',
    relatedClass: null,
    providerCode: GAJ_USCC,
  };
}

/** A day counted from today in China Standard Time, yyyy-mm-dd. */
function cstDay(offsetDays = 0): string {
  return new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  // Three 公安局 resources of the three kinds, created and published through the API.
  await asUser('gaj_admin', async (page) => {
    const csrf = await csrfOf(page);
    const person = [
      { name: '姓名', dataType: 'C', length: 50 },
      { name: '公民身份号码', dataType: 'C', length: 18 },
      { name: '出生日期', dataType: 'D', length: null },
    ];
    const bodies: Record<string, unknown> = {
      [TABLE]: resourceBody(TABLE, '数据库', 'Dm', person),
      [FILE]: resourceBody(FILE, '电子文件', 'pdf', [{ name: '年报', dataType: 'M', length: null }]),
      [API]: resourceBody(API, '服务接口', null, [{ name: '受理编号', dataType: 'C', length: 32 }, { name: '办理状态', dataType: 'C', length: 20 }]),
    };
    for (const [name, body] of Object.entries(bodies)) {
      const created = (await apiCall(page.request, csrf, 'POST', '/resources', body)) as { id: string };
      ids[name] = created.id;
      await apiCall(page.request, csrf, 'POST', `/resources/${created.id}/submit`);
    }
  });
  await asUser('platform', async (page) => {
    const csrf = await csrfOf(page);
    for (const name of [TABLE, FILE, API]) {
      const approved = (await apiCall(page.request, csrf, 'POST', `/resources/${ids[name]}/approve`, { comment: null })) as { code: string };
      codes[name] = approved.code;
    }
  });
  // 市场监管局 applies for the 库表 (无条件共享: granted at once).
  await asUser('scj_admin', async (page) => {
    const csrf = await csrfOf(page);
    const created = (await apiCall(page.request, csrf, 'POST', '/share-requests', {
      resourceId: ids[TABLE],
      items: ['姓名', '公民身份号码', '出生日期'],
      purpose: '企业登记时核验法定代表人身份',
      basis: '《市场主体登记管理条例》第十条',
      applicationName: '市场主体登记系统',
      validFrom: cstDay(),
      validTo: cstDay(300),
    })) as { status: string };
    expect(created.status).toBe('approved');
  });
});

describe('data services console', () => {
  let secret = '';
  let appKey = '';

  it('应用管理: the secret is shown once, then never again; rotate, disable, enable', async () => {
    await asUser('scj_admin', async (page) => {
      await openFromMenu(page, '应用管理');
      await page.getByTestId('apps-page').waitFor();
      await page.getByTestId('app-create').click();
      await page.getByTestId('app-name-input').fill(APP);
      await page.getByTestId('app-description-input').fill('登记窗口核验法定代表人身份');
      await page.getByTestId('app-create-submit').click();

      const dialog = page.getByTestId('secret-dialog');
      await dialog.waitFor();
      await expect(page.getByTestId('secret-warning').textContent()).resolves.toContain('请立即保存，关闭后无法再次查看');
      secret = (await page.getByTestId('secret-app-secret').textContent())!.trim();
      appKey = (await page.getByTestId('secret-app-key').textContent())!.trim();
      expect(secret.length).toBeGreaterThanOrEqual(16);
      expect(appKey.length).toBeGreaterThan(0);
      expect(await page.getByTestId('secret-copy').locator('.ant-typography-copy').count()).toBe(1);
      await shot(page, 'app-secret');
      await page.getByTestId('secret-close').click();
      await dialog.waitFor({ state: 'hidden' });

      const row = page.getByTestId('apps-table').locator('tr', { hasText: APP });
      await row.waitFor();
      await expect(row.getByTestId('app-key').textContent()).resolves.toBe(appKey);
      await expect(row.getByTestId('app-status').textContent()).resolves.toBe('启用');
      expect(await page.locator('body').textContent()).not.toContain(secret);
      // Nor does the API give it back.
      expect(await (await page.request.get('/api/v1/apps')).text()).not.toContain(secret);

      // Rotating shows a new secret, once.
      await row.getByTestId('app-rotate').click();
      await page.getByTestId('app-rotate-confirm').click();
      await dialog.waitFor();
      const rotated = (await page.getByTestId('secret-app-secret').textContent())!.trim();
      expect(rotated).not.toBe(secret);
      await page.getByTestId('secret-close').click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.locator('body').textContent()).not.toContain(rotated);
      secret = rotated;

      await row.getByTestId('app-disable').click();
      await page.getByTestId('app-disable-confirm').click();
      await row.getByTestId('app-status').filter({ hasText: '已停用' }).waitFor();
      await row.getByTestId('app-enable').click();
      await row.getByTestId('app-status').filter({ hasText: '启用' }).waitFor();
      await shot(page, 'apps');
    });

    // A department user sees the applications but manages none.
    await asUser('scj_user', async (page) => {
      await openFromMenu(page, '应用管理');
      await page.getByTestId('apps-table').locator('tr', { hasText: APP }).waitFor();
      expect(await page.getByTestId('app-create').count()).toBe(0);
      expect(await page.getByTestId('app-rotate').count()).toBe(0);
    });
  });

  it('数据装载: define the table, a CSV with a bad row changes nothing, a good one loads; history shows both', async () => {
    await asUser('gaj_admin', async (page) => {
      await openFromMenu(page, '数据服务资源');
      const row = page.getByTestId('ds-provider-table').locator('tr', { hasText: TABLE });
      await row.waitFor();
      await expect(row.getByTestId('ds-kind').textContent()).resolves.toBe('库表');
      await expect(page.getByTestId('ds-provider-table').locator('tr', { hasText: FILE }).getByTestId('ds-kind').textContent()).resolves.toBe('文件');
      await expect(page.getByTestId('ds-provider-table').locator('tr', { hasText: API }).getByTestId('ds-kind').textContent()).resolves.toBe('接口');
      await shot(page, 'provider-resources');
      await row.getByTestId('ds-link-datastore').click();

      await page.getByTestId('datastore-page').waitFor();
      await expect(page.getByTestId('datastore-state').textContent()).resolves.toBe('未创建');
      await expect(page.getByTestId('datastore-pending').textContent()).resolves.toContain('公民身份号码');
      await chooseOption(page, 'datastore-key-items', '公民身份号码');
      await page.keyboard.press('Escape');
      await page.getByTestId('datastore-save').click();
      await page.getByTestId('datastore-state').filter({ hasText: '已创建' }).waitFor();
      const columns = await page.getByTestId('datastore-columns').getByTestId('datastore-column-item').allTextContents();
      expect(columns).toEqual(['姓名', '公民身份号码', '出生日期']);

      const load = page.getByTestId('datastore-load');
      await load.getByTestId('load-mode-replace').click();
      await load.locator('input[type="file"]').setInputFiles({ name: '人口-有错误.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
      await page.getByTestId('load-start').click();
      const report = page.getByTestId('load-report');
      await report.waitFor();
      await expect(report.getAttribute('data-status')).resolves.toBe('failed');
      await expect(page.getByTestId('load-loaded').textContent()).resolves.toBe('0');
      await expect(page.getByTestId('load-failed').textContent()).resolves.toBe('1');
      await expect(page.getByTestId('load-upload-progress').getAttribute('data-percent')).resolves.toBe('100');
      await expect(page.getByTestId('load-server-progress').getAttribute('data-percent')).resolves.toBe('100');
      const error = page.getByTestId('load-errors').locator('tbody tr.ant-table-row').first();
      await expect(error.textContent()).resolves.toContain('3');
      await expect(error.textContent()).resolves.toContain('出生日期');
      await expect(page.getByTestId('datastore-rows').textContent()).resolves.toBe('0');
      await shot(page, 'load-failed');

      await load.locator('input[type="file"]').setInputFiles({ name: '人口.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD_CSV) });
      await page.getByTestId('load-start').click();
      await page.locator('[data-testid="load-report"][data-status="succeeded"]').waitFor();
      await expect(page.getByTestId('load-loaded').textContent()).resolves.toBe('2');
      await expect(page.getByTestId('load-failed').textContent()).resolves.toBe('0');
      await page.getByTestId('datastore-rows').filter({ hasText: '2' }).waitFor();

      const history = page.getByTestId('load-history').locator('tbody tr.ant-table-row');
      await expect.poll(() => history.count()).toBe(2);
      await expect(history.nth(0).getByTestId('history-status').textContent()).resolves.toBe('成功');
      await expect(history.nth(0).getByTestId('history-loaded').textContent()).resolves.toBe('2');
      await expect(history.nth(0).textContent()).resolves.toContain('gaj_admin');
      await expect(history.nth(0).textContent()).resolves.toContain('全量替换');
      await expect(history.nth(1).getByTestId('history-status').textContent()).resolves.toBe('失败');
      await expect(history.nth(1).getByTestId('history-failed').textContent()).resolves.toBe('1');
      await shot(page, 'load-history');
    });
  });

  it('接口文档 and 在线调试: the consumer queries with its application, then sees the call in 调用日志 with charts', async () => {
    expect(appKey).not.toBe('');
    await asUser('scj_user', async (page) => {
      await openFromMenu(page, '数据服务资源');
      await page.getByTestId('ds-tab-consumer').click();
      const grant = page.getByTestId('ds-consumer-table').locator('tr', { hasText: TABLE });
      await grant.waitFor();
      await grant.getByTestId('ds-link-api').click();

      await page.getByTestId('api-doc-page').waitFor();
      await expect(page.getByTestId('api-doc-name').textContent()).resolves.toBe(TABLE);
      await expect(page.getByTestId('api-doc-kind').textContent()).resolves.toBe('库表');
      await expect(page.getByTestId('api-doc-grant-items').textContent()).resolves.toContain('公民身份号码');
      const fields = page.getByTestId('api-doc-fields');
      await expect(fields.getByTestId('api-field-item').allTextContents()).resolves.toEqual(['姓名', '公民身份号码', '出生日期']);
      expect(await fields.locator('[data-testid="api-field-granted"][data-granted="true"]').count()).toBe(3);
      await expect(page.getByTestId('api-doc-curl').textContent()).resolves.toContain('X-Signature');
      expect(await page.getByTestId('api-doc-curl-copy').locator('.ant-typography-copy').count()).toBe(1);
      await page.getByTestId('api-doc-openapi').getByText('OpenAPI 片段（JSON）').click();
      await expect(page.getByTestId('api-doc-openapi-json').textContent()).resolves.toContain('paths');

      const tryIt = page.getByTestId('try-it');
      await expect(tryIt.getByTestId('try-app').textContent()).resolves.toContain(APP);
      await chooseOption(page, 'try-method', /^GET$/);
      await tryIt.getByTestId('try-path').fill(`/api/v1/data/${codes[TABLE]}`);
      await tryIt.getByTestId('try-filter-name-0').fill('公民身份号码');
      await tryIt.getByTestId('try-filter-value-0').fill(ID_1);
      await tryIt.getByTestId('try-run').click();
      await page.getByTestId('try-result').waitFor();
      await expect(page.getByTestId('try-status').textContent()).resolves.toBe('200');
      await expect(page.getByTestId('try-headers').textContent()).resolves.toContain(appKey);
      await expect(page.getByTestId('try-headers').textContent()).resolves.toContain('X-Signature');
      const body = await page.getByTestId('try-body').textContent();
      expect(body).toContain('张三');
      expect(body).not.toContain('李四');
      await shot(page, 'api-doc-try');

      // 核验: the claims are checked against the stored row, no stored value comes back.
      await chooseOption(page, 'try-method', /^POST$/);
      await tryIt.getByTestId('try-path').fill(`/api/v1/verify/${codes[TABLE]}`);
      if ((await tryIt.getByTestId('try-key-name-0').count()) === 0) await tryIt.getByTestId('try-key-add').click();
      await tryIt.getByTestId('try-key-name-0').fill('公民身份号码');
      await tryIt.getByTestId('try-key-value-0').fill(ID_1);
      await tryIt.getByTestId('try-claim-name-0').fill('姓名');
      await tryIt.getByTestId('try-claim-value-0').fill('张三');
      await tryIt.getByTestId('try-claim-add').click();
      await tryIt.getByTestId('try-claim-name-1').fill('出生日期');
      await tryIt.getByTestId('try-claim-value-1').fill('1990-01-02');
      await tryIt.getByTestId('try-run').click();
      await page.getByTestId('try-status').filter({ hasText: '200' }).waitFor();
      await expect.poll(async () => JSON.parse((await page.getByTestId('try-body').textContent()) ?? '{}')).toEqual({ found: true, results: { 姓名: true, 出生日期: false } });

      // The call is in the consumer's log (flushed within a moment) with the charts drawn.
      await openFromMenu(page, '调用日志');
      await page.getByTestId('calls-side-consumer').click();
      const call = page.getByTestId('calls-table').locator('tr.ant-table-row', { hasText: TABLE });
      await expect.poll(async () => {
        await page.getByTestId('calls-reload').click();
        await page.waitForTimeout(400);
        return call.count();
      }, { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(async () => {
        await page.getByTestId('calls-reload').click();
        await page.waitForTimeout(400);
        return call.count();
      }, { timeout: 15_000 }).toBe(2);
      expect((await call.getByTestId('call-operation').allTextContents()).sort()).toEqual(['查询', '核验'].sort());
      const query = call.filter({ hasText: '查询' }).first();
      await expect(query.getByTestId('call-rows').textContent()).resolves.toBe('1');
      await expect(query.getByTestId('call-app').textContent()).resolves.toBe(APP);
      await expect(query.getByTestId('call-status').getAttribute('data-status')).resolves.toBe('200');
      await page.getByTestId('calls-chart-day').locator('canvas').first().waitFor();
      await page.getByTestId('calls-chart-resource').locator('canvas').first().waitFor();
      await expect(page.getByTestId('calls-stat-total').textContent()).resolves.not.toContain('调用次数0');
      await shot(page, 'calls-consumer');
    });

    // The provider sees who used its data, with the per-consumer chart.
    await asUser('gaj_admin', async (page) => {
      await openFromMenu(page, '调用日志');
      await page.getByTestId('calls-table').locator('tr.ant-table-row', { hasText: TABLE }).first().waitFor();
      const call = page.getByTestId('calls-table').locator('tr.ant-table-row', { hasText: TABLE }).first();
      await expect(call.getByTestId('call-consumer').textContent()).resolves.toBe('珠海市市场监督管理局');
      await page.getByTestId('calls-chart-consumer').locator('canvas').first().waitFor();
      await shot(page, 'calls-provider');
    });

    // Oversight: the auditor sees every call.
    await asUser('auditor', async (page) => {
      await openFromMenu(page, '调用日志');
      await page.getByTestId('calls-side-all').waitFor();
      await page.getByTestId('calls-table').locator('tr.ant-table-row', { hasText: TABLE }).first().waitFor();
    });
  });

  it('a grant narrowed to one application refuses the department\'s other applications', async () => {
    const other = `统计分析系统${SUFFIX}`;
    await asUser('scj_admin', async (page) => {
      await apiCall(page.request, await csrfOf(page), 'POST', '/apps', { name: other });
      await openFromMenu(page, '数据服务资源');
      await page.getByTestId('ds-tab-consumer').click();
      const grant = page.getByTestId('ds-consumer-table').locator('tr', { hasText: TABLE });
      await grant.waitFor();
      await grant.getByTestId('ds-grant-app').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: APP }).first().click();
      await page.getByText('已限定为指定应用使用').waitFor();
      await expect(grant.getByTestId('ds-grant-app').textContent()).resolves.toContain(APP);
      await shot(page, 'grant-narrowed');

      // The narrowing is read back after a reload (GET /apps/grant-narrowings alongside the grants).
      await page.reload();
      await page.getByTestId('ds-tab-consumer').click();
      await grant.waitFor();
      await expect.poll(() => grant.getByTestId('ds-grant-app').textContent(), { timeout: 10_000 }).toContain(APP);

      await grant.getByTestId('ds-link-api').click();
      const tryIt = page.getByTestId('try-it');
      await tryIt.waitFor();
      await chooseOption(page, 'try-app', other);
      await tryIt.getByTestId('try-path').fill(`/api/v1/data/${codes[TABLE]}`);
      await tryIt.getByTestId('try-run').click();
      await page.getByTestId('try-status').filter({ hasText: '403' }).waitFor();
      await expect(page.getByTestId('try-body').textContent()).resolves.toContain('GRANT_REQUIRED');
      await chooseOption(page, 'try-app', APP);
      await tryIt.getByTestId('try-run').click();
      await page.getByTestId('try-status').filter({ hasText: '200' }).waitFor();

      // Back to any of the department's applications.
      await page.goBack();
      await page.getByTestId('ds-tab-consumer').click();
      const again = page.getByTestId('ds-consumer-table').locator('tr', { hasText: TABLE });
      await again.getByTestId('ds-grant-app').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '本部门所有应用' }).first().click();
      await page.getByText('已恢复为本部门所有应用可用').waitFor();
      await page.reload();
      await page.getByTestId('ds-tab-consumer').click();
      await again.waitFor();
      await expect.poll(() => again.getByTestId('ds-grant-app').textContent(), { timeout: 10_000 }).toContain('本部门所有应用');

      // The refused call is in the log: filter the consumer's failed calls.
      await openFromMenu(page, '调用日志');
      await page.getByTestId('calls-side-consumer').click();
      await chooseOption(page, 'calls-filter-status', '失败');
      const refused = page.getByTestId('calls-table').locator('tr.ant-table-row');
      await expect.poll(async () => {
        await page.getByTestId('calls-reload').click();
        await page.waitForTimeout(400);
        return refused.count();
      }, { timeout: 15_000 }).toBe(1);
      await expect(refused.first().getByTestId('call-status').textContent()).resolves.toContain('GRANT_REQUIRED');
      await expect(refused.first().getByTestId('call-app').textContent()).resolves.toBe(other);
      await expect(page.getByTestId('calls-stat-errors').textContent()).resolves.toContain('1');
      await shot(page, 'calls-refused');
    });
  });

  it('文件版本: an uploaded version shows its size and SM3', async () => {
    const content = Buffer.from(`%PDF-1.4\n% 人口统计年报 ${SUFFIX}\n%%EOF\n`);
    await asUser('gaj_admin', async (page) => {
      await visit(page, `/catalog/resources/${ids[FILE]}`);
      await page.getByTestId('resource-data-services').waitFor();
      await expect(page.getByTestId('resource-data-kind').textContent()).resolves.toBe('文件');
      await page.getByTestId('resource-ds-link-files').click();
      await page.getByTestId('files-page').waitFor();
      await page.getByTestId('files-page').locator('input[type="file"]').setInputFiles({ name: '人口统计年报.pdf', mimeType: 'application/pdf', buffer: content });
      await page.getByTestId('file-note-input').fill('2026 年度');
      await page.getByTestId('file-upload').click();
      const row = page.getByTestId('files-table').locator('tr.ant-table-row').first();
      await row.getByTestId('file-sm3').waitFor();
      await expect(row.getByTestId('file-version-no').textContent()).resolves.toBe('第 1 版');
      await expect(row.getByTestId('file-name').textContent()).resolves.toBe('人口统计年报.pdf');
      await expect(row.getByTestId('file-note').textContent()).resolves.toBe('2026 年度');
      await expect(row.getByTestId('file-size').textContent()).resolves.toBe(`${content.length} B`);
      await expect(row.getByTestId('file-sm3').textContent()).resolves.toBe(sm3Hex(content));
      await shot(page, 'files');
    });
  });

  it('接口代理: the upstream is saved, header values are never shown again', async () => {
    const token = `Bearer upstream-${SUFFIX}-secret`;
    await asUser('gaj_admin', async (page) => {
      await openFromMenu(page, '数据服务资源');
      const row = page.getByTestId('ds-provider-table').locator('tr', { hasText: API });
      await row.waitFor();
      await row.getByTestId('ds-link-proxy').click();
      await page.getByTestId('proxy-page').waitFor();
      await page.getByTestId('proxy-empty').waitFor();
      await inputOf(page, 'proxy-url').fill('http://127.0.0.1:9/progress');
      await inputOf(page, 'proxy-timeout').fill('3000');
      await page.getByTestId('proxy-header-add').click();
      await inputOf(page, 'proxy-header-name-0').fill('Authorization');
      await inputOf(page, 'proxy-header-value-0').fill(token);
      await page.getByTestId('proxy-save').click();
      await page.getByTestId('proxy-saved').waitFor();
      await expect(page.getByTestId('proxy-saved-url').textContent()).resolves.toBe('http://127.0.0.1:9/progress');
      await expect(page.getByTestId('proxy-header-name').allTextContents()).resolves.toEqual(['Authorization']);
      expect(await page.locator('body').textContent()).not.toContain(token);
      expect(await page.locator('input[type="password"]').count()).toBe(0);

      // After a fresh load the names are there, the value is not (nor in the API's answer).
      await page.reload();
      await page.getByTestId('proxy-saved').waitFor();
      await expect(page.getByTestId('proxy-header-name').allTextContents()).resolves.toEqual(['Authorization']);
      expect(await page.content()).not.toContain('upstream-');
      expect(await (await page.request.get(`/api/v1/resources/${ids[API]}/proxy-endpoint`)).text()).not.toContain('upstream-');
      await shot(page, 'proxy');

      // Saving again without header rows keeps them; the explicit choice clears them.
      await inputOf(page, 'proxy-timeout').fill('5000');
      await page.getByTestId('proxy-save').click();
      await page.getByTestId('proxy-saved').getByText('5000 毫秒').waitFor();
      await expect(page.getByTestId('proxy-header-name').allTextContents()).resolves.toEqual(['Authorization']);
      await page.getByTestId('proxy-clear-headers').check();
      await page.getByTestId('proxy-save').click();
      await expect.poll(() => page.getByTestId('proxy-header-name').count()).toBe(0);
      await expect(page.getByTestId('proxy-saved-headers').textContent()).resolves.toBe('无');
    });
  });

  it('the resource detail links to the data-services pages as fits the viewer', async () => {
    await asUser('scj_user', async (page) => {
      // Another department's table is not its to read or load.
      await visit(page, `/data-services/resources/${ids[TABLE]}/datastore`);
      await page.getByTestId('datastore-error').waitFor();
      expect(await page.getByTestId('datastore-load').count()).toBe(0);

      await visit(page, `/catalog/resources/${ids[TABLE]}`);
      await page.getByTestId('resource-data-services').waitFor();
      await expect(page.getByTestId('resource-data-kind').textContent()).resolves.toBe('库表');
      expect(await page.getByTestId('resource-ds-link-datastore').count()).toBe(0);
      await page.getByTestId('resource-ds-link-api').click();
      await page.getByTestId('api-doc-page').waitFor();
    });
    await asUser('gaj_user', async (page) => {
      await visit(page, `/catalog/resources/${ids[TABLE]}`);
      await page.getByTestId('resource-ds-link-datastore').click();
      await page.getByTestId('datastore-page').waitFor();
      await page.getByTestId('load-history').locator('tbody tr.ant-table-row').first().waitFor();
      // A department user reads the table but neither defines nor loads it.
      expect(await page.getByTestId('datastore-save').count()).toBe(0);
      expect(await page.getByTestId('datastore-load').count()).toBe(0);
    });
  });

  it('the home page links to the data-services pages the role may open', async () => {
    await asUser('scj_user', async (page) => {
      await visit(page, '/');
      await page.getByTestId('home-page').waitFor();
      for (const area of ['dataServices', 'dataApps', 'dataCalls']) expect(await page.getByTestId(`quick-${area}`).count()).toBe(1);
      await page.getByTestId('quick-dataServices').click();
      await page.getByTestId('data-resources-page').waitFor();
    });
    await asUser('auditor', async (page) => {
      await visit(page, '/');
      await page.getByTestId('home-page').waitFor();
      expect(await page.getByTestId('quick-dataServices').count()).toBe(0);
      expect(await page.getByTestId('quick-dataApps').count()).toBe(0);
      await page.getByTestId('quick-dataCalls').click();
      await page.getByTestId('calls-side-all').waitFor();
    });
  });
});
