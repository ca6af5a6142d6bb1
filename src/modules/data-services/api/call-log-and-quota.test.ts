import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-db.js';
import { createCallLogWriter, type CallEntry } from './call-log-writer.js';
import { cstDay, nextCstMidnight } from './cst-time.js';
import { bucketedNonceStore } from './nonce-store.js';
import { createQuota } from './quota.js';

type Handle = Awaited<ReturnType<typeof createTestDatabase>>;

const anEntry = (overrides: Partial<CallEntry> = {}): CallEntry => ({
  id: randomUUID(), at: new Date().toISOString(), app_id: null, app_key: 'akdeadbeef', app_name: null, consumer_org_id: null, provider_org_id: null,
  resource_id: null, resource_code: '101002001/000123', grant_id: null, operation: 'query', items: ['姓名'], rows: 1, status: 200,
  error_code: null, latency_ms: 1.5, client_ip: '127.0.0.1', ...overrides,
});

describe('call-log writer and daily quota', () => {
  let h: Handle;
  let dir: string;

  beforeAll(async () => {
    h = await createTestDatabase({ demo: false });
    dir = mkdtempSync(path.join(os.tmpdir(), 'govshare-calls-'));
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('journals every call; a process killed before flushing loses nothing: the next start replays the segment', async () => {
    const crashed = createCallLogWriter({ db: h.db, journalDir: dir, intervalMs: 3_600_000, maxBuffer: 100_000 });
    await crashed.start();
    const entries = Array.from({ length: 7 }, (_, i) => anEntry({ rows: i }));
    for (const e of entries) crashed.record(e);
    // The "crash": no flush, no close. The segment is on disk.
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);
    expect(await h.db.selectFrom('data_calls').select('id').where('id', 'in', entries.map((e) => e.id)).execute()).toHaveLength(0);

    const next = createCallLogWriter({ db: h.db, journalDir: dir, intervalMs: 3_600_000 });
    await next.start();
    const stored = await h.db.selectFrom('data_calls').selectAll().where('id', 'in', entries.map((e) => e.id)).orderBy('rows').execute();
    expect(stored.map((r) => r.rows)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(stored[0]).toMatchObject({ items: ['姓名'], status: 200, operation: 'query', client_ip: '127.0.0.1' });
    // The crashed process's own late flush is harmless (on conflict do nothing).
    await crashed.close();
    expect(await h.db.selectFrom('data_calls').select('id').where('id', 'in', entries.map((e) => e.id)).execute()).toHaveLength(7);
    await next.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });

  it('flushes on its timer and at 500 entries; the flushed segment is deleted', async () => {
    const writer = createCallLogWriter({ db: h.db, journalDir: dir, intervalMs: 50 });
    await writer.start();
    const e = anEntry();
    writer.record(e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await h.db.selectFrom('data_calls').select('id').where('id', '=', e.id).execute()).toHaveLength(1);
    const many = Array.from({ length: 500 }, () => anEntry());
    const big = createCallLogWriter({ db: h.db, intervalMs: 3_600_000 });
    await big.start();
    for (const m of many) big.record(m);
    await big.flush();
    expect(big.pending()).toBe(0);
    expect((await h.db.selectFrom('data_calls').select('id').where('id', 'in', many.map((m) => m.id)).execute())).toHaveLength(500);
    await writer.close();
    await big.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });

  it('stores hostile text exactly (tabs, newlines, backslashes, quotes, \\N) and a retried flush adds nothing', async () => {
    const writer = createCallLogWriter({ db: h.db, intervalMs: 3_600_000 });
    await writer.start();
    const tricky = anEntry({ app_key: 'a\tb\nc\\d\r"e\\N', app_name: '应用 "x"\t\\', items: ['姓名', 'a\tb\\"c'], error_code: 'ITEM_NOT_GRANTED', rows: 0, status: 403, latency_ms: 0.07, client_ip: null });
    const plain = anEntry({ app_id: randomUUID(), items: [] });
    writer.record(tricky);
    writer.record(plain);
    await writer.flush();
    const again = createCallLogWriter({ db: h.db, intervalMs: 3_600_000 });
    again.record(tricky);
    await again.flush();
    const stored = await h.db.selectFrom('data_calls').selectAll().where('id', 'in', [tricky.id, plain.id]).execute();
    expect(stored).toHaveLength(2);
    const t = stored.find((r) => r.id === tricky.id)!;
    expect(t).toMatchObject({ app_key: tricky.app_key, app_name: tricky.app_name, items: tricky.items, rows: 0, status: 403, error_code: 'ITEM_NOT_GRANTED', client_ip: null });
    expect(new Date(t.at).toISOString()).toBe(tricky.at);
    expect(t.latency_ms).toBeCloseTo(0.07, 5);
    expect(stored.find((r) => r.id === plain.id)).toMatchObject({ app_id: plain.app_id, items: [], rows: 1, status: 200 });
    await writer.close();
    await again.close();
  });

  it('nonces: a reuse within the window is refused; expired ones are forgotten', async () => {
    const store = bucketedNonceStore();
    const t0 = 1_790_000_000_000;
    expect(await store.remember('ak1', 'nonce-0001', t0 + 300_000, t0)).toBe(true);
    expect(await store.remember('ak1', 'nonce-0001', t0 + 300_000, t0 + 1000)).toBe(false);
    expect(await store.remember('ak2', 'nonce-0001', t0 + 300_000, t0 + 1000)).toBe(true);
    for (let i = 0; i < 1000; i++) await store.remember('ak1', `n-${i}`, t0 + 10_000, t0 + 2000);
    expect(store.size()).toBe(1002);
    expect(await store.remember('ak1', 'later', t0 + 400_000, t0 + 20_000)).toBe(true);
    expect(store.size()).toBe(3);
    expect(await store.remember('ak1', 'nonce-0001', t0 + 700_000, t0 + 301_000)).toBe(true);
  });

  it('CST days and midnights', () => {
    expect(cstDay(new Date('2026-11-21T15:59:59Z'))).toBe('2026-11-21');
    expect(cstDay(new Date('2026-11-21T16:00:00Z'))).toBe('2026-11-22');
    expect(nextCstMidnight(new Date('2026-11-21T02:00:00Z')).toISOString()).toBe('2026-11-21T16:00:00.000Z');
    expect(nextCstMidnight(new Date('2026-11-21T16:00:00Z')).toISOString()).toBe('2026-11-22T16:00:00.000Z');
  });

  it('quota is exact across processes: two reservers sharing one counter never pass it, and give back what they hold', async () => {
    const a = createQuota({ db: h.db });
    const b = createQuota({ db: h.db });
    const grant = { id: randomUUID(), dailyQuota: 50 };
    const at = new Date();
    const results = await Promise.allSettled(Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).take(grant, at)));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBe(50);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'QUOTA_EXCEEDED', extra: { resetAt: nextCstMidnight(at).toISOString() } });
    const used = async () => (await h.db.selectFrom('data_quota_usage').select('used').where('grant_id', '=', grant.id).where('day', '=', cstDay(at)).executeTakeFirstOrThrow()).used;
    expect(await used()).toBe(50);

    // A busy process reserves blocks ahead; refunds and release give units back.
    const big = { id: randomUUID(), dailyQuota: 1_000_000 };
    const tickets = [];
    for (let i = 0; i < 200; i++) tickets.push(await a.take(big, at));
    for (let i = 0; i < 40; i++) await Promise.all(Array.from({ length: 50 }, () => a.take(big, at)));
    tickets[0]!.refund();
    await a.release();
    const bigUsed = (await h.db.selectFrom('data_quota_usage').select('used').where('grant_id', '=', big.id).executeTakeFirstOrThrow()).used;
    expect(bigUsed).toBe(200 + 40 * 50 - 1);
  });
});
