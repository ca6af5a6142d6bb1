import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTableResourceWithGrant, type TableResourceWithGrant } from '../../../../test/helpers/data-services-factories.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { citizenIdLarge, TYPED_ITEMS, VALID_USCC } from '../../data-services/datastore/datastore-test-support.js';
import { maskValue } from '../../sharing/index.js';
import { anApprovedNode, aNodeOfOrg, type TestNode } from '../batches/batches-test-support.js';
import { signNodeRequest } from '../node-signing.js';
import { createRowChecksum } from '../protocol/copy-text.js';
import { NODE_API } from '../protocol/node-api.js';
import { createReconciliationService } from './reconciliation.service.js';

/** Spans two PGlite keyset pages (5,000 rows each). */
const ROWS = 6_003;
const TYPES = TYPED_ITEMS.map((i) => i.dataType);
const NAMES = TYPED_ITEMS.map((i) => i.name);

/** Row n as the CSV cells (null = empty cell), in TYPED_ITEMS order. */
function rowOf(n: number): (string | null)[] {
  return [
    citizenIdLarge(n),
    n % 7 === 0 ? null : `张${'三四五六'[n % 4]}`,
    `2001-0${(n % 9) + 1}-1${n % 10}`,
    n % 5 === 0 ? '12.50' : `${n}.05`,
    String(n - 100),
    n % 3 === 0 ? '0.1' : '1.5e2',
    n % 2 === 0 ? 'true' : '0',
    `2026-01-02 03:04:0${n % 10}`,
    n % 11 === 0 ? '多行\n备注\t含制表符\\反斜杠' : `备注${n}`,
    n % 13 === 0 ? null : `{"b": ${n}, "a": [1, "x"]}`,
    n % 2 === 0 ? VALID_USCC : null,
    n % 4 === 0 ? '1.50' : '-0',
  ];
}

const csvCell = (v: string | null) => (v === null ? '' : /[",\n\t]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

describe('reconciliation (对账)', () => {
  let t: TestApp;
  let clock = Date.now();
  let r: TableResourceWithGrant;
  let gajNode: TestNode;
  let scjNode: TestNode;
  let otherNode: TestNode;
  let taskId: string;
  let subscriptionId: string;
  let subscriptionCode: string;
  const rows = Array.from({ length: ROWS }, (_, i) => rowOf(i + 1));

  beforeAll(async () => {
    t = await createTestApp({ now: () => new Date(clock) });
    const csv = `${NAMES.join(',')}\n${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
    r = await aTableResourceWithGrant(t, {
      resourceItems: TYPED_ITEMS, items: ['公民身份号码', '姓名', '出生日期', '金额', '登记时间'], masking: { 姓名: 'name' }, keyItems: ['公民身份号码'], csv,
    });
    gajNode = await anApprovedNode(t, r.tokens.gajAdmin, r.tokens.platform);
    scjNode = await anApprovedNode(t, r.tokens.scjAdmin, r.tokens.platform);
    const thirdOrg = (await t.db.selectFrom('identity_orgs').select('id').where('id', 'not in', [r.providerOrgId, r.consumerOrgId]).executeTakeFirstOrThrow()).id;
    otherNode = await aNodeOfOrg(t, gajNode, thirdOrg);
    const at = new Date();
    // Every item mapped but 统一社会信用代码: the task's columns are the mapped ones, in item order.
    const columnMap = Object.fromEntries(NAMES.filter((n) => n !== '统一社会信用代码').map((n, i) => [n, `col${i}`]));
    taskId = (await t.db.insertInto('exchange_tasks').values({
      code: 'FB900001', org_id: r.providerOrgId, resource_id: r.resourceId, node_id: gajNode.nodeId, kind: 'table', source_name: 'src', source_table: 'people',
      source_query: null, column_map: JSON.stringify(columnMap), key_items: JSON.stringify(['公民身份号码']), mode: 'full', watermark_column: null,
      delete_mode: 'none', soft_delete_column: null, change_log_table: null, schedule_kind: 'cron', cron: '0 2 * * *', interval_seconds: null,
      batch_rows: 50000, file_pattern: null, status: 'active', created_by: null, created_at: at, updated_at: at,
    } as never).returning('id').executeTakeFirstOrThrow()).id;
  }, 240_000); // loads 6,000 rows: slow on a shared machine
  afterAll(async () => t.close());

  const service = () => createReconciliationService({ db: t.db, now: () => new Date(clock) });

  async function aSubscription() {
    const at = new Date();
    const row = await t.db.insertInto('exchange_subscriptions').values({
      code: 'DY900001', org_id: r.consumerOrgId, grant_id: r.grantId, resource_id: r.resourceId, node_id: scjNode.nodeId, target_name: 'tgt',
      target_table: 'people', column_map: JSON.stringify({ 公民身份号码: 'id', 姓名: 'name', 金额: 'amount', 登记时间: 'ts' }), status: 'active',
      created_by: null, created_at: at, updated_at: at,
    } as never).returning(['id', 'code']).executeTakeFirstOrThrow();
    subscriptionId = row.id;
    subscriptionCode = row.code;
  }

  function expectedAll(): { count: number; checksum: string } {
    const keep = NAMES.map((n, i) => (n === '统一社会信用代码' ? -1 : i)).filter((i) => i >= 0);
    const sum = createRowChecksum(keep.map((i) => TYPES[i]!));
    for (const row of rows) sum.add(keep.map((i) => row[i]!));
    return { count: sum.count, checksum: sum.checksum() };
  }

  function expectedForSubscriber(): { count: number; checksum: string } {
    const items = ['公民身份号码', '姓名', '金额', '登记时间'];
    const idx = items.map((n) => NAMES.indexOf(n));
    const sum = createRowChecksum(idx.map((i) => TYPES[i]!));
    for (const row of rows) {
      sum.add(idx.map((i) => {
        const v = row[i]!;
        return NAMES[i] === '姓名' && v !== null ? String(maskValue('name', v)) : v;
      }));
    }
    return { count: sum.count, checksum: sum.checksum() };
  }

  async function report(node: TestNode, id: string, body: object, opts: { tamper?: boolean } = {}) {
    const path = NODE_API.reconciliationReport(id);
    const payload = JSON.stringify(body);
    const headers = signNodeRequest(node.nodeId, node.key, { method: 'POST', path, body: payload, timestamp: String(clock) });
    return t.app.inject({ method: 'POST', url: path, headers: { ...headers, 'content-type': 'application/json' }, payload: opts.tamper ? payload.replace('"count":', '"count":1') : payload });
  }

  let firstId: string;

  it('computes the platform figure over the task columns at once; only the provider admin or the platform admin may request', async () => {
    expect((await t.call(r.tokens.scjAdmin, 'POST', '/api/v1/exchange/reconciliations', { taskId })).statusCode).toBe(404);
    expect((await t.call(r.tokens.gajUser, 'POST', '/api/v1/exchange/reconciliations', { taskId })).statusCode).toBe(404);
    const res = await t.call(r.tokens.gajAdmin, 'POST', '/api/v1/exchange/reconciliations', { taskId });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json();
    firstId = view.id;
    expect(view).toMatchObject({ taskId, taskCode: 'FB900001', status: 'requested', source: null, targets: [], expected: [], differences: [] });
    expect({ count: view.platform.count, checksum: view.platform.checksum }).toEqual(expectedAll());
    const audit = await t.db.selectFrom('audit_events').select(['action']).where('target_id', '=', firstId).execute();
    expect(audit.map((a) => a.action)).toEqual(['exchange.reconciliation_requested']);
    // No subscription yet: the consumer department sees nothing of it.
    expect((await t.call(r.tokens.scjAdmin, 'GET', `/api/v1/exchange/reconciliations/${firstId}`)).statusCode).toBe(404);
    expect((await t.call(r.tokens.scjAdmin, 'GET', '/api/v1/exchange/reconciliations')).json().items).toEqual([]);
    expect((await t.call(r.tokens.gajUser, 'GET', `/api/v1/exchange/reconciliations?taskId=${taskId}`)).json().items.map((i: { id: string }) => i.id)).toEqual([firstId]);
  });

  it('the source node reports matching figures: done without differences; another node cannot report', async () => {
    expect(await service().pendingFor(gajNode.nodeId)).toEqual([{ id: firstId, taskId, subscriptionId: null }]);
    expect(await service().pendingFor(scjNode.nodeId)).toEqual([]);
    const figures = expectedAll();
    expect((await report(scjNode, firstId, { side: 'source', ...figures })).statusCode).toBe(404);
    expect((await report(otherNode, firstId, { side: 'source', ...figures })).statusCode).toBe(404);
    expect((await report(gajNode, firstId, { side: 'source', ...figures }, { tamper: true })).statusCode).toBe(401);
    expect((await report(gajNode, firstId, { side: 'source', count: 1, checksum: 'nothex' })).statusCode).toBe(400);
    const res = await report(gajNode, firstId, { side: 'source', ...figures });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id: firstId, status: 'done' });
    const view = (await t.call(r.tokens.gajAdmin, 'GET', `/api/v1/exchange/reconciliations/${firstId}`)).json();
    expect(view).toMatchObject({ status: 'done', differences: [], source: figures });
    expect(await service().pendingFor(gajNode.nodeId)).toEqual([]);
  });

  let secondId: string;

  it('with a subscription: the subscriber figure is the granted, mapped, masked view; differing reports become sentences', async () => {
    await aSubscription();
    const res = await t.call(r.tokens.platform, 'POST', '/api/v1/exchange/reconciliations', { taskId });
    expect(res.statusCode, res.body).toBe(201);
    secondId = res.json().id;
    const [expected] = res.json().expected;
    expect(expected).toMatchObject({ subscriptionId, subscriptionCode, orgId: r.consumerOrgId, nodeId: scjNode.nodeId, items: ['公民身份号码', '姓名', '金额', '登记时间'], ...expectedForSubscriber() });
    expect(await service().pendingFor(scjNode.nodeId)).toEqual([{ id: secondId, taskId: null, subscriptionId }]);
    // The source node cannot report the subscriber's side, nor the subscriber node the source side.
    expect((await report(gajNode, secondId, { side: 'target', subscriptionId, ...expectedForSubscriber() })).statusCode).toBe(404);
    expect((await report(scjNode, secondId, { side: 'source', ...expectedAll() })).statusCode).toBe(404);
    expect((await report(otherNode, secondId, { side: 'target', subscriptionId, ...expectedForSubscriber() })).statusCode).toBe(404);

    const src = await report(gajNode, secondId, { side: 'source', count: ROWS + 2, checksum: expectedAll().checksum });
    expect(src.json()).toEqual({ id: secondId, status: 'requested' });
    const tgt = await report(scjNode, secondId, { side: 'target', subscriptionId, count: ROWS, checksum: '0123456789abcdef' });
    expect(tgt.json()).toEqual({ id: secondId, status: 'done' });
    const view = (await t.call(r.tokens.gajAdmin, 'GET', `/api/v1/exchange/reconciliations/${secondId}`)).json();
    const total = ROWS.toLocaleString('en-US');
    expect(view.differences).toEqual([
      `源端 ${(ROWS + 2).toLocaleString('en-US')} 行，平台 ${total} 行，相差 2 行`,
      `订阅 ${subscriptionCode}（珠海市市场监督管理局）：平台应有校验值 ${expectedForSubscriber().checksum}，目标端为 0123456789abcdef`,
    ]);
    expect(view.targets).toEqual([{ subscriptionId, nodeId: scjNode.nodeId, count: ROWS, checksum: '0123456789abcdef', reportedAt: expect.any(String) }]);

    // The subscriber department sees its own lines only; it cannot request.
    const mine = (await t.call(r.tokens.scjAdmin, 'GET', `/api/v1/exchange/reconciliations/${secondId}`)).json();
    expect(mine).toMatchObject({ source: null, platform: null, differences: [view.differences[1]] });
    expect(mine.expected).toHaveLength(1);
    expect((await t.call(r.tokens.scjUser, 'GET', '/api/v1/exchange/reconciliations')).json().items.map((i: { id: string }) => i.id)).toEqual([secondId]);
    expect((await t.call(r.tokens.scjAdmin, 'POST', '/api/v1/exchange/reconciliations', { taskId })).statusCode).toBe(404);
    const auditor = await t.login('auditor');
    expect((await t.call(auditor, 'GET', '/api/v1/exchange/reconciliations')).json().items.length).toBe(2);
  });

  it('closes a request with missing sides after an hour, naming the silent nodes', async () => {
    const res = await t.call(r.tokens.gajAdmin, 'POST', '/api/v1/exchange/reconciliations', { taskId });
    const id = res.json().id;
    await report(scjNode, id, { side: 'target', subscriptionId, ...expectedForSubscriber() });
    clock += 3_600_001;
    // Sessions time out too: sign in again.
    const view = (await t.call(await t.login('gaj_admin'), 'GET', `/api/v1/exchange/reconciliations/${id}`)).json();
    expect(view.status).toBe('done');
    expect(view.differences).toEqual(['前置机 前置机 未在 1 小时内上报（源端）']);
    expect(await service().pendingFor(gajNode.nodeId)).toEqual([]);
    // A late report is accepted and changes nothing.
    expect((await report(gajNode, id, { side: 'source', ...expectedAll() })).json()).toEqual({ id, status: 'done' });
  });
});
