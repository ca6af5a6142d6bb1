import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aBatch, aDelivery, aLogLine, aNode, aSubscription, aTask } from '../../../../test/helpers/exchange-monitoring-factories.js';
import { aTableResourceWithGrant } from '../../../../test/helpers/data-services-factories.js';
import { aThirdDepartmentAdmin } from '../../../../test/helpers/sharing-factories.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { LOG_EXPORT_COLUMNS } from './index.js';

/**
 * Exchange monitoring, read side. 公安局 runs two tasks (T1, T2) on one resource; 市场监管局 (scj) subscribes
 * and gets deliveries of both; 税务局 (swj) subscribes too and gets a delivery of T2 only. The clock stands at
 * 01:00 CST on 22 November, so yesterday's 23:50 and today's 00:10 fall in different CST days.
 */
const NOW = new Date('2026-11-21T17:00:00.000Z');
const at = (iso: string) => new Date(iso);

let t: TestApp;
let clock = NOW;
const tk: Record<string, string> = {};
const ids: Record<string, string> = {};

async function get(token: string, url: string) {
  const res = await t.call(token, 'GET', `/api/v1${url}`);
  return { status: res.statusCode, body: res.statusCode === 200 && res.headers['content-type']?.toString().includes('json') ? res.json() : res.body, res };
}

beforeAll(async () => {
  t = await createTestApp({ now: () => clock });
  const r = await aTableResourceWithGrant(t);
  Object.assign(tk, { gaj: r.tokens.gajAdmin, gajUser: r.tokens.gajUser, scj: r.tokens.scjUser, platform: r.tokens.platform });
  tk.swj = await aThirdDepartmentAdmin(t);
  tk.auditor = await t.login('auditor');
  tk.sysadmin = await t.login('sysadmin');
  const swjOrg = await t.orgIdByName('国家税务总局珠海市税务局');
  const db = t.db;

  const gajNode = await aNode(db, { orgId: r.providerOrgId, name: '公安局前置机', at: NOW, lastHeartbeatAt: NOW });
  const scjNode = await aNode(db, { orgId: r.consumerOrgId, name: '市场监管局前置机', at: NOW, lastHeartbeatAt: new Date(NOW.getTime() - 10 * 60_000) });
  const swjNode = await aNode(db, { orgId: swjOrg, name: '税务局前置机', at: NOW, lastHeartbeatAt: NOW });
  const t1 = await aTask(db, { orgId: r.providerOrgId, resourceId: r.resourceId, nodeId: gajNode, code: 'FB-T1', at: NOW });
  const t2 = await aTask(db, { orgId: r.providerOrgId, resourceId: r.resourceId, nodeId: gajNode, code: 'FB-T2', at: NOW });
  const scjSub = await aSubscription(db, { orgId: r.consumerOrgId, grantId: r.grantId, resourceId: r.resourceId, nodeId: scjNode, code: 'DY-SCJ', at: NOW });
  // The grant belongs to scj; the FK is all the monitoring needs for 税务局's subscription.
  const swjSub = await aSubscription(db, { orgId: swjOrg, grantId: r.grantId, resourceId: r.resourceId, nodeId: swjNode, code: 'DY-SWJ', at: NOW });
  const runA = randomUUID();
  const common = { resourceId: r.resourceId, nodeId: gajNode };
  const b1 = await aBatch(db, { ...common, taskId: t1.id, seq: 1, runId: runA, at: at('2026-11-21T15:50:00Z'), upserts: 10, deletes: 2, bytes: 1000 });
  const b2 = await aBatch(db, { ...common, taskId: t1.id, seq: 2, runId: runA, at: at('2026-11-21T16:10:00Z'), upserts: 5, bytes: 500, status: 'failed', errorCode: 'DATASTORE_TYPE', errorMessage: '出生日期格式错误' });
  const old = await aBatch(db, { ...common, taskId: t1.id, seq: 3, at: at('2026-11-19T10:00:00Z'), upserts: 7, bytes: 70 });
  const b4 = await aBatch(db, { ...common, taskId: t2.id, seq: 1, at: at('2026-11-21T16:20:00Z'), upserts: 3, bytes: 300 });
  const d1 = await aDelivery(db, { batchId: b1.id, subscriptionId: scjSub.id, nodeId: scjNode, seq: 1, at: at('2026-11-21T16:05:00Z') });
  const d3 = await aDelivery(db, { batchId: b4.id, subscriptionId: scjSub.id, nodeId: scjNode, seq: 2, at: at('2026-11-21T16:30:00Z'), status: 'pending' });
  const d4 = await aDelivery(db, { batchId: b4.id, subscriptionId: swjSub.id, nodeId: swjNode, seq: 1, at: at('2026-11-21T16:30:00Z'), status: 'failed', errorCode: 'TARGET_DOWN', errorMessage: '目标库连接失败' });
  await aLogLine(db, { event: 'upload', at: at('2026-11-21T15:50:00Z'), taskId: t1.id, taskCode: 'FB-T1', resourceCode: r.code, sourceNodeId: gajNode, batchId: b1.id, records: 12, bytes: 1000, sm3: b1.sm3, serialNo: b1.serialNo });
  await aLogLine(db, { event: 'apply', at: at('2026-11-21T16:10:00Z'), taskId: t1.id, taskCode: 'FB-T1', result: 'failure', errorCode: 'DATASTORE_TYPE', errorMessage: '含,逗号"引号' });
  await aLogLine(db, { event: 'ack', at: at('2026-11-21T16:05:00Z'), taskId: t1.id, subscriptionId: scjSub.id, sourceNodeId: gajNode, targetNodeId: scjNode, records: 12 });
  await aLogLine(db, { event: 'ack', at: at('2026-11-21T16:31:00Z'), taskId: t2.id, subscriptionId: swjSub.id, targetNodeId: swjNode, result: 'failure', errorCode: 'TARGET_DOWN' });
  // Rejected before its task was known: only the sending node names the department.
  await aLogLine(db, { event: 'reject', at: at('2026-11-21T16:40:00Z'), sourceNodeId: gajNode, result: 'rejected', errorCode: 'BATCH_SIGNATURE_INVALID' });
  Object.assign(ids, { t1: t1.id, t2: t2.id, scjSub: scjSub.id, swjSub: swjSub.id, b1: b1.id, b2: b2.id, old: old.id, b4: b4.id, d1: d1.id, d3: d3.id, d4: d4.id, runA, b1Serial: b1.serialNo });
});

afterAll(async () => { await t?.close(); });

describe('who sees what', () => {
  it('the provider sees the batches of its tasks and every delivery of them', async () => {
    const batches = await get(tk.gajUser!, '/exchange/batches');
    expect(batches.status).toBe(200);
    expect(batches.body.total).toBe(4);
    const b1 = batches.body.items.find((b: { id: string }) => b.id === ids.b1);
    expect(b1).toMatchObject({ taskCode: 'FB-T1', seq: 1, upserts: 10, deletes: 2, bytes: 1000, status: 'applied', deliveries: 1, sourceNodeName: '公安局前置机' });
    const deliveries = await get(tk.gaj!, '/exchange/deliveries');
    expect(deliveries.body.total).toBe(3);
    expect((await get(tk.gaj!, `/exchange/deliveries/${ids.d4}`)).body).toMatchObject({ consumerName: '国家税务总局珠海市税务局', status: 'failed', errorCode: 'TARGET_DOWN' });
  });

  it('a consumer sees its own deliveries, not another consumer\'s, and no batches', async () => {
    const deliveries = await get(tk.scj!, '/exchange/deliveries');
    expect(deliveries.body.items.map((d: { id: string }) => d.id).sort()).toEqual([ids.d1, ids.d3].sort());
    expect((await get(tk.scj!, `/exchange/deliveries?batchId=${ids.b4}`)).body.items.map((d: { id: string }) => d.id)).toEqual([ids.d3]);
    expect((await get(tk.scj!, `/exchange/deliveries/${ids.d4}`)).status).toBe(404);
    expect((await get(tk.scj!, `/exchange/deliveries?subscriptionId=${ids.swjSub}`)).body).toEqual({ items: [], total: 0 });
    expect((await get(tk.scj!, '/exchange/batches')).body).toEqual({ items: [], total: 0 });
    expect((await get(tk.scj!, `/exchange/batches/${ids.b1}`)).status).toBe(404);
    const failures = (await get(tk.scj!, '/exchange/failures')).body;
    expect(failures).toEqual({ batches: [], deliveries: [] });
    const log = (await get(tk.scj!, '/exchange/log')).body;
    expect(log.items.map((l: { event: string }) => l.event)).toEqual(['ack']);
  });

  it('a department that is not part of a task sees nothing of it', async () => {
    // 税务局 subscribes only to what T2 delivered to it; T1 is invisible.
    expect((await get(tk.swj!, '/exchange/batches')).body.total).toBe(0);
    expect((await get(tk.swj!, `/exchange/batches/${ids.b1}`)).status).toBe(404);
    expect((await get(tk.swj!, `/exchange/deliveries?batchId=${ids.b1}`)).body.total).toBe(0);
    expect((await get(tk.swj!, `/exchange/deliveries/${ids.d1}`)).status).toBe(404);
    expect((await get(tk.swj!, `/exchange/runs?taskId=${ids.t1}`)).body.items).toEqual([]);
    expect((await get(tk.swj!, `/exchange/log?taskId=${ids.t1}`)).body.total).toBe(0);
    const failures = (await get(tk.swj!, '/exchange/failures')).body;
    expect(failures.batches).toEqual([]);
    expect(failures.deliveries.map((d: { id: string }) => d.id)).toEqual([ids.d4]);
    const volume = (await get(tk.swj!, `/exchange/stats/volume?days=1&taskId=${ids.t1}`)).body.points;
    expect(volume.every((p: { batches: number; failures: number }) => p.batches === 0 && p.failures === 0)).toBe(true);
    const csv = await get(tk.swj!, `/exchange/log/export?taskId=${ids.t1}`);
    expect(csv.body.trim().split('\r\n')).toHaveLength(1);
  });

  it('the platform admin and the auditor see all; accounts outside the exchange see nothing', async () => {
    for (const token of [tk.platform!, tk.auditor!]) {
      expect((await get(token, '/exchange/batches')).body.total).toBe(4);
      expect((await get(token, '/exchange/deliveries')).body.total).toBe(3);
      expect((await get(token, '/exchange/log')).body.total).toBe(5);
    }
    expect((await get(tk.sysadmin!, '/exchange/batches')).status).toBe(403);
    expect((await get(tk.sysadmin!, `/exchange/batches/${ids.b1}`)).status).toBe(404);
  });

  it('filters batches by task, status and time', async () => {
    expect((await get(tk.gaj!, `/exchange/batches?taskId=${ids.t2}`)).body.items.map((b: { id: string }) => b.id)).toEqual([ids.b4]);
    expect((await get(tk.gaj!, '/exchange/batches?status=failed')).body.items.map((b: { id: string }) => b.id)).toEqual([ids.b2]);
    // A bare date is a CST day: 2026-11-22 (CST) starts at 16:00Z on the 21st.
    expect((await get(tk.gaj!, '/exchange/batches?from=2026-11-22')).body.total).toBe(2);
    expect((await get(tk.gaj!, '/exchange/batches?to=2026-11-21')).body.total).toBe(2);
    expect((await get(tk.gaj!, '/exchange/batches?limit=1&offset=1')).body).toMatchObject({ total: 4, items: [{ id: ids.b2 }] });
  });

  it('groups batches into runs', async () => {
    const runs = (await get(tk.gaj!, `/exchange/runs?taskId=${ids.t1}`)).body.items;
    expect(runs).toHaveLength(2);
    const runA = runs.find((r: { runId: string }) => r.runId === ids.runA);
    expect(runA).toMatchObject({ taskCode: 'FB-T1', batches: 2, upserts: 15, deletes: 2, bytes: 1500, failed: 1, startedAt: '2026-11-21T15:50:00.000Z' });
  });
});

describe('stats', () => {
  it('buckets per CST hour over 24 hours, zero-filled', async () => {
    const { points } = (await get(tk.platform!, '/exchange/stats/volume?days=1&granularity=hour')).body;
    expect(points).toHaveLength(24);
    expect(points[0].at).toBe('2026-11-20T18:00:00.000Z');
    expect(points[23].at).toBe('2026-11-21T17:00:00.000Z');
    const byAt = Object.fromEntries(points.map((p: { at: string }) => [p.at, p]));
    expect(byAt['2026-11-21T15:00:00.000Z']).toMatchObject({ batches: 1, records: 12, bytes: 1000, deliveries: 0, failures: 0 });
    expect(byAt['2026-11-21T16:00:00.000Z']).toMatchObject({ batches: 2, records: 8, bytes: 800, deliveries: 1, failures: 3 });
    expect(points.reduce((n: number, p: { batches: number }) => n + p.batches, 0)).toBe(3); // the batch of the 19th is out of range
  });

  it('buckets per CST day over 30 days; the day turns at 16:00 UTC', async () => {
    const { points } = (await get(tk.gaj!, '/exchange/stats/volume?days=30&granularity=day')).body;
    expect(points).toHaveLength(30);
    expect(points[29]).toMatchObject({ at: '2026-11-21T16:00:00.000Z', batches: 2, records: 8, failures: 3 });
    expect(points[28]).toMatchObject({ at: '2026-11-20T16:00:00.000Z', batches: 1, records: 12 });
    expect(points[26]).toMatchObject({ at: '2026-11-18T16:00:00.000Z', batches: 1, records: 7, bytes: 70 });
    expect((await get(tk.gaj!, '/exchange/stats/volume?days=91&granularity=day')).status).toBe(400);
  });

  it('summarises nodes, tasks, today and the open failures', async () => {
    expect((await get(tk.gaj!, '/exchange/stats/summary')).body).toEqual({
      nodesOnline: 1, nodesTotal: 1, tasksActive: 2, subscriptionsActive: 0, batchesToday: 2, recordsToday: 8, failuresOpen: 2, backlog: 1,
    });
    expect((await get(tk.scj!, '/exchange/stats/summary')).body).toMatchObject({ nodesOnline: 0, nodesTotal: 1, tasksActive: 0, subscriptionsActive: 1, batchesToday: 0, failuresOpen: 0, backlog: 1 });
    expect((await get(tk.platform!, '/exchange/stats/summary')).body).toMatchObject({ nodesTotal: 3, nodesOnline: 2, failuresOpen: 2, backlog: 1 });
  });
});

describe('log export', () => {
  it('exports CSV with a BOM, Chinese headers and CST times, and audits the export', async () => {
    const { res } = await get(tk.auditor!, '/exchange/log/export');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="exchange-log-\d{14}\.csv"/);
    const raw = res.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(LOG_EXPORT_COLUMNS.join(','));
    expect(lines[0]).toBe('流水号,事件,任务编码,资源编码,源节点,目标节点,方式,开始时间,结束时间,记录数,字节数,结果,错误码,SM3 校验值,重试次数,操作者');
    expect(lines).toHaveLength(7); // header, 5 lines, trailing empty
    const upload = lines.find((l) => l.startsWith(ids.b1Serial!))!;
    expect(upload).toMatch(/^JH\w+,上传,FB-T1,[^,]+,公安局前置机（\w+）,,增量,2026-11-21 23:49:59,2026-11-21 23:50:00,12,1000,成功,,[0-9a-f]{64},0,$/);
    expect(lines.some((l) => l.includes(',拒收,BATCH_SIGNATURE_INVALID,'))).toBe(true);
    const audited = await t.db.selectFrom('audit_events').select(['detail']).where('action', '=', 'exchange.log_exported').where('actor_username', '=', 'auditor').execute();
    expect(audited).toHaveLength(1);
    expect(audited[0]!.detail).toMatchObject({ rows: 5, total: 5 });
  });

  it('filters the export like the list', async () => {
    const body = (await get(tk.auditor!, '/exchange/log/export?result=failure')).body as string;
    const lines = body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines.every((l, i) => i === 0 || l.includes(',失败,'))).toBe(true);
  });
});

describe('exchange log list', () => {
  it('filters by event, result and subscription', async () => {
    expect((await get(tk.platform!, '/exchange/log?event=reject')).body.items).toMatchObject([{ event: 'reject', result: 'rejected', taskCode: null }]);
    // The sending node's department sees its rejected upload; the others do not.
    expect((await get(tk.gajUser!, '/exchange/log?event=reject')).body.total).toBe(1);
    expect((await get(tk.scj!, '/exchange/log?event=reject')).body.total).toBe(0);
    expect((await get(tk.swj!, '/exchange/log?event=reject')).body.total).toBe(0);
    expect((await get(tk.platform!, '/exchange/log?result=failure')).body.total).toBe(2);
    const bySub = (await get(tk.gaj!, `/exchange/log?subscriptionId=${ids.scjSub}`)).body.items;
    expect(bySub).toMatchObject([{ event: 'ack', sourceNodeName: expect.stringContaining('公安局前置机'), targetNodeName: expect.stringContaining('市场监管局前置机') }]);
  });
});
