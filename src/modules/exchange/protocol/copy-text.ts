/**
 * COPY text in the exchange protocol: column projection with masking (a delivery carries only the granted
 * items, masked as the grant says), and the canonical row checksum used by reconciliation (对账), which must
 * agree whether a value was read from PostgreSQL, MySQL or a CSV file. Import-free of the database and HTTP.
 */
import { createHash } from 'node:crypto';
import { copyText, unescapeCopy, splitCopyLine } from '../../../platform/db/copy-text.js';

export { copyText, splitCopyLine, unescapeCopy, copyLinesOf, iterateCopyLines } from '../../../platform/db/copy-text.js';

/** Rewrites one unescaped value; returning null writes NULL (e.g. masking kind 'hide'). */
export type CopyMask = ((value: string) => string | null) | null;

const TAB = 9;
const NL = 10;

/**
 * Projects every line of a COPY text section onto `keep` (source field indexes, in output order); `masks[i]`,
 * when set, rewrites output column i (applied to the unescaped value, re-escaped; NULL stays NULL, a mask
 * returning null writes NULL).
 * Works on bytes: unmasked fields are copied without being decoded. A line with too few fields throws.
 */
export function transformCopyText(section: Buffer, keep: number[], masks: CopyMask[] | null): Buffer {
  const n = section.length;
  if (n === 0) return Buffer.alloc(0);
  const width = keep.length;
  const maskOf: CopyMask[] = keep.map((_, i) => masks?.[i] ?? null);
  const anyMask = maskOf.some((m) => m !== null);
  // Output segments: runs of unmasked columns whose source fields are adjacent and in order are copied as one
  // slice (the common case of dropping a few columns); a masked column is a segment of its own.
  const segFirst: number[] = [];
  const segLast: number[] = [];
  const segMask: CopyMask[] = [];
  for (let i = 0; i < width; i++) {
    const g = segFirst.length - 1;
    if (maskOf[i] === null && g >= 0 && segMask[g] === null && segLast[g] === keep[i]! - 1) segLast[g] = keep[i]!;
    else {
      segFirst.push(keep[i]!);
      segLast.push(keep[i]!);
      segMask.push(maskOf[i]!);
    }
  }
  const segCount = segFirst.length;
  let maxField = -1;
  for (const k of keep) if (k > maxField) maxField = k;
  const distinct = new Set(keep).size === keep.length;
  // Without masks or repeated columns the output is never longer than the input (+ a final newline).
  // Everything below stays in locals (no closures) so V8 keeps the byte loops tight.
  let out = Buffer.allocUnsafe(!anyMask && distinct ? n + 1 : Math.ceil(n * 1.25) + 1024);
  let o = 0;
  const starts = new Int32Array(maxField + 2);
  const ends = new Int32Array(maxField + 2);
  let line = 0;
  let p = 0;
  while (p < n) {
    let eol = section.indexOf(NL, p);
    if (eol < 0) eol = n;
    // Boundaries of the fields up to the last one kept; the rest of the line is never looked at.
    let f = 0;
    starts[0] = p;
    let q = p;
    for (; q < eol && f <= maxField; q++) {
      if (section[q] === TAB) {
        ends[f] = q;
        f++;
        starts[f] = q + 1;
      }
    }
    if (f <= maxField) {
      ends[f] = eol;
      if (f < maxField) throw new Error(`COPY line ${line + 1} has ${f + 1} fields, column ${maxField + 1} expected`);
    }
    // Worst case for this line: every kept field whole, plus separators (masks may grow values).
    const need = o + (eol - p) * (distinct ? 1 : width) + width + 1;
    if (need > out.length) {
      const grown = Buffer.allocUnsafe(Math.max(out.length * 2, need + 1024));
      out.copy(grown, 0, 0, o);
      out = grown;
    }
    for (let g = 0; g < segCount; g++) {
      if (g > 0) out[o++] = TAB;
      const mask = segMask[g];
      if (mask) {
        const src = segFirst[g]!;
        const value = unescapeCopy(section.toString('utf8', starts[src]!, ends[src]!));
        const text = value === null ? '\\N' : copyText(mask(value));
        const bytes = Buffer.byteLength(text, 'utf8');
        if (o + bytes + (eol - p) + width + 1 > out.length) {
          const grown = Buffer.allocUnsafe(Math.max(out.length * 2, o + bytes + (eol - p) + width + 1024));
          out.copy(grown, 0, 0, o);
          out = grown;
        }
        o += out.write(text, o, 'utf8');
        continue;
      }
      // A run of adjacent source fields is one slice, tabs included.
      const a = starts[segFirst[g]!]!;
      const b = ends[segLast[g]!]!;
      if (b - a < 48) {
        for (let k = a; k < b; k++) out[o++] = section[k]!;
      } else {
        o += section.copy(out, o, a, b);
      }
    }
    out[o++] = NL;
    line++;
    p = eol + 1;
  }
  return out.subarray(0, o);
}

// ---------------------------------------------------------------------------------------------------------
// Canonical values (reconciliation): the same value reads the same from PostgreSQL, MySQL and CSV.

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A decimal as plain text: no exponent, no leading/trailing zeros, no '+', '-0' → '0'. */
function canonicalDecimal(text: string, float: boolean): string {
  const s = text.trim();
  const lower = s.toLowerCase();
  if (lower === 'nan') return 'NaN';
  if (/^\+?(inf|infinity)$/.test(lower)) return 'Infinity';
  if (/^-(inf|infinity)$/.test(lower)) return '-Infinity';
  let v = s;
  if (float) {
    // Doubles: the shortest round-trip rendering (what PostgreSQL 12+ and JavaScript print).
    const num = Number(s);
    if (s !== '' && Number.isFinite(num)) v = String(num);
  }
  const m = NUMBER.exec(v);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return s;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (Math.abs(exp) > 4000) return s;
  let digits = m[2]! + (m[3] ?? '');
  let point = m[2]!.length + exp;
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === 48) lead++;
  digits = digits.slice(lead);
  point -= lead;
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  if (digits === '') return '0';
  let body: string;
  if (point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) body = digits + '0'.repeat(point - digits.length);
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return m[1] === '-' ? `-${body}` : body;
}

const TRUE_WORDS = new Set(['t', 'true', '1', 'y', 'yes', 'on', '是']);
const FALSE_WORDS = new Set(['f', 'false', '0', 'n', 'no', 'off', '否']);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const CST_OFFSET_S = 8 * 3600;
const DATETIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/i;

function offsetSeconds(zone: string | undefined): number {
  if (zone === undefined) return CST_OFFSET_S; // no zone: China Standard Time
  const z = zone.toUpperCase();
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 0;
  const digits = z.slice(1).replace(/:/g, '');
  const seconds = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60 + Number(digits.slice(4, 6) || 0);
  return z[0] === '-' ? -seconds : seconds;
}

function parseInstant(text: string): { ms: number; fraction: string } | null {
  const m = DATETIME.exec(text.trim());
  if (!m) return null;
  const date = new Date(0);
  date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  date.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), 0);
  const ms = date.getTime() - offsetSeconds(m[8]) * 1000;
  if (Number.isNaN(ms)) return null;
  return { ms, fraction: (m[7] ?? '').replace(/0+$/, '') };
}

function isoDate(d: Date): string {
  const y = d.getUTCFullYear();
  return `${pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function canonicalTimestamp(text: string): string {
  const parsed = parseInstant(text);
  if (!parsed) return text;
  const d = new Date(parsed.ms);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${isoDate(d)}T${time}${parsed.fraction ? `.${parsed.fraction}` : ''}Z`;
}

function canonicalDate(text: string): string {
  const s = text.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  const parsed = parseInstant(s);
  if (!parsed) return s;
  // The CST calendar day of the instant: for text without a zone that is its own wall date; a zoned instant
  // (a date that travelled as a timestamp, e.g. midnight CST printed in UTC) lands on the right day too.
  return isoDate(new Date(parsed.ms + CST_OFFSET_S * 1000));
}

function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortedJson((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * The canonical text of a value of item type `dataType` (数据类型 letter): C/M as is; N/Y/B/F/I a plain
 * decimal ('1.50' → '1.5'); L 't'/'f'; D 'YYYY-MM-DD'; T an ISO instant in UTC (no zone = CST);
 * G JSON with sorted keys. Text that does not parse is returned unchanged (it then simply mismatches).
 */
export function canonicalValue(dataType: string, text: string | null): string | null {
  if (text === null) return null;
  switch (dataType) {
    case 'N':
    case 'Y':
    case 'I':
      return canonicalDecimal(text, false);
    case 'B':
    case 'F':
      return canonicalDecimal(text, true);
    case 'L': {
      const lower = text.trim().toLowerCase();
      if (TRUE_WORDS.has(lower)) return 't';
      if (FALSE_WORDS.has(lower)) return 'f';
      return text;
    }
    case 'D':
      return canonicalDate(text);
    case 'T':
      return canonicalTimestamp(text);
    case 'G':
      try {
        return JSON.stringify(sortedJson(JSON.parse(text)));
      } catch {
        return text;
      }
    default:
      return text;
  }
}

export interface RowChecksum {
  /** One row's values (unescaped text or null), in the checksum's column order. */
  add(fields: (string | null)[]): void;
  /** One COPY text line (without its newline). */
  addLine(line: string): void;
  readonly count: number;
  /** 16 lowercase hex digits. */
  checksum(): string;
}

const TWO_32 = 0x1_0000_0000;

/**
 * An order-independent checksum of a set of rows: the sum mod 2^64 of the first 8 bytes (big-endian) of
 * md5(canonical fields joined by U+001F, NULL as U+0000). Both sides of a reconciliation use this.
 */
export function createRowChecksum(dataTypes: string[]): RowChecksum {
  let hi = 0;
  let lo = 0;
  let count = 0;
  const width = dataTypes.length;
  const add = (fields: (string | null)[]) => {
    if (fields.length !== width) throw new Error(`row has ${fields.length} fields, ${width} expected`);
    let joined = '';
    for (let i = 0; i < width; i++) {
      if (i > 0) joined += '\x1f';
      const value = canonicalValue(dataTypes[i]!, fields[i]!);
      joined += value === null ? '\x00' : value;
    }
    const digest = createHash('md5').update(joined, 'utf8').digest();
    lo += digest.readUInt32BE(4);
    let carry = 0;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      carry = 1;
    }
    hi = (hi + digest.readUInt32BE(0) + carry) % TWO_32;
    count++;
  };
  return {
    add,
    addLine(line: string) {
      add(splitCopyLine(line).map(unescapeCopy));
    },
    get count() {
      return count;
    },
    checksum() {
      return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
    },
  };
}
