import type { APIRequestContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateNodeKeyPair, signEnrolment, signNodeRequest, type NodeKeyPair } from '../../src/modules/exchange/node-signing.js';
import { GAJ_USCC } from '../helpers/catalog-factories.js';
import { setupConsoleHarness } from './console-harness.js';
import { chooseOption, uniqueSuffix, visit } from './support.js';

/**
 * 数据交换 configuration console: 公安局's admin binds a published 库表 (with a datastore) to its approved node's
 * reported source through the 发布任务 drawer; 市场监管局's admin subscribes with its grant to its node's target;
 * a bad identifier is refused by the server and shown on the field; a reconciliation request is listed.
 * Seeding (resource, datastore, grant, nodes with heartbeats) goes through the API.
 */
const { asUser } = setupConsoleHarness();

const SUFFIX = uniqueSuffix();
const TABLE = `户籍人口交换${SUFFIX}`;
const GAJ_NODE = `公安局交换前置机${SUFFIX}`;
const SCJ_NODE = `市场监管交换前置机${SUFFIX}`;
let resourceId = '';
let origin = '';

async function csrfOf(page: Page): Promise<string> {
  return ((await (await page.request.get('/api/v1/auth/me')).json()) as { csrfToken: string }).csrfToken;
}

async function apiCall(request: APIRequestContext, csrf: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<any> {
  const response = await request.fetch(`/api/v1${path}`, {
    method,
    headers: { 'X-CSRF-Token': csrf, Accept: 'application/json' },
    ...(body !== undefined ? { data: body } : {}),
  });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? null : response.json();
}

function cstDay(offsetDays = 0): string {
  return new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Enrols a node with a fresh token of the signed-in dept_admin; returns its id and key (approved later). */
async function enrolNode(page: Page, name: string): Promise<{ nodeId: string; key: NodeKeyPair }> {
  const csrf = await csrfOf(page);
  const { token } = await apiCall(page.request, csrf, 'POST', '/exchange/enrolment-tokens', { nodeName: name, zone: '政务外网' });
  const key = generateNodeKeyPair();
  const body = signEnrolment({ token, publicKey: key.publicKey, name, version: '0.1.0' }, key);
  const response = await fetch(`${origin}/api/v1/exchange/enrol`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`enrol: ${response.status} ${await response.text()}`);
  return { nodeId: ((await response.json()) as { nodeId: string }).nodeId, key };
}

/** A signed heartbeat reporting the node's configured endpoints. */
async function heartbeat(node: { nodeId: string; key: NodeKeyPair }, endpoints: { name: string; type: string; role: string }[]): Promise<void> {
  const path = '/api/v1/exchange/heartbeat';
  const payload = JSON.stringify({ version: '0.1.0', status: 'ok', backlog: 0, endpoints });
  const headers = signNodeRequest(node.nodeId, node.key, { method: 'POST', path, body: payload });
  const response = await fetch(`${origin}${path}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: payload });
  if (response.status !== 200) throw new Error(`heartbeat: ${response.status} ${await response.text()}`);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `/tmp/govshare-exchange-flows-${name}.png`, fullPage: true });
}

/** chooseOption, repeated until the select shows the choice (options may re-render while lists load). */
async function pick(page: Page, testId: string, text: string, search?: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await chooseOption(page, testId, text, search);
    if ((await page.getByTestId(testId).innerText()).includes(text)) return;
    if (attempt === 2) throw new Error(`${testId}: "${text}" was not selected`);
    await page.keyboard.press('Escape');
  }
}

/** The input of an antd field found by test id, whether the id sits on the input or on its wrapper. */
function inputOf(page: Page, testId: string) {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
}

beforeAll(async () => {
  let gajNode!: { nodeId: string; key: NodeKeyPair };
  let scjNode!: { nodeId: string; key: NodeKeyPair };
  await asUser('gaj_admin', async (page) => {
    origin = new URL(page.url()).origin;
    const csrf = await csrfOf(page);
    const created = await apiCall(page.request, csrf, 'POST', '/resources', {
      name: TABLE, summary: `${TABLE}（数据交换测试）`, providerDivision: '人口管理支队', formatClass: '数据库', formatType: 'Dm', formatOther: null,
      items: [
        { name: '公民身份号码', dataType: 'C', length: 18 },
        { name: '姓名', dataType: 'C', length: 50 },
        { name: '出生日期', dataType: 'D', length: null },
      ],
      shareType: '无条件共享', shareCondition: '用于政务服务', shareMethodClass: '共享平台方式', shareMethodType: '数据库',
      isOpen: false, openCondition: null, updateCycle: '每日', publishDate: '2026-11-01', relatedClass: null, providerCode: GAJ_USCC,
    });
    resourceId = created.id;
    await apiCall(page.request, csrf, 'POST', `/resources/${resourceId}/submit`);
    gajNode = await enrolNode(page, GAJ_NODE);
  });
  await asUser('platform', async (page) => {
    const csrf = await csrfOf(page);
    await apiCall(page.request, csrf, 'POST', `/resources/${resourceId}/approve`, { comment: null });
    await apiCall(page.request, csrf, 'POST', `/exchange/nodes/${gajNode.nodeId}/approve`);
  });
  await asUser('gaj_admin', async (page) => {
    await apiCall(page.request, await csrfOf(page), 'PUT', `/resources/${resourceId}/datastore`, { keyItems: ['公民身份号码'] });
  });
  await heartbeat(gajNode, [{ name: 'hjk', type: 'postgres', role: 'source' }]);
  await asUser('scj_admin', async (page) => {
    const csrf = await csrfOf(page);
    const request = await apiCall(page.request, csrf, 'POST', '/share-requests', {
      resourceId, items: ['公民身份号码', '姓名', '出生日期'], purpose: '企业登记时核验法定代表人身份', basis: '《市场主体登记管理条例》第十条',
      applicationName: '市场主体登记系统', validFrom: cstDay(), validTo: cstDay(300),
    });
    expect(request.status).toBe('approved');
    scjNode = await enrolNode(page, SCJ_NODE);
  });
  await asUser('platform', async (page) => {
    await apiCall(page.request, await csrfOf(page), 'POST', `/exchange/nodes/${scjNode.nodeId}/approve`);
  });
  await heartbeat(scjNode, [{ name: 'scjk', type: 'mysql', role: 'target' }]);
});

function taskRow(page: Page) {
  return page.getByTestId('tasks-table').locator('tr').filter({ hasText: TABLE });
}

describe('数据交换 configuration', () => {
  it('公安局 creates a publish task through the drawer; a bad identifier is refused on its field', async () => {
    await asUser('gaj_admin', async (page) => {
      await page.getByTestId('side-menu').getByText('发布任务', { exact: true }).click();
      await page.getByTestId('tasks-page').waitFor();
      await page.getByTestId('task-create').click();
      await pick(page, 'task-resource', TABLE, TABLE);
      await pick(page, 'task-node', GAJ_NODE);
      await pick(page, 'task-source', 'hjk');
      // Key items are marked and required.
      await expect.poll(() => page.getByTestId('task-key-item').count()).toBe(1);
      await page.getByTestId('task-submit').click();
      await expect.poll(() => page.getByText('主键信息项必须映射').count()).toBeGreaterThan(0);

      await inputOf(page, 'task-source-table').fill('hj; drop table person');
      await inputOf(page, 'task-col-公民身份号码').fill('sfzh');
      await inputOf(page, 'task-col-姓名').fill('xm');
      await inputOf(page, 'task-col-出生日期').fill('csrq');
      await inputOf(page, 'task-watermark').fill('updated_at');
      await page.getByTestId('task-submit').click();
      const formError = page.getByTestId('task-form-error');
      await formError.waitFor();
      // The server names the field: its message sits under the 源表 input.
      await expect.poll(() => page.locator('.ant-form-item-has-error').filter({ has: inputOf(page, 'task-source-table') }).count()).toBe(1);
      await shot(page, 'task-drawer-error');

      await inputOf(page, 'task-source-table').fill('public.hj_person');
      await page.getByTestId('task-submit').click();
      await formError.waitFor({ state: 'hidden' });
      const row = taskRow(page);
      await row.waitFor();
      await expect.poll(() => row.getByTestId('task-status').innerText()).toBe('运行中');
      expect(await row.getByTestId('task-source').innerText()).toBe('hjk');
      expect(await row.getByTestId('task-mode').innerText()).toBe('增量');
      expect(await row.getByTestId('task-schedule').innerText()).toBe('*/5 * * * *');
      expect(await row.getByTestId('task-last-seq').innerText()).toBe('0');
      await shot(page, 'tasks');
    });
  });

  it('市场监管局 subscribes with its grant to its node\'s target; 公安局 sees it read-only', async () => {
    await asUser('scj_admin', async (page) => {
      await page.getByTestId('side-menu').getByText('数据订阅', { exact: true }).click();
      await page.getByTestId('subscriptions-page').waitFor();
      await page.getByTestId('sub-create').click();
      await pick(page, 'sub-grant', TABLE, TABLE);
      // Granted items are prefilled with their names.
      await expect.poll(() => inputOf(page, 'sub-col-姓名').inputValue()).toBe('姓名');
      await expect.poll(() => page.getByTestId('sub-key-item').count()).toBe(1);
      await pick(page, 'sub-node', SCJ_NODE);
      await pick(page, 'sub-target-name', 'scjk');
      await inputOf(page, 'sub-target-table').fill('gaj_hjrk');
      await inputOf(page, 'sub-col-公民身份号码').fill('sfzh');
      await inputOf(page, 'sub-col-姓名').fill('xm');
      await inputOf(page, 'sub-col-出生日期').fill('csrq');
      await shot(page, 'subscription-drawer');
      await page.getByTestId('sub-submit').click();
      const row = page.getByTestId('subscriptions-table').locator('tr').filter({ hasText: TABLE });
      await row.waitFor();
      await expect.poll(() => row.getByTestId('sub-status').innerText()).toBe('运行中');
      expect(await row.getByTestId('sub-target').innerText()).toBe('scjk');
    });
    await asUser('gaj_admin', async (page) => {
      await visit(page, '/exchange/subscriptions');
      await page.getByTestId('sub-tab-provider').click();
      const row = page.getByTestId('subscriptions-table').locator('tr').filter({ hasText: TABLE });
      await row.waitFor();
      expect(await row.innerText()).toContain('市场监督管理局');
      expect(await row.getByTestId('sub-pause').count()).toBe(0);
    });
  });

  it('对账 from the task lists a request waiting for the nodes', async () => {
    await asUser('gaj_admin', async (page) => {
      await visit(page, '/exchange/tasks');
      const row = taskRow(page);
      await row.waitFor();
      await row.getByTestId('task-reconcile').click();
      await page.getByTestId('reconciliations-page').waitFor();
      const recon = page.getByTestId('reconciliations-table').locator('tr').filter({ hasText: TABLE });
      await recon.first().waitFor();
      expect(await recon.first().getByTestId('recon-status').innerText()).toMatch(/进行中|已完成/);
      await shot(page, 'reconciliations');
    });
    await asUser('auditor', async (page) => {
      await visit(page, '/exchange/reconciliations');
      await page.getByTestId('reconciliations-table').locator('tr').filter({ hasText: TABLE }).first().waitFor();
      expect(await page.getByTestId('recon-request').count()).toBe(0);
    });
  });
});
