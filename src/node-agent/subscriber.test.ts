import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateNodeKeyPair } from '../modules/exchange/protocol/index.js';
import { silentLogger } from './log.js';
import { Publisher } from './publisher.js';
import { NodeStore } from './store.js';
import { Subscriber } from './subscriber.js';
import { FakePlatform, FakeSource, FakeTarget, nodeConfigOf, subscriptionConfig, taskConfig } from './test-fakes.js';

const nodeKey = generateNodeKeyPair();
const platformKey = generateNodeKeyPair();
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

async function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gs-node-sub-'));
  dirs.push(dir);
  const task = taskConfig({ batchRows: 10 });
  const sub = subscriptionConfig();
  const config = nodeConfigOf(platformKey, 'n1', { tasks: [task], subscriptions: [sub] });
  const platform = new FakePlatform(platformKey, nodeKey, config);
  const source = new FakeSource();
  const store = new NodeStore(dir);
  await store.init();
  const publisher = new Publisher({ store, key: nodeKey, transport: platform, source: async () => source, log: silentLogger, autoUpload: false });
  publisher.update(config);
  const target = new FakeTarget();
  const subscriber = new Subscriber({ transport: platform, target: async () => target, platformPublicKey: () => platformKey.publicKey, log: silentLogger, waitMs: 10 });
  /** Publishes the source's new rows and delivers the stored batch to the subscription. */
  const publish = async () => {
    await publisher.runTask(task.id);
    await publisher.uploadPending(task.id);
    return platform.deliver(sub.id, platform.stored.at(-1)!);
  };
  return { task, sub, platform, source, target, subscriber, publish };
}

describe('subscriber', () => {
  it('applies a delivery into the mapped target columns and acks it', async () => {
    const { sub, source, target, subscriber, publish, platform } = await setup();
    source.put({ id: 'a', name: '甲', wm: 1 }, { id: 'b', name: '乙', wm: 2 });
    const d = await publish();
    const outcome = await subscriber.deliver(sub, target, d);
    expect(outcome).toEqual({ status: 'applied' });
    expect([...target.rows.values()]).toEqual([{ pid: 'a', pname: '甲' }, { pid: 'b', pname: '乙' }]);
    expect(target.ledger).toEqual([{ batchId: d.batchId, subscriptionId: sub.id, seq: 1 }]);
    expect(platform.deliveriesList).toHaveLength(1);
  });

  it('a redelivered batch is a duplicate: acked as such, applied once', async () => {
    const { sub, source, target, subscriber, publish } = await setup();
    source.put({ id: 'a', name: 'x', wm: 1 });
    const d = await publish();
    expect(await subscriber.deliver(sub, target, d)).toEqual({ status: 'applied' });
    expect(await subscriber.deliver(sub, target, d)).toEqual({ status: 'duplicate' });
    expect(target.applies).toBe(1);
  });

  it('unmapped items are dropped', async () => {
    const { sub, source, target, subscriber, publish } = await setup();
    sub.columnMap = { ID: 'pid' };
    source.put({ id: 'a', name: 'secret', wm: 1 });
    await subscriber.deliver(sub, target, await publish());
    expect([...target.rows.values()]).toEqual([{ pid: 'a' }]);
  });

  it('a tampered or foreign-signed delivery is rejected with its code and not applied', async () => {
    const { sub, source, target, subscriber, publish, platform } = await setup();
    source.put({ id: 'a', name: 'x', wm: 1 });
    const d = await publish();
    d.file = Buffer.from(d.file);
    d.file[20] = d.file[20]! ^ 0xff;
    expect(await subscriber.deliver(sub, target, d)).toMatchObject({ status: 'failed', errorCode: 'BATCH_DIGEST_MISMATCH' });

    const forged = await platform.deliver(sub.id, platform.stored.at(-1)!, generateNodeKeyPair());
    expect(await subscriber.deliver(sub, target, forged)).toMatchObject({ status: 'failed', errorCode: 'BATCH_SIGNATURE_INVALID' });

    // A genuine delivery meant for another subscription is refused too.
    const other = await platform.deliver('00000000-0000-4000-8000-000000000000', platform.stored.at(-1)!);
    expect(await subscriber.deliver(sub, target, { ...other, subscriptionId: sub.id })).toMatchObject({ status: 'failed', errorCode: 'BATCH_HEADER_MISMATCH' });
    expect(target.applies).toBe(0);
  });

  it('a file delivery whose name climbs out of the target directory is refused', async () => {
    const { sub, source, target, subscriber, publish, platform } = await setup();
    source.put({ id: 'a', name: 'x', wm: 1 });
    await publish();
    const stored = platform.stored.at(-1)!;
    const d = await platform.deliver(sub.id, { file: stored.file, header: { ...stored.header, kind: 'file', file: { name: '../../.bashrc', size: 1, sm3: 'x' } } });
    expect(await subscriber.deliver({ ...sub, kind: 'file' }, target, d)).toMatchObject({ status: 'failed', errorCode: 'FILE_NAME_INVALID' });
    expect(target.applies).toBe(0);
  });

  it('the loop resumes after the target ledger, acks applied/failed, and retries a failed apply', async () => {
    const { sub, source, target, subscriber, publish, platform } = await setup();
    source.put({ id: 'a', name: 'x', wm: 1 });
    const d1 = await publish();
    source.put({ id: 'b', name: 'y', wm: 2 });
    const d2 = await publish();
    // d1 was applied before a crash (ledger has it) but never acked.
    await subscriber.deliver(sub, target, d1);
    target.failNext = new Error('deadlock detected');
    subscriber.update(platform.signed.config);
    const until = Date.now() + 8000;
    while (Date.now() < until && d2.status !== 'applied') await new Promise((r) => setTimeout(r, 50));
    await subscriber.stop();
    expect(d1.status).toBe('pending'); // never re-listed: the ledger says seq 1 is done
    expect(d2.status).toBe('applied');
    expect(d2.ackBody).toEqual({ status: 'applied' });
    expect(target.applies).toBe(2);
    expect([...target.rows.keys()]).toEqual(['a', 'b']);
  });
});
