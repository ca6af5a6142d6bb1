import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { aBatch, anApprovedNode, aSetup, aSubscription, aTask, line, type TestNode } from '../batches/batches-test-support.js';
import type { SignedNodeConfig } from '../flows.types.js';
import { canonicalJson, generateNodeKeyPair, signWithNodeKey, type NodeKeyPair } from '../node-signing.js';
import { verifyNodeConfig } from '../protocol/node-config.js';
import { mailboxCycle } from './mailbox-gateway.js';

/** A message as the node agent's mailbox transport writes it. */
function message(node: { nodeId: string }, key: NodeKeyPair, type: string, id: string, body: unknown, at = new Date()) {
  const unsigned = { type, nodeId: node.nodeId, id, at: at.toISOString(), body };
  return JSON.stringify({ ...unsigned, signature: signWithNodeKey(canonicalJson(unsigned), key) });
}

describe('mailbox gateway (网闸文件交换)', () => {
  let t: TestApp;
  let r: Awaited<ReturnType<typeof aSetup>>;
  let source: TestNode;
  let subscriber: TestNode;
  let task: { id: string; code: string };
  let subscriptionId: string;
  const dirs: string[] = [];
  const tmp = () => { const d = mkdtempSync(path.join(os.tmpdir(), 'gs-mailbox-')); dirs.push(d); return d; };

  beforeAll(async () => {
    t = await createTestApp();
    r = await aSetup(t);
    source = await anApprovedNode(t, r.tokens.gajAdmin, r.tokens.platform);
    subscriber = await anApprovedNode(t, r.tokens.scjAdmin, r.tokens.platform);
    task = await aTask(t, r, source);
    subscriptionId = await aSubscription(t, { orgId: r.consumerOrgId, grantId: r.grantId, resourceId: r.resourceId, node: subscriber });
  });
  afterAll(async () => {
    await t.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const cycle = (node: TestNode, from: string, to: string) => mailboxCycle({ exchange: t.app.services.exchange, db: t.db, nodeId: node.nodeId, from, to });

  it('ingests ferried batches in seq order, records signed heartbeats, refuses forged, replayed and stale messages, writes the signed config', async () => {
    const from = tmp();
    const to = tmp();
    const b1 = await aBatch(r, task, source.key, { seq: 1, upserts: [line('440400199001010011', '张三', '1990-01-01', null, null)] });
    const b2 = await aBatch(r, task, source.key, { seq: 2, upserts: [line('440400199001010022', '李四', '1990-01-02', null, null)] });
    // Only seq 2 has arrived: it waits for seq 1.
    writeFileSync(path.join(from, `batch-${task.id}-2-${b2.batchId}.gsb`), b2.file);
    let result = await cycle(source, from, to);
    expect(result.batches).toBe(0);
    expect(result.deferred).toEqual([`batch-${task.id}-2-${b2.batchId}.gsb`]);
    writeFileSync(path.join(from, `batch-${task.id}-1-${b1.batchId}.gsb`), b1.file);

    const endpoints = [{ name: 'hr', type: 'postgres', role: 'source' }];
    const heartbeat = message(source, source.key, 'heartbeat', randomUUID(), { version: '0.3.0', status: 'ok', backlog: 0, endpoints });
    writeFileSync(path.join(from, `msg-${Date.now()}-${randomUUID()}.json`), heartbeat);
    const replayName = `msg-${Date.now() + 1}-${randomUUID()}.json`;
    const forgedName = `msg-${Date.now() + 2}-${randomUUID()}.json`;
    const staleName = `msg-${Date.now() + 3}-${randomUUID()}.json`;
    const otherNodeName = `msg-${Date.now() + 4}-${randomUUID()}.json`;
    writeFileSync(path.join(from, forgedName), message(source, generateNodeKeyPair(), 'heartbeat', randomUUID(), { version: '9', status: 'ok', backlog: 0 }));
    writeFileSync(path.join(from, staleName), message(source, source.key, 'heartbeat', randomUUID(), { version: '0.1.0', status: 'ok', backlog: 0 }, new Date(Date.now() - 8 * 86_400_000)));
    writeFileSync(path.join(from, otherNodeName), message(subscriber, subscriber.key, 'heartbeat', randomUUID(), { version: '0.1.0', status: 'ok', backlog: 0 }));
    writeFileSync(path.join(from, `msg-${Date.now()}-${randomUUID()}.json.part`), 'half a file');

    result = await cycle(source, from, to);
    expect(result.errors).toEqual([]);
    expect(result.batches).toBe(2);
    expect(result.messages).toBe(1);
    expect(result.rejected.sort()).toEqual([forgedName, otherNodeName, staleName].sort());
    const batches = await t.db.selectFrom('exchange_batches').select(['id', 'seq']).where('task_id', '=', task.id).orderBy('seq').execute();
    expect(batches.map((b) => [b.id, Number(b.seq)])).toEqual([[b1.batchId, 1], [b2.batchId, 2]]);
    const nodeRow = await t.db.selectFrom('exchange_nodes').select(['last_version', 'last_endpoints']).where('id', '=', source.nodeId).executeTakeFirstOrThrow();
    expect(nodeRow).toMatchObject({ last_version: '0.3.0', last_endpoints: endpoints });
    expect(readFileSync(path.join(from, 'rejected', `${forgedName}.error.txt`), 'utf8')).toMatch(/签名无效/);
    expect(readFileSync(path.join(from, 'rejected', `${staleName}.error.txt`), 'utf8')).toMatch(/有效期/);
    // Processed files are gone; the half-written one is left alone.
    expect(readdirSync(from).filter((n) => !n.startsWith('.') && n !== 'rejected')).toEqual([expect.stringMatching(/\.json\.part$/)]);
    const rejectLog = await t.db.selectFrom('exchange_log').select(['event', 'error_code']).where('source_node_id', '=', source.nodeId)
      .where('event', '=', 'reject').where('operator', '=', `mailbox:${source.code}`).execute();
    expect(rejectLog.map((l) => l.error_code).sort()).toEqual(['REPLAYED', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID']);

    // The same heartbeat ferried again is a replay.
    writeFileSync(path.join(from, replayName), heartbeat);
    result = await cycle(source, from, to);
    expect(result.rejected).toEqual([replayName]);
    expect(readFileSync(path.join(from, 'rejected', `${replayName}.error.txt`), 'utf8')).toMatch(/REPLAYED/);

    const signed = JSON.parse(readFileSync(path.join(to, 'config.json'), 'utf8')) as SignedNodeConfig;
    const key = await t.app.services.exchange.platformKey.get();
    expect(verifyNodeConfig(signed, key.publicKey)).toBe(true);
    expect(signed.config.nodeId).toBe(source.nodeId);
    expect(signed.config.tasks.map((x) => x.id)).toContain(task.id);
  });

  it('exports the subscriber\'s deliveries once (platform-signed), takes its acks, refuses another node\'s files', async () => {
    const from = tmp();
    const to = tmp();
    let result = await cycle(subscriber, from, to);
    expect(result.errors).toEqual([]);
    const files = readdirSync(to).filter((n) => n.startsWith('delivery-')).sort();
    const deliveries = await t.db.selectFrom('exchange_deliveries').select(['id', 'seq', 'status']).where('subscription_id', '=', subscriptionId).orderBy('seq').execute();
    expect(deliveries.length).toBe(2);
    expect(files).toEqual(deliveries.map((d) => `delivery-${subscriptionId}-${Number(d.seq)}-${d.id}.gsb`).sort());
    expect(readFileSync(path.join(to, files[0]!)).subarray(0, 4).toString('latin1')).toBe('GSB1');
    expect(result.deliveries).toBe(2);
    // The ferry moved them to the node: they are not exported again while unacknowledged.
    for (const f of files) unlinkSync(path.join(to, f));
    result = await cycle(subscriber, from, to);
    expect(result.deliveries).toBe(0);

    // The node acks the first delivery.
    writeFileSync(path.join(from, `msg-${Date.now()}-${randomUUID()}.json`), message(subscriber, subscriber.key, 'ack', deliveries[0]!.id, { status: 'applied' }));
    // A batch signed by another key under the subscriber's name is refused.
    const forged = await aBatch(r, task, generateNodeKeyPair(), { seq: 3 });
    const forgedName = `batch-${task.id}-3-${forged.batchId}.gsb`;
    writeFileSync(path.join(from, forgedName), forged.file);
    result = await cycle(subscriber, from, to);
    expect(result.messages).toBe(1);
    expect(result.rejected).toEqual([forgedName]);
    expect(existsSync(path.join(from, 'rejected', `${forgedName}.error.txt`))).toBe(true);
    const first = await t.db.selectFrom('exchange_deliveries').select('status').where('id', '=', deliveries[0]!.id).executeTakeFirstOrThrow();
    expect(first.status).toBe('applied');
  });

  it('a revoked node\'s mailbox is not served', async () => {
    const node = await anApprovedNode(t, r.tokens.gajAdmin, r.tokens.platform);
    await t.call(r.tokens.platform, 'POST', `/api/v1/exchange/nodes/${node.nodeId}/revoke`, { reason: '停用' });
    await expect(cycle(node, tmp(), tmp())).rejects.toMatchObject({ code: 'NODE_NOT_APPROVED' });
  });
});
