import { describe, expect, it } from 'vitest';
import { canonicalValue, copyLinesOf, copyText, createRowChecksum, iterateCopyLines, splitCopyLine, transformCopyText, unescapeCopy } from './copy-text.js';

const line = (values: (string | null)[]) => values.map(copyText).join('\t');

describe('COPY text', () => {
  const tricky: (string | null)[] = ['a\tb', 'x\ny\r\nz', 'back\\slash\\N', null, '', '中文\t字段', '\\', 'plain'];

  it('escapes and unescapes values with tabs, newlines, backslashes, NULL and Chinese', () => {
    const text = line(tricky);
    expect(text).not.toContain('\n');
    expect(splitCopyLine(text)).toHaveLength(tricky.length);
    expect(splitCopyLine(text).map(unescapeCopy)).toEqual(tricky);
    expect(copyText('')).toBe('');
    expect(unescapeCopy('\\N')).toBeNull();
    expect(unescapeCopy('\\\\N')).toBe('\\N');
  });

  it('reads the other escapes PostgreSQL accepts', () => {
    expect(unescapeCopy('a\\bb\\fc\\vd')).toBe('a\bb\fc\vd');
    expect(unescapeCopy('\\101\\x42\\.')).toBe('AB.');
    expect(unescapeCopy('tail\\')).toBe('tail\\');
  });

  it('splits a section into lines without a trailing empty line', () => {
    const section = Buffer.from(`${line(['1', 'a'])}\n${line(['2', null])}\n`);
    expect(copyLinesOf(section)).toEqual(['1\ta', '2\t\\N']);
    expect([...iterateCopyLines(section)]).toEqual(['1\ta', '2\t\\N']);
    expect(copyLinesOf(Buffer.from('1\tlast'))).toEqual(['1\tlast']);
    expect(copyLinesOf(Buffer.alloc(0))).toEqual([]);
  });

  it('projects columns in keep order and masks output columns; NULL stays NULL', () => {
    const rows = [['1', '张\t三', '110101199003077777', 'x'], ['2', null, null, 'y\\z'], ['3', '李四', '1\n2', '']];
    const section = Buffer.from(rows.map((r) => `${line(r)}\n`).join(''));
    const masked = transformCopyText(section, [2, 0, 1], [(v) => `${v.slice(0, 2)}**`, null, (v) => `${v[0]}*`]);
    expect(copyLinesOf(masked).map((l) => splitCopyLine(l).map(unescapeCopy))).toEqual([
      ['11**', '1', '张*'], [null, '2', null], ['1\n**', '3', '李*'],
    ]);
    const plain = transformCopyText(section, [3, 0], null);
    expect(plain.toString()).toBe(`x\t1\ny\\\\z\t2\n\t3\n`);
    expect(transformCopyText(section, [0, 1, 2, 3], [null, null, null, null]).equals(section)).toBe(true);
    // A final line without a newline gets one.
    expect(transformCopyText(Buffer.from('a\tb'), [1], null).toString()).toBe('b\n');
    expect(() => transformCopyText(Buffer.from('a\tb\n'), [2], null)).toThrow(/2 fields/);
    expect(transformCopyText(Buffer.alloc(0), [0], null).length).toBe(0);
  });

  // The target is 1M × 10 fields well under 2 s on an idle machine; the CI box is shared, so the bound is loose
  // and only catches pathological (per-field allocating or quadratic) regressions.
  it('projects many 10-field lines quickly', () => {
    const one = Array.from({ length: 10 }, (_, i) => `value-${i}-abcdefgh`).join('\t');
    const section = Buffer.from(`${one}\n`.repeat(300_000));
    const started = performance.now();
    const out = transformCopyText(section, [0, 2, 4, 6, 8, 9], null);
    const elapsed = performance.now() - started;
    expect(out.subarray(0, out.indexOf(10)).toString()).toBe('value-0-abcdefgh\tvalue-2-abcdefgh\tvalue-4-abcdefgh\tvalue-6-abcdefgh\tvalue-8-abcdefgh\tvalue-9-abcdefgh');
    expect(out.length).toBe(300_000 * (6 * 16 + 6));
    expect(elapsed).toBeLessThan(4000);
  });
});

describe('canonical values', () => {
  it('normalises numbers', () => {
    expect(canonicalValue('N', '1.50')).toBe('1.5');
    expect(canonicalValue('B', '1.5')).toBe('1.5');
    expect(canonicalValue('N', '-0')).toBe('0');
    expect(canonicalValue('N', '-0.000')).toBe('0');
    expect(canonicalValue('I', '+007')).toBe('7');
    expect(canonicalValue('N', '.5')).toBe('0.5');
    expect(canonicalValue('Y', '100.00')).toBe('100');
    expect(canonicalValue('F', '1.5e3')).toBe('1500');
    expect(canonicalValue('F', '1e-7')).toBe('0.0000001');
    expect(canonicalValue('N', '12345678901234567890.123456789012345678')).toBe('12345678901234567890.123456789012345678');
    expect(canonicalValue('F', 'NaN')).toBe('NaN');
    expect(canonicalValue('N', 'abc')).toBe('abc');
  });

  it('normalises booleans, dates, timestamps and JSON; text is as is', () => {
    expect(canonicalValue('L', 'true')).toBe('t');
    expect(canonicalValue('L', '1')).toBe('t');
    expect(canonicalValue('L', 'F')).toBe('f');
    expect(canonicalValue('D', '2026-1-2')).toBe('2026-01-02');
    expect(canonicalValue('D', '20260102')).toBe('2026-01-02');
    expect(canonicalValue('D', '2026-01-01T16:00:00.000Z')).toBe('2026-01-02');
    expect(canonicalValue('T', '2026-01-02 03:04:05')).toBe('2026-01-01T19:04:05Z');
    expect(canonicalValue('T', '2026-01-02 03:04:05+08')).toBe('2026-01-01T19:04:05Z');
    expect(canonicalValue('T', '2026-01-02 03:04:05.120+08:00')).toBe('2026-01-01T19:04:05.12Z');
    expect(canonicalValue('T', '2026-01-01T19:04:05.000Z')).toBe('2026-01-01T19:04:05Z');
    expect(canonicalValue('T', '2026-01-01 19:04:05+00')).toBe('2026-01-01T19:04:05Z');
    expect(canonicalValue('G', '{"b": [1, {"d": 2, "c": 1}], "a": "x"}')).toBe('{"a":"x","b":[1,{"c":1,"d":2}]}');
    expect(canonicalValue('C', ' 1.50 ')).toBe(' 1.50 ');
    expect(canonicalValue('T', null)).toBeNull();
  });
});

describe('row checksum', () => {
  const types = ['C', 'N', 'T', 'L'];

  it('does not depend on row order, and agrees across renderings of the same values', () => {
    const a = createRowChecksum(types);
    a.add(['甲', '1.50', '2026-01-02 03:04:05', 'true']);
    a.add(['乙', null, null, null]);
    a.add(['丙\t丁', '-0', '2026-01-02 00:00:00+08', '0']);
    const b = createRowChecksum(types);
    b.addLine(line(['丙\t丁', '0', '2026-01-01T16:00:00Z', 'f']));
    b.addLine(line(['乙', null, null, null]));
    b.add(['甲', '1.5', '2026-01-01T19:04:05Z', 't']);
    expect(a.count).toBe(3);
    expect(b.count).toBe(3);
    expect(a.checksum()).toMatch(/^[0-9a-f]{16}$/);
    expect(b.checksum()).toBe(a.checksum());
  });

  it('differs when a value, a NULL or a row changes; empty is zero', () => {
    const sum = (rows: (string | null)[][]) => {
      const c = createRowChecksum(['C', 'C']);
      for (const r of rows) c.add(r);
      return c.checksum();
    };
    expect(sum([])).toBe('0000000000000000');
    const base = sum([['1', 'a'], ['2', 'b']]);
    expect(sum([['1', 'a'], ['2', 'c']])).not.toBe(base);
    expect(sum([['1', 'a'], ['2', null]])).not.toBe(sum([['1', 'a'], ['2', '']]));
    expect(sum([['1', 'a']])).not.toBe(base);
    expect(sum([['1', 'a\x1f2'], ['x', 'y']])).not.toBe(sum([['1', 'a'], ['2', 'x\x1fy']]));
    expect(() => createRowChecksum(['C']).add(['1', '2'])).toThrow();
  });

  it('wraps the sum modulo 2^64', () => {
    const c = createRowChecksum(['I']);
    for (let i = 0; i < 5000; i++) c.add([String(i)]);
    expect(c.checksum()).toMatch(/^[0-9a-f]{16}$/);
    // Same rows, reverse order.
    const d = createRowChecksum(['I']);
    for (let i = 4999; i >= 0; i--) d.add([String(i)]);
    expect(d.checksum()).toBe(c.checksum());
  });
});
