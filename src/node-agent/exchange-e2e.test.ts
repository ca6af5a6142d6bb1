/**
 * Exchange end to end (issue 6 §8): a platform on loopback and node agents as child processes against the
 * machine's real PostgreSQL and MariaDB, configured entirely through the console's HTTP API. Skipped when the
 * servers do not answer. The platform runs in this process on PGlite, or on PostgreSQL with
 * GOVSHARE_TEST_DATABASE_URL; the SIGKILL test runs it as a child process on a scratch PostgreSQL database.
 *
 *   npx vitest run src/node-agent/exchange-e2e.test.ts      (E2E_SIGKILL_ROWS=50000 by default)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, copyFileSync, unlinkSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/helpers/test-db.js';
import {
  demoTokens, dropMysqlDatabase, dropPgDatabase, grantTo, nodeAgent, publishedResourceWithGrant, recreateMysqlDatabase, recreatePgDatabase,
  serversAvailable, startChildPlatform, startInProcessPlatform, waitFor, type DemoTokens, type InProcessPlatform, type ItemSpec, type NodeAgentProcess,
} from '../../test/helpers/exchange-harness.js';
import { createSubscription, createTask, enrolApprovedNode, requestRun, subscriptionView, taskView } from '../../test/helpers/exchange-flows.js';
import { createUserUnchecked } from '../modules/identity/index.js';
import { maskValue } from '../modules/sharing/index.js';
import { runMailboxGateway } from '../modules/exchange/mailbox/index.js';
import { DEMO_PASSWORD } from '../demo/demo-data.js';
import { encodeBatch, generateNodeKeyPair, NODE_API, signEnrolment, signNodeRequest, signWithNodeKey } from '../modules/exchange/protocol/index.js';

const servers = await serversAvailable();
const SIGKILL_ROWS = Number(process.env.E2E_SIGKILL_ROWS ?? 50_000);
/** Waits grow with the transfer (E2E_SIGKILL_ROWS=1000000 for the full-size run). */
const KILL_SCALE = Math.max(1, SIGKILL_ROWS / 100_000);
const MASTER_KEY_HEX = '5e'.repeat(16);
const suffix = randomBytes(3).toString('hex');
const dbName = (role: string) => `gs_h8e_${role}_${suffix}`;

const PEOPLE_ITEMS: ItemSpec[] = [
  { name: '公民身份号码', dataType: 'C', length: 18 },
  { name: '姓名', dataType: 'C', length: 50 },
  { name: '出生日期', dataType: 'D', length: null },
  { name: '联系电话', dataType: 'C', length: 20 },
  { name: '住址', dataType: 'C', length: 200 },
  { name: '更新时间', dataType: 'T', length: null },
];
const PEOPLE_SOURCE_MAP = { 公民身份号码: 'id_no', 姓名: 'name', 出生日期: 'birth', 联系电话: 'phone', 住址: 'address', 更新时间: 'updated_at' };
/** B (税务局, MariaDB) is granted four items, 姓名 and 联系电话 masked. */
const B_ITEMS = ['公民身份号码', '姓名', '出生日期', '联系电话'];
const B_MASKING = { 姓名: 'name', 联系电话: 'mobile' };
const B_MAP = { 公民身份号码: 'sfzh', 姓名: 'xm', 出生日期: 'csrq', 联系电话: 'lxdh' };

/** Source rows i = from..to: 18-character ids, Chinese names, dates, phones, addresses. */
const insertPeople = (from: number, to: number) => `insert into people (id_no, name, birth, phone, address, updated_at, deleted)
  select '440402' || lpad(i::text, 12, '0'), '张' || (array['伟','芳','娜','敏','静'])[1 + i % 5] || i, date '1970-01-01' + (i % 15000),
         '138' || lpad(i::text, 8, '0'), '广东省珠海市香洲区人民东路' || i || '号', clock_timestamp(), false
  from generate_series(${from}, ${to}) i`;

/**
 * The ferry of an isolated network (网闸): moves finished files (not *.part) from one directory to another,
 * writing each as .part and renaming, as a real ferry would. Runs until stopped.
 */
function ferry(pairs: [string, string][], intervalMs = 200): { stop(): void } {
  for (const [from, to] of pairs) {
    mkdirSync(from, { recursive: true });
    mkdirSync(to, { recursive: true });
  }
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    for (const [from, to] of pairs) {
      for (const name of readdirSync(from)) {
        if (name.endsWith('.part')) continue;
        const file = path.join(from, name);
        try {
          if (!statSync(file).isFile()) continue;
          copyFileSync(file, path.join(to, `${name}.part`));
          renameSync(path.join(to, `${name}.part`), path.join(to, name));
          unlinkSync(file);
        } catch {
          // Renamed or removed under us: the next round sees the directory again.
        }
      }
    }
  }, intervalMs);
  return { stop() { stopped = true; clearInterval(timer); } };
}

async function exchangeLog(api: InProcessPlatform, token: string, query = ''): Promise<{ event: string; result: string; errorCode: string | null }[]> {
  return (await api.ok(token, 'GET', `/api/v1/exchange/log${query}`)).items;
}

describe.skipIf(!servers.pg || !servers.mysql)('exchange end to end (real PostgreSQL and MariaDB, nodes on loopback)', () => {
  describe('publish → platform → two subscribers (PostgreSQL and MariaDB targets), console-configured', () => {
    let platform: InProcessPlatform;
    let tk: DemoTokens;
    let swjAdmin: string;
    let swjUser: string;
    let src: pg.Pool;
    let dstA: pg.Pool;
    let dstB: mysql.Pool;
    let work = '';
    const agents: NodeAgentProcess[] = [];
    let failed = true;

    beforeAll(async () => {
      work = mkdtempSync(path.join(os.tmpdir(), 'govshare-e2e-'));
      const [srcUrl, aUrl, bUrl] = [await recreatePgDatabase(dbName('src')), await recreatePgDatabase(dbName('dsta')), await recreateMysqlDatabase(dbName('dstb'))];
      src = new pg.Pool({ connectionString: srcUrl, max: 2 });
      dstA = new pg.Pool({ connectionString: aUrl, max: 2 });
      dstB = mysql.createPool({ uri: bUrl, connectionLimit: 2, dateStrings: true });
      await src.query(`create table people (id_no text primary key, name text not null, birth date, phone text, address text, updated_at timestamptz not null, deleted boolean not null default false)`);
      await dstA.query(`create table people_copy (id_no text primary key, name text, birth date, phone text, address text, updated_at timestamptz)`);
      await dstB.query(`create table rk_people (sfzh varchar(18) primary key, xm varchar(50), csrq date, lxdh varchar(20)) default charset=utf8mb4`);

      const database = await createTestDatabase();
      platform = await startInProcessPlatform({ database: database.config, handle: database, storageDir: path.join(work, 'platform'), masterKeyHex: MASTER_KEY_HEX });
      tk = await demoTokens(platform);
      const swj = (await platform.db.selectFrom('identity_orgs').select('id').where('name', '=', '国家税务总局珠海市税务局').executeTakeFirstOrThrow()).id;
      for (const [username, role] of [['swj_admin', 'dept_admin'], ['swj_user', 'dept_user']] as const) {
        await createUserUnchecked(platform.db, { actor: null, ip: null }, { username, password: DEMO_PASSWORD, displayName: username, orgId: swj, roles: [role], mustChangePassword: false });
      }
      [swjAdmin, swjUser] = [await platform.login('swj_admin'), await platform.login('swj_user')];

      const provider = nodeAgent('provider', { platformUrl: platform.url, dataDir: path.join(work, 'provider'), name: '公安局前置机', pollMs: 1000, sources: { hz: { type: 'postgres', url: srcUrl } } }, work);
      const consumerA = nodeAgent('consumer-a', { platformUrl: platform.url, dataDir: path.join(work, 'a'), name: '市场监管局前置机', pollMs: 1000, targets: { yw: { type: 'postgres', url: aUrl } } }, work);
      const consumerB = nodeAgent('consumer-b', { platformUrl: platform.url, dataDir: path.join(work, 'b'), name: '税务局前置机', pollMs: 1000, targets: { rk: { type: 'mysql', url: bUrl } } }, work);
      agents.push(provider, consumerA, consumerB);
      // In parallel: each agent is a process that needs a few seconds to start.
      const [providerId, aId, bId] = await Promise.all([
        enrolApprovedNode(platform, tk.gajAdmin, tk.platform, provider),
        enrolApprovedNode(platform, tk.scjAdmin, tk.platform, consumerA),
        enrolApprovedNode(platform, swjAdmin, tk.platform, consumerB),
      ]) as [string, string, string];
      // C: a 市场监管局 node behind a 网闸 (file mailbox): enrolled over HTTP once, then only files move.
      const cUrl = await recreatePgDatabase(dbName('dstc'));
      dstC = new pg.Pool({ connectionString: cUrl, max: 2 });
      await dstC.query(`create table people_copy (id_no text primary key, name text, birth date, phone text, address text, updated_at timestamptz)`);
      const box = { nodeOut: path.join(work, 'c-outbox'), nodeIn: path.join(work, 'c-inbox'), gwFrom: path.join(work, 'gw-from'), gwTo: path.join(work, 'gw-to') };
      const consumerC = nodeAgent('consumer-c', {
        platformUrl: platform.url, dataDir: path.join(work, 'c'), name: '市场监管局网闸前置机', pollMs: 1000, targets: { yw: { type: 'postgres', url: cUrl } },
        transport: { type: 'mailbox', outbox: box.nodeOut, inbox: box.nodeIn },
      }, work);
      agents.push(consumerC);
      const out = await consumerC.run(['enrol', '--token', (await platform.ok(tk.scjAdmin, 'POST', '/api/v1/exchange/enrolment-tokens', { nodeName: '网闸前置机', zone: '专网' })).token, '--address', '10.0.0.9', '--contact', '网闸值班']);
      const cId = /enrolled as node ([0-9a-f-]{36})/.exec(out)![1]!;
      await platform.ok(tk.platform, 'POST', `/api/v1/exchange/nodes/${cId}/approve`);
      ferries.push(ferry([[box.nodeOut, box.gwFrom], [box.gwTo, box.nodeIn]]));
      void runMailboxGateway({ exchange: platform.app.services.exchange, nodeId: cId, from: box.gwFrom, to: box.gwTo, intervalMs: 500, signal: gatewayStop.signal, db: platform.db })
        .catch((error) => console.error('mailbox gateway stopped', error));
      consumerC.start();
      await waitFor('C\'s heartbeat through the mailbox', async () => (await platform.ok(tk.platform, 'GET', `/api/v1/exchange/nodes/${cId}`)).lastHeartbeatAt, 180_000, 300);

      const res = await publishedResourceWithGrant(platform, tk, { name: '户籍人口交换', items: PEOPLE_ITEMS, keyItems: ['公民身份号码'] });
      const bGrant = await grantTo(platform, tk.gajAdmin, swjUser, res.resourceId, B_ITEMS, B_MASKING);
      ctx = { resourceId: res.resourceId, aGrant: res.grantId, bGrant, providerId, aId, bId, cId };
    }, 600_000);

    let ctx: { resourceId: string; aGrant: string; bGrant: string; providerId: string; aId: string; bId: string; cId: string };
    let dstC: pg.Pool;
    const ferries: { stop(): void }[] = [];
    const gatewayStop = new AbortController();
    let taskId: string;
    let subA: string;
    let subB: string;

    afterAll(async () => {
      await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
      gatewayStop.abort();
      for (const f of ferries) f.stop();
      await platform?.close().catch(() => undefined);
      await src?.end();
      await dstA?.end();
      await dstB?.end();
      await dstC?.end();
      await dropPgDatabase(dbName('src'));
      await dropPgDatabase(dbName('dsta'));
      await dropPgDatabase(dbName('dstc'));
      await dropMysqlDatabase(dbName('dstb'));
      if (!work) return;
      if (!failed) rmSync(work, { recursive: true, force: true });
      else console.error(`e2e work directory kept: ${work}`);
    }, 120_000);

    /** Source rows as A and B should hold them (not soft-deleted; B: its items, masked). */
    async function expected() {
      const { rows } = await src.query(`select id_no, name, birth::text as birth, phone, address, updated_at::text as updated_at from people where not deleted order by id_no`);
      const a = rows.map((r) => [r.id_no, r.name, r.birth, r.phone, r.address, r.updated_at].join('|'));
      const b = rows.map((r) => [r.id_no, maskValue('name', r.name), r.birth, maskValue('mobile', r.phone)].join('|'));
      return { a, b };
    }
    async function actualA() {
      const { rows } = await dstA.query(`select id_no, name, birth::text as birth, phone, address, updated_at::text as updated_at from people_copy order by id_no`);
      return rows.map((r) => [r.id_no, r.name, r.birth, r.phone, r.address, r.updated_at].join('|'));
    }
    async function actualB() {
      const [rows] = await dstB.query(`select sfzh, xm, csrq, lxdh from rk_people order by sfzh`);
      return (rows as { sfzh: string; xm: string; csrq: string; lxdh: string }[]).map((r) => [r.sfzh, r.xm, r.csrq, r.lxdh].join('|'));
    }
    async function actualC() {
      const { rows } = await dstC.query(`select id_no, name, birth::text as birth, phone, address, updated_at::text as updated_at from people_copy order by id_no`);
      return rows.map((r) => [r.id_no, r.name, r.birth, r.phone, r.address, r.updated_at].join('|'));
    }
    async function bothAgree(timeoutMs = 60_000) {
      await waitFor('the targets (A, B, and C through the mailbox) to agree with the source', async () => {
        const e = await expected();
        const [a, b, c] = [await actualA(), await actualB(), await actualC()];
        return a.join('\n') === e.a.join('\n') && b.join('\n') === e.b.join('\n') && c.join('\n') === e.a.join('\n');
      }, timeoutMs, 500);
    }

    it('5,000 rows, then updates and soft deletes reach every target row for row (granted items only, B masked; C through the file mailbox)', async () => {
      await src.query(insertPeople(1, 5000));
      const sa = await createSubscription(platform, tk.scjAdmin, { grantId: ctx.aGrant, nodeId: ctx.aId, targetName: 'yw', targetTable: 'people_copy', columnMap: { 公民身份号码: 'id_no', 姓名: 'name', 出生日期: 'birth', 联系电话: 'phone', 住址: 'address', 更新时间: 'updated_at' } });
      const sb = await createSubscription(platform, swjAdmin, { grantId: ctx.bGrant, nodeId: ctx.bId, targetName: 'rk', targetTable: 'rk_people', columnMap: B_MAP });
      await createSubscription(platform, tk.scjAdmin, { grantId: ctx.aGrant, nodeId: ctx.cId, targetName: 'yw', targetTable: 'people_copy', columnMap: PEOPLE_SOURCE_MAP });
      [subA, subB] = [sa.id, sb.id];
      const task = await createTask(platform, tk.gajAdmin, {
        resourceId: ctx.resourceId, nodeId: ctx.providerId, sourceName: 'hz', sourceTable: 'people', columnMap: PEOPLE_SOURCE_MAP, keyItems: ['公民身份号码'],
        mode: 'incremental', watermarkColumn: 'updated_at', deleteMode: 'soft_delete', softDeleteColumn: 'deleted', scheduleKind: 'realtime', intervalSeconds: 1, batchRows: 1000,
      });
      taskId = task.id;
      await bothAgree(90_000);
      expect((await actualA()).length).toBe(5000);

      await src.query(`update people set name = name || '改', phone = '139' || substr(phone, 4), updated_at = clock_timestamp() where right(id_no, 1) in ('1', '7')`);
      await src.query(`update people set deleted = true, updated_at = clock_timestamp() where right(id_no, 2) = '33'`);
      await src.query(insertPeople(5001, 5200));
      await bothAgree();
      const e = await expected();
      expect(e.a.length).toBe(5200 - 50);
      expect((await actualB())[0]).toMatch(/^440402\d{12}\|张\*+\|\d{4}-\d{2}-\d{2}\|13[89]\*{4}\d{4}$/);
      failed = false;
    }, 240_000);

    it('reconciliation (对账) reports no differences source ↔ platform ↔ targets', async () => {
      failed = true;
      const rec = await platform.ok(tk.gajAdmin, 'POST', '/api/v1/exchange/reconciliations', { taskId });
      const done = await waitFor('reconciliation done', async () => {
        const view = await platform.ok(tk.gajAdmin, 'GET', `/api/v1/exchange/reconciliations/${rec.id}`);
        return view.status === 'done' && view.targets.length === 3 ? view : null;
      }, 120_000, 500);
      expect(done.differences).toEqual([]);
      expect(done.source.count).toBe(5150);
      expect(done.platform.count).toBe(5150);
      failed = false;
    }, 90_000);

    it('a revoked grant stops B\'s deliveries while A keeps receiving', async () => {
      failed = true;
      const before = await subscriptionView(platform, swjAdmin, subB);
      await platform.ok(tk.gajAdmin, 'POST', `/api/v1/grants/${ctx.bGrant}/revoke`, { reason: '共享协议终止' });
      const bBefore = await actualB();
      await src.query(insertPeople(5201, 5300));
      await waitFor('A has the new rows', async () => (await actualA()).length === 5250, 90_000, 300);
      // New batches are not fanned out to a subscription whose grant is no longer effective (a delivery already
      // listed would be refused at fetch with GRANT_REVOKED and the subscription stopped).
      const after = await subscriptionView(platform, swjAdmin, subB);
      expect(after.grantEffective).toBe(false);
      expect(after.lastSeq).toBe(before.lastSeq);
      expect(await actualB()).toEqual(bBefore);
      expect((await subscriptionView(platform, tk.scjAdmin, subA)).status).toBe('active');
      failed = false;
    }, 120_000);
  });

  describe('SIGKILL the provider agent, the consumer agent and the platform in the middle of a full transfer', () => {
    let work = '';
    let failed = true;
    const agents: NodeAgentProcess[] = [];
    let platform: Awaited<ReturnType<typeof startChildPlatform>> | null = null;
    const pools: pg.Pool[] = [];

    afterAll(async () => {
      await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
      await platform?.close().catch(() => undefined);
      for (const p of pools) await p.end().catch(() => undefined);
      for (const role of ['ksrc', 'kdst', 'kplat']) await dropPgDatabase(dbName(role));
      if (!work) return;
      if (!failed) rmSync(work, { recursive: true, force: true });
      else console.error(`e2e work directory kept: ${work}`);
    }, 120_000);

    it(`${SIGKILL_ROWS} rows: source, platform datastore and target agree row for row; every seq applied exactly once`, async () => {
      work = mkdtempSync(path.join(os.tmpdir(), 'govshare-e2e-kill-'));
      const [srcUrl, dstUrl, platUrl] = [await recreatePgDatabase(dbName('ksrc')), await recreatePgDatabase(dbName('kdst')), await recreatePgDatabase(dbName('kplat'))];
      const src = new pg.Pool({ connectionString: srcUrl, max: 2 });
      const dst = new pg.Pool({ connectionString: dstUrl, max: 2 });
      pools.push(src, dst);
      await src.query(`create table people (id_no text primary key, name text not null, birth date, phone text, address text, updated_at timestamptz not null, deleted boolean not null default false)`);
      await src.query(insertPeople(1, SIGKILL_ROWS));
      await dst.query(`create table people_copy (id_no text primary key, name text, birth date, phone text, address text, updated_at timestamptz)`);

      platform = await startChildPlatform({ databaseUrl: platUrl, stateDir: path.join(work, 'platform'), masterKeyHex: MASTER_KEY_HEX, logFile: path.join(work, 'platform.log') });
      const tk = await demoTokens(platform);
      const provider = nodeAgent('provider', { platformUrl: platform.url, dataDir: path.join(work, 'provider'), pollMs: 1000, sources: { hz: { type: 'postgres', url: srcUrl } } }, work);
      const consumer = nodeAgent('consumer', { platformUrl: platform.url, dataDir: path.join(work, 'consumer'), pollMs: 1000, targets: { yw: { type: 'postgres', url: dstUrl } } }, work);
      agents.push(provider, consumer);
      const [providerId, consumerId] = await Promise.all([
        enrolApprovedNode(platform, tk.gajAdmin, tk.platform, provider),
        enrolApprovedNode(platform, tk.scjAdmin, tk.platform, consumer),
      ]) as [string, string];
      const res = await publishedResourceWithGrant(platform, tk, { name: '户籍人口断点测试', items: PEOPLE_ITEMS, keyItems: ['公民身份号码'] });
      const sub = await createSubscription(platform, tk.scjAdmin, { grantId: res.grantId, nodeId: consumerId, targetName: 'yw', targetTable: 'people_copy', columnMap: PEOPLE_SOURCE_MAP });
      const batchRows = Math.max(500, Math.ceil(SIGKILL_ROWS / 25));
      const task = await createTask(platform, tk.gajAdmin, {
        resourceId: res.resourceId, nodeId: providerId, sourceName: 'hz', sourceTable: 'people', columnMap: PEOPLE_SOURCE_MAP, keyItems: ['公民身份号码'],
        mode: 'full', deleteMode: 'none', scheduleKind: 'cron', cron: '0 3 1 1 *', batchRows,
      });
      await requestRun(platform, tk.gajAdmin, task.id);
      const ledger = async () => (await dst.query('select count(*)::int as n, coalesce(max(seq), 0)::int as max from govshare_applied_batches where subscription_id = $1', [sub.id])).rows[0] as { n: number; max: number };

      // 1. The provider dies after its first batches are stored.
      await waitFor('the first batches uploaded', async () => (await taskView(platform!, tk.gajAdmin, task.id)).lastSeq >= 2, 60_000, 50);
      await provider.kill('SIGKILL');
      provider.start();
      // 2. The consumer dies while applying.
      await waitFor('the consumer applying', async () => (await ledger()).n >= 1, 60_000, 50);
      await consumer.kill('SIGKILL');
      consumer.start();
      // 3. The platform dies (SIGKILL of the server process) and comes back on the same database, storage and port.
      await waitFor('more batches', async () => (await ledger()).n >= 3 || (await taskView(platform!, tk.gajAdmin, task.id)).lastSeq >= 5, 60_000, 50);
      await platform.restart();

      await waitFor(`${SIGKILL_ROWS} rows at the target and the ledger at the subscription's last seq`, async () => {
        const l = await ledger();
        const view = await subscriptionView(platform!, tk.scjAdmin, sub.id);
        const t = await taskView(platform!, tk.gajAdmin, task.id);
        if (view.lastSeq === 0 || l.max !== view.lastSeq || t.appliedSeq !== t.lastSeq) return null;
        return Number((await dst.query('select count(*) from people_copy')).rows[0].count) === SIGKILL_ROWS;
      }, 80_000 * KILL_SCALE, 250);

      const sum = (pool: pg.Pool | { query: pg.Pool['query'] }, table: string, cols: string[]) => pool.query(
        `select count(*)::int as n, sum(hashtextextended(${cols.map((c) => `coalesce(${c}::text, '∅')`).join(` || '|' || `)}, 0)::numeric)::text as s from ${table}`,
      ).then((r) => r.rows[0] as { n: number; s: string });
      const cols = ['id_no', 'name', 'birth', 'phone', 'address', 'updated_at'];
      const sourceSum = await sum(src, 'people', cols);
      expect(await sum(dst, 'people_copy', cols)).toEqual(sourceSum);
      // The platform's datastore (data_store.r_<hex>, columns c_1.. in item order).
      const layout = await platform.pool.query(`select table_name from information_schema.tables where table_schema = 'data_store' and table_name like 'r\\_%'`);
      expect(layout.rows.length).toBe(1);
      expect(await sum(platform.pool, `data_store.${layout.rows[0].table_name}`, ['c_1', 'c_2', 'c_3', 'c_4', 'c_5', 'c_6'])).toEqual(sourceSum);
      const dup = await dst.query('select seq from govshare_applied_batches where subscription_id = $1 group by seq having count(*) > 1', [sub.id]);
      expect(dup.rows).toEqual([]);
      const l = await ledger();
      expect(l.n).toBe(l.max);
      failed = false;
    }, 90_000 + 80_000 * KILL_SCALE);
  });
});

describe('a tampered or replayed batch from an approved node is rejected and logged (reject)', () => {
  let platform: InProcessPlatform;
  let tk: DemoTokens;
  let work = '';
  const key = generateNodeKeyPair();
  let nodeId: string;
  let task: { id: string; code: string; columns?: unknown };
  let resourceCode: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'govshare-e2e-tamper-'));
    const database = await createTestDatabase();
    platform = await startInProcessPlatform({ database: database.config, handle: database, storageDir: path.join(work, 'platform'), masterKeyHex: MASTER_KEY_HEX });
    tk = await demoTokens(platform);
    // A node enrolled and approved through the API, reporting one source in its heartbeat (as the agent does).
    const { token } = await platform.ok(tk.gajAdmin, 'POST', '/api/v1/exchange/enrolment-tokens', { nodeName: '公安局前置机', zone: '政务外网' });
    nodeId = (await platform.ok(null, 'POST', '/api/v1/exchange/enrol', signEnrolment({ token, publicKey: key.publicKey, name: '公安局前置机', version: '0.1.0' }, key))).nodeId;
    await platform.ok(tk.platform, 'POST', `/api/v1/exchange/nodes/${nodeId}/approve`);
    const heartbeat = JSON.stringify({ version: '0.1.0', status: 'ok', backlog: 0, endpoints: [{ name: 'hz', type: 'postgres', role: 'source' }] });
    const hb = await fetch(platform.url + NODE_API.heartbeat, { method: 'POST', headers: { ...signNodeRequest(nodeId, key, { method: 'POST', path: NODE_API.heartbeat, body: heartbeat }), 'content-type': 'application/json' }, body: heartbeat });
    expect(hb.status).toBe(200);
    const res = await publishedResourceWithGrant(platform, tk, { name: '篡改测试', items: PEOPLE_ITEMS.slice(0, 3), keyItems: ['公民身份号码'] });
    resourceCode = res.code;
    task = await createTask(platform, tk.gajAdmin, {
      resourceId: res.resourceId, nodeId, sourceName: 'hz', sourceTable: 'people', columnMap: { 公民身份号码: 'id_no', 姓名: 'name', 出生日期: 'birth' }, keyItems: ['公民身份号码'],
      mode: 'full', scheduleKind: 'cron', cron: '0 3 1 1 *', batchRows: 1000,
    });
  }, 60_000);
  afterAll(async () => {
    await platform?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function aBatch(seq: number, signer = key) {
    const rows = ['440402000000000001\t张三\t1980-01-01\n', '440402000000000002\t李四\t\\N\n'].join('');
    return (await encodeBatch({
      batchId: randomUUID(), kind: 'rows', taskId: task.id, subscriptionId: null, sourceBatchId: null, resourceCode, seq, runId: randomUUID(), mode: 'full',
      createdAt: new Date().toISOString(), columns: PEOPLE_ITEMS.slice(0, 3).map((i) => ({ item: i.name, dataType: i.dataType })), keyItems: ['公民身份号码'],
      upserts: 2, deletes: 0, watermark: null, snapshotLast: true, file: null,
    }, rows, '', (digest) => signWithNodeKey(digest, signer))).file;
  }
  async function upload(file: Buffer) {
    const res = await fetch(platform.url + NODE_API.batches, {
      method: 'POST', headers: { ...signNodeRequest(nodeId, key, { method: 'POST', path: NODE_API.batches, body: file }), 'content-type': 'application/octet-stream' }, body: file,
    });
    return { status: res.status, body: await res.json().catch(() => null) as any };
  }

  it('a flipped byte → 400 BATCH_DIGEST_MISMATCH; another key\'s signature → 401 BATCH_SIGNATURE_INVALID; a replayed seq → 409 BATCH_REPLAYED; each logged as reject', async () => {
    const good = await aBatch(1);
    const tampered = Buffer.from(good);
    const at = tampered.length - 97; // the last byte of the compressed body (before digest and signature)
    tampered[at] = tampered[at]! ^ 0x01;
    const flipped = await upload(tampered);
    expect(flipped.status, JSON.stringify(flipped.body)).toBe(400);
    expect(flipped.body.code).toBe('BATCH_DIGEST_MISMATCH');
    const forged = await upload(await aBatch(1, generateNodeKeyPair()));
    expect(forged.status, JSON.stringify(forged.body)).toBe(401);
    expect(forged.body.code).toBe('BATCH_SIGNATURE_INVALID');

    const stored = await upload(good);
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    expect(stored.body.outcome).toBe('stored');
    expect((await upload(good)).body.outcome).toBe('duplicate');
    const replayed = await upload(await aBatch(1));
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(409);
    expect(replayed.body.code).toBe('BATCH_REPLAYED');

    const log = await platform.db.selectFrom('exchange_log').select(['event', 'result', 'error_code']).where('event', '=', 'reject').execute();
    expect(log.map((l) => l.error_code).sort()).toEqual(['BATCH_DIGEST_MISMATCH', 'BATCH_REPLAYED', 'BATCH_SIGNATURE_INVALID']);
    const listed = await exchangeLog(platform, tk.platform, '?event=reject');
    expect(listed.length).toBe(3);
  });
});
