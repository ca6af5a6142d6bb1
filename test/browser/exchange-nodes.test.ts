import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generateNodeKeyPair, signEnrolment } from '../../src/modules/exchange/node-signing.js';
import { setupConsoleHarness } from './console-harness.js';
import { uniqueSuffix, visit } from './support.js';

/**
 * 前置机管理: 公安局's admin issues a one-time enrolment token, a node enrols with it through the API, the
 * platform admin approves it and a node code is assigned; 市场监管局 never sees it.
 */
const { asUser } = setupConsoleHarness();

const SUFFIX = uniqueSuffix();
const NODE = `公安局政务外网前置机${SUFFIX}`;
let token = '';

function nodeRow(page: Page) {
  return page.getByTestId('nodes-table').locator('tr').filter({ hasText: NODE });
}

describe('前置机管理', () => {
  it('the department admin generates a token; it is shown once', async () => {
    await asUser('gaj_admin', async (page) => {
      await page.getByTestId('side-menu').getByText('前置机管理', { exact: true }).click();
      await page.getByTestId('nodes-page').waitFor();
      await page.getByTestId('token-create').click();
      await page.getByTestId('token-node-name').fill(NODE);
      await page.getByTestId('token-create-submit').click();
      const value = page.getByTestId('token-value');
      await value.waitFor();
      token = (await value.innerText()).trim();
      expect(token.length).toBeGreaterThan(10);
      await expect.poll(() => page.getByText('POST /api/v1/exchange/enrol').count()).toBeGreaterThan(0);
      await page.getByTestId('token-dialog-close').click();
      await value.waitFor({ state: 'hidden' });

      const tokenRow = page.getByTestId('tokens-table').locator('tr').filter({ hasText: NODE });
      await expect.poll(() => tokenRow.getByTestId('token-state').innerText()).toBe('未使用');
      await expect.poll(() => tokenRow.getByTestId('token-revoke').count()).toBe(1);
      // The token is never listed again.
      await page.reload();
      await page.getByTestId('tokens-table').locator('tr').filter({ hasText: NODE }).waitFor();
      expect(await page.getByText(token).count()).toBe(0);

      // The node agent enrols with the token (no session; signed proof of its SM2 key).
      const key = generateNodeKeyPair();
      const body = signEnrolment({ token, publicKey: key.publicKey, name: NODE, version: '0.1.0' }, key);
      const origin = new URL(page.url()).origin;
      const response = await fetch(`${origin}/api/v1/exchange/enrol`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { status: string }).status).toBe('pending');

      await page.reload();
      await expect.poll(() => page.getByTestId('tokens-table').locator('tr').filter({ hasText: NODE }).getByTestId('token-state').innerText()).toBe('已使用');
      await expect.poll(() => nodeRow(page).getByTestId('node-status').innerText()).toBe('待审核');
    });
  });

  it('the platform admin sees it 待审核, approves it and sees its code', async () => {
    await asUser('platform', async (page) => {
      await visit(page, '/exchange/nodes');
      const row = nodeRow(page);
      await expect.poll(() => row.getByTestId('node-status').innerText()).toBe('待审核');
      expect(await row.innerText()).toContain('公安局');
      await row.getByTestId('node-approve').click();
      await page.getByTestId('node-approve-confirm').click();
      await expect.poll(() => row.getByTestId('node-status').innerText(), { timeout: 10_000 }).toBe('已批准');
      await expect.poll(async () => (await row.getByTestId('node-code').innerText()).trim()).toMatch(/^\d{6}[0-9A-Z]{9}001$/);
      expect(await row.getByTestId('node-revoke').count()).toBe(1);
      expect(await row.getByTestId('node-approve').count()).toBe(0);
    });
  });

  it('the department admin sees it 已批准 and 离线; 市场监管局 does not see it', async () => {
    await asUser('gaj_admin', async (page) => {
      await visit(page, '/exchange/nodes');
      const row = nodeRow(page);
      await expect.poll(() => row.getByTestId('node-status').innerText(), { timeout: 10_000 }).toBe('已批准');
      expect(await row.getByTestId('node-online').innerText()).toContain('离线');
      expect(await row.getByTestId('node-approve').count()).toBe(0);
    });
    await asUser('scj_admin', async (page) => {
      await visit(page, '/exchange/nodes');
      await page.getByTestId('nodes-table').waitFor();
      await expect.poll(() => page.getByTestId('nodes-table').locator('.ant-spin-spinning').count()).toBe(0);
      expect(await nodeRow(page).count()).toBe(0);
      expect(await page.getByText(NODE).count()).toBe(0);
    });
  });
});
