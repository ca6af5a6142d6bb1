/**
 * Streaming readers for load files (数据装载): CSV (RFC 4180, UTF-8 with optional BOM, CRLF or LF),
 * XLSX (first sheet, exceljs's streaming reader) and JSON lines. They never hold the file: each yields
 * batches of records as the bytes arrive, with the file's row numbers.
 */
import ExcelJS from 'exceljs';
import { Transform, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { LoadFormat } from './datastore.types.js';

export type { LoadFormat };

/** Records in file order: `cells[i]` belongs to header position i; `problems[i]` is a record that could not be read. */
export interface RecordBatch {
  rowNos: number[];
  cells: unknown[][];
  problems: (string | null)[];
}

/** Reports bytes read as they pass (for live progress). */
export type ByteCounter = (bytes: number) => void;

/** One record larger than this is refused instead of buffered without end. */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/**
 * CSV records. The first record is the header (row 1). Empty lines count as rows but yield a
 * single-null record, which the loader skips.
 */
export async function* csvRecords(source: Readable, onBytes: ByteCounter): AsyncGenerator<RecordBatch> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let first = true;
  const state = { rowNo: 0 };
  for await (const chunk of chunksOf(source)) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    onBytes(buffer.length);
    let text = decoder.write(buffer);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    text = carry.length > 0 ? carry + text : text;
    const batch: RecordBatch = { rowNos: [], cells: [], problems: [] };
    const consumed = parseCsv(text, false, batch, state);
    carry = consumed < text.length ? text.slice(consumed) : '';
    if (carry.length > MAX_RECORD_CHARS) throw new Error(`a CSV record after row ${state.rowNo} is larger than 64 MB (记录过大，可能缺少右引号)`);
    if (batch.rowNos.length > 0) yield batch;
  }
  let text = carry + decoder.end();
  if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length > 0) {
    const batch: RecordBatch = { rowNos: [], cells: [], problems: [] };
    parseCsv(text, true, batch, state);
    if (batch.rowNos.length > 0) yield batch;
  }
}

/**
 * Parses complete records from `text`; returns how many characters were consumed (the start of the
 * first incomplete record unless `final`).
 */
function parseCsv(text: string, final: boolean, out: RecordBatch, state: { rowNo: number }): number {
  const n = text.length;
  let pos = 0;
  let problem: string | null = null;
  while (pos < n) {
    const recordStart = pos;
    const fields: (string | null)[] = [];
    for (;;) {
      if (pos < n && text.charCodeAt(pos) === 34) {
        // Quoted field: "" is a quote; anything up to the closing quote, newlines included.
        let value = '';
        let i = pos + 1;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            if (!final) return recordStart;
            value += text.slice(i);
            problem = '引号未闭合';
            pos = n;
            break;
          }
          if (q + 1 >= n && !final) return recordStart;
          if (q + 1 < n && text.charCodeAt(q + 1) === 34) {
            value += text.slice(i, q + 1);
            i = q + 2;
            continue;
          }
          value += text.slice(i, q);
          pos = q + 1;
          break;
        }
        // Lenient: characters between the closing quote and the delimiter are kept.
        let j = pos;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          j++;
        }
        if (j >= n && !final) return recordStart;
        if (j > pos) value += text.slice(pos, j);
        pos = j;
        fields.push(value);
      } else {
        let i = pos;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 44 || c === 10 || c === 13) break;
          i++;
        }
        if (i >= n && !final) return recordStart;
        fields.push(i === pos ? null : text.slice(pos, i));
        pos = i;
      }
      if (pos >= n) break;
      const c = text.charCodeAt(pos);
      if (c === 44) {
        pos++;
        if (pos >= n && !final) return recordStart;
        continue;
      }
      if (c === 13) {
        if (pos + 1 >= n && !final) return recordStart;
        pos++;
        if (pos < n && text.charCodeAt(pos) === 10) pos++;
        break;
      }
      pos++; // \n
      break;
    }
    state.rowNo++;
    out.rowNos.push(state.rowNo);
    out.cells.push(fields);
    out.problems.push(problem);
    problem = null;
  }
  return pos;
}

/**
 * The stream's chunks; stopping early leaves the stream undestroyed so the caller can drain it (an
 * upload must be read to its end before the response).
 */
function chunksOf(source: Readable): AsyncIterable<Buffer> {
  return source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
}

/** Counts bytes as they pass to a reader that consumes the stream itself. */
function counting(source: Readable, onBytes: ByteCounter): Readable {
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
  source.on('error', (error) => tap.destroy(error));
  return source.pipe(tap);
}

/** JSON lines: one object per line keyed by item names (line 1 = row 1); `header` fixes the cell positions. */
export async function* jsonlRecords(source: Readable, onBytes: ByteCounter, header: string[]): AsyncGenerator<RecordBatch> {
  const position = new Map(header.map((item, i) => [item, i]));
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let rowNo = 0;
  let first = true;
  const take = (line: string, batch: RecordBatch) => {
    rowNo++;
    const trimmed = line.trim();
    if (trimmed === '') return;
    const cells: unknown[] = new Array(header.length).fill(null);
    let problem: string | null = null;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) problem = '每行应为一个 JSON 对象';
      else {
        const unknown: string[] = [];
        for (const [key, cell] of Object.entries(value as Record<string, unknown>)) {
          const i = position.get(key);
          if (i === undefined) unknown.push(key);
          else cells[i] = cell;
        }
        if (unknown.length > 0) problem = `未知数据项：${unknown.join('、')}`;
      }
    } catch {
      problem = '不是有效的 JSON';
    }
    batch.rowNos.push(rowNo);
    batch.cells.push(cells);
    batch.problems.push(problem);
  };
  for await (const chunk of chunksOf(source)) {
    onBytes(chunk.length);
    let text = decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    text = carry + text;
    const batch: RecordBatch = { rowNos: [], cells: [], problems: [] };
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl), batch);
      start = nl + 1;
    }
    carry = text.slice(start);
    if (carry.length > MAX_RECORD_CHARS) throw new Error(`a JSON line after row ${rowNo} is larger than 64 MB (单行过大)`);
    if (batch.rowNos.length > 0) yield batch;
  }
  const rest = carry + decoder.end();
  if (rest.trim() !== '') {
    const batch: RecordBatch = { rowNos: [], cells: [], problems: [] };
    take(rest, batch);
    yield batch;
  }
}

/** A spreadsheet cell as a plain value: rich text joined, formulas by their result, links by their text. */
function cellValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || value instanceof Date) return value;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText)) return (v.richText as { text: string }[]).map((r) => r.text).join('');
  if ('result' in v) return cellValue(v.result);
  if ('formula' in v || 'sharedFormula' in v) return null;
  if ('text' in v) return cellValue(v.text);
  if ('error' in v) return null;
  return null;
}

/** XLSX, first worksheet only; the first row is the header. Row numbers are the sheet's. */
export async function* xlsxRecords(source: Readable, onBytes: ByteCounter): AsyncGenerator<RecordBatch> {
  const input = counting(source, onBytes);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'emit' });
  let batch: RecordBatch = { rowNos: [], cells: [], problems: [] };
  try {
    for await (const worksheet of reader) {
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as unknown[];
        const cells: unknown[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellValue(values[i]));
        batch.rowNos.push(row.number);
        batch.cells.push(cells);
        batch.problems.push(null);
        if (batch.rowNos.length >= 1000) {
          yield batch;
          batch = { rowNos: [], cells: [], problems: [] };
        }
      }
      break; // the first sheet only
    }
    if (batch.rowNos.length > 0) yield batch;
  } finally {
    // Whatever follows the first sheet is read and discarded so the upload completes.
    input.resume();
  }
}
