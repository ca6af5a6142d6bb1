import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const DEMO_PASSWORD = 'Govshare@2026';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.GOVSHARE_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** A fresh context (own cookies) and page at the console's base URL. */
export async function openConsole(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** Fills and submits the login form; does not wait for the outcome. */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  if (!page.url().includes('/login')) await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Signs in and waits until the console layout (or the forced password change page) is shown. */
export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await submitLogin(page, username, password);
  await page.locator('[data-testid="side-menu"], [data-testid="change-password-page"]').first().waitFor();
}

export async function logout(page: Page): Promise<void> {
  await page.getByTestId('logout').click();
  await page.getByTestId('login-card').waitFor();
}

/** Texts of the side menu entries, in order. */
export async function menuTexts(page: Page): Promise<string[]> {
  const items = page.getByTestId('side-menu').locator('li.ant-menu-item');
  await items.first().waitFor();
  return (await items.allInnerTexts()).map((text) => text.trim());
}

/** Opens an antd Select found by its test id, optionally types a search, and clicks the matching option. */
export async function chooseOption(page: Page, testId: string, optionText: string | RegExp, search?: string): Promise<void> {
  const select = page.getByTestId(testId);
  await select.click();
  if (search !== undefined) await select.locator('input').fill(search);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: optionText }).first().click();
}

/** Navigates by URL the way a user typing an address would (full page load). */
export async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.getByTestId('side-menu').waitFor();
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}
