/**
 * Catalog bench: (a) search over 100,000 published resources vs a plain ILIKE baseline; (b) import of a
 * 10,000-resource annex-4 workbook vs exceljs reading it alone.
 * PostgreSQL when DATABASE_URL is set (a scratch database govshare_bench on that server, created and
 * dropped here), else in-memory PGlite.   npm run bench:catalog
 */
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { loadDemoData } from '../src/demo/demo-data.js';
import { createCatalogService } from '../src/modules/catalog/index.js';
import { catalogRepository } from '../src/modules/catalog/catalog.repository.js';
import { insertSearchDocs, searchDocOf } from '../src/modules/catalog/catalog-search-index.js';
import { FORMAT_TYPES, type ResourceInput } from '../src/modules/catalog/catalog.types.js';
import { parseCatalogWorkbook, writeCatalogWorkbook } from '../src/modules/catalog/import/index.js';
import type { Actor } from '../src/modules/identity/identity.policy.js';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 100_000);
const IMPORT_RESOURCES = Number(process.env.BENCH_IMPORT_RESOURCES ?? 10_000);
const QUERIES = 200;

let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;

const AREAS = ['', '', '香洲区', '金湾区', '斗门区', '横琴', '高新区', '万山', '全市', '跨境'];
const MODIFIERS = ['', '基本', '年度', '变更', '注销', '历史', '月度', '汇总', '实时', '重点'];
const SUBJECTS = ['企业', '个体工商户', '户籍人口', '流动人口', '医疗机构', '药品经营', '食品生产', '道路运输', '建筑工程', '中小学校', '社会保险',
  '养老服务', '最低生活保障', '不动产', '国有土地', '城市供水', '电力用户', '纳税人', '机动车', '驾驶人', '特种设备', '危险化学品', '船舶', '港口',
  '生态环境', '公共资源交易', '残疾人', '退役军人', '科技项目', '文物保护'];
const ACTIONS = ['登记', '许可', '备案', '检查', '行政处罚', '缴费', '注册', '年检', '资格认定', '补贴发放', '统计', '监测', '信用评价', '投诉举报', '审批'];
const SUFFIXES = ['信息', '数据', '清单', '目录', '台账', '记录'];
const ITEMS = ['名称', '统一社会信用代码', '法定代表人', '登记日期', '地址', '联系电话', '证件号码', '有效期', '金额', '状态', '审批机关', '备注', '经办人', '类别', '面积'];
const SUMMARY_WORDS = ['记录', '本市', '相关', '办理', '情况', '包括', '主体', '时间', '结果', '依据', '监管', '服务', '事项', '部门', '共享'];

function aName(): string {
  return `${pick(AREAS)}${pick(MODIFIERS)}${pick(SUBJECTS)}${pick(ACTIONS)}${pick(SUFFIXES)}`;
}

function aResource(providerCode: string, providerName: string, name = aName()): ResourceInput {
  const items = Array.from({ length: 7 }, (_, i) => ({ name: `${pick(ITEMS)}${i + 1}`, dataType: 'C' as const, length: 50 }));
  const formatClass = pick(['数据库', '电子表格', '服务接口', '电子文件'] as const);
  return {
    name, code: null, providerName, providerCode, providerDivision: null,
    summary: `${name}，${Array.from({ length: 8 }, () => pick(SUMMARY_WORDS)).join('')}`,
    formatClass, formatType: FORMAT_TYPES[formatClass][0] ?? null, formatOther: formatClass === '服务接口' ? 'RESTful JSON' : null, items,
    shareType: pick(['无条件共享', '有条件共享', '有条件共享', '不予共享'] as const), shareCondition: '依法共享',
    shareMethodClass: '共享平台方式', shareMethodType: '接口', isOpen: rand() < 0.3, openCondition: null,
    updateCycle: pick(['实时', '每日', '每月', '每年', '不定期'] as const),
    publishDate: `202${Math.floor(rand() * 6)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`, relatedClass: null,
  };
}

async function openBenchDatabase(): Promise<DatabaseHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const handle = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    await migrateToLatest(handle.db);
    return handle;
  }
  // BENCH_REUSE=1 with BENCH_KEEP=1 on the run before: search again over the data already generated.
  if (!process.env.BENCH_REUSE) {
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query('drop database if exists govshare_bench with (force)');
    await admin.query('create database govshare_bench');
    await admin.end();
  }
  const handle = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/govshare_bench' });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    async close() {
      await handle.close();
      if (process.env.BENCH_KEEP) return;
      const dropper = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await dropper.connect();
      await dropper.query('drop database if exists govshare_bench with (force)');
      await dropper.end();
    },
  };
}

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
};
const fmt = (x: { p50: number; p95: number; max: number; mean: number }) =>
  `p50 ${x.p50.toFixed(1)} ms, mean ${x.mean.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms, max ${x.max.toFixed(1)} ms`;

async function main() {
  const handle = await openBenchDatabase();
  const { db } = handle;
  console.log(`database: ${handle.kind}`);
  const reuse = (await db.selectFrom('catalog_resources').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n > 0;
  if (!reuse) await loadDemoData(db);
  const orgs = await db.selectFrom('identity_orgs').select(['id', 'name', 'uscc']).execute();
  const platformUser = await db.selectFrom('identity_users').select(['id', 'org_id']).where('username', '=', 'platform').executeTakeFirstOrThrow();
  const actor: Actor = { userId: platformUser.id, username: 'platform', orgId: platformUser.org_id, roles: ['platform_admin'] };
  const catalog = createCatalogService({ db });

  // (a) 100,000 published resources through batched SQL.
  let t0 = performance.now();
  const classes = await catalogRepository(db).departmentCategories(orgs.map((o) => o.id));
  const names: string[] = [];
  const BATCH = 2000;
  for (let start = 0; start < (reuse ? 0 : RESOURCES); start += BATCH) {
    const n = Math.min(BATCH, RESOURCES - start);
    const batch = Array.from({ length: n }, (_, i) => {
      const org = orgs[(start + i) % orgs.length]!;
      return { org, input: aResource(org.uscc, org.name) };
    });
    await db.transaction().execute(async (trx) => {
      const repo = catalogRepository(trx);
      const resourceIds = await repo.insertResources(batch.map((b, i) => ({
        code: `${classes.get(b.org.id)!.code.padEnd(9, '0')}/${String(start + i + 1).padStart(6, '0')}`,
        provider_org_id: b.org.id, category_id: classes.get(b.org.id)!.id, status: 'published', name: b.input.name,
      })));
      const versionIds = await repo.insertVersions(batch.map((b, i) => ({
        resource_id: resourceIds[i]!, version_no: 1, status: 'published', name: b.input.name, provider_name: b.org.name, provider_code: b.org.uscc,
        summary: b.input.summary, format_class: b.input.formatClass, share_type: b.input.shareType, share_condition: b.input.shareCondition,
        share_method_class: b.input.shareMethodClass, share_method_type: b.input.shareMethodType, is_open: b.input.isOpen,
        update_cycle: b.input.updateCycle, publish_date: b.input.publishDate,
      })));
      await repo.insertItems(batch.flatMap((b, i) => b.input.items.map((item, position) => ({ version_id: versionIds[i]!, position, name: item.name, data_type: 'C', length: 50 }))));
      await sql`update catalog_resources r set published_version_id = u.v from unnest(${resourceIds}::uuid[], ${versionIds}::uuid[]) u(id, v) where r.id = u.id`.execute(trx);
      await insertSearchDocs(trx, batch.map((b, i) => searchDocOf({
        versionId: versionIds[i]!, resourceId: resourceIds[i]!, inShared: true, inDepartment: true, providerOrgId: b.org.id,
        categoryId: classes.get(b.org.id)!.id, status: 'published', shareType: b.input.shareType, formatClass: b.input.formatClass,
        isOpen: b.input.isOpen, updateCycle: b.input.updateCycle, publishDate: b.input.publishDate, name: b.input.name,
        summary: b.input.summary, providerName: b.org.name, itemNames: b.input.items.map((x) => x.name),
      })));
    });
    for (const b of batch) if (names.length < 5000) names.push(b.input.name);
  }
  if (reuse) names.push(...(await db.selectFrom('catalog_resources').select('name').limit(5000).execute()).map((r) => r.name));
  // The generated codes bypass the allocator: move each classification's counter past them.
  await sql`insert into catalog_code_sequences (classification, last_value)
            select split_part(code, '/', 1), max(split_part(code, '/', 2)::int) from catalog_resources group by 1
            on conflict (classification) do update set last_value = greatest(catalog_code_sequences.last_value, excluded.last_value)`.execute(db);
  await sql`analyze`.execute(db);
  console.log(`generated ${RESOURCES} published resources in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // 200 varied queries: exact names, substrings, a missing character, swapped word order.
  const queries: string[] = [];
  const sources: (string | null)[] = []; // the resource name an exact / missing-character query must find
  for (let i = 0; i < QUERIES; i++) {
    const name = pick(names);
    const chars = [...name];
    switch (i % 4) {
      case 0: queries.push(name); sources.push(name); break;
      case 1: queries.push(`${pick(SUBJECTS)}${pick(ACTIONS)}`); sources.push(null); break;
      case 2: { const k = 1 + Math.floor(rand() * (chars.length - 2)); queries.push(chars.slice(0, k).concat(chars.slice(k + 1)).join('')); sources.push(name); break; }
      default: queries.push(`${pick(ACTIONS)}${pick(SUBJECTS)}`); sources.push(null);
    }
  }
  for (const q of queries.slice(0, 10)) await catalog.search(actor, { q, limit: 20 }); // warm-up
  const searchMs: number[] = [];
  let found = 0;
  let exactFirst = 0;
  let missingFound = 0;
  for (const [i, q] of queries.entries()) {
    t0 = performance.now();
    const res = await catalog.search(actor, { q, limit: 20 });
    searchMs.push(performance.now() - t0);
    if (res.total > 0) found++;
    if (i % 4 === 0 && res.items[0]?.name === sources[i]) exactFirst++;
    if (i % 4 === 2 && res.items.some((x) => x.name === sources[i])) missingFound++;
  }
  const ilikeMs: number[] = [];
  for (const q of queries) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    t0 = performance.now();
    await sql`select r.id, r.code, v.name, v.summary, count(*) over () as total
              from catalog_resources r join catalog_resource_versions v on v.id = r.published_version_id
              where r.status = 'published' and (v.name ilike ${pattern} or v.summary ilike ${pattern})
              order by v.publish_date desc limit 20`.execute(db);
    ilikeMs.push(performance.now() - t0);
  }
  const slowest = queries.map((q, i) => ({ q, ms: searchMs[i]! })).sort((a, b) => b.ms - a.ms).slice(0, 5);
  console.log(`slowest: ${slowest.map((x) => `${x.q} ${x.ms.toFixed(0)} ms`).join('; ')}`);
  const s = stats(searchMs);
  const b = stats(ilikeMs);
  console.log(`search (bigram index + facets), ${QUERIES} queries: ${fmt(s)}; ${found}/${QUERIES} found something; exact name ranked first ${exactFirst}/${QUERIES / 4}; missing-character query finds its resource in the top 20 ${missingFound}/${QUERIES / 4}`);
  console.log(`baseline ILIKE '%q%' over name/summary (no facets):  ${fmt(b)}`);
  console.log(`ratio ILIKE/search: p50 ${(b.p50 / s.p50).toFixed(1)}x, mean ${(b.mean / s.mean).toFixed(1)}x, p95 ${(b.p95 / s.p95).toFixed(1)}x`);

  if (process.env.BENCH_SKIP_IMPORT) { await handle.close(); return; }
  // (b) import of a 10,000-resource workbook.
  const gaj = orgs.find((o) => o.name === '珠海市公安局')!;
  const inputs = Array.from({ length: IMPORT_RESOURCES }, (_, i) => aResource(gaj.uscc, gaj.name, `导入测试资源${i}${aName()}`));
  inputs.forEach((r) => { r.shareType = '有条件共享'; });
  const file = await writeCatalogWorkbook(inputs.map((r) => ({ ...r, code: null })));
  console.log(`workbook: ${IMPORT_RESOURCES} resources, ${IMPORT_RESOURCES * 7} item rows, ${(file.length / 1024 / 1024).toFixed(1)} MB`);
  t0 = performance.now();
  await new ExcelJS.Workbook().xlsx.load(file as unknown as ArrayBuffer);
  const readMs = performance.now() - t0;
  t0 = performance.now();
  const parsed = await parseCatalogWorkbook(file, { lookupProvider: (code) => catalog.findProviderByCode(code) });
  const parseMs = performance.now() - t0;
  const valid = parsed.blocks.filter((x) => x.resource && x.errors.length === 0);
  const outcomes = await catalog.importResources(actor, { actor: null, ip: null }, valid.map((x) => x.resource!), { submit: false });
  const totalMs = performance.now() - t0;
  const firstError = parsed.blocks.find((x) => x.errors.length)?.errors[0];
  if (firstError) console.log(`first parse error: ${firstError.column}: ${firstError.message}`);
  console.log(`exceljs read alone ${(readMs / 1000).toFixed(2)} s; parse ${(parseMs / 1000).toFixed(2)} s + write ${((totalMs - parseMs) / 1000).toFixed(2)} s = full import ${(totalMs / 1000).toFixed(2)} s (${outcomes.filter((o) => o.errors.length === 0).length} written, ${parsed.blocks.length - valid.length} parse errors); ratio ${(totalMs / readMs).toFixed(2)}x`);
  await handle.close();
}

await main();
