import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { setupConsoleHarness } from './console-harness.js';
import { chooseOption, menuTexts, uniqueSuffix } from './support.js';

/** Each test signs in as one demo account in a fresh browser context. */
const { asUser } = setupConsoleHarness();

async function expectForbidden(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.getByTestId('forbidden').getByText('无权访问', { exact: true }).waitFor();
}

async function openFromMenu(page: Page, label: string): Promise<void> {
  await page.getByTestId('side-menu').getByText(label, { exact: true }).click();
}

async function expectVisible(locator: ReturnType<Page['locator']>): Promise<void> {
  await locator.first().waitFor({ state: 'visible' });
}

describe('console by role', () => {
  it('platform admin manages departments but not accounts', async () => {
    await asUser('platform', async (page) => {
      expect(await menuTexts(page)).toEqual(['工作台', '部门管理', '共享目录', '本部门目录', '目录审核', '目录导入', '共享审核', '授权管理', '共享设置', '调用日志', '前置机管理', '发布任务', '数据订阅', '对账', '交换监控', '信息系统普查', '个人中心']);
      await expect(page.getByTestId('header-roles').textContent()).resolves.toContain('平台管理员');

      await openFromMenu(page, '部门管理');
      await expectVisible(page.getByText('珠海市公安局'));
      const name = `上海市浦东新区数据局${uniqueSuffix()}`;
      await page.getByRole('button', { name: '新增部门' }).click();
      await page.getByTestId('org-name').fill(name);
      await page.getByTestId('org-uscc').fill('91310115MA1K3BTP2B');
      await chooseOption(page, 'org-region', /310115/, '310115');
      await chooseOption(page, 'org-level', '县级');
      await page.locator('.ant-modal:visible').getByRole('button', { name: '保存' }).click();
      await expectVisible(page.getByTestId('org-table').getByText(name));
      await expectVisible(page.getByTestId('org-table').getByText('91310115MA1K3BTP2B'));

      await expectForbidden(page, '/users');
      await expectForbidden(page, '/audit');
    });
  });

  it('system admin sees the system status only', async () => {
    await asUser('sysadmin', async (page) => {
      expect(await menuTexts(page)).toEqual(['工作台', '共享目录', '系统状态', '个人中心']);
      await openFromMenu(page, '系统状态');
      await expectVisible(page.getByTestId('system-version'));
      expect((await page.getByTestId('system-version').textContent())?.trim()).not.toBe('');
      await expectVisible(page.getByTestId('system-info').getByText(/PGlite|PostgreSQL/));
      await expectVisible(page.getByTestId('system-migrations').locator('tbody tr.ant-table-row'));
      await expectVisible(page.getByTestId('system-settings').getByText('5 次'));

      await expectForbidden(page, '/users');
      await expectForbidden(page, '/audit');
    });
  });

  it('security admin creates an account in any department but cannot read the audit trail', async () => {
    await asUser('secadmin', async (page) => {
      expect(await menuTexts(page)).toEqual(['工作台', '部门管理', '账号管理', '共享目录', '个人中心']);

      await openFromMenu(page, '部门管理');
      await expectVisible(page.getByTestId('org-table').getByText('珠海市公安局'));
      expect(await page.getByRole('button', { name: '新增部门' }).count()).toBe(0);

      await openFromMenu(page, '账号管理');
      await expectVisible(page.getByTestId('user-table').getByText('gaj_admin'));
      const username = `scj_clerk_${uniqueSuffix()}`;
      await page.getByRole('button', { name: '新增账号' }).click();
      await page.getByTestId('user-username').fill(username);
      await page.getByTestId('user-display-name').fill('市场监管测试员');
      await chooseOption(page, 'user-org', '珠海市市场监督管理局', '市场监督');
      await page.getByTestId('user-password').fill('Init@Pass2026');
      await page.locator('.ant-modal:visible').getByRole('button', { name: '保存' }).click();
      await page.locator('.ant-modal:visible').waitFor({ state: 'hidden' });

      await page.getByTestId('user-search').locator('input').fill(username);
      await page.getByTestId('user-search').locator('input').press('Enter');
      const row = page.getByTestId('user-table').locator('tr', { hasText: username });
      await expectVisible(row);
      await expect(row.textContent()).resolves.toContain('珠海市市场监督管理局');
      await expect(row.textContent()).resolves.toContain('待改密');

      await expectForbidden(page, '/audit');
      await expectForbidden(page, '/system');
    });
  });

  it('department admin creates a department user in its own department only', async () => {
    await asUser('gaj_admin', async (page) => {
      expect(await menuTexts(page)).toEqual(['工作台', '部门管理', '账号管理', '共享目录', '本部门目录', '目录导入', '我的申请', '共享审核', '授权管理', '数据纠错', '数据服务资源', '应用管理', '调用日志', '前置机管理', '发布任务', '数据订阅', '对账', '交换监控', '信息系统普查', '个人中心']);
      await openFromMenu(page, '账号管理');
      await expect(page.getByTestId('user-org-scope').textContent()).resolves.toBe('珠海市公安局');
      expect(await page.getByTestId('user-org-filter').count()).toBe(0);
      // Only accounts of 公安局 are listed.
      await expectVisible(page.getByTestId('user-table').getByText('gaj_user'));
      expect(await page.getByTestId('user-table').getByText('scj_user').count()).toBe(0);

      const username = `gaj_officer_${uniqueSuffix()}`;
      await page.getByRole('button', { name: '新增账号' }).click();
      const modal = page.locator('.ant-modal:visible');
      // The department is fixed to its own and the roles are limited to the department roles.
      await expect(page.getByTestId('user-org').textContent()).resolves.toContain('珠海市公安局');
      await expect(page.getByTestId('user-org').getAttribute('class')).resolves.toContain('ant-select-disabled');
      expect((await modal.getByTestId('user-roles').locator('label').allInnerTexts()).map((t) => t.trim())).toEqual(['部门管理员', '部门用户']);

      await page.getByTestId('user-username').fill(username);
      await page.getByTestId('user-display-name').fill('公安测试员');
      await page.getByTestId('user-password').fill('Init@Pass2026');
      await modal.getByRole('button', { name: '保存' }).click();
      await modal.waitFor({ state: 'hidden' });
      await page.getByTestId('user-search').locator('input').fill(username);
      await page.getByTestId('user-search').locator('input').press('Enter');
      const row = page.getByTestId('user-table').locator('tr', { hasText: username });
      await expectVisible(row);
      await expect(row.textContent()).resolves.toContain('珠海市公安局');
      await expect(row.textContent()).resolves.toContain('部门用户');

      await expectForbidden(page, '/audit');
      await expectForbidden(page, '/system');
    });
  });

  it('auditor finds its own login in the audit trail and verifies the chain', async () => {
    await asUser('auditor', async (page) => {
      expect(await menuTexts(page)).toEqual(['工作台', '共享目录', '调用日志', '发布任务', '数据订阅', '对账', '交换监控', '审计日志', '个人中心']);
      await openFromMenu(page, '审计日志');
      await page.getByTestId('audit-actor').fill('auditor');
      await chooseOption(page, 'audit-action', '登录成功', '登录成功');
      await page.getByTestId('audit-search').click();
      const row = page.getByTestId('audit-table').locator('tbody tr.ant-table-row').first();
      await expectVisible(row);
      await expect(row.textContent()).resolves.toContain('登录成功');
      await expect(row.textContent()).resolves.toContain('auditor');
      // The export links carry the current filters.
      const csvHref = await page.getByTestId('audit-export-csv').getAttribute('href');
      expect(csvHref).toContain('/api/v1/audit/export?');
      expect(csvHref).toContain('format=csv');
      expect(csvHref).toContain('action=auth.login');

      await page.getByTestId('audit-verify').click();
      await expectVisible(page.getByTestId('audit-verify-result'));
      await expect(page.getByTestId('audit-verify-result').textContent()).resolves.toContain('完整性校验通过');

      await expectForbidden(page, '/users');
      await expectForbidden(page, '/system');
    });
  });

  it('department user sees only the workbench and the profile', async () => {
    await asUser('gaj_user', async (page) => {
      expect(await menuTexts(page)).toEqual(['工作台', '共享目录', '本部门目录', '我的申请', '授权管理', '数据纠错', '数据服务资源', '应用管理', '调用日志', '前置机管理', '发布任务', '数据订阅', '对账', '交换监控', '信息系统普查', '个人中心']);
      await expect(page.getByTestId('welcome-roles').textContent()).resolves.toContain('部门用户');
      await expect(page.getByTestId('welcome-org').textContent()).resolves.toContain('珠海市公安局');
      await openFromMenu(page, '个人中心');
      await expect(page.getByTestId('profile-username').textContent()).resolves.toBe('gaj_user');

      await expectForbidden(page, '/audit');
      await expectForbidden(page, '/users');
      await expectForbidden(page, '/orgs');
    });
  });
});
