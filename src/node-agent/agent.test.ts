import { mkdtempSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateNodeKeyPair, signNodeConfig, verifyNodeSignature, canonicalJson } from '../modules/exchange/protocol/index.js';
import { enrolNode, NodeAgent } from './agent.js';
import { parseNodeConfig, type NodeFileConfig } from './config.js';
import { silentLogger } from './log.js';
import { NodeStore } from './store.js';
import { FakePlatform, FakeSource, FakeTarget, nodeConfigOf, subscriptionConfig, taskConfig } from './test-fakes.js';

const platformKey = generateNodeKeyPair();
const dirs: string[] = [];
const agents: NodeAgent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fileConfig(dir: string): NodeFileConfig {
  return parseNodeConfig({ platformUrl: 'http://platform.test', dataDir: dir, sources: { src: { type: 'postgres', url: 'postgres://x@h/db' } }, targets: { tgt: { type: 'csv', dir: './out' } } }, {}, dir);
}

async function enrolled() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gs-node-agent-'));
  dirs.push(dir);
  const nodeKey = generateNodeKeyPair();
  const store = new NodeStore(dir);
  await store.init();
  await store.writeKey(nodeKey);
  await store.writeIdentity({ nodeId: 'node-1', platformUrl: 'http://platform.test', platformPublicKey: null, enrolledAt: new Date().toISOString() });
  const task = taskConfig({ scheduleKind: 'cron', cron: '0 3 * * *' });
  const platform = new FakePlatform(platformKey, nodeKey, nodeConfigOf(platformKey, 'node-1', { tasks: [task], subscriptions: [subscriptionConfig()] }));
  const start = async () => {
    const agent = new NodeAgent({ config: fileConfig(dir), log: silentLogger, transport: platform, openSource: async () => new FakeSource(), openTarget: async () => new FakeTarget(), waitMs: 10 });
    agents.push(agent);
    await agent.start();
    return agent;
  };
  return { dir, store, platform, start, task };
}

describe('node agent', () => {
  it('pins the platform key on first use, caches the config, and works from the cache while the platform is down', async () => {
    const { store, platform, start, task } = await enrolled();
    const first = await start();
    expect(first.current?.config.tasks.map((t) => t.id)).toEqual([task.id]);
    expect((await store.readIdentity())!.platformPublicKey).toBe(platformKey.publicKey);
    await first.stop();

    platform.down = true;
    const second = await start();
    expect(second.platformReachable).toBe(false);
    expect(second.current?.config.tasks.map((t) => t.id)).toEqual([task.id]);
    expect((await second.heartbeatBody()).detail ?? '').not.toContain('no verified node config');
  });

  it('ignores a tampered cache and a config signed by another key once the key is pinned', async () => {
    const { dir, store, platform, start } = await enrolled();
    (await start()).stop();
    const cacheFile = path.join(dir, 'config-cache.json');
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
    cached.config.tasks[0].sourceTable = 'other_table';
    writeFileSync(cacheFile, JSON.stringify(cached));
    expect(await store.readConfigCache(platformKey.publicKey)).toBeNull();

    // An attacker's platform (other key) cannot replace the config after pinning.
    const evil = generateNodeKeyPair();
    platform.signed = signNodeConfig({ ...platform.signed.config, platformPublicKey: evil.publicKey, tasks: [] }, evil);
    const agent = await start();
    expect(agent.current).toBeNull();
    expect(await agent.refreshConfig()).toBe(false);
  });

  it('runs a realtime task on its own, uploads it, and serves 立即执行 for a cron task once', async () => {
    const { dir, store, platform } = await enrolled();
    const realtime = taskConfig({ scheduleKind: 'realtime', intervalSeconds: 1 });
    const cron = taskConfig({ scheduleKind: 'cron', cron: '0 3 1 1 *', runRequestedAt: new Date(Date.now() + 500).toISOString() });
    platform.setConfig(nodeConfigOf(platformKey, 'node-1', { tasks: [realtime, cron] }));
    const source = new FakeSource();
    source.put({ id: 'a', name: 'x', wm: 1 });
    const agent = new NodeAgent({ config: fileConfig(dir), log: silentLogger, transport: platform, openSource: async () => source, openTarget: async () => new FakeTarget() });
    agents.push(agent);
    await agent.start();
    const until = Date.now() + 10_000;
    while (Date.now() < until && platform.stored.length < 2) await new Promise((r) => setTimeout(r, 100));
    expect(platform.stored.map((b) => b.header.taskId).sort()).toEqual([realtime.id, cron.id].sort());
    source.put({ id: 'b', name: 'y', wm: 2 });
    while (Date.now() < until + 5000 && platform.stored.length < 3) await new Promise((r) => setTimeout(r, 100));
    expect(platform.stored.at(-1)!.header).toMatchObject({ taskId: realtime.id, seq: 2 });
    expect(platform.stored.filter((b) => b.header.taskId === cron.id)).toHaveLength(1);
    expect(await store.outbox(realtime.id)).toEqual([]);
  });

  it('heartbeats report the config file endpoints (names and types only) and the backlog', async () => {
    const { start, platform } = await enrolled();
    const agent = await start();
    await agent.heartbeat();
    expect(platform.heartbeats.at(-1)).toMatchObject({
      status: 'ok', backlog: 0,
      endpoints: [{ name: 'src', type: 'postgres', role: 'source' }, { name: 'tgt', type: 'csv', role: 'target' }],
    });
    expect(JSON.stringify(platform.heartbeats)).not.toContain('postgres://');
  });

  it('refuses to run without enrolment, and enrol stores a 0600 key and node.json', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gs-node-enrol-'));
    dirs.push(dir);
    const config = fileConfig(dir);
    await expect(new NodeAgent({ config, log: silentLogger }).start()).rejects.toThrow(/not enrolled/);
    let sent: Record<string, string> = {};
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      sent = JSON.parse(String(init.body));
      return new Response(JSON.stringify({ nodeId: 'n-9', status: 'pending' }), { status: 201, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const result = await enrolNode(config, { token: 'tok-123', name: '公安局前置机' }, { fetch: fakeFetch });
    expect(result).toMatchObject({ nodeId: 'n-9', status: 'pending' });
    const { proof, ...fields } = sent;
    expect(verifyNodeSignature(canonicalJson(fields), proof!, fields.publicKey!)).toBe(true);
    expect(statSync(path.join(dir, 'node.key')).mode & 0o777).toBe(0o600);
    await expect(enrolNode(config, { token: 'again', name: 'x' }, { fetch: fakeFetch })).rejects.toThrow(/already enrolled/);
  });
});
