import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTableResourceWithGrant } from '../helpers/data-services-factories.js';
import { aBatch, aDelivery, aLogLine, aNode, aSubscription, aTask } from '../helpers/exchange-monitoring-factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, login, openConsole, visit } from './support.js';

/**
 * 交换监控: 公安局 publishes a resource; one batch was stored and applied, the next failed; the delivery of the
 * first to 市场监管局 failed at the target. The exchange rows are inserted directly (no node agent), so this
 * file starts its own server (console-harness.ts has no database hook) the same way the harness does.
 */
let t: TestApp;
let url = '';
let browser: Browser;
const seeded: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ demo: true });
  const r = await aTableResourceWithGrant(t);
  const now = new Date();
  const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000);
  const gajNode = await aNode(t.db, { orgId: r.providerOrgId, name: '公安局监控前置机', at: now, lastHeartbeatAt: now });
  const scjNode = await aNode(t.db, { orgId: r.consumerOrgId, name: '市场监管局监控前置机', at: now, lastHeartbeatAt: now });
  const task = await aTask(t.db, { orgId: r.providerOrgId, resourceId: r.resourceId, nodeId: gajNode, code: 'FB-MON-1', at: now });
  const sub = await aSubscription(t.db, { orgId: r.consumerOrgId, grantId: r.grantId, resourceId: r.resourceId, nodeId: scjNode, code: 'DY-MON-1', at: now });
  const ok = await aBatch(t.db, { taskId: task.id, resourceId: r.resourceId, nodeId: gajNode, seq: 1, at: minutesAgo(30), upserts: 120, bytes: 4096 });
  const bad = await aBatch(t.db, {
    taskId: task.id, resourceId: r.resourceId, nodeId: gajNode, seq: 2, at: minutesAgo(20), upserts: 5, status: 'failed', errorCode: 'DATASTORE_TYPE', errorMessage: '出生日期格式错误',
  });
  const delivery = await aDelivery(t.db, { batchId: ok.id, subscriptionId: sub.id, nodeId: scjNode, seq: 1, at: minutesAgo(25), status: 'failed', errorCode: 'TARGET_DOWN', errorMessage: '目标库连接失败' });
  await aLogLine(t.db, { event: 'upload', at: minutesAgo(30), taskId: task.id, taskCode: task.code, resourceCode: r.code, sourceNodeId: gajNode, batchId: ok.id, records: 120, bytes: 4096, sm3: ok.sm3, serialNo: ok.serialNo });
  await aLogLine(t.db, { event: 'apply', at: minutesAgo(20), taskId: task.id, taskCode: task.code, result: 'failure', errorCode: 'DATASTORE_TYPE', serialNo: bad.serialNo });
  Object.assign(seeded, { ok: ok.serialNo, okSm3: ok.sm3, bad: bad.serialNo, badId: bad.id, delivery: delivery.serialNo });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function asUser(username: string, body: (page: Page) => Promise<void>): Promise<void> {
  const { context, page } = await openConsole(browser, url);
  try {
    await login(page, username);
    await body(page);
  } catch (error) {
    await page.screenshot({ path: `/tmp/govshare-browser-monitoring-${username}-failure.png`, fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

const rowOf = (page: Page, table: string, text: string) => page.getByTestId(table).locator('tr').filter({ hasText: text });

describe('交换监控', () => {
  it('the provider sees the summary, the chart, its batches and the failure, and retries it', async () => {
    await asUser('gaj_admin', async (page) => {
      await visit(page, '/exchange/monitoring');
      await page.getByTestId('monitoring-page').waitFor();
      await expect.poll(() => page.getByTestId('stat-failures').innerText()).toContain('2');
      await expect.poll(() => page.getByTestId('stat-records-today').innerText()).toMatch(/\d/);
      // The volume chart draws on a canvas.
      await page.getByTestId('monitoring-chart').locator('canvas').first().waitFor();
      await page.getByTestId('monitoring-range-day').click();
      await page.getByTestId('monitoring-chart').locator('canvas').first().waitFor();

      await rowOf(page, 'batches-table', seeded.ok!).waitFor();
      expect(await rowOf(page, 'batches-table', seeded.ok!).getByTestId('batch-status').innerText()).toBe('已入库');
      expect(await rowOf(page, 'batches-table', seeded.ok!).getByTestId('sm3-short').innerText()).toContain(seeded.okSm3!.slice(0, 12));
      const badRow = rowOf(page, 'batches-table', seeded.bad!);
      expect(await badRow.getByTestId('batch-status').innerText()).toBe('失败');
      expect(await badRow.innerText()).toContain('出生日期格式错误');

      await page.getByTestId('tab-failures').click();
      const failed = rowOf(page, 'failed-batches-table', seeded.bad!);
      await failed.waitFor();
      await rowOf(page, 'failed-deliveries-table', seeded.delivery!).waitFor();
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/exchange/batches/${seeded.badId}/retry`)),
        failed.getByTestId('batch-retry').click(),
      ]);
      const response = await request.response();
      // The retry route belongs to the batches area; either outcome is shown to the user.
      const outcome = response && response.status() < 300 ? `已提交重试：${seeded.bad}` : '重试失败';
      await page.getByText(outcome).first().waitFor();
    });
  });

  it('the exchange log lists the lines and exports them as CSV', async () => {
    await asUser('gaj_admin', async (page) => {
      await visit(page, '/exchange/monitoring?tab=log');
      const upload = rowOf(page, 'log-table', seeded.ok!);
      await upload.waitFor();
      expect(await upload.getByTestId('log-event').innerText()).toBe('上传');
      // The failed apply (the retry of the first test logs a second line with the same serial number).
      expect(await rowOf(page, 'log-table', seeded.bad!).filter({ hasText: '入库' }).getByTestId('log-result').innerText()).toBe('失败');
      const href = await page.getByTestId('log-export').getAttribute('href');
      expect(href).toContain('/api/v1/exchange/log/export');
      const csv = await page.request.get(href!);
      expect(csv.status()).toBe(200);
      const text = (await csv.body()).toString('utf8');
      expect(text.startsWith('\uFEFF流水号,事件,任务编码')).toBe(true);
      expect(text).toContain(`${seeded.ok},上传,FB-MON-1`);
    });
  });

  it('the consumer sees its failed delivery but no batches and no retry for a department user', async () => {
    await asUser('scj_user', async (page) => {
      await visit(page, '/exchange/monitoring');
      await page.getByTestId('batches-table').waitFor();
      await expect.poll(() => page.getByTestId('batches-table').innerText()).toContain('暂无批次');
      expect(await page.getByText(seeded.ok!).count()).toBe(0);
      await page.getByTestId('tab-deliveries').click();
      const row = rowOf(page, 'deliveries-table', seeded.delivery!);
      await row.waitFor();
      expect(await row.getByTestId('delivery-status').innerText()).toBe('失败');
      expect(await row.getByTestId('delivery-consumer').innerText()).toBe('珠海市市场监督管理局');
      await page.getByTestId('tab-failures').click();
      await rowOf(page, 'failed-deliveries-table', seeded.delivery!).waitFor();
      expect(await page.getByTestId('delivery-retry').count()).toBe(0);
      expect(await page.getByText(seeded.bad!).count()).toBe(0);
    });
  });
});
