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

/** Fills the open 申请共享 form and submits it. */
async function applyFor(page: Page, purpose: string): Promise<void> {
  await page.getByTestId('resource-apply').click();
  const modal = page.locator('.ant-modal:visible');
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
      await applyFor(page, '企业登记时核验法定代表人身份');
      const outcome = page.getByTestId('apply-outcome');
      await expect(outcome.getAttribute('data-status')).resolves.toBe('pending');
      await expect(outcome.getByTestId('apply-deadline').textContent()).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await expect(outcome.getByTestId('deadline-countdown').textContent()).resolves.toMatch(/^剩余 \d+ 个工作日$/);
      await shot(page, 'apply-conditional');

      await page.getByTestId('apply-go-request').click();
      await page.getByTestId('share-request-page').waitFor();
      requestId = new URL(page.url()).pathname.split('/').pop()!;
      await expect(page.getByTestId('request-status').textContent()).resolves.toBe('待审核');

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
      await shot(page, 'attacker-review-url');
    });
    await asUser('scj_user', async (page) => {
      await visit(page, `/sharing/review/${requestId}`);
      await page.getByTestId('forbidden').getByText('无权访问').waitFor();
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
      await chooseOption(page, 'masking-公民身份号码', '证件号码');
      await chooseOption(page, 'masking-姓名', /^姓名$/);
      await shot(page, 'review-decision');
      await page.getByTestId('decision-approve').click();
      await page.getByTestId('request-status').filter({ hasText: '已同意' }).waitFor();
      expect(await page.getByTestId('decision-panel').count()).toBe(0);
      await expect(page.getByTestId('request-masking').textContent()).resolves.toContain('公民身份号码：证件号码');
    });

    await asUser('scj_user', async (page) => {
      const bell = page.getByTestId('notification-bell');
      await expect.poll(async () => Number(await bell.getAttribute('data-unread')), { timeout: 10_000 }).toBeGreaterThan(0);
      await bell.click();
      await page.getByTestId('notifications-page').waitFor();
      const message = page.locator('[data-testid="notification-item"][data-kind="share_request.decided"]').first();
      await message.waitFor();
      await expect(message.getAttribute('data-read')).resolves.toBe('false');
      await shot(page, 'notifications');
      await message.click();
      await page.getByTestId('share-request-page').waitFor();
      expect(new URL(page.url()).pathname).toBe(`/sharing/requests/${requestId}`);
      await expect(page.getByTestId('request-status').textContent()).resolves.toBe('已同意');

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
});
