/**
 * RFC 4180 CSV for the CSV directory connector: a streaming parser (quoted fields may hold commas, quotes and
 * line breaks; a UTF-8 BOM is skipped; an unquoted empty cell is NULL, a quoted empty cell `""` is the empty
 * string) and the matching writer, plus atomic file writes (tmp + fsync + rename + directory fsync).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export type CsvRecord = (string | null)[];

/** Parses CSV text fed in pieces; `push` returns the records completed so far. */
export class CsvParser {
  private field = '';
  private quoted = false;
  private inQuotes = false;
  private quotePending = false;
  private record: CsvRecord = [];
  private started = false;
  private sawAnything = false;

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let s = text;
    if (!this.started && s.length > 0) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // the quote closed the field; fall through to handle ch
        } else if (ch === '"') {
          this.quotePending = true;
          continue;
        } else {
          this.field += ch;
          continue;
        }
      }
      if (ch === ',') this.endField();
      else if (ch === '\n') this.endRecord(out);
      else if (ch === '\r') {
        // CRLF or a lone CR both end the record; the LF of a CRLF then ends an empty record, which is skipped.
        this.endRecord(out);
      } else if (ch === '"' && this.field === '' && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
        this.sawAnything = true;
      } else {
        this.field += ch;
        this.sawAnything = true;
      }
    }
    return out;
  }

  /** Ends the input; returns the last record if the text did not end with a line break. */
  end(): CsvRecord[] {
    if (this.inQuotes && !this.quotePending) throw new Error('CSV 文件在引号内意外结束');
    this.inQuotes = false;
    this.quotePending = false;
    const out: CsvRecord[] = [];
    this.endRecord(out);
    return out;
  }

  private endField(): void {
    this.record.push(this.field === '' && !this.quoted ? null : this.field);
    this.field = '';
    this.quoted = false;
    this.sawAnything = true;
  }

  private endRecord(out: CsvRecord[]): void {
    if (!this.sawAnything && this.record.length === 0 && this.field === '') return; // blank line
    this.endField();
    out.push(this.record);
    this.record = [];
    this.sawAnything = false;
  }
}

/** The records of a CSV file, streamed. */
export async function* readCsv(path: string): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser();
  for await (const piece of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    for (const record of parser.push(piece as string)) yield record;
  }
  for (const record of parser.end()) yield record;
}

/** One CSV field: quoted when it holds a comma, quote or line break, or is empty (NULL is an empty cell). */
export function csvField(value: string | null): string {
  if (value === null) return '';
  if (value === '' || /[",\r\n]/.test(value) || value.trim() !== value) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

export const csvLine = (values: (string | null)[]) => `${values.map(csvField).join(',')}\r\n`;

/** Writes `data` to `path` atomically: a temp file beside it, fsynced, renamed over, directory fsynced. */
export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(tmp, path);
  await syncDir(dirname(path));
}

/** Appends a line and fsyncs it (the ledger of a CSV target). */
export async function appendDurable(path: string, line: string): Promise<void> {
  const handle = await open(path, 'a');
  try {
    await handle.writeFile(line);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  }
}
