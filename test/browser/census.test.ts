import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { setupConsoleHarness } from './console-harness.js';
import { uniqueSuffix } from './support.js';

/** Each step signs in as one demo account in a fresh browser context; the steps build on each other. */
const { asUser } = setupConsoleHarness();

/** Fills an input found by test id, whether the id sits on the input or on its wrapper (InputNumber). */
async function fill(page: Page, testId: string, value: string): Promise<void> {
  const target = page.getByTestId(testId);
  const isInput = await target.evaluate((el) => el.tagName === 'INPUT' || el.tagName === 'TEXTAREA');
  await (isInput ? target : target.locator('input')).fill(value);
}

describe('information-system census', () => {
  const name = `户籍业务系统${uniqueSuffix()}`;
  let systemPath = '';

  it('a department admin registers a system, and sees it flagged as a zombie once stopped', async () => {
    await asUser('gaj_admin', async (page) => {
      await page.getByTestId('side-menu').getByText('信息系统普查', { exact: true }).click();
      await page.getByTestId('census-page').waitFor();
      await expect(page.getByTestId('census-org-scope').textContent()).resolves.toBe('珠海市公安局');

      await page.getByTestId('census-create').click();
      await page.getByTestId('census-form-page').waitFor();
      await fill(page, 'census-name', name);
      await fill(page, 'census-user-count', '300');
      await fill(page, 'census-om-budget', '20');
      await fill(page, 'census-provided-to', '人口基础信息 / 市政数局 / 前置机数据交换');
      await page.getByTestId('census-save').click();

      await page.getByTestId('census-detail-page').waitFor();
      systemPath = new URL(page.url()).pathname;
      expect(systemPath).toMatch(/^\/census\/[0-9a-f-]{36}$/);
      await expect(page.getByTestId('census-detail-name').textContent()).resolves.toBe(name);
      await page.getByTestId('census-detail').getByTestId('zombie-none').waitFor();

      // Stop it: the rules flag it, on the detail page and in the list's zombie filter.
      await page.getByTestId('census-edit').click();
      await page.getByTestId('census-form-page').waitFor();
      await expect(page.getByTestId('census-name').inputValue()).resolves.toBe(name);
      await page.getByTestId('census-status').getByText('停止运行').click();
      await page.getByTestId('census-save').click();
      await page.getByTestId('census-detail-status').getByText('停止运行').waitFor();
      await page.getByTestId('census-detail').getByTestId('zombie-stopped').waitFor();

      await page.goto('/census');
      await page.getByTestId('census-zombie-only').click();
      const row = page.getByTestId('census-table').locator('tr', { hasText: name });
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain('停止运行');

      await page.getByTestId('census-candidates').click();
      await page.getByTestId('census-candidates-table').locator('tr', { hasText: name }).getByText('运行状态为停止运行').waitFor();
    });
  });

  it('another department admin neither lists nor opens the system', async () => {
    expect(systemPath).not.toBe('');
    await asUser('scj_admin', async (page) => {
      await page.getByTestId('side-menu').getByText('信息系统普查', { exact: true }).click();
      await page.getByTestId('census-table').waitFor();
      await page.getByTestId('census-table').locator('.ant-table-placeholder, tr.ant-table-row').first().waitFor();
      expect(await page.getByTestId('census-table').getByText(name).count()).toBe(0);

      await page.goto(systemPath);
      await page.getByTestId('census-detail-error').getByText('只能查看本部门的信息系统', { exact: true }).waitFor();
      expect(await page.getByText(name).count()).toBe(0);
    });
  });

  it('shows the per-row errors of an import and writes nothing', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('信息系统普查');
    sheet.addRow(['系统名称', '运行状态', '运行网络', '使用频度']);
    sheet.addRow(['导入测试系统', '在用', '电子政务外网', '每日']);
    const file = Buffer.from(await book.xlsx.writeBuffer());

    await asUser('gaj_admin', async (page) => {
      await page.goto('/census');
      await page.getByTestId('census-import').click();
      await page.getByTestId('census-import-modal').locator('input[type="file"]').setInputFiles({
        name: 'census.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file,
      });
      await page.getByTestId('census-import-dry-run').click(); // a real import, not a dry run
      await page.getByTestId('census-import-submit').click();
      const errors = page.getByTestId('census-import-errors');
      await errors.getByText('“在用”不是有效选项', { exact: false }).waitFor();
      await expect(errors.locator('tbody tr.ant-table-row').first().textContent()).resolves.toContain('运行状态');
      await expect(page.getByTestId('census-import-result').textContent()).resolves.toContain('未导入任何数据');
    });
  });
});
