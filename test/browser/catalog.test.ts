import ExcelJS from 'exceljs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { setupConsoleHarness } from './console-harness.js';

/** Each step signs in as one demo account in a fresh browser context; the steps build on each other. */
const { asUser } = setupConsoleHarness();

const SAMPLE = fileURLToPath(new URL('../fixtures/catalog-sample.xlsx', import.meta.url));
const HOUSEHOLD = '户籍人口基本信息';

async function openFromMenu(page: Page, label: string): Promise<void> {
  await page.getByTestId('side-menu').getByText(label, { exact: true }).click();
}

/** Confirms the open review modal (通过 with an optional comment). */
async function approveInModal(page: Page, comment?: string): Promise<void> {
  const modal = page.locator('.ant-modal:visible');
  await modal.getByTestId('review-comment').waitFor();
  if (comment) await modal.getByTestId('review-comment').fill(comment);
  await modal.getByRole('button', { name: '确认通过' }).click();
  await modal.waitFor({ state: 'hidden' });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `/tmp/govshare-catalog-${name}.png`, fullPage: true });
}

/** Uploads a workbook on the 目录导入 page and runs the dry run. */
async function dryRun(page: Page, file: string): Promise<void> {
  await openFromMenu(page, '目录导入');
  await page.getByTestId('catalog-import-page').waitFor();
  await page.locator('input[type="file"]').setInputFiles(file);
  await page.getByTestId('import-dry-run').click();
  await page.getByTestId('import-summary').waitFor();
}

/** Two blocks in a one-row-header layout; the second block's first item has the data type `X`. */
async function faultyWorkbook(): Promise<string> {
  const header = [
    '信息资源名称', '信息资源代码', '信息资源提供方', '提供方内部部门', '资源提供方代码', '信息资源摘要', '信息资源格式分类', '信息资源格式类型',
    '其他类型资源格式描述', '信息项名称', '数据类型', '数据长度', '共享类型', '共享条件', '共享方式分类', '共享方式类型', '是否向社会开放', '开放条件',
    '更新周期', '发布日期', '关联及类目名称',
  ];
  const resource = (name: string) => [name, null, '珠海市公安局', null, '11440400WFA5YL7R9R', `${name}的摘要`, '数据库', 'Dm', null];
  const shared = ['有条件共享', '仅限履行职责使用', '共享平台方式', '接口', '否', null, '每日', '2024-01-15', null];
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('目录');
  ws.addRow(header);
  ws.addRow([...resource('测试正确资源'), '证件号码', 'C', 18, ...shared]);
  ws.addRow([...resource('测试正确资源'), '登记日期', 'D', 8, ...shared]);
  ws.addRow([...resource('测试错误资源'), '车牌号码', 'X', 10, ...shared]);
  ws.addRow([...resource('测试错误资源'), '车辆类型', 'C', 4, ...shared]);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'govshare-catalog-')), '错误目录.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describe('catalog console', () => {
  let householdPath = '';

  it('platform imports the sample catalog, approves one resource, and a department user finds it by a fuzzy search', async () => {
    await asUser('platform', async (page) => {
      await dryRun(page, SAMPLE);
      await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('共 41 个资源块：41 个可导入，0 个有错误');
      expect(await page.getByTestId('import-blocks').locator('tbody tr.ant-table-row').count()).toBe(41);
      await shot(page, 'import-dry-run');

      await page.getByTestId('import-submit').click();
      await page.getByTestId('import-run').click();
      await page.getByTestId('import-summary').filter({ hasText: '已导入 41 个' }).waitFor();
      await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('已提交审核');

      await openFromMenu(page, '目录审核');
      await page.getByTestId('review-page-total').filter({ hasText: '待审核 41 条' }).waitFor();
      await page.getByTestId('review-search').locator('input').fill(HOUSEHOLD);
      await page.getByTestId('review-search').locator('input').press('Enter');
      const row = page.getByTestId('review-table').locator('tr', { hasText: HOUSEHOLD });
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain('珠海市公安局');
      await row.getByTestId('review-open').click();
      const drawer = page.getByTestId('review-drawer');
      await drawer.getByText('新建资源，尚无已发布版本。').waitFor();
      await expect(drawer.getByTestId('review-items').textContent()).resolves.toContain('公民身份号码');
      await shot(page, 'review-drawer');
      await drawer.getByTestId('review-approve').click();
      await approveInModal(page, '元数据完整，同意发布');
      await page.getByTestId('review-drawer').waitFor({ state: 'hidden' });
      await row.waitFor({ state: 'detached' });
    });

    await asUser('gaj_user', async (page) => {
      await openFromMenu(page, '共享目录');
      await page.getByTestId('shared-catalog-page').waitFor();
      await page.getByTestId('catalog-search').locator('input').fill('户籍人口本信息');
      await page.getByTestId('catalog-search').locator('input').press('Enter');
      const hit = page.getByTestId('catalog-hit-name').filter({ hasText: HOUSEHOLD });
      await hit.waitFor();
      await page.getByTestId('facet-provider').getByText('珠海市公安局 (1)').waitFor();
      await shot(page, 'shared-search');
      await hit.click();
      await page.getByTestId('resource-detail-page').waitFor();
      householdPath = new URL(page.url()).pathname;
      await expect(page.getByTestId('resource-name').textContent()).resolves.toBe(HOUSEHOLD);
      const items = page.getByTestId('resource-items');
      await expect(items.textContent()).resolves.toContain('公民身份号码');
      await expect(items.textContent()).resolves.toContain('字符型');
      await expect(page.getByTestId('resource-metadata').textContent()).resolves.toContain('人口管理支队');
      // A department user may not edit: no edit button, and no review history of another role's work.
      expect(await page.getByTestId('resource-edit').count()).toBe(0);
      await shot(page, 'detail');
    });
  });

  it('a department admin revises its published resource; after approval the version diff shows the change', async () => {
    expect(householdPath).toMatch(/^\/catalog\/resources\/[0-9a-f-]{36}$/);
    await asUser('gaj_admin', async (page) => {
      await openFromMenu(page, '本部门目录');
      const row = page.getByTestId('department-table').locator('tr', { hasText: HOUSEHOLD });
      await row.waitFor();
      await expect(row.getByTestId('resource-status').textContent()).resolves.toBe('已发布');
      await row.getByTestId('resource-edit').click();
      await page.getByTestId('resource-editor-page').waitFor();
      await page.getByTestId('editor-new-version').getByText('生成第 2 版').waitFor();
      await expect(page.getByTestId('editor-name').inputValue()).resolves.toBe(HOUSEHOLD);
      await page.getByTestId('editor-summary').fill('本市户籍人口的身份、户籍地址、户籍变动和曾用名等基本信息');
      await page.getByTestId('editor-item-add').click();
      await page.getByTestId('editor-item-name').last().fill('曾用名');
      await page.locator('input[data-testid="editor-item-length"], [data-testid="editor-item-length"] input').last().fill('50');
      await shot(page, 'editor');
      await page.getByTestId('editor-save-submit').click();
      await page.getByTestId('resource-detail-page').waitFor();
      await page.getByTestId('resource-working').getByText('第 2 版正在修订（待审核）').waitFor();
    });

    await asUser('platform', async (page) => {
      await page.goto(householdPath);
      await page.getByTestId('resource-working').waitFor();
      await page.getByTestId('review-approve').click();
      await approveInModal(page);
      await page.getByTestId('resource-versions').getByText('已被替代').waitFor();
      const diff = page.getByTestId('version-diff');
      await diff.getByTestId('diff-fields').getByText('信息资源摘要').waitFor();
      await expect(diff.getByTestId('diff-fields').textContent()).resolves.toContain('曾用名等基本信息');
      await expect(diff.getByTestId('diff-item-added').textContent()).resolves.toContain('曾用名');
      await expect(page.getByTestId('resource-review-history').textContent()).resolves.toContain('审核通过');
      await shot(page, 'version-diff');
    });
  });

  it('a faulty workbook shows the faulty block with its row, column and reason', async () => {
    const file = await faultyWorkbook();
    await asUser('gaj_admin', async (page) => {
      await dryRun(page, file);
      await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('1 个可导入，1 个有错误');
      const faulty = page.getByTestId('import-blocks').locator('tr.ant-table-row', { hasText: '测试错误资源' });
      await expect(faulty.getByTestId('import-row').textContent()).resolves.toBe('4');
      await expect(faulty.getByTestId('import-result').textContent()).resolves.toContain('有错误');
      const errors = page.getByTestId('import-block-errors');
      await expect(errors.textContent()).resolves.toContain('数据类型');
      await expect(errors.textContent()).resolves.toContain('第 4 行数据类型“X”无法识别');
      await shot(page, 'import-errors');
    });
  });
});
