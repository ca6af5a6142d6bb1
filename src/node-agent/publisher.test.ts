import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateNodeKeyPair, inflateBatch, openBatch } from '../modules/exchange/protocol/index.js';
import { silentLogger } from './log.js';
import { Publisher } from './publisher.js';
import { NodeStore } from './store.js';
import { FakePlatform, FakeSource, nodeConfigOf, taskConfig } from './test-fakes.js';
import type { TaskConfig } from '../modules/exchange/flows.types.js';

const nodeKey = generateNodeKeyPair();
const platformKey = generateNodeKeyPair();
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function setup(task: TaskConfig, dataDir?: string) {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'gs-node-pub-'));
  if (!dataDir) dirs.push(dir);
  const store = new NodeStore(dir);
  const source = new FakeSource();
  const platform = new FakePlatform(platformKey, nodeKey, nodeConfigOf(platformKey, 'n1', { tasks: [task] }));
  const make = (src = source) => {
    const publisher = new Publisher({ store, key: nodeKey, transport: platform, source: async () => src, log: silentLogger, autoUpload: false });
    publisher.update(platform.signed.config);
    return publisher;
  };
  return { dir, store, source, platform, make };
}

async function rowsOf(file: Buffer) {
  const batch = openBatch(file, () => true);
  const { upserts, deletes } = await inflateBatch(batch);
  return { header: batch.header, upserts: upserts.toString().split('\n').filter(Boolean), deletes: deletes.toString().split('\n').filter(Boolean) };
}

describe('publisher', () => {
  it('spools signed batches in seq order, saves the watermark, uploads and empties the outbox', async () => {
    const task = taskConfig();
    const { store, source, platform, make } = setup(task);
    await store.init();
    source.put({ id: 'a', name: '甲', wm: 1 }, { id: 'b', name: '乙', wm: 2 }, { id: 'c', name: '丙', wm: 3 });
    const pub = make();
    const run = await pub.runTask(task.id);
    expect(run).toMatchObject({ batches: 2, upserts: 3, firstSeq: 1, lastSeq: 2 });
    expect((await store.outbox(task.id)).map((e) => e.seq)).toEqual([1, 2]);
    expect(await store.readState(task.id)).toMatchObject({ seq: 2, watermark: '3', inclusive: false });
    expect(await pub.uploadPending(task.id)).toBe(2);
    expect(await store.outbox(task.id)).toEqual([]);
    const first = await rowsOf(platform.stored[0]!.file);
    expect(first.header).toMatchObject({ taskId: task.id, seq: 1, kind: 'rows', watermark: '2', columns: [{ item: 'ID', dataType: 'C' }, { item: 'NAME', dataType: 'C' }], keyItems: ['ID'] });
    expect(first.upserts).toEqual(['a\t甲', 'b\t乙']);
    expect(platform.stored[0]!.header.runId).toBe(platform.stored[1]!.header.runId);

    // Next run resumes after the watermark: only the new row.
    source.put({ id: 'd', name: '丁', wm: 4 });
    const next = await pub.runTask(task.id);
    expect(next).toMatchObject({ batches: 1, upserts: 1, firstSeq: 3 });
    expect(source.extracts[1]!.after).toEqual({ value: '3', inclusive: false });
    await pub.stop();
  });

  it('continues the seq after the platform\'s lastSeq when the state is behind (data dir lost)', async () => {
    const task = taskConfig({ lastSeq: 41 });
    const { store, source, make } = setup(task);
    await store.init();
    source.put({ id: 'a', name: 'x', wm: 1 });
    const run = await make().runTask(task.id);
    expect(run.firstSeq).toBe(42);
    expect((await store.readState(task.id)).seq).toBe(42);
  });

  it('recovers after a crash between spool and state save: the spooled batch wins, no seq reused or skipped', async () => {
    const task = taskConfig({ batchRows: 10 });
    const { dir, store, source, platform, make } = setup(task);
    await store.init();
    source.put({ id: 'a', name: 'x', wm: 5 }, { id: 'b', name: 'y', wm: 6 });
    // The "kill": the batch is spooled, then the state write never happens.
    const realWrite = store.writeState.bind(store);
    let armed = true;
    store.writeState = async (id, state) => { if (armed) { armed = false; throw new Error('SIGKILL'); } return realWrite(id, state); };
    await expect(make().runTask(task.id)).rejects.toThrow('SIGKILL');
    expect((await store.readState(task.id)).seq).toBe(0);
    expect((await store.outbox(task.id)).map((e) => e.seq)).toEqual([1]);

    // A new process on the same data dir.
    const restarted = setup(task, dir);
    restarted.source.rows = source.rows;
    const pub = new Publisher({ store: restarted.store, key: nodeKey, transport: platform, source: async () => source, log: silentLogger, autoUpload: false });
    pub.update(platform.signed.config);
    const state = await pub.recover(task);
    expect(state).toMatchObject({ seq: 1, watermark: '6', inclusive: true });
    source.put({ id: 'c', name: 'z', wm: 7 });
    const run = await pub.runTask(task.id);
    expect(run.firstSeq).toBe(2);
    expect(source.extracts.at(-1)!.after).toEqual({ value: '6', inclusive: true });
    await pub.uploadPending(task.id);
    expect(platform.stored.map((b) => b.header.seq)).toEqual([1, 2]);
  });

  it('an upload retried after a lost response is a duplicate and leaves the outbox', async () => {
    const task = taskConfig();
    const { store, source, platform, make } = setup(task);
    await store.init();
    source.put({ id: 'a', name: 'x', wm: 1 });
    const pub = make();
    await pub.runTask(task.id);
    const [entry] = await store.outbox(task.id);
    const { readFile } = await import('node:fs/promises');
    await platform.upload(await readFile(entry!.file)); // stored, but the node never heard back
    await pub.uploadPending(task.id);
    expect(platform.stored).toHaveLength(1);
    expect(await store.outbox(task.id)).toEqual([]);
  });

  it.each([['lines', false], ['bytes', true]])('full mode (%s): the last batch of a run carries snapshotLast and the keys that disappeared', async (_, asBytes) => {
    const task = taskConfig({ mode: 'full', watermarkColumn: null, batchRows: 2 });
    const { store, source, platform, make } = setup(task);
    source.asBytes = asBytes as boolean;
    await store.init();
    source.put({ id: 'a', name: '1', wm: 0 }, { id: 'b', name: '2', wm: 0 }, { id: 'c', name: '3', wm: 0 });
    const pub = make();
    await pub.runTask(task.id);
    await pub.uploadPending(task.id);
    let batches = await Promise.all(platform.stored.map((b) => rowsOf(b.file)));
    expect(batches.map((b) => b.header.snapshotLast)).toEqual([false, true]);
    expect(batches.flatMap((b) => b.deletes)).toEqual([]);

    source.rows.delete('b');
    source.put({ id: 'd', name: '4', wm: 0 });
    await pub.runTask(task.id);
    await pub.uploadPending(task.id);
    batches = await Promise.all(platform.stored.slice(2).map((b) => rowsOf(b.file)));
    expect(batches.map((b) => b.header.snapshotLast)).toEqual([false, true]);
    expect(batches.at(-1)!.deletes).toEqual(['b']);
    expect(batches.flatMap((b) => b.upserts)).toEqual(['a\t1', 'c\t3', 'd\t4']);

    // Everything deleted at the source: one empty last batch deleting every key.
    source.rows.clear();
    await pub.runTask(task.id);
    await pub.uploadPending(task.id);
    const last = await rowsOf(platform.stored.at(-1)!.file);
    expect(last.header).toMatchObject({ snapshotLast: true, upserts: 0, deletes: 3 });
    expect(last.deletes.sort()).toEqual(['a', 'c', 'd']);
  });

  it('soft-delete and change_log deletes travel as key lines; change_log deletes go first', async () => {
    const task = taskConfig({ deleteMode: 'change_log', changeLogTable: 'people_log', batchRows: 10 });
    const { store, source, platform, make } = setup(task);
    await store.init();
    source.put({ id: 'a', name: 'x', wm: 1 });
    source.changeLog.push({ changeId: 1, op: 'I', id: 'a' }, { changeId: 2, op: 'D', id: 'z' });
    const pub = make();
    await pub.runTask(task.id);
    await pub.uploadPending(task.id);
    const [dels, ups] = await Promise.all(platform.stored.map((b) => rowsOf(b.file)));
    expect(dels!.deletes).toEqual(['z']);
    expect(ups!.upserts).toEqual(['a\tx']);
    expect((await store.readState(task.id)).changeLogId).toBe('2');
    await pub.runTask(task.id); // nothing new
    expect(platform.stored).toHaveLength(2);

    const soft = taskConfig({ deleteMode: 'soft_delete', softDeleteColumn: 'deleted' });
    const s2 = setup(soft);
    await s2.store.init();
    s2.source.put({ id: 'a', name: 'x', wm: 1 }, { id: 'b', name: 'y', wm: 2, deleted: true });
    const p2 = s2.make();
    await p2.runTask(soft.id);
    await p2.uploadPending(soft.id);
    const only = await rowsOf(s2.platform.stored[0]!.file);
    expect(only.upserts).toEqual(['a\tx']);
    expect(only.deletes).toEqual(['b']);
  });

  it('file tasks publish new and changed files once each, never outside the source directory', async () => {
    const task = taskConfig({ kind: 'file', sourceTable: 'docs', filePattern: '*.pdf', columns: [], keyItems: [] });
    const { dir, store, platform, make } = setup(task);
    await store.init();
    const docs = path.join(dir, 'docs');
    const { mkdirSync, writeFileSync, utimesSync } = await import('node:fs');
    mkdirSync(docs);
    writeFileSync(path.join(docs, 'a.pdf'), 'AAA');
    writeFileSync(path.join(docs, 'b.txt'), 'skip');
    const files = new FakeSource() as FakeSource & { listFiles: (d: string, p: string) => Promise<{ name: string; path: string; size: number; mtimeMs: number }[]> };
    files.listFiles = async (d) => {
      const { readdirSync, statSync } = await import('node:fs');
      return readdirSync(path.join(dir, d)).filter((n) => n.endsWith('.pdf')).map((name) => {
        const st = statSync(path.join(dir, d, name));
        return { name, path: path.join(dir, d, name), size: st.size, mtimeMs: st.mtimeMs };
      });
    };
    const pub = make(files);
    expect((await pub.runTask(task.id)).batches).toBe(1);
    expect((await pub.runTask(task.id)).batches).toBe(0);
    utimesSync(path.join(docs, 'a.pdf'), new Date(), new Date(Date.now() + 5000)); // touched, same bytes
    expect((await pub.runTask(task.id)).batches).toBe(0);
    writeFileSync(path.join(docs, 'a.pdf'), 'AAAA');
    expect((await pub.runTask(task.id)).batches).toBe(1);
    await pub.uploadPending(task.id);
    const last = openBatch(platform.stored.at(-1)!.file, () => true);
    expect(last.header).toMatchObject({ kind: 'file', seq: 2, file: { name: 'a.pdf', size: 4 } });
    expect((await inflateBatch(last)).upserts.toString()).toBe('AAAA');

    const evil = taskConfig({ kind: 'file', sourceTable: '../../etc', filePattern: '*' });
    const e = setup(evil);
    await e.store.init();
    await expect(e.make(files).runTask(evil.id)).rejects.toThrow(/must be relative/);
  });

  it('an out-of-order upload is refused and the batch stays spooled', async () => {
    const task = taskConfig({ lastSeq: 5 });
    const { store, source, platform, make } = setup(task);
    await store.init();
    source.put({ id: 'a', name: 'x', wm: 1 });
    const pub = make();
    await pub.runTask(task.id);
    await expect(pub.uploadPending(task.id)).rejects.toMatchObject({ code: 'BATCH_OUT_OF_ORDER' });
    expect(readdirSync(store.outboxDir(task.id))).toHaveLength(1);
    platform.lastSeq.set(task.id, 5);
    expect(await pub.uploadPending(task.id)).toBe(1);
  });
});
