import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCitizenId } from '../../../../test/helpers/data-services-factories.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { generateNodeKeyPair, verifyNodeSignature, type NodeKeyPair } from '../node-signing.js';
import { inflateBatch, openBatch } from '../protocol/batch-format.js';
import { NODE_API } from '../protocol/node-api.js';
import { aBatch, aGrantFor, anApprovedNode, aNodeOfOrg, aSetup, aSubscription, aTask, line, nodeGet, nodePost, upload, type TestNode } from './batches-test-support.js';

describe('exchange deliveries: fan-out, payload, ack (投递)', () => {
  let t: TestApp;
  let setup: Awaited<ReturnType<typeof aSetup>>;
  let gajNode: TestNode;
  let scjNode: TestNode;
  let otherNode: TestNode;
  let task: { id: string; code: string };
  let subA: string;
  let subB: string;
  let platformKey: NodeKeyPair;
  const id1 = aCitizenId('19800101', 1);
  const id2 = aCitizenId('19800202', 2);

  beforeAll(async () => {
    t = await createTestApp();
    const pk = t.app.services.exchange.platformKey as { get(): Promise<NodeKeyPair> };
    try {
      platformKey = await pk.get();
    } catch {
      // The platform key service is not there yet: a fixed key stands in.
      platformKey = generateNodeKeyPair();
      pk.get = async () => platformKey;
    }
    setup = await aSetup(t, { items: ['公民身份号码', '姓名', '出生日期'], masking: { 姓名: 'name' } });
    gajNode = await anApprovedNode(t, setup.tokens.gajAdmin, setup.tokens.platform);
    scjNode = await anApprovedNode(t, setup.tokens.scjAdmin, setup.tokens.platform);
    const third = await t.db.selectFrom('identity_orgs').select('id').where('id', 'not in', [setup.providerOrgId, setup.consumerOrgId]).orderBy('name').executeTakeFirstOrThrow();
    otherNode = await aNodeOfOrg(t, scjNode, third.id);
    const grantB = await aGrantFor(t, setup.grantId, third.id, ['公民身份号码', '姓名', '出生日期', '联系电话', '住址'], {});
    task = await aTask(t, setup, gajNode);
    subA = await aSubscription(t, { orgId: setup.consumerOrgId, grantId: setup.grantId, resourceId: setup.resourceId, node: scjNode });
    subB = await aSubscription(t, { orgId: third.id, grantId: grantB, resourceId: setup.resourceId, node: otherNode });
  });
  afterAll(async () => t?.close());

  const list = async (node: TestNode, query = '') => {
    const res = await nodeGet(t, node, `${NODE_API.deliveries}${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as { id: string; subscriptionId: string; seq: number; batchId: string; records: number }[];
  };

  it('fans an upload out to each subscription (woken long poll), cut to each grant and signed by the platform', async () => {
    const b1 = await aBatch(setup, task, gajNode.key, { seq: 1, upserts: [line(id1, '张三丰', '1980-01-01', '13800000001', '香洲区1号'), line(id2, '\\N', '1980-02-02', '\\N', 'x\\ty')] });
    const started = Date.now();
    const polled = nodeGet(t, scjNode, `${NODE_API.deliveries}?waitMs=8000`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await upload(t, gajNode, b1.file)).statusCode).toBe(200);
    const woke = await polled;
    expect(woke.statusCode, woke.body).toBe(200);
    expect(Date.now() - started).toBeLessThan(6000);
    const a = woke.json().items[0] as { id: string };
    expect(a).toMatchObject({ subscriptionId: subA, seq: 1, batchId: b1.batchId, records: 2 });
    const b = (await list(otherNode))[0]!;
    expect(b).toMatchObject({ subscriptionId: subB, seq: 1, batchId: b1.batchId });
    expect(await list(gajNode)).toEqual([]);

    // 市场监管局: three items, 姓名 masked.
    const resA = await nodeGet(t, scjNode, NODE_API.deliveryPayload(a.id));
    expect(resA.statusCode, resA.body).toBe(200);
    expect(resA.headers['content-type']).toBe('application/octet-stream');
    const fileA = resA.rawPayload;
    const openedA = openBatch(fileA, (d, s) => verifyNodeSignature(d, s, platformKey.publicKey));
    expect(openedA.header).toMatchObject({ batchId: a.id, subscriptionId: subA, seq: 1, sourceBatchId: b1.batchId, taskId: null, upserts: 2, keyItems: ['公民身份号码'] });
    expect(openedA.header.columns.map((c) => c.item)).toEqual(['公民身份号码', '姓名', '出生日期']);
    const sectionsA = await inflateBatch(openedA);
    expect(sectionsA.upserts.toString()).toBe(`${id1}\t张**\t1980-01-01\n${id2}\t\\N\t1980-02-02\n`);
    expect(() => openBatch(fileA, (d, s) => verifyNodeSignature(d, s, gajNode.key.publicKey))).toThrow(/签名/);

    // The other department: every item, nothing masked — the stored compressed body is reused.
    const resB = await nodeGet(t, otherNode, NODE_API.deliveryPayload(b.id));
    expect(resB.statusCode, resB.body).toBe(200);
    const openedB = openBatch(resB.rawPayload, (d, s) => verifyNodeSignature(d, s, platformKey.publicKey));
    const stored = openBatch(b1.file, () => true);
    expect(openedB.compressedBody.equals(stored.compressedBody)).toBe(true);
    expect(openedB.header.columns).toHaveLength(5);

    const delivery = await t.db.selectFrom('exchange_deliveries').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ status: 'sent', attempts: 1, sm3: openedA.sm3 });
    expect(Number(delivery.bytes)).toBe(fileA.length);
    const log = await t.db.selectFrom('exchange_log').selectAll().where('delivery_id', '=', a.id).execute();
    expect(log).toMatchObject([{ event: 'delivery', result: 'success', subscription_id: subA, target_node_id: scjNode.nodeId, task_id: task.id, resource_code: setup.code, records: 2 }]);
  });

  it('another node cannot see or fetch or ack a delivery that is not its own', async () => {
    const [a] = await list(scjNode);
    for (const node of [gajNode, otherNode]) {
      const res = await nodeGet(t, node, NODE_API.deliveryPayload(a!.id));
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('DELIVERY_NOT_FOUND');
      expect((await nodePost(t, node, NODE_API.deliveryAck(a!.id), { status: 'applied' })).statusCode).toBe(404);
    }
    expect((await list(otherNode, `?subscriptionId=${subA}`))).toEqual([]);
  });

  it('acks: applied moves the subscription on; failed counts; the consumer admin retries a failed delivery', async () => {
    const [a] = await list(scjNode);
    const ok = await nodePost(t, scjNode, NODE_API.deliveryAck(a!.id), { status: 'applied' });
    expect(ok.statusCode, ok.body).toBe(200);
    const sub = () => t.db.selectFrom('exchange_subscriptions').selectAll().where('id', '=', subA).executeTakeFirstOrThrow();
    expect(Number((await sub()).applied_seq)).toBe(1);
    expect(await list(scjNode)).toEqual([]);
    expect((await t.db.selectFrom('exchange_deliveries').select('status').where('id', '=', a!.id).executeTakeFirstOrThrow()).status).toBe('applied');

    const b2 = await aBatch(setup, task, gajNode.key, { seq: 2, deletes: [`${id2}\n`] });
    expect((await upload(t, gajNode, b2.file)).statusCode).toBe(200);
    const [d2] = await list(scjNode, '?afterSeq=1');
    expect(d2).toMatchObject({ seq: 2, records: 1 });
    const payload = await nodeGet(t, scjNode, NODE_API.deliveryPayload(d2!.id));
    const sections = await inflateBatch(openBatch(payload.rawPayload, () => true));
    expect(sections.deletes.toString()).toBe(`${id2}\n`);
    const failed = await nodePost(t, scjNode, NODE_API.deliveryAck(d2!.id), { status: 'failed', errorCode: 'TARGET_TYPE_MISMATCH', message: '目标列类型不符' });
    expect(failed.statusCode).toBe(200);
    expect((await sub()).consecutive_failures).toBe(1);
    expect((await t.db.selectFrom('exchange_deliveries').select(['status', 'error_code']).where('id', '=', d2!.id).executeTakeFirstOrThrow())).toEqual({ status: 'failed', error_code: 'TARGET_TYPE_MISMATCH' });
    expect((await t.db.selectFrom('exchange_log').select(['event', 'result']).where('delivery_id', '=', d2!.id).where('event', '=', 'ack').execute())).toEqual([{ event: 'ack', result: 'failure' }]);

    expect((await t.call(setup.tokens.gajAdmin, 'POST', `/api/v1/exchange/deliveries/${d2!.id}/retry`)).statusCode).toBe(404);
    expect((await t.call(setup.tokens.scjUser, 'POST', `/api/v1/exchange/deliveries/${d2!.id}/retry`)).statusCode).toBe(403);
    const retried = await t.call(setup.tokens.scjAdmin, 'POST', `/api/v1/exchange/deliveries/${d2!.id}/retry`);
    expect(retried.statusCode, retried.body).toBe(200);
    expect((await t.db.selectFrom('exchange_deliveries').select('status').where('id', '=', d2!.id).executeTakeFirstOrThrow()).status).toBe('pending');
    expect(await t.db.selectFrom('audit_events').select('action').where('target_id', '=', d2!.id).execute()).toEqual([{ action: 'exchange.delivery_retried' }]);

    const dup = await nodePost(t, scjNode, NODE_API.deliveryAck(d2!.id), { status: 'duplicate' });
    expect(dup.statusCode).toBe(200);
    expect(Number((await sub()).applied_seq)).toBe(2);
    expect((await sub()).consecutive_failures).toBe(0);
  });

  it('a revoked grant: no new deliveries; fetching a pending one is refused (403) and stops the subscription', async () => {
    const b3 = await aBatch(setup, task, gajNode.key, { seq: 3, upserts: [line(id2, '李四', '1980-02-02', '\\N', '\\N')] });
    expect((await upload(t, gajNode, b3.file)).statusCode).toBe(200);
    const [pending] = await list(scjNode);
    expect(pending).toMatchObject({ seq: 3 });

    const revoked = await t.call(setup.tokens.gajAdmin, 'POST', `/api/v1/grants/${setup.grantId}/revoke`, { reason: '业务调整' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const b4 = await aBatch(setup, task, gajNode.key, { seq: 4, upserts: [line(id1, '张三', '1980-01-01', '\\N', '\\N')] });
    expect((await upload(t, gajNode, b4.file)).statusCode).toBe(200);
    expect(await t.db.selectFrom('exchange_deliveries').select('subscription_id').where('batch_id', '=', b4.batchId).execute()).toEqual([{ subscription_id: subB }]);
    // The fan-out already stopped the subscription, so the console shows it stopped before any node asks.
    expect(await t.db.selectFrom('exchange_subscriptions').select(['status']).where('id', '=', subA).executeTakeFirstOrThrow()).toEqual({ status: 'stopped' });

    const res = await nodeGet(t, scjNode, NODE_API.deliveryPayload(pending!.id));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('GRANT_REVOKED');
    expect((await t.db.selectFrom('exchange_deliveries').select(['status', 'error_code']).where('id', '=', pending!.id).executeTakeFirstOrThrow())).toEqual({ status: 'stopped', error_code: 'GRANT_REVOKED' });
    const sub = await t.db.selectFrom('exchange_subscriptions').selectAll().where('id', '=', subA).executeTakeFirstOrThrow();
    expect(sub.status).toBe('stopped');
    expect(sub.stopped_reason).toContain('业务调整');
    expect(await t.db.selectFrom('exchange_log').select(['event', 'result', 'error_code']).where('delivery_id', '=', pending!.id).where('result', '=', 'rejected').execute())
      .toEqual([{ event: 'delivery', result: 'rejected', error_code: 'GRANT_REVOKED' }]);
    expect(await list(scjNode)).toEqual([]);
    // The other department's subscription goes on.
    expect((await list(otherNode)).map((d) => d.seq)).toEqual([1, 2, 3, 4]);
  });

  it('a long poll with nothing to deliver returns empty after waitMs', async () => {
    const started = Date.now();
    expect(await list(gajNode, '?waitMs=1200')).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1100);
  });
  it('a subscription created later receives the stored batch history first (补发), in order', async () => {
    const stored = await t.db.selectFrom('exchange_batches').select(['id']).where('resource_id', '=', setup.resourceId).orderBy('received_at').orderBy('seq').execute();
    expect(stored.length).toBeGreaterThan(0);
    // The earlier grant was revoked above: 市场监管局 holds a new one.
    const grant = await aGrantFor(t, setup.grantId, setup.consumerOrgId, ['公民身份号码', '姓名', '出生日期'], {});
    await t.db.updateTable('sharing_grants').set({ status: 'active', revoked_at: null }).where('id', '=', grant).execute();
    const created = await t.call(setup.tokens.scjAdmin, 'POST', '/api/v1/exchange/subscriptions', {
      grantId: grant, nodeId: scjNode.nodeId, targetName: 'dw', targetTable: 'late_persons', columnMap: { 公民身份号码: 'id_no', 姓名: 'name' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const late = created.json() as { id: string; lastSeq: number };
    expect(late.lastSeq).toBe(stored.length);
    const items = await list(scjNode, `?subscriptionId=${late.id}&afterSeq=0`);
    expect(items.map((i) => i.batchId)).toEqual(stored.map((b) => b.id).slice(0, items.length));
    expect(items.map((i) => i.seq)).toEqual(items.map((_, i) => i + 1));
  });
});
