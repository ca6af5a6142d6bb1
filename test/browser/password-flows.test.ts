import { describe, expect, it } from 'vitest';
import { setupConsoleHarness } from './console-harness.js';
import { chooseOption, login, logout, menuTexts, submitLogin, uniqueSuffix } from './support.js';

const { inFreshContext } = setupConsoleHarness();

describe('password flows', () => {
  it('forces a new account to change its initial password before anything else', async () => {
    await inFreshContext('forced-change', async (page) => {
      const username = `newbie_${uniqueSuffix()}`;
      const initial = 'Init@Pass2026';
      const chosen = 'Fresh#Pass2027';

      await login(page, 'secadmin');
      await page.getByTestId('side-menu').getByText('账号管理', { exact: true }).click();
      await page.getByRole('button', { name: '新增账号' }).click();
      await page.getByTestId('user-username').fill(username);
      await page.getByTestId('user-display-name').fill('新入职人员');
      await chooseOption(page, 'user-org', '珠海市公安局', '公安');
      await page.getByTestId('user-password').fill(initial);
      await page.locator('.ant-modal:visible').getByRole('button', { name: '保存' }).click();
      await page.locator('.ant-modal:visible').waitFor({ state: 'hidden' });
      await logout(page);

      await login(page, username, initial);
      await page.getByTestId('change-password-page').waitFor();
      expect(await page.getByTestId('side-menu').count()).toBe(0);
      // Other routes stay out of reach until the password is changed.
      await page.goto('/profile');
      await page.getByTestId('change-password-page').waitFor();
      await expect(page.getByTestId('change-password-page').textContent()).resolves.toContain('至少 8 位');

      // A wrong old password is refused with the server's reason.
      await page.getByTestId('old-password').fill('Wrong@Pass2026');
      await page.getByTestId('new-password').fill(chosen);
      await page.getByTestId('confirm-password').fill(chosen);
      await page.getByTestId('password-submit').click();
      await page.getByTestId('password-error').waitFor();
      await expect(page.getByTestId('password-error').textContent()).resolves.toContain('原密码');

      await page.getByTestId('old-password').fill(initial);
      await page.getByTestId('password-submit').click();
      await page.getByTestId('home-page').waitFor();
      expect(await menuTexts(page)).toEqual(['工作台', '共享目录', '本部门目录', '我的申请', '授权管理', '数据纠错', '数据服务资源', '应用管理', '调用日志', '前置机管理', '发布任务', '数据订阅', '对账', '交换监控', '信息系统普查', '个人中心']);

      // The new password works for the next sign-in, without another forced change.
      await logout(page);
      await login(page, username, chosen);
      await page.getByTestId('home-page').waitFor();
    });
  });

  it('locks an account after 5 wrong passwords and tells the user until when', async () => {
    await inFreshContext('lockout', async (page) => {
      await page.goto('/login');
      for (let attempt = 1; attempt <= 4; attempt++) {
        await submitLogin(page, 'scj_user', `Wrong@Pass${attempt}`);
        await page.getByTestId('login-error').filter({ hasText: `再失败 ${5 - attempt} 次` }).waitFor();
      }
      await submitLogin(page, 'scj_user', 'Wrong@Pass5');
      await page.getByTestId('login-error').filter({ hasText: '账号已被锁定' }).waitFor();
      const text = (await page.getByTestId('login-error').textContent()) ?? '';
      expect(text).toMatch(/请于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} 后重试/);

      // Even the right password is refused while the lock lasts.
      await page.getByTestId('login-error').waitFor({ state: 'visible' });
      await submitLogin(page, 'scj_user', 'Govshare@2026');
      // The submit clears the old alert; wait for the answer to this attempt.
      await page.getByTestId('login-submit').and(page.locator(':not(.ant-btn-loading)')).waitFor();
      await page.getByTestId('login-error').filter({ hasText: '账号已被锁定' }).waitFor();
    });

    // The security admin sees the lock and lifts it; then the account signs in again.
    await inFreshContext('unlock', async (page) => {
      await login(page, 'secadmin');
      await page.getByTestId('side-menu').getByText('账号管理', { exact: true }).click();
      await page.getByTestId('user-search').locator('input').fill('scj_user');
      await page.getByTestId('user-search').locator('input').press('Enter');
      const row = page.getByTestId('user-table').locator('tr', { hasText: 'scj_user' });
      await row.getByText('已锁定').waitFor();
      await row.getByRole('button', { name: '解锁' }).click();
      await row.getByText('已锁定').waitFor({ state: 'detached' });
      await logout(page);
      await login(page, 'scj_user');
      await page.getByTestId('home-page').waitFor();
    });
  });
});
