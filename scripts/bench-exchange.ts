/**
 * Exchange bench (issue 6 acceptance): 1,000,000 rows × 10 columns from a provider's PostgreSQL table through
 * provider node → platform → consumer node into a consumer's PostgreSQL table (separate databases), against a
 * direct `COPY (SELECT …) TO STDOUT | COPY … FROM STDIN` pipe between the same two databases in the same run
 * (target: ≤ 2×). Also MySQL (MariaDB) → PostgreSQL, and the near real-time mode: a writer doing 200
 * changes/s for 60 s, each change's delay until it is in the subscriber's table (target: p95 ≤ 5 s).
 *
 *   npm run bench:exchange [-- --rows N] [--skip-mysql] [--skip-realtime] [--keep]
 *
 * Everything runs on this machine: PostgreSQL (DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432)
 * gets gs_bx_src, gs_bx_platform and gs_bx_dst; MariaDB (GOVSHARE_EXCHANGE_MYSQL_URL, default
 * mysql://root@127.0.0.1:3306) gets gs_bx_mysrc. The platform listens in this process (buildApp on
 * gs_bx_platform); the two node agents are child processes (`govshare node --config …`), enrolled and approved,
 * and the task and subscription are created through the console API. Results: a table on stdout and
 * bench-results/exchange.json. Databases are dropped at the end (--keep keeps them).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import {
  demoTokens, dropMysqlDatabase, dropPgDatabase, mysqlUrl, nodeAgent, publishedResourceWithGrant, recreateMysqlDatabase,
  recreatePgDatabase, repoRoot, sleep, startInProcessPlatform, waitFor, type InProcessPlatform, type ItemSpec, type NodeAgentProcess,
} from '../test/helpers/exchange-harness.js';
import { enrolApprovedNode, createSubscription, createTask, requestRun, subscriptionView, taskView } from '../test/helpers/exchange-flows.js';

process.env.GOVSHARE_EXCHANGE_PG_URL ??= process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const ROWS = Number(argValue('--rows') ?? process.env.BENCH_ROWS ?? 1_000_000);
const SKIP_MYSQL = process.argv.includes('--skip-mysql');
const SKIP_REALTIME = process.argv.includes('--skip-realtime');
const KEEP = process.argv.includes('--keep');
/** Data generation and the baseline only (checks the machine without the exchange). */
const BASELINE_ONLY = process.argv.includes('--baseline-only');
const BATCH_ROWS = Number(argValue('--batch-rows') ?? 50_000);
const RT_RATE = Number(argValue('--rt-rate') ?? 200);
const RT_SECONDS = Number(argValue('--rt-seconds') ?? 60);
const MASTER_KEY_HEX = '0b'.repeat(16);
const DB = { src: 'gs_bx_src', platform: 'gs_bx_platform', dst: 'gs_bx_dst', mysrc: 'gs_bx_mysrc' };

/** The resource's items and the source/target column for each (10 columns of the usual kinds). */
const COLUMNS: { item: string; dataType: string; length: number | null; column: string; pgType: string; myType: string }[] = [
  { item: '公民身份号码', dataType: 'C', length: 18, column: 'id_no', pgType: 'text', myType: 'varchar(18)' },
  { item: '姓名', dataType: 'C', length: 50, column: 'name', pgType: 'text', myType: 'varchar(50)' },
  { item: '出生日期', dataType: 'D', length: null, column: 'birth_date', pgType: 'date', myType: 'date' },
  { item: '金额', dataType: 'Y', length: null, column: 'amount', pgType: 'numeric(18,2)', myType: 'decimal(18,2)' },
  { item: '数量', dataType: 'I', length: null, column: 'qty', pgType: 'bigint', myType: 'bigint' },
  { item: '比率', dataType: 'B', length: null, column: 'ratio', pgType: 'double precision', myType: 'double' },
  { item: '在册', dataType: 'L', length: null, column: 'active', pgType: 'boolean', myType: 'tinyint(1)' },
  { item: '登记时间', dataType: 'T', length: null, column: 'registered_at', pgType: 'timestamptz', myType: 'datetime(6)' },
  { item: '住址', dataType: 'C', length: 200, column: 'address', pgType: 'text', myType: 'varchar(200)' },
  { item: '更新时间', dataType: 'T', length: null, column: 'updated_at', pgType: 'timestamptz', myType: 'datetime(6)' },
];
const ITEMS: ItemSpec[] = COLUMNS.map((c) => ({ name: c.item, dataType: c.dataType, length: c.length }));
const COLUMN_LIST = COLUMNS.map((c) => c.column).join(', ');
const COLUMN_MAP = Object.fromEntries(COLUMNS.map((c) => [c.item, c.column]));
const pgTable = (name: string) => `create table ${name} (${COLUMNS.map((c) => `${c.column} ${c.pgType}`).join(', ')}, primary key (id_no))`;

const SURNAMES = `array['张','王','李','赵','陈','刘','杨','黄','周','吴']`;
const GIVEN = `array['伟','芳','娜','敏','静','丽','强','磊','军','洋']`;
const STREETS = `array['香洲区凤凰路','金湾区金海岸大道','斗门区井岸镇','横琴新区环岛东路','高新区唐家湾镇']`;

async function generatePgSource(pool: pg.Pool, rows: number): Promise<void> {
  await pool.query(pgTable('bench_rows'));
  // Chunks keep each statement's memory small and let the bench print progress.
  const chunk = 250_000;
  for (let from = 1; from <= rows; from += chunk) {
    const to = Math.min(rows, from + chunk - 1);
    await pool.query(`insert into bench_rows
      select '440402' || lpad(i::text, 12, '0'),
             (${SURNAMES})[1 + i % 10] || (${GIVEN})[1 + (i / 10) % 10] || (i % 97),
             date '1950-01-01' + (i % 20000),
             ((i % 1000000) / 100.0)::numeric(18,2),
             i::bigint * 7,
             (i % 1000) / 7.0,
             i % 3 <> 0,
             timestamptz '2020-01-01 00:00:00+08' + make_interval(secs => i * 37),
             '广东省珠海市' || (${STREETS})[1 + i % 5] || (i % 997) || '号',
             timestamptz '2026-11-01 00:00:00+08' + make_interval(secs => i)
      from generate_series(${from}, ${to}) i`);
  }
  await pool.query('analyze bench_rows');
}

async function generateMysqlSource(url: string, rows: number): Promise<void> {
  const c = await mysql.createConnection(url);
  try {
    await c.query(`create table bench_rows (${COLUMNS.map((col) => `${col.column} ${col.myType}`).join(', ')}, primary key (id_no)) engine=InnoDB default charset=utf8mb4`);
    const chunk = 200_000;
    for (let from = 1; from <= rows; from += chunk) {
      const to = Math.min(rows, from + chunk - 1);
      await c.query(`insert into bench_rows
        select concat('440402', lpad(seq, 12, '0')),
               concat(elt(1 + seq % 10, '张','王','李','赵','陈','刘','杨','黄','周','吴'), elt(1 + floor(seq / 10) % 10, '伟','芳','娜','敏','静','丽','强','磊','军','洋'), seq % 97),
               date_add('1950-01-01', interval seq % 20000 day),
               (seq % 1000000) / 100,
               seq * 7,
               (seq % 1000) / 7,
               seq % 3 <> 0,
               timestamp('2020-01-01 00:00:00') + interval (seq * 37) second,
               concat('广东省珠海市', elt(1 + seq % 5, '香洲区凤凰路','金湾区金海岸大道','斗门区井岸镇','横琴新区环岛东路','高新区唐家湾镇'), seq % 997, '号'),
               timestamp('2026-11-01 00:00:00') + interval seq second
        from seq_${from}_to_${to}`);
    }
  } finally {
    await c.end();
  }
}

/** The baseline: COPY (SELECT …) TO STDOUT on the source piped into COPY … FROM STDIN on the target (empty, with the PK). */
async function baselineCopy(src: pg.Pool, dst: pg.Pool): Promise<number> {
  await dst.query(pgTable('baseline_rows'));
  const [from, to] = [await src.connect(), await dst.connect()];
  try {
    const t = performance.now();
    await pipeline(from.query(copyTo(`copy (select ${COLUMN_LIST} from bench_rows) to stdout`)), to.query(copyFrom(`copy baseline_rows (${COLUMN_LIST}) from stdin`)));
    return (performance.now() - t) / 1000;
  } finally {
    from.release();
    to.release();
  }
}

async function count(pool: pg.Pool, table: string): Promise<number> {
  return Number((await pool.query(`select count(*)::bigint as n from ${table}`)).rows[0].n);
}

/** An order-independent checksum of a table's rows (text form of every column), for source ↔ target agreement. */
async function tableChecksum(pool: pg.Pool, table: string, columns: string[]): Promise<string> {
  const expr = columns.map((c) => `coalesce(${c}::text, '∅')`).join(` || '|' || `);
  const { rows } = await pool.query(`select count(*) as n, sum(hashtextextended(${expr}, 7)::numeric) as sum from ${table}`);
  return `${rows[0].n}:${rows[0].sum}`;
}

interface Figures { name: string; rows: number; seconds: number; ratio: number | null; note?: string }

interface ExchangeContext {
  platform: InProcessPlatform;
  tokens: Awaited<ReturnType<typeof demoTokens>>;
  provider: { agent: NodeAgentProcess; nodeId: string };
  consumer: { agent: NodeAgentProcess; nodeId: string };
  dst: pg.Pool;
}

/**
 * One table flow through the exchange: resource + grant, publish task (full, batchRows), subscription into
 * `targetTable`, then time from "run requested" until the target holds every row and its ledger holds the
 * subscription's last seq.
 */
async function exchangeFlow(ctx: ExchangeContext, opts: { label: string; sourceName: string; targetTable: string; rows: number }): Promise<{ seconds: number; batches: number }> {
  const { platform, tokens } = ctx;
  const res = await publishedResourceWithGrant(platform, tokens, { name: `交换基准${opts.label}`, items: ITEMS, keyItems: ['公民身份号码'] });
  await ctx.dst.query(pgTable(opts.targetTable));
  const sub = await createSubscription(platform, tokens.scjAdmin, {
    grantId: res.grantId, resourceId: res.resourceId, nodeId: ctx.consumer.nodeId, targetName: 'dst', targetTable: opts.targetTable, columnMap: COLUMN_MAP,
  });
  const task = await createTask(platform, tokens.gajAdmin, {
    resourceId: res.resourceId, nodeId: ctx.provider.nodeId, sourceName: opts.sourceName, sourceTable: 'bench_rows', columnMap: COLUMN_MAP,
    keyItems: ['公民身份号码'], mode: 'full', watermarkColumn: null, deleteMode: 'none', scheduleKind: 'cron', cron: '0 3 1 1 *', batchRows: BATCH_ROWS,
  });
  const t = performance.now();
  await requestRun(platform, tokens.gajAdmin, task.id);
  let lastLog = 0;
  await waitFor(`${opts.label}: ${opts.rows} rows in ${opts.targetTable}`, async () => {
    const ledger = await ctx.dst.query('select coalesce(sum(records), 0)::bigint as records, coalesce(max(seq), 0)::int as seq from govshare_applied_batches where subscription_id = $1', [sub.id]);
    const records = Number(ledger.rows[0].records);
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      console.log(`  … ${opts.label}: ${records.toLocaleString()} rows applied at the target after ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    if (records < opts.rows) return null;
    const view = await taskView(platform, tokens.gajAdmin, task.id);
    const subView = await subscriptionView(platform, tokens.scjAdmin, sub.id);
    // Done when the platform has stored the whole run and the ledger has the subscription's last seq.
    if (view.lastSeq === 0 || subView.lastSeq !== Number(ledger.rows[0].seq)) return null;
    return (await count(ctx.dst, opts.targetTable)) === opts.rows;
  }, 3_600_000, 100);
  const seconds = (performance.now() - t) / 1000;
  const batches = (await taskView(platform, tokens.gajAdmin, task.id)).lastSeq as number;
  return { seconds, batches };
}

async function main(): Promise<void> {
  const started = performance.now();
  const work = mkdtempSync(path.join(os.tmpdir(), 'govshare-bench-exchange-'));
  const pools: pg.Pool[] = [];
  const agents: NodeAgentProcess[] = [];
  let platform: InProcessPlatform | null = null;
  const figures: Figures[] = [];
  const result: Record<string, unknown> = { rows: ROWS, columns: COLUMNS.length, batchRows: BATCH_ROWS, cpus: os.cpus().length, startedAt: new Date().toISOString(), command: ['npm run bench:exchange', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ') };
  try {
    const [srcUrl, platformUrl, dstUrl] = [await recreatePgDatabase(DB.src), await recreatePgDatabase(DB.platform), await recreatePgDatabase(DB.dst)];
    const src = new pg.Pool({ connectionString: srcUrl, max: 4 });
    const dst = new pg.Pool({ connectionString: dstUrl, max: 4 });
    pools.push(src, dst);

    let t = performance.now();
    await generatePgSource(src, ROWS);
    console.log(`generated ${ROWS.toLocaleString()} rows × ${COLUMNS.length} columns in ${DB.src} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const srcBytes = Number((await src.query(`select pg_total_relation_size('bench_rows') as n`)).rows[0].n);
    let mysqlReady = false;
    if (!SKIP_MYSQL) {
      t = performance.now();
      await recreateMysqlDatabase(DB.mysrc);
      await generateMysqlSource(mysqlUrl(DB.mysrc), ROWS);
      mysqlReady = true;
      console.log(`generated ${ROWS.toLocaleString()} rows in MariaDB ${DB.mysrc} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }

    // Baseline, measured before anything else runs on the machine.
    const baseline = await baselineCopy(src, dst);
    if ((await count(dst, 'baseline_rows')) !== ROWS) throw new Error('baseline copy lost rows');
    figures.push({ name: 'COPY TO | COPY FROM (baseline)', rows: ROWS, seconds: baseline, ratio: 1 });
    console.log(`baseline COPY pipe: ${baseline.toFixed(2)} s (${Math.round(ROWS / baseline).toLocaleString()} rows/s)`);
    const sourceSum = await tableChecksum(src, 'bench_rows', COLUMNS.map((c) => c.column));
    if (BASELINE_ONLY) {
      const copySum = await tableChecksum(dst, 'baseline_rows', COLUMNS.map((c) => c.column));
      console.log(`baseline checksum ${copySum === sourceSum ? 'equal' : 'DIFFERENT'}`);
      return;
    }

    // The platform and two nodes.
    platform = await startInProcessPlatform({ database: { kind: 'postgres', url: platformUrl }, storageDir: path.join(work, 'platform-exchange'), masterKeyHex: MASTER_KEY_HEX });
    const tokens = await demoTokens(platform);
    const providerAgent = nodeAgent('provider', {
      platformUrl: platform.url, dataDir: path.join(work, 'provider'), name: '公安局前置机', pollMs: 500,
      sources: { pg: { type: 'postgres', url: srcUrl }, ...(mysqlReady ? { my: { type: 'mysql', url: mysqlUrl(DB.mysrc) } } : {}) },
    }, work);
    const consumerAgent = nodeAgent('consumer', {
      platformUrl: platform.url, dataDir: path.join(work, 'consumer'), name: '市场监管局前置机', pollMs: 500,
      targets: { dst: { type: 'postgres', url: dstUrl } },
    }, work);
    agents.push(providerAgent, consumerAgent);
    const [providerId, consumerId] = await Promise.all([
      enrolApprovedNode(platform, tokens.gajAdmin, tokens.platform, providerAgent),
      enrolApprovedNode(platform, tokens.scjAdmin, tokens.platform, consumerAgent),
    ]);
    const provider = { agent: providerAgent, nodeId: providerId };
    const consumer = { agent: consumerAgent, nodeId: consumerId };
    const ctx: ExchangeContext = { platform, tokens, provider, consumer, dst };

    const pgRun = await exchangeFlow(ctx, { label: 'PostgreSQL', sourceName: 'pg', targetTable: 'exchange_rows', rows: ROWS });
    const targetSum = await tableChecksum(dst, 'exchange_rows', COLUMNS.map((c) => c.column));
    figures.push({ name: 'exchange PostgreSQL → PostgreSQL', rows: ROWS, seconds: pgRun.seconds, ratio: pgRun.seconds / baseline, note: `${pgRun.batches} batches; checksum ${targetSum === sourceSum ? 'equal' : 'DIFFERENT'}` });
    result.checksumEqual = targetSum === sourceSum;

    if (mysqlReady) {
      const myRun = await exchangeFlow(ctx, { label: 'MySQL', sourceName: 'my', targetTable: 'mysql_rows', rows: ROWS });
      figures.push({ name: 'exchange MySQL → PostgreSQL', rows: ROWS, seconds: myRun.seconds, ratio: myRun.seconds / baseline, note: `${myRun.batches} batches` });
    }

    if (!SKIP_REALTIME) result.realtime = await realtimeFlow(ctx, src);

    // ------------------------------------------------------------------ report
    const mb = srcBytes / 1048576;
    console.log(`\n${ROWS.toLocaleString()} rows × ${COLUMNS.length} columns (source table ${mb.toFixed(0)} MB), PostgreSQL ${DB.src} → ${DB.dst}, batchRows ${BATCH_ROWS}`);
    console.log(`${'scenario'.padEnd(36)} ${'seconds'.padStart(8)} ${'rows/s'.padStart(10)} ${'× COPY'.padStart(7)}  note`);
    for (const f of figures) {
      console.log(`${f.name.padEnd(36)} ${f.seconds.toFixed(2).padStart(8)} ${Math.round(f.rows / f.seconds).toLocaleString().padStart(10)} ${(f.ratio ?? 0).toFixed(2).padStart(7)}  ${f.note ?? ''}`);
    }
    const ratio = figures[1]!.ratio!;
    console.log(`\nexchange / COPY = ${ratio.toFixed(2)} (target ≤ 2.00): ${ratio <= 2 ? 'PASS' : 'FAIL'}`);
    const rt = result.realtime as RealtimeFigures | undefined;
    if (rt) {
      console.log(`near real-time: ${rt.changes} changes at ${rt.rate}/s for ${rt.seconds} s; ${rt.observed} arrivals measured; delay p50 ${rt.p50.toFixed(2)} s, p95 ${rt.p95.toFixed(2)} s, max ${rt.max.toFixed(2)} s (target p95 ≤ 5 s): ${rt.p95 <= 5 ? 'PASS' : 'FAIL'}`);
    }
    result.figures = figures.map((f) => ({ ...f, rowsPerSecond: Math.round(f.rows / f.seconds) }));
    result.baselineSeconds = baseline;
    result.ratio = ratio;
    result.pass = ratio <= 2 && (!rt || rt.p95 <= 5);
    result.totalSeconds = (performance.now() - started) / 1000;
    mkdirSync(path.join(repoRoot, 'bench-results'), { recursive: true });
    writeFileSync(path.join(repoRoot, 'bench-results', 'exchange.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(`\nwrote bench-results/exchange.json (whole run ${((performance.now() - started) / 1000).toFixed(0)} s)`);
    process.exitCode = result.pass ? 0 : 1;
  } catch (error) {
    console.error(error);
    for (const a of agents) console.error(`agent logs: ${a.logFile}`);
    process.exitCode = 1;
  } finally {
    for (const a of agents) await a.stop().catch(() => undefined);
    await platform?.close().catch(() => undefined);
    for (const p of pools) await p.end().catch(() => undefined);
    if (!KEEP) {
      for (const name of [DB.src, DB.platform, DB.dst]) await dropPgDatabase(name);
      if (!SKIP_MYSQL) await dropMysqlDatabase(DB.mysrc);
      if (process.exitCode === 0) rmSync(work, { recursive: true, force: true });
    }
  }
}

/* ---------------------------------------------------------------- near real-time */

interface RealtimeFigures { rate: number; seconds: number; changes: number; observed: number; p50: number; p95: number; max: number; mean: number }

const RT_ITEMS: ItemSpec[] = [
  { name: '编号', dataType: 'I', length: null },
  { name: '内容', dataType: 'C', length: 100 },
  { name: '写入时间', dataType: 'T', length: null },
  { name: '更新时间', dataType: 'T', length: null },
];
const RT_MAP = { 编号: 'id', 内容: 'content', 写入时间: 'written_at', 更新时间: 'updated_at' };

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * A realtime task (intervalSeconds 1) and a subscriber. A writer commits RT_RATE changes/s (half inserts, half
 * updates of earlier rows), each stamping written_at = clock_timestamp(); a trigger on the target records every
 * arriving version with its arrival time, so each change's delay = arrived_at − written_at (one server clock).
 */
async function realtimeFlow(ctx: ExchangeContext, src: pg.Pool): Promise<RealtimeFigures> {
  const { platform, tokens, dst } = ctx;
  await src.query(`create table rt_rows (id bigint primary key, content text, written_at timestamptz, updated_at timestamptz not null default clock_timestamp())`);
  await src.query(`create index on rt_rows (updated_at)`);
  await src.query(`insert into rt_rows select i, '初始' || i, clock_timestamp(), clock_timestamp() from generate_series(1, 10000) i`);
  await dst.query(`create table rt_target (id bigint primary key, content text, written_at timestamptz, updated_at timestamptz)`);
  await dst.query(`create table rt_arrivals (id bigint, written_at timestamptz, arrived_at timestamptz)`);
  await dst.query(`create function rt_arrival() returns trigger language plpgsql as $$
    begin insert into rt_arrivals values (new.id, new.written_at, clock_timestamp()); return new; end $$`);
  await dst.query(`create trigger rt_arrival after insert or update on rt_target for each row execute function rt_arrival()`);

  const res = await publishedResourceWithGrant(platform, tokens, { name: '交换基准实时', items: RT_ITEMS, keyItems: ['编号'] });
  const sub = await createSubscription(platform, tokens.scjAdmin, {
    grantId: res.grantId, resourceId: res.resourceId, nodeId: ctx.consumer.nodeId, targetName: 'dst', targetTable: 'rt_target', columnMap: RT_MAP,
  });
  await createTask(platform, tokens.gajAdmin, {
    resourceId: res.resourceId, nodeId: ctx.provider.nodeId, sourceName: 'pg', sourceTable: 'rt_rows', columnMap: RT_MAP, keyItems: ['编号'],
    mode: 'incremental', watermarkColumn: 'updated_at', deleteMode: 'none', scheduleKind: 'realtime', intervalSeconds: 1, batchRows: BATCH_ROWS,
  });
  await waitFor('the initial 10,000 realtime rows at the target', async () => (await count(dst, 'rt_target')) === 10_000, 120_000, 250);
  await dst.query('truncate rt_arrivals');
  console.log(`near real-time: initial rows delivered (subscription ${sub.id}); writing ${RT_RATE} changes/s for ${RT_SECONDS} s`);

  // The writer: one connection, autocommit, paced to RT_RATE per second.
  const writer = await src.connect();
  let changes = 0;
  let nextId = 10_001;
  const t0 = performance.now();
  try {
    while (performance.now() - t0 < RT_SECONDS * 1000) {
      const due = Math.floor(((performance.now() - t0) / 1000) * RT_RATE);
      while (changes < due) {
        if (changes % 2 === 0) {
          await writer.query(`insert into rt_rows values ($1, $2, clock_timestamp(), clock_timestamp())`, [nextId, `新增${nextId}`]);
          nextId++;
        } else {
          // An earlier row not touched in this run (ids 1..10000 in order) so no change hides another.
          const id = 1 + ((changes - 1) / 2) % 10_000;
          await writer.query(`update rt_rows set content = $2, written_at = clock_timestamp(), updated_at = clock_timestamp() where id = $1`, [id, `修改${changes}`]);
        }
        changes++;
      }
      await sleep(2);
    }
  } finally {
    writer.release();
  }
  await waitFor('every realtime change at the target', async () => Number((await dst.query('select count(*)::int as n from rt_arrivals')).rows[0].n) >= changes, 120_000, 250).catch((e) => console.error(String(e)));
  const { rows } = await dst.query(`select extract(epoch from arrived_at - written_at)::float8 as d from rt_arrivals order by 1`);
  const delays = rows.map((r) => Number(r.d));
  const figures: RealtimeFigures = {
    rate: RT_RATE, seconds: RT_SECONDS, changes, observed: delays.length,
    p50: quantile(delays, 0.5), p95: quantile(delays, 0.95), max: delays[delays.length - 1] ?? NaN, mean: delays.reduce((a, b) => a + b, 0) / Math.max(1, delays.length),
  };
  return figures;
}

// Ctrl-C or a timeout: exit through 'exit' so the harness kills the agents (databases stay; the next run recreates them).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
await main();
