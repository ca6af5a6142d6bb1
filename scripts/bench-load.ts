/**
 * Load bench (数据装载): a generated CSV of BENCH_ROWS rows (default 1,000,000) and 10 columns of mixed types,
 * loaded (a) by a plain `COPY … FROM STDIN` into a same-typed table without indexes (the baseline) and
 * (b) through the datastore service — replace, then upsert — in the same run. Target: replace ≤ 2× COPY.
 * PostgreSQL only: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a scratch database is
 * created and dropped here.   npm run bench:load
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { DEMO_PASSWORD, loadDemoData } from '../src/demo/demo-data.js';
import { createDatastoreService } from '../src/modules/data-services/datastore/index.js';
import { openDatabase, pgPoolOf } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const ITEMS = [
  { name: '编号', dataType: 'C', length: 20 },
  { name: '姓名', dataType: 'C', length: 20 },
  { name: '出生日期', dataType: 'D', length: null },
  { name: '金额', dataType: 'Y', length: null },
  { name: '数量', dataType: 'I', length: null },
  { name: '比率', dataType: 'B', length: null },
  { name: '在册', dataType: 'L', length: null },
  { name: '登记时间', dataType: 'T', length: null },
  { name: '地址', dataType: 'C', length: 100 },
  { name: '备注', dataType: 'M', length: null },
] as const;
const SQL_TYPES = ['text', 'text', 'date', 'numeric(18,2)', 'bigint', 'double precision', 'boolean', 'timestamptz', 'text', 'text'];

const SURNAMES = ['张', '王', '李', '赵', '陈', '刘', '杨', '黄', '周', '吴'];
const STREETS = ['香洲区凤凰路', '金湾区金海岸大道', '斗门区井岸镇', '横琴新区环岛东路', '高新区唐家湾镇'];

async function writeCsv(file: string): Promise<void> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  out.write(`${ITEMS.map((i) => i.name).join(',')}\n`);
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    const d = String((i % 28) + 1).padStart(2, '0');
    const m = String((i % 12) + 1).padStart(2, '0');
    chunk += `K${String(i).padStart(9, '0')},${SURNAMES[i % 10]}${SURNAMES[(i >> 3) % 10]}${i % 7},19${50 + (i % 50)}-${m}-${d},${(i % 100000) / 100},${i},${(i % 1000) / 7},${i % 3 ? 'true' : 'false'},2026-${m}-${d} 0${i % 10}:${String(i % 60).padStart(2, '0')}:00,"${STREETS[i % 5]}${i % 997}号",备注${i % 13}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const dbName = `govshare_bench_load_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${dbName}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'govshare-bench-load-'));
  const file = path.join(dir, 'rows.csv');
  const handle = await openDatabase({ kind: 'postgres', url: url.toString() });
  try {
    await migrateToLatest(handle.db);
    await loadDemoData(handle.db);

    // A published 库表 resource of 公安局 with the datastore defined, through the API as the console does it.
    const app = await buildApp({ ...loadConfig({}), logLevel: 'silent', database: { kind: 'postgres', url: url.toString() } }, { db: handle.db });
    await app.ready();
    const login = async (username: string) => (await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: DEMO_PASSWORD } })).json().token as string;
    const [gaj, platform] = [await login('gaj_admin'), await login('platform')];
    const call = async (token: string, method: 'POST' | 'PUT', u: string, payload?: object) => {
      const res = await app.inject({ method, url: u, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      if (res.statusCode >= 300) throw new Error(`${method} ${u}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    const { id } = await call(gaj, 'POST', '/api/v1/resources', {
      name: '装载基准测试库表', code: null, providerName: '珠海市公安局', providerCode: '11440400WFA5YL7R9R', providerDivision: null, summary: '装载基准测试',
      formatClass: '数据库', formatType: 'oracle', formatOther: null, items: ITEMS, shareType: '有条件共享', shareCondition: '测试',
      shareMethodClass: '共享平台方式', shareMethodType: '接口', isOpen: false, openCondition: null, updateCycle: '每日', publishDate: '2026-11-01', relatedClass: null,
    });
    await call(gaj, 'POST', `/api/v1/resources/${id}/submit`);
    await call(platform, 'POST', `/api/v1/resources/${id}/approve`, {});
    await call(gaj, 'PUT', `/api/v1/resources/${id}/datastore`, { keyItems: ['编号'] });
    await app.close();

    let t = performance.now();
    await writeCsv(file);
    const bytes = statSync(file).size;
    const mb = bytes / 1048576;
    console.log(`generated ${ROWS.toLocaleString()} rows, ${mb.toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // (a) Baseline: plain COPY of the same file into a same-typed table without indexes.
    const pool = pgPoolOf(handle.db)!;
    await pool.query(`create table bench_copy (${SQL_TYPES.map((type, i) => `c_${i + 1} ${type}`).join(', ')})`);
    const client = await pool.connect();
    t = performance.now();
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), client.query(copyFrom('copy bench_copy from stdin with (format csv, header true)')));
    const copySeconds = (performance.now() - t) / 1000;
    client.release();
    await pool.query('drop table bench_copy');

    // (b) The datastore service: replace, then upsert of the same file (every row updated).
    const datastore = createDatastoreService({ db: handle.db });
    const results: { name: string; seconds: number }[] = [{ name: 'COPY FROM STDIN (baseline)', seconds: copySeconds }];
    for (const mode of ['replace', 'upsert'] as const) {
      t = performance.now();
      const load = await datastore.load(null, { actor: null, ip: 'bench' }, { id }, { mode, filename: 'rows.csv', stream: createReadStream(file, { highWaterMark: 1 << 20 }) });
      const seconds = (performance.now() - t) / 1000;
      if (load.status !== 'succeeded' || load.loaded !== ROWS) throw new Error(`${mode} load failed: ${JSON.stringify(load).slice(0, 500)}`);
      results.push({ name: `datastore ${mode}`, seconds });
    }

    console.log(`\n${ROWS.toLocaleString()} rows × 10 columns, ${mb.toFixed(1)} MB, PostgreSQL`);
    for (const r of results) {
      console.log(`${r.name.padEnd(28)} ${r.seconds.toFixed(2).padStart(7)} s  ${Math.round(ROWS / r.seconds).toLocaleString().padStart(10)} rows/s  ${(mb / r.seconds).toFixed(1).padStart(6)} MB/s  ${(r.seconds / copySeconds).toFixed(2)}× COPY`);
    }
    const ratio = results[1]!.seconds / copySeconds;
    console.log(`\nreplace / COPY = ${ratio.toFixed(2)} (target ≤ 2.00): ${ratio <= 2 ? 'PASS' : 'FAIL'}`);
    process.exitCode = ratio <= 2 ? 0 : 1;
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
    const dropper = new pg.Client({ connectionString: SERVER });
    await dropper.connect();
    await dropper.query(`drop database if exists ${dbName} with (force)`);
    await dropper.end();
  }
}

await main();
