import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupConsoleHarness } from './console-harness.js';
import { chooseOption, visit } from './support.js';

/** Each step signs in as one demo account in a fresh browser context; the steps build on each other. */
const { asUser } = setupConsoleHarness();

const SAMPLE = fileURLToPath(new URL('../fixtures/catalog-sample.xlsx', import.meta.url));
const HOUSEHOLD = '户籍人口基本信息'; // 有条件共享, 珠海市公安局
const WITHHELD = '涉案人员信息'; // 不予共享, 珠海市公安局
const OPEN_RESOURCE = '户政业务办理网点信息'; // 无条件共享, 珠海市公安局 (created below: the sample has none)
const GAJ_USCC = '11440400WFA5YL7R9R';

/** A tiny PDF standing in for the 公函 that goes with a request. */
const LETTER = {
  name: '数据共享申请函.pdf',
  mimeType: 'application/pdf',
  buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
};

/** Resource ids by name, set up through the API in beforeAll. */
const ids: Record<string, string> = {};

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `/tmp/govshare-sharing-${name}.png`, fullPage: true });
}

async function openFromMenu(page: Page, label: string): Promise<void> {
  await page.getByTestId('side-menu').getByText(label, { exact: true }).click();
}

/** A JSON call with the page's session cookie and CSRF token; fails the setup on any non-2xx answer. */
async function apiCall(request: APIRequestContext, csrf: string, method: 'GET' | 'POST', path: string, body?: unknown, multipart?: Record<string, unknown>) {
  const response = await request.fetch(`/api/v1${path}`, {
    method,
    headers: { 'X-CSRF-Token': csrf, Accept: 'application/json' },
    ...(multipart ? { multipart: multipart as never } : body !== undefined ? { data: body } : {}),
  });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? null : response.json();
}

/** The input of an antd field found by test id, whether the id sits on the input or on its wrapper. */
function inputOf(page: Page, testId: string) {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
}

/** Picks an item's 脱敏 rule, waiting for the dropdown to close (the next select opens its own). */
async function chooseMasking(page: Page, item: string, rule: string): Promise<void> {
  await chooseOption(page, `masking-${item}`, new RegExp(`^${rule}$`));
  await expect.poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
  await expect(page.getByTestId(`masking-${item}`).textContent()).resolves.toContain(rule);
}

/** Fills the open 申请共享 form (with an attachment when given) and submits it. */
async function applyFor(page: Page, purpose: string, attachment?: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await page.getByTestId('resource-apply').click();
  const modal = page.locator('.ant-modal:visible');
  if (attachment) {
    await modal.locator('input[type="file"]').setInputFiles(attachment);
    await modal.getByText(attachment.name).waitFor();
  }
  await modal.getByTestId('apply-purpose').fill(purpose);
  await modal.getByTestId('apply-basis').fill('《市场主体登记管理条例》第十六条，履行市场主体登记管理职责');
  await modal.getByTestId('apply-application').fill('市场主体登记系统');
  await modal.getByTestId('apply-submit').click();
  await modal.getByTestId('apply-outcome').waitFor();
}

beforeAll(async () => {
  // The catalog through the API, as the platform admin: the sample workbook submitted on import, plus one
  // 无条件共享 resource of 公安局; then only what the steps need is approved.
  await asUser('platform', async (page) => {
    const me = (await (await page.request.get('/api/v1/auth/me')).json()) as { csrfToken: string };
    const csrf = me.csrfToken;
    const report = (await apiCall(page.request, csrf, 'POST', '/catalog/imports?submit=true', undefined, {
      file: { name: 'catalog-sample.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: readFileSync(SAMPLE) },
    })) as { imported: number; resources: { name: string; id?: string }[] };
    expect(report.imported).toBe(41);
    for (const block of report.resources) if (block.id) ids[block.name] = block.id;

    const created = (await apiCall(page.request, csrf, 'POST', '/resources', {
      name: OPEN_RESOURCE,
      summary: '户政业务办理网点的名称、地址和办公时间，供各部门引导群众办事',
      providerDivision: '人口管理支队',
      formatClass: '数据库',
      formatType: 'Dm',
      formatOther: null,
      items: [
        { name: '网点名称', dataType: 'C', length: 100 },
        { name: '网点地址', dataType: 'C', length: 200 },
        { name: '办公时间', dataType: 'C', length: 100 },
      ],
      shareType: '无条件共享',
      shareCondition: '用于政务服务引导',
      shareMethodClass: '共享平台方式',
      shareMethodType: '接口',
      isOpen: true,
      openCondition: null,
      updateCycle: '每月',
      publishDate: '2024-06-01',
      relatedClass: null,
      providerCode: GAJ_USCC,
    })) as { id: string };
    ids[OPEN_RESOURCE] = created.id;
    await apiCall(page.request, csrf, 'POST', `/resources/${created.id}/submit`);

    for (const name of [HOUSEHOLD, WITHHELD, OPEN_RESOURCE]) {
      expect(ids[name], name).toBeTruthy();
      await apiCall(page.request, csrf, 'POST', `/resources/${ids[name]}/approve`, { comment: null });
    }
  });
});

describe('sharing console', () => {
  let requestId = '';

  it('无条件共享: a department user applies and is granted at once', async () => {
    await asUser('scj_user', async (page) => {
      await visit(page, `/catalog/resources/${ids[OPEN_RESOURCE]}`);
      await expect(page.getByTestId('resource-name').textContent()).resolves.toBe(OPEN_RESOURCE);
      await applyFor(page, '向办事群众推送就近的户政业务办理网点');
      const outcome = page.getByTestId('apply-outcome');
      await expect(outcome.getAttribute('data-status')).resolves.toBe('approved');
      await expect(outcome.textContent()).resolves.toContain('已获得授权');
      await shot(page, 'apply-unconditional');

      await page.getByTestId('apply-go-grants').click();
      const row = page.getByTestId('grants-table-consumer').locator('tr', { hasText: OPEN_RESOURCE });
      await row.waitFor();
      await expect(row.getByTestId('grant-status').textContent()).resolves.toBe('有效');
      await expect(row.textContent()).resolves.toContain('珠海市公安局');
      await expect(row.getByTestId('grant-items').textContent()).resolves.toContain('网点地址');
    });
  });

  it('有条件共享: the request waits for the provider, with the deadline', async () => {
    await asUser('scj_user', async (page) => {
      await visit(page, `/catalog/resources/${ids[HOUSEHOLD]}`);
      await applyFor(page, '企业登记时核验法定代表人身份', LETTER);
      const outcome = page.getByTestId('apply-outcome');
      await expect(outcome.getAttribute('data-status')).resolves.toBe('pending');
      await expect(outcome.getByTestId('apply-deadline').textContent()).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await expect(outcome.getByTestId('deadline-countdown').textContent()).resolves.toMatch(/^剩余 \d+ 个工作日$/);
      await shot(page, 'apply-conditional');

      await page.getByTestId('apply-go-request').click();
      await page.getByTestId('share-request-page').waitFor();
      requestId = new URL(page.url()).pathname.split('/').pop()!;
      await expect(page.getByTestId('request-status').textContent()).resolves.toBe('待审核');
      await expect(page.getByTestId('request-attachments').textContent()).resolves.toContain(LETTER.name);

      await openFromMenu(page, '我的申请');
      const row = page.getByTestId('my-requests-table').locator('tr', { hasText: HOUSEHOLD });
      await row.waitFor();
      await expect(row.getByTestId('request-row-status').textContent()).resolves.toBe('待审核');
      await expect(row.getByTestId('deadline-countdown').textContent()).resolves.toMatch(/^剩余 \d+ 个工作日$/);
      await expect(row.textContent()).resolves.toContain('珠海市公安局');
    });
  });

  it("the applicant's department cannot decide its own request", async () => {
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await asUser('scj_admin', async (page) => {
      await openFromMenu(page, '共享审核');
      await page.getByTestId('share-review-page').waitFor();
      await page.getByTestId('share-review-filter').getByText('全部').click();
      await page.getByTestId('share-review-table').locator('.ant-table-placeholder, tr.ant-table-row').first().waitFor();
      expect(await page.getByTestId('share-review-table').locator('tr', { hasText: HOUSEHOLD }).count()).toBe(0);

      // The provider's review URL: the applicant's admin may read its own request, but gets no decision.
      await visit(page, `/sharing/review/${requestId}`);
      await page.locator('[data-testid="share-request-page"], [data-testid="forbidden"]').first().waitFor();
      expect(await page.getByTestId('decision-approve').count()).toBe(0);
      expect(await page.getByTestId('decision-refuse').count()).toBe(0);
      await page.getByTestId('request-no-decision').waitFor();
      await shot(page, 'attacker-review-url');

      // The server agrees: a decision by the applicant's own admin is refused.
      const me = (await (await page.request.get('/api/v1/auth/me')).json()) as { csrfToken: string };
      const forged = await page.request.post(`/api/v1/share-requests/${requestId}/decision`, {
        headers: { 'X-CSRF-Token': me.csrfToken },
        data: { approve: true },
      });
      expect(forged.status()).toBe(403);
    });
    await asUser('scj_user', async (page) => {
      await visit(page, `/sharing/review/${requestId}`);
      await page.getByTestId('forbidden').getByText('无权访问', { exact: true }).waitFor();
      expect(await page.getByTestId('menu-shareReview').count()).toBe(0);
    });
  });

  it('有条件共享: the provider approves with masking; the applicant sees the grant and a message', async () => {
    await asUser('gaj_admin', async (page) => {
      await openFromMenu(page, '共享审核');
      const row = page.getByTestId('share-review-table').locator('tr', { hasText: HOUSEHOLD });
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain('珠海市市场监督管理局');
      await expect(row.getByTestId('deadline-countdown').textContent()).resolves.toMatch(/^剩余 \d+ 个工作日$/);
      await shot(page, 'review-queue');

      await row.getByTestId('request-open').click();
      await page.getByTestId('share-request-page').waitFor();
      await expect(page.getByTestId('request-purpose').textContent()).resolves.toBe('企业登记时核验法定代表人身份');
      await expect(page.getByTestId('request-items').textContent()).resolves.toContain('公民身份号码');
      await expect(page.getByTestId('request-attachments').textContent()).resolves.toContain(LETTER.name);
      await chooseMasking(page, '公民身份号码', '证件号码');
      await chooseMasking(page, '姓名', '姓名');
      await shot(page, 'review-decision');
      await page.getByTestId('decision-approve').click();
      await page.getByTestId('request-status').filter({ hasText: '已同意' }).waitFor();
      expect(await page.getByTestId('decision-panel').count()).toBe(0);
      await expect(page.getByTestId('request-masking').textContent()).resolves.toContain('公民身份号码：证件号码');
    });

    await asUser('scj_user', async (page) => {
      const bell = page.getByTestId('notification-bell');
      await expect.poll(async () => Number(await bell.getAttribute('data-unread')), { timeout: 10_000 }).toBeGreaterThan(0);
      const unreadBefore = Number(await bell.getAttribute('data-unread'));
      await bell.click();
      await page.getByTestId('notifications-page').waitFor();
      const message = page.locator('[data-testid="notification-item"][data-kind="share_request.decided"]').first();
      await message.waitFor();
      await expect(message.getAttribute('data-read')).resolves.toBe('false');
      await shot(page, 'notifications');
      await message.click();
      // The message links to the request or, once approved, to the grant it created.
      const target = page.locator('[data-testid="share-request-page"], [data-testid="grant-drawer"] .ant-descriptions');
      await target.first().waitFor();
      if (new URL(page.url()).pathname.startsWith('/sharing/grants/')) {
        await expect(page.getByTestId('grant-drawer').textContent()).resolves.toContain('公民身份号码：证件号码');
      } else {
        expect(new URL(page.url()).pathname).toBe(`/sharing/requests/${requestId}`);
        await expect(page.getByTestId('request-status').textContent()).resolves.toBe('已同意');
      }
      await shot(page, 'notification-target');
      await page.keyboard.press('Escape');
      // Reading the message counts down the bell.
      await expect.poll(async () => Number(await bell.getAttribute('data-unread'))).toBe(unreadBefore - 1);

      await openFromMenu(page, '我的申请');
      const row = page.getByTestId('my-requests-table').locator('tr', { hasText: HOUSEHOLD });
      await expect(row.getByTestId('request-row-status').textContent()).resolves.toBe('已同意');

      await openFromMenu(page, '授权管理');
      const grant = page.getByTestId('grants-table-consumer').locator('tr', { hasText: HOUSEHOLD });
      await grant.waitFor();
      const masking = await grant.getByTestId('grant-masking').textContent();
      expect(masking).toContain('公民身份号码：证件号码');
      expect(masking).toContain('姓名：姓名');
      await expect(grant.getByTestId('grant-status').textContent()).resolves.toBe('有效');
      await shot(page, 'grants');
    });
  });

  it('不予共享: the apply button is disabled and the legal basis is shown', async () => {
    await asUser('scj_user', async (page) => {
      await visit(page, `/catalog/resources/${ids[WITHHELD]}`);
      await expect(page.getByTestId('resource-withheld').textContent()).resolves.toContain('《中华人民共和国刑事诉讼法》第一百五十二条');
      const apply = page.getByTestId('resource-apply');
      if ((await apply.count()) > 0) await expect(apply.isDisabled()).resolves.toBe(true);
      await shot(page, 'withheld');
    });
  });

  it('数据纠错: a consumer reports an error; the provider replies within the deadline', async () => {
    const description = `该人员户籍地址已迁出，记录未更新 ${Date.now()}`;
    await asUser('scj_user', async (page) => {
      await visit(page, `/catalog/resources/${ids[HOUSEHOLD]}`);
      await page.getByTestId('resource-report-error').click();
      const modal = page.locator('.ant-modal:visible');
      await modal.getByTestId('report-record-key').fill('440402199001011234');
      await chooseOption(page, 'report-item', '户籍地址');
      await modal.getByTestId('report-description').fill(description);
      await modal.getByTestId('report-submit').click();
      await modal.waitFor({ state: 'hidden' });

      await openFromMenu(page, '数据纠错');
      const row = page.getByTestId('reports-table-reporter').locator('tr', { hasText: HOUSEHOLD });
      await row.waitFor();
      await expect(row.getByTestId('report-status').textContent()).resolves.toBe('待处理');
      await expect(row.getByTestId('deadline-countdown').textContent()).resolves.toMatch(/^剩余 \d+ 个工作日$/);
    });

    await asUser('gaj_admin', async (page) => {
      await openFromMenu(page, '数据纠错');
      await page.getByTestId('reports-tab-provider').click();
      const row = page.getByTestId('reports-table-provider').locator('tr', { hasText: description });
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain('珠海市市场监督管理局');
      await row.getByTestId('report-open').click();
      const drawer = page.getByTestId('report-drawer');
      await drawer.getByTestId('report-reply').waitFor();
      await drawer.getByTestId('reply-status').getByText('已更正').click();
      await drawer.getByTestId('reply-comment').fill('已核实并更正户籍地址');
      await drawer.getByTestId('reply-submit').click();
      await drawer.getByTestId('report-detail-status').filter({ hasText: '已更正' }).waitFor();
      await expect(drawer.getByTestId('report-history').textContent()).resolves.toContain('已核实并更正户籍地址');
      expect(await drawer.getByTestId('report-reply').count()).toBe(0);
      await shot(page, 'error-report');
    });
  });

  it('授权管理: the provider revokes a grant with a reason; the consumer asks to renew another', async () => {
    await asUser('gaj_admin', async (page) => {
      await openFromMenu(page, '授权管理');
      await page.getByTestId('grants-tab-provider').click();
      const row = page.getByTestId('grants-table-provider').locator('tr', { hasText: OPEN_RESOURCE });
      await row.waitFor();
      await row.getByTestId('grant-revoke').click();
      const modal = page.locator('.ant-modal:visible');
      await modal.getByTestId('revoke-reason').fill('网点信息改由政务服务数据管理局统一提供');
      await modal.getByTestId('revoke-confirm').click();
      await modal.waitFor({ state: 'hidden' });
      await row.getByTestId('grant-status').filter({ hasText: '已撤销' }).waitFor();
    });

    await asUser('scj_user', async (page) => {
      await openFromMenu(page, '授权管理');
      const revoked = page.getByTestId('grants-table-consumer').locator('tr', { hasText: OPEN_RESOURCE });
      await revoked.getByTestId('grant-status').filter({ hasText: '已撤销' }).waitFor();
      expect(await revoked.getByTestId('grant-renew').count()).toBe(0);

      const active = page.getByTestId('grants-table-consumer').locator('tr', { hasText: HOUSEHOLD });
      await active.getByTestId('grant-renew').click();
      const modal = page.locator('.ant-modal:visible');
      await inputOf(page, 'renew-valid-to').click();
      await inputOf(page, 'renew-valid-to').fill('2028-06-30');
      await inputOf(page, 'renew-valid-to').press('Enter');
      await modal.getByTestId('renew-reason').fill('业务延续，需继续核验法定代表人身份');
      await modal.getByTestId('renew-confirm').click();
      await modal.waitFor({ state: 'hidden' });

      await openFromMenu(page, '我的申请');
      const renewal = page.getByTestId('my-requests-table').locator('tr', { hasText: HOUSEHOLD }).filter({ hasText: '待审核' });
      await renewal.waitFor();
    });
  });

  it('共享设置: the platform admin reads the settings, edits the working-day calendar and oversees the grants', async () => {
    await asUser('platform', async (page) => {
      await openFromMenu(page, '共享设置');
      await page.getByTestId('sharing-settings-page').waitFor();
      await expect.poll(() => inputOf(page, 'settings-review-days').inputValue()).toBe('10');

      const year = new Date().getFullYear() + 1;
      await chooseOption(page, 'calendar-year', `${year} 年`);
      await inputOf(page, 'calendar-date').click();
      await inputOf(page, 'calendar-date').fill(`${year}-10-09`);
      await inputOf(page, 'calendar-date').press('Enter');
      await page.getByTestId('calendar-name').fill('国庆节调休（测试）');
      await page.getByTestId('calendar-add').click();
      const day = page.getByTestId('calendar-table').locator('tr', { hasText: `${year}-10-09` });
      await day.waitFor();
      await expect(day.textContent()).resolves.toContain('国庆节调休（测试）');
      await shot(page, 'settings');
      await day.getByRole('button', { name: '删除' }).click();
      await page.locator('.ant-popover:visible').getByRole('button', { name: '删除' }).click();
      await day.waitFor({ state: 'detached' });

      // Oversight: the platform admin sees every department's grants.
      await openFromMenu(page, '授权管理');
      await page.getByTestId('grants-table-all').locator('tr', { hasText: HOUSEHOLD }).waitFor();
    });
  });
});
