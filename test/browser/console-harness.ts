import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer } from '../helpers/test-app.js';
import { launchBrowser, login, openConsole } from './support.js';

export interface ConsoleHarness {
  /** Runs `body` in a fresh browser context; keeps a screenshot under /tmp (named after `name`) when it fails. */
  inFreshContext(name: string, body: (page: Page) => Promise<void>): Promise<void>;
  /** `inFreshContext` signed in as `username` (demo password); the screenshot is named after the user. */
  asUser(username: string, body: (page: Page) => Promise<void>): Promise<void>;
}

/**
 * Registers hooks that start the demo server and Chromium before the calling test file and stop them
 * after it; call once at the top level of the file.
 */
export function setupConsoleHarness(): ConsoleHarness {
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function inFreshContext(name: string, body: (page: Page) => Promise<void>): Promise<void> {
    const { context, page } = await openConsole(browser, server.url);
    try {
      await body(page);
    } catch (error) {
      await page.screenshot({ path: `/tmp/govshare-browser-${name}-failure.png`, fullPage: true }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }

  function asUser(username: string, body: (page: Page) => Promise<void>): Promise<void> {
    return inFreshContext(username, async (page) => {
      await login(page, username);
      await body(page);
    });
  }

  return { inFreshContext, asUser };
}
