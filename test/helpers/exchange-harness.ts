/**
 * End-to-end exchange harness (shared by src/node-agent/exchange-e2e.test.ts and scripts/bench-exchange.ts):
 * scratch databases on the machine's PostgreSQL and MariaDB, a platform listening on loopback (in-process or a
 * child process that can be SIGKILLed), node agents as child processes, a console-like HTTP client, and
 * waiting helpers. Everything talks HTTP as the console and the nodes do in production.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config, type DatabaseConfig } from '../../src/config.js';
import { DEMO_PASSWORD, loadDemoData } from '../../src/demo/demo-data.js';
import { openDatabase, type Database, type DatabaseHandle } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The PostgreSQL server the sources, targets (and, for child platforms, the platform) live on. */
export const PG_SERVER = process.env.GOVSHARE_EXCHANGE_PG_URL ?? process.env.GOVSHARE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_SERVER = process.env.GOVSHARE_EXCHANGE_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value (returned) or `timeoutMs` passes (throws with `what` and the last value). */
export async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(intervalMs);
  }
}

/* ---------------------------------------------------------------- databases */

export function pgUrl(database: string): string {
  const url = new URL(PG_SERVER);
  url.pathname = `/${database}`;
  return url.toString();
}

export function mysqlUrl(database: string): string {
  const url = new URL(MYSQL_SERVER);
  url.pathname = `/${database}`;
  return url.toString();
}

async function pgAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_SERVER });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Drops (forcibly) and creates a PostgreSQL database; returns its URL. */
export async function recreatePgDatabase(name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  await pgAdmin(async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
  return pgUrl(name);
}

export async function dropPgDatabase(name: string): Promise<void> {
  await pgAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).catch(() => undefined);
}

async function mysqlAdmin<T>(run: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection(MYSQL_SERVER);
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

export async function recreateMysqlDatabase(name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  await mysqlAdmin(async (c) => {
    await c.query(`drop database if exists ${name}`);
    await c.query(`create database ${name} character set utf8mb4 collate utf8mb4_bin`);
  });
  return mysqlUrl(name);
}

export async function dropMysqlDatabase(name: string): Promise<void> {
  await mysqlAdmin((c) => c.query(`drop database if exists ${name}`)).catch(() => undefined);
}

/** Whether the machine's PostgreSQL and MariaDB answer (the e2e suite is skipped otherwise). */
export async function serversAvailable(): Promise<{ pg: boolean; mysql: boolean }> {
  const probe = async (run: () => Promise<unknown>) => Promise.race([run().then(() => true, () => false), sleep(3000).then(() => false)]);
  return {
    pg: await probe(() => pgAdmin((c) => c.query('select 1'))),
    mysql: await probe(() => mysqlAdmin((c) => c.query('select 1'))),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/* ---------------------------------------------------------------- console-like HTTP client */

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export interface ApiResponse { status: number; body: any; text: string }

/** A console over HTTP: `login(username)` → bearer token; `call` returns {status, body}; `ok` throws unless 2xx. */
export function consoleClient(baseUrl: () => string) {
  async function call(token: string | null, method: Method, url: string, payload?: unknown): Promise<ApiResponse> {
    const res = await fetch(baseUrl() + url, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
    });
    const text = await res.text();
    let body: any = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: res.status, body, text };
  }
  async function ok(token: string | null, method: Method, url: string, payload?: unknown): Promise<any> {
    const res = await call(token, method, url, payload);
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.text.slice(0, 500)}`);
    return res.body;
  }
  async function login(username: string, password = DEMO_PASSWORD): Promise<string> {
    return (await ok(null, 'POST', '/api/v1/auth/login', { username, password })).token as string;
  }
  return { call, ok, login };
}
export type ConsoleClient = ReturnType<typeof consoleClient>;

/* ---------------------------------------------------------------- platform */

export interface PlatformOptions {
  database: DatabaseConfig;
  /** An already opened (migrated, demo-loaded) database to use instead of opening `database` (e.g. createTestDatabase()). */
  handle?: DatabaseHandle;
  /** Batch storage (kept across restarts). */
  storageDir: string;
  /** Fixed so that the platform key sealed in the database opens again after a restart. */
  masterKeyHex: string;
  port?: number;
  demo?: boolean;
}

/**
 * The platform in this process, listening on 127.0.0.1 (port 0 unless given; a restart keeps the port so that
 * the nodes' configured platformUrl stays valid). `restart()` closes the app without any flushing and builds a
 * new one on the same database and storage directory.
 */
export async function startInProcessPlatform(options: PlatformOptions) {
  const handle: DatabaseHandle = options.handle ?? await openDatabase(options.database);
  if (!options.handle) {
    await migrateToLatest(handle.db);
    if (options.demo !== false) await loadDemoData(handle.db);
  }
  const config: Config = { ...loadConfig({}), logLevel: 'silent', database: options.database, masterKeyHex: options.masterKeyHex };
  let port = options.port ?? 0;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const build = async () => {
    app = await buildApp(config, { db: handle.db, masterKey: Buffer.from(options.masterKeyHex, 'hex'), exchangeDir: options.storageDir });
    const address = await app.listen({ port, host: '127.0.0.1' });
    port = Number(new URL(address).port);
  };
  await build();
  const url = () => `http://127.0.0.1:${port}`;
  const client = consoleClient(url);
  return {
    ...client,
    get url() { return url(); },
    get app() { return app; },
    db: handle.db as Database,
    async restart() {
      await app.close();
      await build();
    },
    async close() {
      await app.close().catch(() => undefined);
      await handle.close();
    },
  };
}
export type InProcessPlatform = Awaited<ReturnType<typeof startInProcessPlatform>>;

/** Children still running; killed when this process exits so an aborted test or bench leaves no agent behind. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** `node --import tsx src/cli.ts …` (one process, so a SIGKILL really kills the program, not a wrapper). */
function spawnCli(args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'cli.ts'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env, GOVSHARE_TEST_DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  liveChildren.add(child);
  child.once('exit', () => {
    liveChildren.delete(child);
    setTimeout(() => log.end(), 50);
  });
  return child;
}

async function killChild(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * The platform as a child process (`govshare serve` on PostgreSQL), for SIGKILL tests. Its database is read
 * directly by the test through `db` (a pg pool).
 */
export async function startChildPlatform(options: { databaseUrl: string; stateDir: string; masterKeyHex: string; logFile: string; demo?: boolean }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawnCli(['serve'], {
      DATABASE_URL: options.databaseUrl, PORT: String(port), HOST: '127.0.0.1', GOVSHARE_STATE_DIR: options.stateDir,
      GOVSHARE_MASTER_KEY: options.masterKeyHex, GOVSHARE_DEMO: options.demo === false ? 'false' : 'true', LOG_LEVEL: 'warn',
    }, options.logFile);
    const started = child;
    await waitFor('platform /healthz', async () => {
      if (started.exitCode !== null) throw new Error(`platform exited with ${started.exitCode}; see ${options.logFile}`);
      return (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) || null;
    }, 180_000, 200);
  };
  await start();
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  return {
    ...consoleClient(() => url),
    url,
    pool,
    get pid() { return child?.pid ?? null; },
    async kill(signal: NodeJS.Signals = 'SIGKILL') { await killChild(child, signal); },
    async restart() {
      await killChild(child, 'SIGKILL');
      await start();
    },
    async close() {
      await killChild(child, 'SIGTERM');
      await pool.end();
    },
  };
}
export type ChildPlatform = Awaited<ReturnType<typeof startChildPlatform>>;

/* ---------------------------------------------------------------- node agents */

export interface NodeEndpointConfig { type: 'postgres' | 'mysql' | 'csv'; url?: string; dir?: string }
export interface NodeAgentConfig {
  platformUrl: string;
  dataDir: string;
  sources?: Record<string, NodeEndpointConfig>;
  targets?: Record<string, NodeEndpointConfig>;
  name?: string;
  transport?: 'http' | { type: 'mailbox'; outbox: string; inbox: string };
  /** How often the node fetches its signed config (ms, default 10000). */
  pollMs?: number;
}

/**
 * A node agent child process (`govshare node --config <file>`). `kill('SIGKILL')` + `start()` simulates a
 * crash and restart; the data directory (keys, state, outbox, cached config) persists.
 */
export function nodeAgent(name: string, config: NodeAgentConfig, workDir: string) {
  mkdirSync(workDir, { recursive: true });
  mkdirSync(config.dataDir, { recursive: true });
  config = { name, ...config };
  const configFile = path.join(workDir, `${name}.json`);
  const logFile = path.join(workDir, `${name}.log`);
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  let child: ChildProcess | null = null;
  return {
    name,
    configFile,
    logFile,
    config,
    /** Runs a one-shot CLI command of the node (e.g. enrol) and resolves with its output; rejects on a non-zero exit. */
    async run(args: string[], env: Record<string, string> = {}): Promise<string> {
      const proc = spawnCli(['node', ...args, '--config', configFile], env, logFile);
      let out = '';
      proc.stdout!.on('data', (d) => { out += String(d); });
      proc.stderr!.on('data', (d) => { out += String(d); });
      const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
      if (code !== 0) throw new Error(`govshare node ${args.join(' ')} exited ${code}: ${out.slice(-2000)}`);
      return out;
    },
    start(env: Record<string, string> = {}) {
      if (child && child.exitCode === null && child.signalCode === null) return;
      child = spawnCli(['node', '--config', configFile], { LOG_LEVEL: 'warn', ...env }, logFile);
    },
    get running() { return !!child && child.exitCode === null && child.signalCode === null; },
    get pid() { return child?.pid ?? null; },
    async kill(signal: NodeJS.Signals = 'SIGKILL') { await killChild(child, signal); },
    async stop() { await killChild(child, 'SIGTERM'); },
  };
}
export type NodeAgentProcess = ReturnType<typeof nodeAgent>;

/* ---------------------------------------------------------------- console flows (as the console does them) */

export interface ItemSpec { name: string; dataType: string; length: number | null }
export interface DemoTokens { platform: string; gajAdmin: string; gajUser: string; scjAdmin: string; scjUser: string }

export async function demoTokens(api: ConsoleClient): Promise<DemoTokens> {
  const [platform, gajAdmin, gajUser, scjAdmin, scjUser] = await Promise.all(['platform', 'gaj_admin', 'gaj_user', 'scj_admin', 'scj_user'].map((u) => api.login(u)));
  return { platform: platform!, gajAdmin: gajAdmin!, gajUser: gajUser!, scjAdmin: scjAdmin!, scjUser: scjUser! };
}

/**
 * A 库表 resource of 公安局 created, submitted and approved (published), its datastore defined with `keyItems`;
 * then requested by 市场监管局 (scj_user) for `grantItems` and approved by gaj_admin with `masking`.
 */
export async function publishedResourceWithGrant(api: ConsoleClient, tk: DemoTokens, spec: { name: string; items: ItemSpec[]; keyItems: string[]; grantItems?: string[]; masking?: Record<string, string> }) {
  const { id: resourceId } = await api.ok(tk.gajAdmin, 'POST', '/api/v1/resources', {
    name: spec.name, code: null, providerName: '珠海市公安局', providerCode: '11440400WFA5YL7R9R', providerDivision: null, summary: `${spec.name}（交换测试）`,
    formatClass: '数据库', formatType: 'KingbaseES', formatOther: null, items: spec.items, shareType: '有条件共享', shareCondition: '交换测试',
    shareMethodClass: '共享平台方式', shareMethodType: '数据库', isOpen: false, openCondition: null, updateCycle: '实时', publishDate: '2026-11-01', relatedClass: null,
  });
  await api.ok(tk.gajAdmin, 'POST', `/api/v1/resources/${resourceId}/submit`);
  await api.ok(tk.platform, 'POST', `/api/v1/resources/${resourceId}/approve`, {});
  await api.ok(tk.gajAdmin, 'PUT', `/api/v1/resources/${resourceId}/datastore`, { keyItems: spec.keyItems });
  const grantId = await grantTo(api, tk.gajAdmin, tk.scjUser, resourceId, spec.grantItems ?? spec.items.map((i) => i.name), spec.masking ?? {});
  const resource = await api.ok(tk.gajAdmin, 'GET', `/api/v1/resources/${resourceId}`);
  return { resourceId: resourceId as string, code: resource.code as string, grantId };
}

/** A share request by `requesterToken` (a consumer department's user) approved by the provider admin; returns the grant id. */
export async function grantTo(api: ConsoleClient, providerAdminToken: string, requesterToken: string, resourceId: string, items: string[], masking: Record<string, string> = {}): Promise<string> {
  const request = await api.ok(requesterToken, 'POST', '/api/v1/share-requests', {
    resourceId, items, purpose: '数据交换到本部门业务库', basis: '《政务信息资源共享管理暂行办法》',
    applicationName: '部门业务系统', validFrom: '2026-01-01', validTo: '2030-12-31',
  });
  await api.ok(providerAdminToken, 'POST', `/api/v1/share-requests/${request.id}/decision`, { approve: true, masking });
  const decided = await api.ok(requesterToken, 'GET', `/api/v1/share-requests/${request.id}`);
  if (!decided.grantId) throw new Error(`no grant for share request ${request.id}`);
  return decided.grantId as string;
}
