import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, section, upsertsOf } from './connectors-test-support.js';
import { CsvParser, csvLine } from './csv-format.js';
import { openSource, openTarget } from './index.js';
import type { ApplyInput, ExtractPlan, SourceConnector } from './types.js';

let dir = '';
let source: SourceConnector;

const plan = (over: Partial<ExtractPlan> = {}): ExtractPlan => ({
  table: 'items', query: null, columns: ['id', 'name', 'ok', 'at'], dataTypes: ['I', 'C', 'L', 'T'], keyColumns: ['id'],
  mode: 'full', watermarkColumn: null, after: null, softDeleteColumn: null, batchRows: 2, ...over,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gs-h5-csv-'));
  await writeFile(
    join(dir, 'items.csv'),
    '\uFEFFat,id,name,ok,gone\n2026-01-03 00:00:00,3,"多行\n文本, 带逗号",是,0\n2026-01-01 00:00:00,1,"tab\there\\",false,1\n2026-01-02 00:00:00,2,,1,\n',
  );
  await mkdir(join(dir, 'files'));
  await writeFile(join(dir, 'files', 'a.xlsx'), 'x');
  await writeFile(join(dir, 'files', 'b.xlsx'), 'yy');
  await writeFile(join(dir, 'files', 'c.pdf'), 'z');
  await writeFile(join(dir, 'files', '.hidden.xlsx'), 'h');
  source = await openSource({ type: 'csv', dir });
});

afterAll(async () => {
  await source?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('CSV format', () => {
  it('parses RFC 4180 across chunk boundaries, with BOM, CRLF, quotes, and NULL vs empty', () => {
    const p = new CsvParser();
    const text = '\uFEFFa,b,c\r\n"x ""q""",,""\r\n"multi\r\nline",2,3\n\nlast,row,';
    const records = [...text].flatMap((ch) => p.push(ch));
    records.push(...p.end());
    expect(records).toEqual([['a', 'b', 'c'], ['x "q"', null, ''], ['multi\r\nline', '2', '3'], ['last', 'row', null]]);
    expect(csvLine(['a,b', null, '', 'q"', ' s'])).toBe('"a,b",,"","q"""," s"\r\n');
  });
});

describe('CSV source', () => {
  it('extracts a full snapshot by header name, chunked, with keys, soft deletes and booleans', async () => {
    const chunks = await collect(source.extract(plan({ softDeleteColumn: 'gone' })));
    expect(upsertsOf(chunks)).toEqual(['3\t多行\\n文本, 带逗号\tt\t2026-01-03 00:00:00', '2\t\\N\tt\t2026-01-02 00:00:00']);
    expect(chunks.flatMap((c) => c.deletes)).toEqual(['1']);
    expect(chunks.flatMap((c) => c.keys ?? [])).toEqual(['3', '2']);
    const sum = await source.checksum(plan({ softDeleteColumn: 'gone' }));
    expect(sum.count).toBe(2);
  });

  it('filters and orders by a watermark column for incremental runs', async () => {
    const inc = plan({ mode: 'incremental', watermarkColumn: 'at', batchRows: 10 });
    const all = await collect(source.extract(inc));
    expect(upsertsOf(all).map((l) => l.split('\t')[0])).toEqual(['1', '2', '3']);
    expect(all[0]!.upserts[0]).toBe('1\ttab\\there\\\\\tf\t2026-01-01 00:00:00');
    expect(all[0]!.watermark).toBe('2026-01-03 00:00:00');
    const after = await collect(source.extract({ ...inc, after: { value: '2026-01-02 00:00:00', inclusive: false } }));
    expect(upsertsOf(after).map((l) => l.split('\t')[0])).toEqual(['3']);
    const resumed = await collect(source.extract({ ...inc, after: { value: '2026-01-02 00:00:00+08', inclusive: true } }));
    expect(upsertsOf(resumed).map((l) => l.split('\t')[0])).toEqual(['2', '3']);
  });

  it('reports missing columns and refuses path tricks and queries', async () => {
    await expect(collect(source.extract(plan({ columns: ['id', 'nope'], dataTypes: ['I', 'C'] })))).rejects.toThrow('缺少列：nope');
    await expect(collect(source.extract(plan({ table: '../etc/passwd' })))).rejects.toThrow('名称无效');
    await expect(collect(source.extract(plan({ table: null, query: 'select 1' })))).rejects.toThrow('不支持查询');
  });

  it('lists files matching a glob', async () => {
    const files = await source.listFiles!('files', '*.xlsx');
    expect(files.map((f) => [f.name, f.size])).toEqual([['a.xlsx', 1], ['b.xlsx', 2]]);
    expect(files[0]!.path).toBe(join(dir, 'files', 'a.xlsx'));
  });
});

describe('CSV target', () => {
  const base = (over: Partial<ApplyInput>): ApplyInput => ({
    subscriptionId: 'sub-1', seq: 1, batchId: 'b-1', sourceBatchId: null, table: 'people',
    columns: ['id', null, 'name'], dataTypes: ['I', 'C', 'C'], keyColumns: ['id'],
    upserts: Buffer.alloc(0), deletes: Buffer.alloc(0), records: 0, ...over,
  });

  it('writes batch files and a ledger, idempotently, and checksums the replayed rows', async () => {
    const out = join(dir, 'target');
    const target = await openTarget({ type: 'csv', dir: out });
    await target.ensureLedger();
    expect(await target.apply(base({ upserts: section(['1\tdrop\t张,三', '2\tdrop\t\\N', '3\tdrop\tline\\nbreak']), records: 3 }))).toBe('applied');
    expect(await readFile(join(out, 'people', '000000000001-b-1.csv'), 'utf8')).toBe('id,name\r\n1,"张,三"\r\n2,\r\n3,"line\nbreak"\r\n');
    expect(await target.apply(base({ seq: 2, batchId: 'b-2', upserts: section(['2\tx\t李四']), deletes: section(['1']), records: 2 }))).toBe('applied');
    expect(await readFile(join(out, 'people', '000000000002-b-2.deletes.csv'), 'utf8')).toBe('id\r\n1\r\n');
    expect(await target.apply(base({ seq: 3, batchId: 'b-1' }))).toBe('duplicate');
    expect(await target.apply(base({ seq: 2, batchId: 'b-new' }))).toBe('duplicate');
    expect(await target.apply(base({ seq: 3, batchId: 'f-3', table: 'docs', file: { name: 'report.pdf', bytes: Buffer.from('%PDF') } }))).toBe('applied');
    expect(await readFile(join(out, 'docs', 'report.pdf'), 'utf8')).toBe('%PDF');
    expect(await target.lastApplied('sub-1')).toBe(3);

    const sum = await target.checksum({ table: 'people', columns: ['id', 'name'], dataTypes: ['I', 'C'] });
    expect(sum.count).toBe(2);
    await target.close();

    // A fresh connector reads the ledger back; a data file whose ledger line is missing is rewritten.
    const again = await openTarget({ type: 'csv', dir: out });
    expect(await again.lastApplied('sub-1')).toBe(3);
    await writeFile(join(out, 'people', '000000000004-b-4.csv'), 'partial');
    expect(await again.apply(base({ seq: 4, batchId: 'b-4', upserts: section(['4\tx\t新']) }))).toBe('applied');
    expect(await readFile(join(out, 'people', '000000000004-b-4.csv'), 'utf8')).toBe('id,name\r\n4,新\r\n');
    expect((await again.checksum({ table: 'people', columns: ['id', 'name'], dataTypes: ['I', 'C'] })).count).toBe(3);
    expect((await readdir(join(out, 'people'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await expect(again.apply(base({ seq: 5, batchId: 'b-5', table: '../escape' }))).rejects.toThrow('名称无效');
    await again.close();
  });
});
