import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect, createMysqlDatabase, dropMysqlDatabase, FIXTURE_COLUMNS, FIXTURE_INSERT, FIXTURE_TYPES, myExec, MYSQL_FIXTURE_DDL, plan, section, upsertsOf,
} from './connectors-test-support.js';
import { openSource, openTarget } from './index.js';
import { toCstDateTime } from './mysql-target.js';
import type { ApplyInput, SourceConnector, TargetConnector } from './types.js';

const DB = 'gs_h5_my';
let url = '';
let source: SourceConnector;
let target: TargetConnector;

const ROW1 = '1\t张三\tline1\\nline2\\ttab\\\\back\t12.50\t1.5\t1990-01-02\t2026-01-01 08:00:00+08\tt\t{"b":1,"a":"x"}';
const ROW2 = '2\t李四\t\\N\t-3.00\t\\N\t\\N\t2026-01-01 09:00:00+08\tf\t\\N';
const ROW3 = '3\tO\'Brien "q"\t\t0.01\t1e-7\t2000-02-29\t2026-01-01 09:00:00+08\t\\N\t[1,2]';

beforeAll(async () => {
  url = await createMysqlDatabase(DB);
  await myExec(
    url,
    MYSQL_FIXTURE_DDL,
    FIXTURE_INSERT,
    'create table `odd``name` (k varchar(10) primary key, v varchar(10))',
    "insert into `odd``name` values ('a', '甲')",
    'create table people_log (id int, op char(1), change_id bigint)',
    "insert into people_log values (7, 'I', 1), (4, 'D', 2), (8, 'U', 3), (9, 'D', 4), (10, 'D', 5)",
    `create table people_copy (id int primary key, name varchar(100), note text, amount decimal(12,2), score double,
       born date, updated_at datetime(6), active tinyint(1), info json, extra varchar(10) default 'kept') engine=InnoDB`,
    'create table pair_copy (a varchar(10), b int, v varchar(10), unique key ab (b, a)) engine=InnoDB',
    'create table nokey (id int, name varchar(10)) engine=InnoDB',
  );
  source = await openSource({ type: 'mysql', url });
  target = await openTarget({ type: 'mysql', url });
  await target.ensureLedger();
  await target.ensureLedger();
}, 60_000);

afterAll(async () => {
  await source?.close();
  await target?.close();
  await dropMysqlDatabase(DB);
});

describe('MySQL source', () => {
  it('renders a full snapshot as COPY text by item type, in key order, chunked, with keys', async () => {
    const chunks = await collect(source.extract(plan({ batchRows: 2 })));
    expect(chunks.map((c) => c.upserts.length)).toEqual([2, 2, 1]);
    const lines = upsertsOf(chunks);
    expect(lines.slice(0, 3)).toEqual([ROW1, ROW2, ROW3]);
    expect(lines[4]).toBe('5\t赵六，逗号\tcrlf\\r\\nend\t99999.99\t-0.25\t1970-01-01\t2026-01-02 00:00:01+08\tf\t{}');
    expect(chunks.flatMap((c) => c.keys ?? [])).toEqual(['1', '2', '3', '4', '5']);
  });

  it('extracts incrementally, exclusive and inclusive, with the raw watermark text', async () => {
    const inc = plan({ mode: 'incremental', watermarkColumn: 'updated_at' });
    const all = await collect(source.extract(inc));
    expect(upsertsOf(all).map((l) => l.split('\t')[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(all[0]!.keys).toBeNull();
    expect(all[all.length - 1]!.watermark).toBe('2026-01-02 00:00:01');
    const after = await collect(source.extract({ ...inc, after: { value: '2026-01-01 09:00:00', inclusive: false } }));
    expect(upsertsOf(after).map((l) => l.split('\t')[0])).toEqual(['4', '5']);
    const resumed = await collect(source.extract({ ...inc, after: { value: '2026-01-01 09:00:00', inclusive: true } }));
    expect(upsertsOf(resumed).map((l) => l.split('\t')[0])).toEqual(['2', '3', '4', '5']);
    // The resume value is bound, never spliced: an injection attempt is just a (truncated) datetime.
    const injected = await collect(source.extract({ ...inc, after: { value: "2026-01-02 00:00:00' or '1'='1", inclusive: false } }));
    expect(upsertsOf(injected).map((l) => l.split('\t')[0])).toEqual(['5']);
  });

  it('sends soft-deleted rows as key deletes; query sources and odd names work', async () => {
    const chunks = await collect(source.extract(plan({ softDeleteColumn: 'deleted', keyColumns: ['name', 'id'] })));
    expect(upsertsOf(chunks).map((l) => l.split('\t')[0]).sort()).toEqual(['1', '2', '3', '5']);
    expect(chunks.flatMap((c) => c.deletes)).toEqual(['王五\t4']);
    expect(upsertsOf(chunks)).toHaveLength(4);
    const q = await collect(source.extract(plan({ table: null, query: 'select id, name from people where id > 3', columns: ['name'], dataTypes: ['C'], keyColumns: ['id'] })));
    expect(upsertsOf(q)).toEqual(['王五', '赵六，逗号']);
    expect(q[0]!.keys).toEqual(['4', '5']);
    const odd = await collect(source.extract(plan({ table: `${DB}.odd\`name`, columns: ['v'], dataTypes: ['C'], keyColumns: ['k'] })));
    expect(upsertsOf(odd)).toEqual(['甲']);
  });

  it('releases its connection when the consumer stops early', async () => {
    for (let i = 0; i < 6; i++) {
      for await (const chunk of source.extract(plan({ batchRows: 1 }))) {
        expect(chunk.upserts).toHaveLength(1);
        break;
      }
    }
    expect((await source.checksum(plan())).count).toBe(5);
  });

  it('reads change-log deletes page by page', async () => {
    const first = await source.changeLogDeletes({ table: 'people_log', keyColumns: ['id'], afterId: null, limit: 2 });
    expect(first).toEqual({ deletes: ['4', '9'], lastId: '4' });
    const next = await source.changeLogDeletes({ table: 'people_log', keyColumns: ['id'], afterId: first.lastId, limit: 2 });
    expect(next).toEqual({ deletes: ['10'], lastId: '5' });
  });
});

describe('MySQL target', () => {
  const base = (over: Partial<ApplyInput>): ApplyInput => ({
    subscriptionId: 'sub-1', seq: 1, batchId: 'b-1', sourceBatchId: null, table: 'people_copy',
    columns: FIXTURE_COLUMNS, dataTypes: FIXTURE_TYPES, keyColumns: ['id'],
    upserts: Buffer.alloc(0), deletes: Buffer.alloc(0), records: 0, ...over,
  });
  const rows = async () => (await myExec(url, 'select id, name, note, updated_at, active, extra from people_copy order by id'))[0] as Record<string, unknown>[];

  it('converts timestamps of any zone to the CST wall clock', () => {
    expect(toCstDateTime('2026-01-01 08:00:00+08')).toBe('2026-01-01 08:00:00');
    expect(toCstDateTime('2026-01-01T00:00:00.123456Z')).toBe('2026-01-01 08:00:00.123456');
    expect(toCstDateTime('2026-01-01 23:30:00')).toBe('2026-01-01 23:30:00');
  });

  it('applies inserts, updates and deletes with a ledger row, once', async () => {
    const lines = upsertsOf(await collect(source.extract(plan())));
    expect(await target.apply(base({ upserts: section(lines), records: 5 }))).toBe('applied');
    const first = await rows();
    expect(first.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(first[0]).toMatchObject({ note: 'line1\nline2\ttab\\back', updated_at: '2026-01-01 08:00:00.000000', active: 1, extra: 'kept' });
    const upd = ['2\t李四改\t\\N\t1\t\\N\t\\N\t2026-01-03T00:00:00Z\tt\t\\N', '2\t李四再改\t备注\t1\t\\N\t\\N\t2026-01-03 00:00:00+08\tf\t\\N'];
    expect(await target.apply(base({ seq: 2, batchId: 'b-2', upserts: section(upd), deletes: section(['4', '5']), records: 4 }))).toBe('applied');
    const second = await rows();
    expect(second.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(second[1]).toMatchObject({ name: '李四再改', note: '备注', updated_at: '2026-01-03 00:00:00.000000', active: 0 });
    expect(await target.apply(base({ seq: 3, batchId: 'b-2', deletes: section(['1']) }))).toBe('duplicate');
    expect(await target.apply(base({ seq: 2, batchId: 'b-9', deletes: section(['1']) }))).toBe('duplicate');
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(await target.lastApplied('sub-1')).toBe(2);
    expect(await target.lastApplied('nobody')).toBe(0);
  });

  it('upserts and deletes by a composite key in any index column order', async () => {
    const input = base({ subscriptionId: 'sub-p', batchId: 'p-1', table: 'pair_copy', columns: ['a', 'b', 'v'], dataTypes: ['C', 'I', 'C'], keyColumns: ['a', 'b'] });
    expect(await target.apply({ ...input, upserts: section(['x\t1\t一', 'x\t2\t二', 'y\t1\t三']) })).toBe('applied');
    expect(await target.apply({ ...input, seq: 2, batchId: 'p-2', upserts: section(['x\t1\t改']), deletes: section(['x\t2']) })).toBe('applied');
    expect(await myExec(url, 'select a, b, v from pair_copy order by a, b')).toEqual([[{ a: 'x', b: 1, v: '改' }, { a: 'y', b: 1, v: '三' }]]);
  });

  it('rolls back on a bad value (no ledger row) and refuses a table without a unique key', async () => {
    const bad = ['6\t新\t\\N\t1\t\\N\t\\N\t2026-01-03 00:00:00+08\tt\t\\N', '7\t坏\t\\N\tnot-a-number\t\\N\t\\N\t2026-01-03 00:00:00+08\tt\t\\N'];
    await expect(target.apply(base({ seq: 10, batchId: 'b-bad', upserts: section(bad), deletes: section(['1']) }))).rejects.toThrow();
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(await myExec(url, "select count(*) as n from govshare_applied_batches where batch_id = 'b-bad'")).toEqual([[{ n: 0 }]]);
    const input = base({ subscriptionId: 'sub-2', batchId: 'b-nokey', table: 'nokey', columns: ['id', 'name'], dataTypes: ['I', 'C'], upserts: section(['1\ta']) });
    await expect(target.apply(input)).rejects.toThrow('目标表 nokey 缺少主键/唯一约束 (id)，无法按主键更新');
  });

  it('checksums the target like the source for the same rows', async () => {
    await myExec(url, 'truncate table people_copy');
    const p = plan({ softDeleteColumn: 'deleted' });
    const lines = upsertsOf(await collect(source.extract(p)));
    expect(await target.apply(base({ subscriptionId: 'sub-3', batchId: 'b-sum', upserts: section(lines), records: 4 }))).toBe('applied');
    const there = await target.checksum({ table: 'people_copy', columns: FIXTURE_COLUMNS, dataTypes: FIXTURE_TYPES });
    expect(there).toEqual(await source.checksum(p));
    expect(there.count).toBe(4);
  });
});
