/**
 * The fast path for CSV loads on PostgreSQL: parses the CSV bytes and writes COPY text bytes without
 * building a string per cell. Cells in the common canonical forms (digits, `yyyy-mm-dd`, `true`, text
 * that fits) are checked on the bytes and copied through; anything else is decoded and handed to the
 * column's ordinary converter, so both paths accept the same values and give the same results.
 */
import type { Readable } from 'node:stream';
import type { DatastoreColumn } from './datastore-schema.js';
import { converterFor, copyText, isCitizenIdItem, isUsccItem, type Converter } from './value-converters.js';

/** What the loader decides once the header is known. */
export interface CsvCopyPlan {
  /** Per header position: the file's column. */
  fileColumns: DatastoreColumn[];
  /** Per staging column: the header position feeding it, or -1 (NULL). */
  sources: number[];
  keyItems: string[];
  /** Sends COPY bytes (awaits backpressure); not called once the load has failed. */
  write(chunk: Buffer): Promise<void>;
}

export interface CsvCopyHooks {
  onBytes(n: number): void;
  /** Validates the header and prepares staging; throws to refuse the file. */
  begin(header: string[]): Promise<CsvCopyPlan>;
  /** A failing cell or row (row numbers are the file's; header = 1). */
  fail(row: number, item: string | null, message: string): void;
  /** Counters shared with the console's progress view. */
  progress: { totalRows: number; failed: number };
  /** Called once, at the first failing row: stop sending to COPY. */
  onFirstFailure(): Promise<void>;
}

const enum Kind { Text, Memo, Date, Timestamp, Integer, Money, Numeric, Double, Boolean, Other }

const KINDS: Record<string, Kind> = { C: Kind.Text, M: Kind.Memo, D: Kind.Date, T: Kind.Timestamp, I: Kind.Integer, Y: Kind.Money, N: Kind.Numeric, B: Kind.Double, F: Kind.Double, L: Kind.Boolean };

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const BACKSLASH = 92;
const TAB = 9;
const OUT_SIZE = 1 << 20;
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

const isDigit = (b: number) => b >= 48 && b <= 57;

function realDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

const num2 = (b: Buffer, i: number) => (b[i]! - 48) * 10 + (b[i + 1]! - 48);

/** dddd-dd-dd at i (length already checked), a real date. */
function isIsoDate(b: Buffer, i: number): boolean {
  for (const k of [0, 1, 2, 3, 5, 6, 8, 9]) if (!isDigit(b[i + k]!)) return false;
  if (b[i + 4] !== 45 || b[i + 7] !== 45) return false;
  return realDate(num2(b, i) * 100 + num2(b, i + 2), num2(b, i + 5), num2(b, i + 8));
}

/** hh:mm or hh:mm:ss at i (n = 5 or 8). */
function isClock(b: Buffer, i: number, n: number): boolean {
  if (!isDigit(b[i]!) || !isDigit(b[i + 1]!) || b[i + 2] !== 58 || !isDigit(b[i + 3]!) || !isDigit(b[i + 4]!)) return false;
  if (num2(b, i) > 23 || num2(b, i + 3) > 59) return false;
  if (n === 5) return true;
  return b[i + 5] === 58 && isDigit(b[i + 6]!) && isDigit(b[i + 7]!) && num2(b, i + 6) <= 59;
}

/**
 * [+-]?digits(.digits)? → [significant whole digits, fraction digits], or null. Leading zeros of the
 * whole part do not count (as in the text converter).
 */
function decimalShape(b: Buffer, s: number, e: number): [number, number] | null {
  let i = s;
  if (b[i] === 43 || b[i] === 45) i++;
  const wholeStart = i;
  while (i < e && isDigit(b[i]!)) i++;
  const wholeEnd = i;
  if (wholeEnd === wholeStart) return null;
  let fraction = 0;
  if (i < e) {
    if (b[i] !== 46) return null;
    i++;
    const f = i;
    while (i < e && isDigit(b[i]!)) i++;
    if (i !== e) return null;
    fraction = e - f;
  }
  let lead = wholeStart;
  while (lead < wholeEnd && b[lead] === 48) lead++;
  return [wholeEnd - lead, fraction];
}

/** Streams a CSV into COPY; returns when the input ends. Rows after the first failure are checked but not sent. */
export async function csvToCopy(source: Readable, hooks: CsvCopyHooks): Promise<void> {
  const { progress } = hooks;
  let plan: CsvCopyPlan | null = null;
  let header: string[] = [];
  let width = 0;
  let kinds: Kind[] = [];
  let converters: Converter[] = [];
  let maxLen: number[] = [];
  let numLen: number[] = [];
  let keyPos: boolean[] = [];
  let sources: number[] = [];
  let failed = false;

  let out = Buffer.allocUnsafe(OUT_SIZE);
  let outPos = 0;
  let pending: Buffer[] = [];
  const ensure = (n: number) => {
    if (outPos + n <= out.length) return;
    if (outPos > 0) pending.push(out.subarray(0, outPos));
    out = Buffer.allocUnsafe(Math.max(OUT_SIZE, n));
    outPos = 0;
  };
  const writeAscii = (text: string) => {
    ensure(text.length * 3);
    outPos += out.write(text, outPos, 'utf8');
  };
  /** Raw cell bytes, escaped for COPY text. */
  const writeRaw = (b: Buffer, s: number, e: number) => {
    ensure((e - s) * 2);
    let p = outPos;
    for (let i = s; i < e; i++) {
      const c = b[i]!;
      if (c === BACKSLASH) { out[p++] = BACKSLASH; out[p++] = BACKSLASH; }
      else if (c === LF) { out[p++] = BACKSLASH; out[p++] = 110; }
      else if (c === CR) { out[p++] = BACKSLASH; out[p++] = 114; }
      else if (c === TAB) { out[p++] = BACKSLASH; out[p++] = 116; }
      else out[p++] = c;
    }
    outPos = p;
  };

  // Field boundaries of the current record.
  let starts = new Int32Array(64);
  let ends = new Int32Array(64);
  let flags = new Uint8Array(64); // 0 plain, 1 quoted (no escapes), 2 needs decoding (texts[i])
  let texts: (string | null)[] = new Array(64).fill(null);
  let rowNo = 0;
  let unterminated = false;

  const cellText = (b: Buffer, j: number): string => (flags[j] === 2 ? texts[j]! : b.toString('utf8', starts[j]!, ends[j]!));

  const takeHeader = async (b: Buffer, count: number) => {
    const names = [];
    for (let j = 0; j < count; j++) names.push(cellText(b, j).trim());
    while (names.length > 0 && names[names.length - 1] === '') names.pop();
    if (names.length === 0) return;
    header = names;
    plan = await hooks.begin(header);
    width = header.length;
    kinds = plan.fileColumns.map((c) => (isCitizenIdItem(c.item) || isUsccItem(c.item) ? Kind.Other : KINDS[c.dataType] ?? Kind.Other));
    converters = plan.fileColumns.map((c) => converterFor(c));
    maxLen = plan.fileColumns.map((c) => (c.dataType === 'C' && c.length !== null && c.length > 0 ? c.length : Infinity));
    numLen = plan.fileColumns.map((c) => (c.dataType === 'N' && c.length !== null && c.length > 0 ? c.length : Infinity));
    keyPos = plan.fileColumns.map((c) => plan!.keyItems.includes(c.item));
    sources = plan.sources;
  };

  /** Checks one cell and writes it; false when it failed (reported). */
  const writeCell = (b: Buffer, j: number): boolean => {
    const s = starts[j]!;
    const e = ends[j]!;
    const flag = flags[j]!;
    if (flag !== 2 && s === e) {
      if (keyPos[j]) { hooks.fail(rowNo, header[j]!, '主键数据项不能为空'); return false; }
      ensure(2);
      out[outPos++] = BACKSLASH;
      out[outPos++] = 78;
      return true;
    }
    if (flag !== 2) {
      const n = e - s;
      switch (kinds[j]) {
        case Kind.Memo:
          writeRaw(b, s, e);
          return true;
        case Kind.Text:
          if (n <= maxLen[j]!) { writeRaw(b, s, e); return true; }
          break;
        case Kind.Date:
          if (n === 10 && isIsoDate(b, s)) { writeRaw(b, s, e); return true; }
          break;
        case Kind.Timestamp:
          if ((n === 19 || n === 16) && isIsoDate(b, s) && (b[s + 10] === 32 || b[s + 10] === 84) && isClock(b, s + 11, n - 11)) {
            ensure(n + 12);
            b.copy(out, outPos, s, e);
            out[outPos + 10] = 32;
            outPos += n;
            outPos += out.write(n === 16 ? ':00+08:00' : '+08:00', outPos, 'latin1');
            return true;
          }
          break;
        case Kind.Integer: {
          let i = s;
          if (b[i] === 43 || b[i] === 45) i++;
          if (i < e && e - i <= 18) {
            while (i < e && isDigit(b[i]!)) i++;
            if (i === e) { writeRaw(b, s, e); return true; }
          }
          break;
        }
        case Kind.Money: {
          const shape = decimalShape(b, s, e);
          if (shape && shape[1] <= 2 && shape[0] <= 16) { writeRaw(b, s, e); return true; }
          break;
        }
        case Kind.Numeric: {
          const shape = decimalShape(b, s, e);
          if (shape && shape[0] + shape[1] <= numLen[j]!) { writeRaw(b, s, e); return true; }
          break;
        }
        case Kind.Double:
          if (decimalShape(b, s, e)) { writeRaw(b, s, e); return true; }
          break;
        case Kind.Boolean:
          if (n === 4 && b[s] === 116 && b[s + 1] === 114 && b[s + 2] === 117 && b[s + 3] === 101) { writeAscii('t'); return true; }
          if (n === 5 && b[s] === 102 && b[s + 1] === 97 && b[s + 2] === 108 && b[s + 3] === 115 && b[s + 4] === 101) { writeAscii('f'); return true; }
          if (n === 1 && (b[s] === 49 || b[s] === 48)) { writeAscii(b[s] === 49 ? 't' : 'f'); return true; }
          break;
        default:
          break;
      }
    }
    // The general path: the column's converter on the decoded cell.
    const value = converters[j]!(cellText(b, j));
    if (value === null) {
      if (keyPos[j]) { hooks.fail(rowNo, header[j]!, '主键数据项不能为空'); return false; }
      writeAscii('\\N');
      return true;
    }
    if (typeof value === 'object') { hooks.fail(rowNo, header[j]!, value.message); return false; }
    writeAscii(copyText(value));
    return true;
  };

  const takeRow = (b: Buffer, count: number) => {
    if (count === 1 && flags[0] === 0 && starts[0] === ends[0] && width > 1) return; // blank line
    progress.totalRows++;
    const rowStart = outPos;
    const rowBuffer = out;
    let ok = true;
    if (count > width) {
      for (let j = width; j < count; j++) {
        if (flags[j] === 2 || starts[j] !== ends[j]) {
          hooks.fail(rowNo, null, `字段数 ${count} 多于表头的 ${width} 列`);
          ok = false;
          break;
        }
      }
    }
    for (let j = count; j < width; j++) { starts[j] = 0; ends[j] = 0; flags[j] = 0; }
    for (let k = 0; k < sources.length; k++) {
      if (k > 0) { ensure(1); out[outPos++] = TAB; }
      const j = sources[k]!;
      if (j < 0) { ensure(2); out[outPos++] = BACKSLASH; out[outPos++] = 78; continue; }
      if (!writeCell(b, j)) ok = false;
    }
    // Key cells not in the staging order (none: keys are always file columns) — and cells not sent still get checked.
    if (ok) {
      writeAscii(`\t${rowNo}\n`);
      if (failed) outPos = out === rowBuffer ? rowStart : 0;
    } else {
      progress.failed++;
      if (out === rowBuffer) outPos = rowStart;
      else { pending = []; outPos = 0; }
    }
  };

  let carry: Buffer | null = null;
  let first = true;
  for await (const raw of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer | string>) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    hooks.onBytes(chunk.length);
    let b: Buffer = carry && carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    if (first) {
      if (b.length < 3 && b.length > 0 && b[0] === 0xef) { carry = b; continue; }
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
      first = false;
    }
    const consumed = await parse(b, false);
    carry = consumed < b.length ? b.subarray(consumed) : null;
    if (carry && carry.length > MAX_RECORD_BYTES) throw new Error(`a CSV record after row ${rowNo} is larger than 64 MB (记录过大，可能缺少右引号)`);
    await send();
  }
  if (carry && carry.length > 0) {
    let b = carry;
    if (first && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    await parse(b, true);
  }
  if (plan === null) {
    // Still no header: let the loader say the file is empty.
    await hooks.begin([]);
  }
  await send();

  async function send(): Promise<void> {
    if (failed || !plan) {
      pending = [];
      outPos = 0;
      return;
    }
    if (progress.failed > 0) {
      failed = true;
      pending = [];
      outPos = 0;
      await hooks.onFirstFailure();
      return;
    }
    if (outPos > 0) {
      pending.push(out.subarray(0, outPos));
      out = Buffer.allocUnsafe(OUT_SIZE);
      outPos = 0;
    }
    const chunks = pending;
    pending = [];
    for (const c of chunks) await plan.write(c);
  }

  /** Parses complete records of `b`; returns the bytes consumed. */
  async function parse(b: Buffer, final: boolean): Promise<number> {
    const n = b.length;
    let pos = 0;
    while (pos < n) {
      const recordStart = pos;
      let count = 0;
      for (;;) {
        if (count === starts.length) {
          const grow = starts.length * 2;
          const s2 = new Int32Array(grow); s2.set(starts); starts = s2;
          const e2 = new Int32Array(grow); e2.set(ends); ends = e2;
          const f2 = new Uint8Array(grow); f2.set(flags); flags = f2;
          texts.length = grow;
        }
        if (pos < n && b[pos] === QUOTE) {
          let i = pos + 1;
          let escaped = false;
          let close = -1;
          for (;;) {
            const q = b.indexOf(QUOTE, i);
            if (q === -1) break;
            if (q + 1 >= n && !final) break;
            if (q + 1 < n && b[q + 1] === QUOTE) { escaped = true; i = q + 2; continue; }
            close = q;
            break;
          }
          if (close === -1) {
            if (!final) return recordStart;
            close = n; // unterminated: the rest of the file, reported as a failing row
            unterminated = true;
          }
          let j = close + 1;
          while (j < n) {
            const c = b[j]!;
            if (c === COMMA || c === LF || c === CR) break;
            j++;
          }
          if (j >= n && !final) return recordStart;
          if (escaped || j > close + 1 || close === n) {
            let text = b.toString('utf8', pos + 1, Math.min(close, n));
            if (escaped) text = text.replace(/""/g, '"');
            if (j > close + 1) text += b.toString('utf8', close + 1, j);
            flags[count] = 2;
            texts[count] = text;
            starts[count] = 0;
            ends[count] = 0;
          } else {
            flags[count] = 1;
            starts[count] = pos + 1;
            ends[count] = close;
          }
          count++;
          pos = j;
        } else {
          let i = pos;
          while (i < n) {
            const c = b[i]!;
            if (c === COMMA || c === LF || c === CR) break;
            i++;
          }
          if (i >= n && !final) return recordStart;
          flags[count] = 0;
          starts[count] = pos;
          ends[count] = i;
          count++;
          pos = i;
        }
        if (pos >= n) break;
        const c = b[pos]!;
        if (c === COMMA) {
          pos++;
          if (pos >= n && !final) return recordStart;
          continue;
        }
        if (c === CR) {
          if (pos + 1 >= n && !final) return recordStart;
          pos++;
          if (pos < n && b[pos] === LF) pos++;
          break;
        }
        pos++; // LF
        break;
      }
      if (pos >= n && !final && b[n - 1] !== LF && b[n - 1] !== CR) return recordStart;
      rowNo++;
      if (plan === null) await takeHeader(b, count);
      else if (unterminated) {
        progress.totalRows++;
        progress.failed++;
        hooks.fail(rowNo, null, '引号未闭合');
      } else takeRow(b, count);
    }
    return pos;
  }
}
