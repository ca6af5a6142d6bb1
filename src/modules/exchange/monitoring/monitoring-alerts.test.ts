import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aBatch, aDelivery, aNode, aSubscription, aTask } from '../../../../test/helpers/exchange-monitoring-factories.js';
import { aTableResourceWithGrant, type TableResourceWithGrant } from '../../../../test/helpers/data-services-factories.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';

/** The monitoring job's inbox alerts: failing tasks and subscriptions, silent nodes; each once until cleared. */
let t: TestApp;
let clock = new Date('2026-11-21T08:00:00.000Z');
let r: TableResourceWithGrant;
const minutes = (n: number) => new Date(clock.getTime() + n * 60_000);

const runJobs = () => t.app.services.exchange.monitoring.runJobs();

async function inbox(token: string, kind: string): Promise<{ title: string; body: string; link: string | null }[]> {
  const res = await t.call(token, 'GET', '/api/v1/notifications?limit=200');
  expect(res.statusCode).toBe(200);
  return (res.json().items as { kind: string; title: string; body: string; link: string | null }[]).filter((n) => n.kind === kind);
}

beforeAll(async () => {
  t = await createTestApp({ now: () => clock });
  r = await aTableResourceWithGrant(t);
});

afterAll(async () => { await t?.close(); });

describe('failing tasks and subscriptions', () => {
  it('alerts the owning department\'s admins and the platform admins once at three consecutive failures', async () => {
    const node = await aNode(t.db, { orgId: r.providerOrgId, at: clock, lastHeartbeatAt: clock });
    const task = await aTask(t.db, { orgId: r.providerOrgId, resourceId: r.resourceId, nodeId: node, code: 'FB-FAIL', at: clock, consecutiveFailures: 2 });
    await aBatch(t.db, { taskId: task.id, resourceId: r.resourceId, nodeId: node, seq: 1, at: clock, status: 'failed', errorCode: 'DATASTORE_TYPE', errorMessage: '出生日期格式错误' });
    expect(await runJobs()).toEqual({ tasks: 0, subscriptions: 0, nodes: 0 });

    await t.db.updateTable('exchange_tasks').set({ consecutive_failures: 3 }).where('id', '=', task.id).execute();
    expect(await runJobs()).toMatchObject({ tasks: 1 });
    const [gaj] = await inbox(r.tokens.gajAdmin, 'exchange.task_failing');
    expect(gaj).toMatchObject({ title: '发布任务 FB-FAIL 连续失败 3 次', link: '/exchange/monitoring?tab=failures' });
    expect(gaj!.body).toContain('DATASTORE_TYPE：出生日期格式错误');
    expect(await inbox(r.tokens.platform, 'exchange.task_failing')).toHaveLength(1);
    // Not the department's ordinary users, not another department.
    expect(await inbox(r.tokens.gajUser, 'exchange.task_failing')).toHaveLength(0);
    expect(await inbox(r.tokens.scjAdmin, 'exchange.task_failing')).toHaveLength(0);

    // Once: a fourth failure does not alert again.
    await t.db.updateTable('exchange_tasks').set({ consecutive_failures: 4 }).where('id', '=', task.id).execute();
    expect(await runJobs()).toMatchObject({ tasks: 0 });
    expect(await inbox(r.tokens.gajAdmin, 'exchange.task_failing')).toHaveLength(1);
    const row = await t.db.selectFrom('exchange_tasks').select('failure_alerted_at').where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(new Date(row.failure_alerted_at!).toISOString()).toBe(clock.toISOString());

    // A success clears the mark (the batches area does that); three new failures alert again.
    await t.db.updateTable('exchange_tasks').set({ consecutive_failures: 0, failure_alerted_at: null }).where('id', '=', task.id).execute();
    expect(await runJobs()).toMatchObject({ tasks: 0 });
    await t.db.updateTable('exchange_tasks').set({ consecutive_failures: 3 }).where('id', '=', task.id).execute();
    expect(await runJobs()).toMatchObject({ tasks: 1 });
    expect(await inbox(r.tokens.gajAdmin, 'exchange.task_failing')).toHaveLength(2);
  });

  it('alerts the consumer for a failing subscription, naming the last delivery error', async () => {
    const pNode = await aNode(t.db, { orgId: r.providerOrgId, at: clock, lastHeartbeatAt: clock });
    const cNode = await aNode(t.db, { orgId: r.consumerOrgId, at: clock, lastHeartbeatAt: clock });
    const task = await aTask(t.db, { orgId: r.providerOrgId, resourceId: r.resourceId, nodeId: pNode, at: clock });
    const sub = await aSubscription(t.db, { orgId: r.consumerOrgId, grantId: r.grantId, resourceId: r.resourceId, nodeId: cNode, code: 'DY-FAIL', at: clock, consecutiveFailures: 3 });
    const batch = await aBatch(t.db, { taskId: task.id, resourceId: r.resourceId, nodeId: pNode, seq: 1, at: clock });
    await aDelivery(t.db, { batchId: batch.id, subscriptionId: sub.id, nodeId: cNode, seq: 1, at: clock, status: 'failed', errorCode: 'TARGET_DOWN', errorMessage: '目标库连接失败' });
    expect(await runJobs()).toMatchObject({ subscriptions: 1 });
    const [scj] = await inbox(r.tokens.scjAdmin, 'exchange.subscription_failing');
    expect(scj!.title).toBe('订阅 DY-FAIL 连续失败 3 次');
    expect(scj!.body).toContain('TARGET_DOWN：目标库连接失败');
    expect(await inbox(r.tokens.platform, 'exchange.subscription_failing')).toHaveLength(1);
    expect(await inbox(r.tokens.gajAdmin, 'exchange.subscription_failing')).toHaveLength(0);
    expect(await runJobs()).toMatchObject({ subscriptions: 0 });
    expect(await inbox(r.tokens.scjAdmin, 'exchange.subscription_failing')).toHaveLength(1);
  });
});

describe('silent nodes', () => {
  it('alerts once when an approved node is silent for more than 5 minutes; a heartbeat re-arms it', async () => {
    // The earlier tests' nodes beat now, so only the nodes made here can go silent.
    const quiet = await aNode(t.db, { orgId: r.consumerOrgId, name: '市场监管局静默前置机', at: clock, lastHeartbeatAt: minutes(-4) });
    const never = await aNode(t.db, { orgId: r.providerOrgId, name: '公安局未上线前置机', at: minutes(-6), lastHeartbeatAt: null });
    await t.db.updateTable('exchange_nodes').set({ decided_at: minutes(-6) }).where('id', '=', never).execute();
    await aNode(t.db, { orgId: r.providerOrgId, name: '公安局待审前置机', status: 'pending', at: minutes(-60) });
    await t.db.updateTable('exchange_nodes').set({ last_heartbeat_at: clock }).where('id', 'not in', [quiet, never]).execute();

    expect(await runJobs()).toMatchObject({ nodes: 1 }); // only the one approved 6 minutes ago that never beat
    const [gaj] = await inbox(r.tokens.gajAdmin, 'exchange.node_silent');
    expect(gaj).toMatchObject({ title: '前置机“公安局未上线前置机”已失联', link: `/exchange/nodes/${never}` });
    expect(gaj!.body).toContain('批准后从未上报心跳');
    expect(await inbox(r.tokens.scjAdmin, 'exchange.node_silent')).toHaveLength(0);

    clock = minutes(2); // the quiet node's last beat is now 6 minutes old
    expect(await runJobs()).toMatchObject({ nodes: 1 });
    const [scj] = await inbox(r.tokens.scjAdmin, 'exchange.node_silent');
    expect(scj!.title).toBe('前置机“市场监管局静默前置机”已失联');
    expect(scj!.body).toContain('最近一次心跳时间为');
    expect(await inbox(r.tokens.platform, 'exchange.node_silent')).toHaveLength(2);

    const othersBeat = () => t.db.updateTable('exchange_nodes').set({ last_heartbeat_at: clock }).where('id', 'not in', [quiet, never]).execute();
    clock = minutes(10);
    await othersBeat();
    expect(await runJobs()).toEqual({ tasks: 0, subscriptions: 0, nodes: 0 }); // once

    // A heartbeat clears the mark (the node registry does that); silence after it alerts again.
    await t.db.updateTable('exchange_nodes').set({ last_heartbeat_at: clock, silent_alerted_at: null }).where('id', '=', quiet).execute();
    expect(await runJobs()).toMatchObject({ nodes: 0 });
    clock = minutes(6);
    await othersBeat();
    expect(await runJobs()).toMatchObject({ nodes: 1 });
    expect(await inbox(r.tokens.scjAdmin, 'exchange.node_silent')).toHaveLength(2);
  });
});
