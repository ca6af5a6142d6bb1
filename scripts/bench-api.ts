/**
 * Data API bench (issue 5 acceptance): the full signed path — signature, app, grant, quota, masking, call log
 * — against a bare Fastify route doing the same SELECT by key on the same table with the same pool size.
 * PostgreSQL only: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the server; a scratch
 * database govshare_bench_api is created there (and dropped at the end).
 *
 *   npm run bench:api            (BENCH_ROWS=100000 BENCH_DURATION=20s BENCH_CONNECTIONS=64 BENCH_THREADS=2)
 *
 * Each server runs in a child process (`--serve real|bare`) so the orchestrator does not compete for the CPU.
 * Requests are signed ahead into a file (unique nonces, fresh timestamps, random keys) and replayed by wrk
 * (scripts/bench-api.lua); both servers get the same keys in the same order. Besides wrk's req/s and latency,
 * each server reports its own CPU time per request (less sensitive to other load on the machine).
 * Both servers run without per-request log lines (logger level warn).
 *
 * Diagnostics: BENCH_ONLY=real|bare|framework (framework: the full app's hooks around the bare query, no data
 * API path); BENCH_PROFILE=<dir> writes a CPU profile of the measured run; BENCH_LOOP=1 prints each server's
 * event-loop delay and GC pauses; BENCH_KEEP_DB=1 keeps the database.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { DEMO_PASSWORD, loadDemoData } from '../src/demo/demo-data.js';
import { signRequest } from '../src/modules/data-services/index.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import { createLogger } from '../src/platform/logger.js';
import { aCitizenId, aTableResourceWithGrant } from '../test/helpers/data-services-factories.js';
import type { TestApp } from '../test/helpers/test-app.js';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DB_NAME = 'govshare_bench_api';
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const DURATION = process.env.BENCH_DURATION ?? '20s';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400_000);
const MASTER_KEY = Buffer.alloc(16, 7);
const here = path.dirname(fileURLToPath(import.meta.url));
const LUA = path.join(here, 'bench-api.lua');

function benchUrl(): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${DB_NAME}`;
  return url.toString();
}

function configFor(): Config {
  return { ...loadConfig({}), logLevel: 'warn', database: { kind: 'postgres', url: benchUrl() }, masterKeyHex: MASTER_KEY.toString('hex') };
}

// ---------------------------------------------------------------------------------------------- child servers

/** CPU time of this server between SIGUSR2 (start of the measured run) and SIGUSR1 (end), printed as `CPU <µs>`. */
function reportCpuOnSignals(): void {
  let start: NodeJS.CpuUsage | null = null;
  // BENCH_LOOP=1: event-loop delay and GC pauses of the measured run on stderr (where the tail latency comes from).
  const loop = process.env.BENCH_LOOP ? monitorEventLoopDelay({ resolution: 5 }) : null;
  const gc: number[] = [];
  const gcByKind = new Map<number, number[]>();
  const gcObserver = loop ? new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.push(e.duration);
      const kind = (e.detail as { kind?: number } | null)?.kind ?? 0;
      gcByKind.set(kind, [...(gcByKind.get(kind) ?? []), e.duration]);
    }
  }) : null;
  process.on('SIGUSR2', () => {
    start = process.cpuUsage();
    loop?.enable();
    gcObserver?.observe({ entryTypes: ['gc'] });
  });
  process.on('SIGUSR1', () => {
    const used = process.cpuUsage(start ?? undefined);
    if (loop) {
      loop.disable();
      gcObserver?.disconnect();
      const ms = (ns: number) => (ns / 1e6).toFixed(1);
      const sorted = [...gc].sort((a, b) => b - a);
      process.stderr.write(`loop delay p50 ${ms(loop.percentile(50))} p99 ${ms(loop.percentile(99))} max ${ms(loop.max)} ms; GC ${gc.length} pauses, total ${gc.reduce((a, b) => a + b, 0).toFixed(0)} ms, longest ${sorted.slice(0, 5).map((d) => d.toFixed(1)).join(', ')} ms`
        + ` (by kind 1 minor 2 major 4 incremental 8 weak: ${[...gcByKind].map(([k, d]) => `${k}: ${d.length}× ${d.reduce((a, b) => a + b, 0).toFixed(0)} ms max ${Math.max(...d).toFixed(1)}`).join('; ')})\n`);
    }
    process.stdout.write(`CPU ${used.user + used.system}\n`);
  });
}

/** BENCH_PROFILE=<dir>: the server profiles its CPU from SIGUSR2 (sent after the warm-up) until SIGTERM. */
async function profileOnSignal(name: string): Promise<(() => Promise<void>) | null> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return null;
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  process.on('SIGUSR2', () => { void session.post('Profiler.start'); });
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  };
}

async function serveReal(port: number, journalDir: string): Promise<void> {
  const config = configFor();
  const handle = await openDatabase(config.database);
  const logger = createLogger('warn');
  const app = await buildApp(config, { db: handle.db, logger, masterKey: MASTER_KEY, callLogJournalDir: journalDir });
  if (process.env.BENCH_FRAMEWORK_ONLY) {
    // Diagnostic: the full app's framework (hooks, helmet, logger) around the bare route's query, no data-API path.
    const [table, keyColumn, selectList] = process.env.BENCH_FRAMEWORK_ONLY.split('|');
    const pool = new pg.Pool({ connectionString: benchUrl(), max: 10 });
    const text = `select ${selectList} from ${table} where ${keyColumn} = $1 order by ${keyColumn} limit $2`;
    app.get('/api/v1/bench/:classification/:sequence', { config: { public: true } }, async (request) => {
      const { rows } = await pool.query(text, [(request.query as Record<string, string>)['公民身份号码'], 101]);
      return { items: rows, nextCursor: null };
    });
  }
  await app.listen({ port, host: '127.0.0.1' });
  reportCpuOnSignals();
  const stopProfile = await profileOnSignal('real');
  process.stdout.write('READY\n');
  process.on('SIGTERM', () => { void (stopProfile?.() ?? Promise.resolve()).then(() => app.close()).then(() => handle.close()).then(() => process.exit(0)); });
}

async function serveBare(port: number, table: string, keyColumn: string, selectList: string): Promise<void> {
  // The same pool settings as openDatabase (max 10, same type parsers).
  const pool = new pg.Pool({
    connectionString: benchUrl(), max: 10,
    types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? (v: string) => Number(v) : oid === 1082 ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text')) } as pg.CustomTypesConfig,
  });
  const app = Fastify();
  const text = `select ${selectList} from ${table} where ${keyColumn} = $1 order by ${keyColumn} limit $2`;
  app.get('/api/v1/data/:classification/:sequence', {
    schema: {
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } }, nextCursor: { type: ['string', 'null'] } } } },
    },
  }, async (request) => {
    const q = request.query as Record<string, string>;
    const { rows } = await pool.query(text, [q['公民身份号码'], 101]);
    return { items: rows, nextCursor: null };
  });
  await app.listen({ port, host: '127.0.0.1' });
  reportCpuOnSignals();
  const stopProfile = await profileOnSignal('bare');
  process.stdout.write('READY\n');
  process.on('SIGTERM', () => { void (stopProfile?.() ?? Promise.resolve()).then(() => app.close()).then(() => pool.end()).then(() => process.exit(0)); });
}

// ---------------------------------------------------------------------------------------------- orchestrator

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try { return await fn(client); } finally { await client.end(); }
}

async function seed(): Promise<{ path: string; appKey: string; appSecret: string; table: string; keyColumn: string; selectList: string; ids: string[] }> {
  await admin(async (c) => {
    await c.query(`drop database if exists ${DB_NAME} with (force)`);
    await c.query(`create database ${DB_NAME}`);
  });
  const config = configFor();
  const handle = await openDatabase(config.database);
  await migrateToLatest(handle.db);
  await loadDemoData(handle.db);
  const app = await buildApp(config, { db: handle.db, masterKey: MASTER_KEY });
  await app.ready();
  const t = {
    app, db: handle.db, config,
    async login(username: string) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: DEMO_PASSWORD } });
      return r.json().token as string;
    },
    async call(token: string | null, method: string, url: string, payload?: unknown) {
      return app.inject({ method: method as 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });
    },
    async orgIdByName(name: string) {
      return (await handle.db.selectFrom('identity_orgs').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    },
    async close() { await app.close(); },
  } as unknown as TestApp;
  const g = await aTableResourceWithGrant(t, { masking: { 姓名: 'name' }, dailyQuota: 100_000_000, keyItems: ['公民身份号码'] });
  const columns = await handle.db.selectFrom('data_store_columns').select(['item_name', 'column_name']).where('resource_id', '=', g.resourceId).execute();
  const col = Object.fromEntries(columns.map((c) => [c.item_name, c.column_name])) as Record<string, string>;
  const store = await handle.db.selectFrom('data_stores').select('table_name').where('resource_id', '=', g.resourceId).executeTakeFirstOrThrow();
  const table = store.table_name.includes('.') ? store.table_name : `data_store.${store.table_name}`;
  console.error(`seeding ${ROWS} rows into ${table} …`);
  const ids: string[] = [];
  const pool = new pg.Pool({ connectionString: benchUrl(), max: 2 });
  const start = new Date('1950-01-01T00:00:00Z').getTime();
  for (let base = 0; base < ROWS; base += 5000) {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let i = base; i < Math.min(base + 5000, ROWS); i++) {
      const birth = new Date(start + (i % 20_000) * 86_400_000).toISOString().slice(0, 10);
      const id = aCitizenId(birth.replace(/-/g, ''), Math.floor(i / 20_000) + 1);
      ids.push(id);
      const n = values.length;
      tuples.push(`($${n + 1}, $${n + 2}, $${n + 3}::date, $${n + 4}, $${n + 5})`);
      values.push(id, `张${'三四五六七'[i % 5]}${i}`, birth, `138${String(i).padStart(8, '0')}`, `广东省珠海市香洲区人民东路${i}号`);
    }
    await pool.query(`insert into ${table} (${col['公民身份号码']}, ${col['姓名']}, ${col['出生日期']}, ${col['联系电话']}, ${col['住址']}) values ${tuples.join(', ')}`, values);
  }
  await pool.query(`analyze ${table}`);
  await pool.query('update data_stores set row_count = $1, last_loaded_at = now() where resource_id = $2', [ROWS, g.resourceId]);
  await pool.end();
  // Sanity: one signed call through the real app.
  const probe = `${g.dataPath}?${encodeURIComponent('公民身份号码')}=${ids[0]}`;
  const { signedInject } = await import('../test/helpers/data-services-factories.js');
  const res = await signedInject(t, g.app, 'GET', probe);
  if (res.statusCode !== 200 || res.json().items.length !== 1) throw new Error(`probe failed: ${res.statusCode} ${res.body}`);
  console.error(`probe: ${res.body}`);
  await app.close();
  await handle.close();
  const k = col['公民身份号码']!;
  const selectList = `${col['公民身份号码']} as o_1, ${col['姓名']} as o_2, to_char(${col['出生日期']}, 'YYYY-MM-DD') as o_3, ${k} as k_1`;
  return { path: g.dataPath, appKey: g.app.appKey, appSecret: g.app.appSecret, table, keyColumn: k, selectList, ids };
}

/** Signs `count` requests for random keys into a TSV file for the Lua script. */
async function presign(file: string, seedData: { path: string; appKey: string; appSecret: string; ids: string[] }, count: number): Promise<void> {
  const out = createWriteStream(file);
  const timestamp = String(Date.now() + 120_000); // valid from now until ~7 minutes from now
  const prefix = randomBytes(4).toString('hex');
  let rnd = 12345;
  const next = () => (rnd = (rnd * 1_103_515_245 + 12_345) % 2 ** 31);
  const name = encodeURIComponent('公民身份号码');
  let buffer = '';
  for (let i = 0; i < count; i++) {
    const id = seedData.ids[next() % seedData.ids.length]!;
    const nonce = `${prefix}-${i}`;
    const signature = signRequest(seedData.appSecret, { method: 'GET', path: seedData.path, query: [['公民身份号码', id]], timestamp, nonce, body: '' });
    buffer += `${seedData.path}?${name}=${id}\t${seedData.appKey}\t${timestamp}\t${nonce}\t${signature}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise((r) => out.once('drain', r));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

function startChild(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('READY')) resolve(child); });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface WrkResult { rps: number; p50Ms: number; p99Ms: number; requests: number; non2xx: number; cpuUsPerRequest?: number }

async function wrk(port: number, file: string, duration: string): Promise<WrkResult> {
  const { stdout } = await promisify(execFile)('wrk', [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${duration}`, '--latency', '-s', LUA, `http://127.0.0.1:${port}`, '--', file, String(THREADS)], { maxBuffer: 1 << 24 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const m = /BENCH_RESULT requests=(\d+) errors_status=(\d+) p50_us=(\d+) p99_us=(\d+)/.exec(stdout);
  if (!m) throw new Error(`unexpected wrk output:\n${stdout}`);
  return { rps, requests: Number(m[1]), non2xx: Number(m[2]), p50Ms: Number(m[3]) / 1000, p99Ms: Number(m[4]) / 1000 };
}

async function main(): Promise<void> {
  const [mode, portArg, ...rest] = process.argv.slice(2);
  if (mode === '--serve-real') return serveReal(Number(portArg), rest[0]!);
  if (mode === '--serve-bare') return serveBare(Number(portArg), rest[0]!, rest[1]!, rest[2]!);

  const work = mkdtempSync(path.join(os.tmpdir(), 'govshare-bench-api-'));
  try {
    const s = await seed();
    const port = 18_000 + Math.floor(Math.random() * 1000);
    const results: Record<'bare' | 'real' | 'framework', WrkResult> = {} as never;
    const only = process.env.BENCH_ONLY;
    // `framework` (diagnostic, BENCH_ONLY=framework): the full app's hooks around the bare route's query.
    for (const which of (['real', 'bare', 'framework'] as const).filter((w) => (only ? w === only : w !== 'framework'))) {
      const warmFile = path.join(work, `${which}-warm.tsv`);
      const mainFile = path.join(work, `${which}.tsv`);
      console.error(`signing ${REQUESTS} requests for ${which} …`);
      const target = which === 'framework' ? { ...s, path: s.path.replace('/data/', '/bench/') } : s;
      await presign(warmFile, target, 60_000);
      await presign(mainFile, target, REQUESTS);
      if (which === 'framework') process.env.BENCH_FRAMEWORK_ONLY = [s.table, s.keyColumn, s.selectList].join('|');
      const child = which !== 'bare'
        ? await startChild(['--serve-real', String(port), path.join(work, 'journal')])
        : await startChild(['--serve-bare', String(port), s.table, s.keyColumn, s.selectList]);

      try {
        await wrk(port, warmFile, '5s');
        child.kill('SIGUSR2');
        results[which] = await wrk(port, mainFile, DURATION);
        const cpu = new Promise<number>((resolve) => child.stdout!.on('data', (chunk: Buffer) => {
          const m = /CPU (\d+)/.exec(chunk.toString());
          if (m) resolve(Number(m[1]));
        }));
        child.kill('SIGUSR1');
        results[which].cpuUsPerRequest = (await cpu) / results[which].requests;
      } finally {
        await stopChild(child);
      }
      const r = results[which];
      console.log(`${which.padEnd(4)}  ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  (${r.requests} requests, non-2xx ${r.non2xx}; server CPU ${r.cpuUsPerRequest?.toFixed(0)} µs/request)`);
    }
    if (only) return;
    const ratio = results.real.rps / results.bare.rps;
    const p99Ratio = results.real.p99Ms / results.bare.p99Ms;
    console.log(`throughput real/bare ${(ratio * 100).toFixed(1)}% (need ≥ 50%)   p99 real/bare ${p99Ratio.toFixed(2)}× (need ≤ 2×)   ${ratio >= 0.5 && p99Ratio <= 2 ? 'PASS' : 'FAIL'}`);
    const calls = await admin(async () => {
      const c = new pg.Client({ connectionString: benchUrl() });
      await c.connect();
      try { return (await c.query('select count(*)::int as n, count(*) filter (where status = 200)::int as ok from data_calls')).rows[0]; } finally { await c.end(); }
    });
    console.log(`server CPU per request real/bare ${(results.real.cpuUsPerRequest! / results.bare.cpuUsPerRequest!).toFixed(2)}× (contention-independent)`);
    console.log(`call log rows: ${calls.n} (status 200: ${calls.ok})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP_DB) await admin((c) => c.query(`drop database if exists ${DB_NAME} with (force)`)).catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
