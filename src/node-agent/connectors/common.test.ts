import { describe, expect, it } from 'vitest';
import { ByteChunkBuilder, cutLine, extraLayout, fieldAt, lineBlocksOf, linesOf, myTable, pgTable, subquery, upsertCountOf, upsertLinesOf } from './common.js';
import { plan } from './connectors-test-support.js';

async function all(pieces: Buffer[], gather?: number): Promise<string[]> {
  async function* source() {
    for (const p of pieces) yield p;
  }
  const out: string[] = [];
  for await (const lines of linesOf(source(), gather)) out.push(...lines);
  return out;
}

describe('connector helpers', () => {
  it('splits a byte stream into blocks of whole lines, terminating an unterminated last line', async () => {
    const bytes = Buffer.from('中文\t1\n\nxyz\t\\N\n末行', 'utf8');
    for (const gather of [1, 4, 1 << 20]) {
      async function* source() {
        for (const b of bytes) yield Buffer.from([b]);
      }
      const blocks: Buffer[] = [];
      for await (const block of lineBlocksOf(source(), gather)) blocks.push(block);
      expect(blocks.every((b) => b[b.length - 1] === 10)).toBe(true);
      expect(Buffer.concat(blocks).toString('utf8')).toBe('中文\t1\n\nxyz\t\\N\n末行\n');
    }
  });

  it('builds byte chunks from line parts and whole-line slices', () => {
    const builder = new ByteChunkBuilder(3, true);
    const src = Buffer.from('a\tb\tX\nc\td\tY\n', 'utf8');
    builder.reserve(src.length);
    builder.addLine(src, 0, 3);
    builder.addLines(Buffer.from('e\tf\n'), 1);
    builder.addLine(src, 6, 9);
    expect(builder.full).toBe(true);
    const chunk = builder.take();
    expect(chunk.upsertBytes!.toString()).toBe('a\tb\ne\tf\nc\td\n');
    expect(upsertCountOf(chunk)).toBe(3);
    expect(upsertLinesOf(chunk)).toEqual(['a\tb', 'e\tf', 'c\td']);
    expect(builder.size).toBe(0);
    expect(upsertLinesOf(builder.take())).toEqual([]);
  });

  it('quotes identifiers, schema-qualified, and wraps queries', () => {
    expect(pgTable('public.t"x')).toBe('"public"."t""x"');
    expect(myTable('db.t`x')).toBe('`db`.`t``x`');
    expect(() => pgTable('a.b.c')).toThrow('名称无效');
    expect(() => pgTable('a.')).toThrow('名称无效');
    expect(subquery(' select 1; ')).toBe('(select 1) q');
  });

  it('splits a byte stream into lines without breaking multi-byte characters, keeping empty rows', async () => {
    const bytes = Buffer.from('中文\t1\n\nxyz\t\\N\n末行\n', 'utf8');
    const pieces = [...bytes].map((b) => Buffer.from([b]));
    expect(await all(pieces, 3)).toEqual(['中文\t1', '', 'xyz\t\\N', '末行']);
    expect(await all([bytes])).toEqual(['中文\t1', '', 'xyz\t\\N', '末行']);
    expect(await all([Buffer.from('a\nb', 'utf8')])).toEqual(['a', 'b']);
  });

  it('cuts appended key, soft-delete and watermark fields off a line', () => {
    const layout = extraLayout(plan({ columns: ['a', 'b'], keyColumns: ['b', 'k'], softDeleteColumn: 'd', mode: 'incremental', watermarkColumn: 'w' }));
    expect(layout.extraCount).toBe(3);
    expect(cutLine('x\ty\tK\tt\t2026-01-01', layout, true)).toEqual({ line: 'x\ty', key: 'y\tK', deleted: true, watermark: '2026-01-01' });
    expect(cutLine('x\ty\tK\tf\t\\N', layout, true)).toEqual({ line: 'x\ty', key: 'y\tK', deleted: false, watermark: '\\N' });
    expect(fieldAt('a\tb\tc', 2)).toBe('c');
    expect(() => fieldAt('a', 1)).toThrow();
  });
});
