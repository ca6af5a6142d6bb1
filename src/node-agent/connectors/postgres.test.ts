import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRowChecksum } from '../../modules/exchange/protocol/copy-text.js';
import {
  collect, createPgDatabase, dropPgDatabase, FIXTURE_COLUMNS, FIXTURE_INSERT, FIXTURE_TYPES, PG_FIXTURE_DDL, pgExec, plan, section, upsertsOf,
} from './connectors-test-support.js';
import { openSource, openTarget } from './index.js';
import { upsertCountOf, upsertLinesOf } from './common.js';
import type { ApplyInput, SourceConnector, TargetConnector } from './types.js';

const SRC = 'gs_h5_pg_src';
const DST = 'gs_h5_pg_dst';
let srcUrl = '';
let dstUrl = '';
let source: SourceConnector;
let target: TargetConnector;

const ROW1 = '1\t张三\tline1\\nline2\\ttab\\\\back\t12.50\t1.5\t1990-01-02\t2026-01-01 08:00:00+08\tt\t{"a": "x", "b": 1}';
const ROW2 = '2\t李四\t\\N\t-3.00\t\\N\t\\N\t2026-01-01 09:00:00+08\tf\t\\N';
const ROW3 = '3\tO\'Brien "q"\t\t0.01\t1e-07\t2000-02-29\t2026-01-01 09:00:00+08\t\\N\t[1, 2]';

beforeAll(async () => {
  srcUrl = await createPgDatabase(SRC);
  dstUrl = await createPgDatabase(DST);
  await pgExec(
    srcUrl,
    PG_FIXTURE_DDL,
    FIXTURE_INSERT,
    'create table "Odd ""Name""" (k text primary key, v text)',
    `insert into "Odd ""Name""" values ('a', '甲')`,
    'create table people_log (id integer, op char(1), change_id bigint)',
    "insert into people_log values (7, 'I', 1), (4, 'D', 2), (8, 'U', 3), (9, 'D', 4), (10, 'D', 5)",
  );
  await pgExec(
    dstUrl,
    `create table people_copy (id integer primary key, name text, note text, amount numeric(12,2), score double precision,
       born date, updated_at timestamptz, active boolean, info jsonb, extra text default 'kept')`,
    'create table nokey (id integer, name text)',
  );
  source = await openSource({ type: 'postgres', url: srcUrl });
  target = await openTarget({ type: 'postgres', url: dstUrl });
  await target.ensureLedger();
  await target.ensureLedger(); // idempotent
}, 60_000);

afterAll(async () => {
  await source?.close();
  await target?.close();
  await dropPgDatabase(SRC);
  await dropPgDatabase(DST);
});

describe('PostgreSQL source', () => {
  it('extracts a full snapshot as COPY text in key order, chunked, with keys', async () => {
    const chunks = await collect(source.extract(plan({ batchRows: 2 })));
    expect(chunks.map(upsertCountOf)).toEqual([2, 2, 1]);
    const lines = upsertsOf(chunks);
    expect(lines.slice(0, 3)).toEqual([ROW1, ROW2, ROW3]);
    expect(lines[4]).toBe('5\t赵六，逗号\tcrlf\\r\\nend\t99999.99\t-0.25\t1970-01-01\t2026-01-02 00:00:01+08\tf\t{}');
    expect(chunks.flatMap((c) => c.keys ?? [])).toEqual(['1', '2', '3', '4', '5']);
    expect(chunks.every((c) => c.deletes.length === 0 && c.watermark === null)).toBe(true);
    // The upserts come as the raw COPY text bytes of the batch columns.
    expect(chunks.every((c) => c.upserts.length === 0 && c.upsertBytes !== undefined)).toBe(true);
  });

  it('extracts incrementally after a watermark, exclusive and inclusive (resume), in watermark order', async () => {
    const inc = plan({ mode: 'incremental', watermarkColumn: 'updated_at', batchRows: 10 });
    const all = await collect(source.extract(inc));
    expect(upsertsOf(all).map((l) => l.split('\t')[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(all[0]!.keys).toBeNull();
    expect(all[all.length - 1]!.watermark).toBe('2026-01-02 00:00:01+08');

    const after = await collect(source.extract({ ...inc, after: { value: '2026-01-01 09:00:00+08', inclusive: false } }));
    expect(upsertsOf(after).map((l) => l.split('\t')[0])).toEqual(['4', '5']);
    const resumed = await collect(source.extract({ ...inc, after: { value: '2026-01-01 09:00:00+08', inclusive: true } }));
    expect(upsertsOf(resumed).map((l) => l.split('\t')[0])).toEqual(['2', '3', '4', '5']);
    // A watermark that tries to break out of its literal is just a (bad) value.
    await expect(collect(source.extract({ ...inc, after: { value: "x' or 1=1 --\\", inclusive: false } }))).rejects.toThrow(/timestamp/);
  });

  it('sends soft-deleted rows as key deletes', async () => {
    const chunks = await collect(source.extract(plan({ softDeleteColumn: 'deleted', mode: 'incremental', watermarkColumn: 'updated_at' })));
    expect(upsertsOf(chunks).map((l) => l.split('\t')[0])).toEqual(['1', '2', '3', '5']);
    expect(chunks.flatMap((c) => c.deletes)).toEqual(['4']);
    expect(chunks[chunks.length - 1]!.watermark).toBe('2026-01-02 00:00:01+08');
    const full = await collect(source.extract(plan({ softDeleteColumn: 'deleted', keyColumns: ['name', 'id'] })));
    expect(full.flatMap((c) => c.deletes)).toEqual(['王五\t4']);
    expect(full.flatMap((c) => c.keys ?? [])).toContain('张三\t1');
  });

  it('wraps a query source and quotes odd identifiers', async () => {
    const chunks = await collect(source.extract(plan({ table: null, query: 'select id, name from people where id > 3;', columns: ['name'], dataTypes: ['C'], keyColumns: ['id'] })));
    expect(upsertsOf(chunks)).toEqual(['王五', '赵六，逗号']);
    expect(chunks[0]!.keys).toEqual(['4', '5']);
    const odd = await collect(source.extract(plan({ table: 'public.Odd "Name"', columns: ['v'], dataTypes: ['C'], keyColumns: ['k'] })));
    expect(upsertsOf(odd)).toEqual(['甲']);
  });

  it('reads change-log deletes page by page', async () => {
    const first = await source.changeLogDeletes({ table: 'people_log', keyColumns: ['id'], afterId: null, limit: 2 });
    expect(first).toEqual({ deletes: ['4', '9'], lastId: '4' });
    const next = await source.changeLogDeletes({ table: 'people_log', keyColumns: ['id'], afterId: first.lastId, limit: 2 });
    expect(next).toEqual({ deletes: ['10'], lastId: '5' });
    const none = await source.changeLogDeletes({ table: 'people_log', keyColumns: ['id'], afterId: '5', limit: 2 });
    expect(none).toEqual({ deletes: [], lastId: '5' });
  });

  it('releases its connection when the consumer stops early', async () => {
    for (let i = 0; i < 6; i++) {
      for await (const chunk of source.extract(plan({ batchRows: 1 }))) {
        expect(upsertLinesOf(chunk)).toHaveLength(1);
        break;
      }
    }
    expect((await source.checksum(plan())).count).toBe(5);
  });

  it('checksums the rows that are not soft-deleted, independent of watermark', async () => {
    const sum = await source.checksum(plan({ softDeleteColumn: 'deleted', mode: 'incremental', watermarkColumn: 'updated_at', after: { value: '2030-01-01', inclusive: false } }));
    expect(sum.count).toBe(4);
    const expected = createRowChecksum(FIXTURE_TYPES);
    for (const line of [ROW1, ROW2, ROW3]) expected.addLine(line);
    expected.addLine('5\t赵六，逗号\tcrlf\\r\\nend\t99999.99\t-0.25\t1970-01-01\t2026-01-02 00:00:01+08\tf\t{}');
    expect(sum.checksum).toBe(expected.checksum());
  });
});

describe('PostgreSQL target', () => {
  const base = (over: Partial<ApplyInput>): ApplyInput => ({
    subscriptionId: 'sub-1', seq: 1, batchId: 'b-1', sourceBatchId: 'src-1', table: 'people_copy',
    columns: FIXTURE_COLUMNS, dataTypes: FIXTURE_TYPES, keyColumns: ['id'],
    upserts: Buffer.alloc(0), deletes: Buffer.alloc(0), records: 0, ...over,
  });
  const rows = async () => (await pgExec(dstUrl, 'select id, name, note, extra from people_copy order by id'))[0]!.rows;

  it('applies inserts, updates (last line of a key wins) and deletes with a ledger row, once', async () => {
    const lines = upsertsOf(await collect(source.extract(plan())));
    expect(await target.apply(base({ upserts: section(lines), records: 5 }))).toBe('applied');
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect((await rows())[0]!.note).toBe('line1\nline2\ttab\\back');
    expect(await target.lastApplied('sub-1')).toBe(1);

    const upd = ['2\t李四改\t\\N\t1\t\\N\t\\N\t2026-01-03 00:00:00+08\tt\t\\N', '2\t李四再改\t备注\t1\t\\N\t\\N\t2026-01-03 00:00:00+08\tt\t\\N'];
    const dropName = [FIXTURE_COLUMNS[0]!, null, ...FIXTURE_COLUMNS.slice(2)];
    expect(await target.apply(base({ seq: 2, batchId: 'b-2', upserts: section(upd), deletes: section(['4', '5']), records: 4 }))).toBe('applied');
    expect(await rows()).toEqual([
      { id: 1, name: '张三', note: 'line1\nline2\ttab\\back', extra: 'kept' },
      { id: 2, name: '李四再改', note: '备注', extra: 'kept' },
      { id: 3, name: 'O\'Brien "q"', note: '', extra: 'kept' },
    ]);
    // A null-mapped column is dropped from the batch and left alone in the target.
    expect(await target.apply(base({ seq: 3, batchId: 'b-3', columns: dropName, upserts: section(['3\t丢弃\t新备注\t1\t\\N\t\\N\t2026-01-03 00:00:00+08\tt\t\\N']), records: 1 }))).toBe('applied');
    expect((await rows())[2]).toEqual({ id: 3, name: 'O\'Brien "q"', note: '新备注', extra: 'kept' });

    // Redelivery of the same batch id, or of an older seq with a new id, changes nothing.
    expect(await target.apply(base({ seq: 4, batchId: 'b-2', upserts: section(['9\tx\t\\N\t1\t\\N\t\\N\t2026-01-03 00:00:00+08\tt\t\\N']) }))).toBe('duplicate');
    expect(await target.apply(base({ seq: 2, batchId: 'b-x', deletes: section(['1']) }))).toBe('duplicate');
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(await target.lastApplied('sub-1')).toBe(3);
    expect(await target.lastApplied('other')).toBe(0);
  });

  it('rolls the whole batch back on a bad value, leaving no ledger row', async () => {
    const bad = ['6\t新\t\\N\t1\t\\N\t\\N\t2026-01-03 00:00:00+08\tt\t\\N', '7\t坏\t\\N\tnot-a-number\t\\N\t\\N\t2026-01-03 00:00:00+08\tt\t\\N'];
    await expect(target.apply(base({ seq: 10, batchId: 'b-bad', upserts: section(bad), deletes: section(['1']), records: 3 }))).rejects.toThrow(/numeric/);
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3]);
    const ledger = await pgExec(dstUrl, "select count(*)::int as n from govshare_applied_batches where batch_id = 'b-bad'");
    expect(ledger[0]!.rows[0].n).toBe(0);
    expect(await target.lastApplied('sub-1')).toBe(3);
  });

  it('refuses a target without a unique key on the key columns, in Chinese', async () => {
    const input = base({ subscriptionId: 'sub-2', batchId: 'b-nokey', table: 'nokey', columns: ['id', 'name'], dataTypes: ['I', 'C'], upserts: section(['1\ta']) });
    await expect(target.apply(input)).rejects.toThrow('目标表 nokey 缺少主键/唯一约束 (id)，无法按主键更新');
    await expect(target.apply({ ...input, table: 'missing_table' })).rejects.toThrow('目标表 missing_table 不存在');
  });

  it('checksums the target like the source for the same rows', async () => {
    await pgExec(dstUrl, 'truncate people_copy');
    const chunks = await collect(source.extract(plan({ softDeleteColumn: 'deleted' })));
    expect(await target.apply(base({ subscriptionId: 'sub-3', batchId: 'b-sum', upserts: section(upsertsOf(chunks)), records: 4 }))).toBe('applied');
    const there = await target.checksum({ table: 'people_copy', columns: FIXTURE_COLUMNS, dataTypes: FIXTURE_TYPES });
    const here = await source.checksum(plan({ softDeleteColumn: 'deleted' }));
    expect(there).toEqual(here);
    expect(there.count).toBe(4);
  });
});
