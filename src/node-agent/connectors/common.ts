/**
 * Helpers shared by the connectors: identifier quoting (identifiers come from the platform's task config,
 * never trusted as SQL), line splitting of COPY text streams, and cutting the helper fields (key, soft-delete
 * flag, watermark) that an extract query appends after the batch columns.
 */
import type { ExtractChunk, ExtractPlan } from './types.js';

/** The parts of `schema.table` (or `table`); empty parts and more than two parts are refused. */
function identifierParts(name: string, what: string): string[] {
  const parts = name.trim().split('.');
  if (parts.length > 2 || parts.some((p) => p.trim() === '')) throw new Error(`${what}名称无效：${name}`);
  return parts.map((p) => p.trim());
}

function checkIdentifier(part: string): void {
  // NUL cannot be sent; the rest is made harmless by quoting.
  if (part.includes('\0')) throw new Error(`标识符包含非法字符：${part}`);
}

/** PostgreSQL identifier: "x" with embedded quotes doubled. */
export function pgIdent(name: string): string {
  checkIdentifier(name);
  return `"${name.replace(/"/g, '""')}"`;
}

/** PostgreSQL table name, optionally schema-qualified. */
export function pgTable(name: string): string {
  return identifierParts(name, '表').map(pgIdent).join('.');
}

/** MySQL identifier: `x` with embedded backticks doubled. */
export function myIdent(name: string): string {
  checkIdentifier(name);
  return `\`${name.replace(/`/g, '``')}\``;
}

/** MySQL table name, optionally database-qualified. */
export function myTable(name: string): string {
  return identifierParts(name, '表').map(myIdent).join('.');
}

/** A user query used as a derived table: trailing semicolons dropped (they would end the statement). */
export function subquery(query: string): string {
  const q = query.trim().replace(/;+\s*$/, '');
  if (q === '') throw new Error('查询语句为空');
  return `(${q}) q`;
}

/** The FROM target of a plan: the quoted table, or the wrapped query. */
export function fromOf(plan: Pick<ExtractPlan, 'table' | 'query'>, quoteTable: (t: string) => string): string {
  if (plan.query && plan.query.trim() !== '') return subquery(plan.query);
  if (plan.table && plan.table.trim() !== '') return quoteTable(plan.table);
  throw new Error('抽取任务未配置表名或查询语句');
}

/**
 * Layout of the fields an extract query returns: the batch columns, then the extras, each appended only when
 * needed — key columns not among the batch columns, the soft-delete flag, the watermark (always last).
 */
export interface ExtraLayout {
  /** Per key column: index among the batch columns, or -(1 + index among the extras). */
  keyAt: number[];
  /** Key columns that must be appended. */
  extraKeys: string[];
  softDelete: boolean;
  watermark: boolean;
  extraCount: number;
}

export function extraLayout(plan: ExtractPlan): ExtraLayout {
  const extraKeys: string[] = [];
  const keyAt = plan.keyColumns.map((k) => {
    const i = plan.columns.indexOf(k);
    if (i >= 0) return i;
    extraKeys.push(k);
    return -extraKeys.length;
  });
  const softDelete = plan.softDeleteColumn !== null && plan.softDeleteColumn !== '';
  const watermark = plan.mode === 'incremental' && plan.watermarkColumn !== null && plan.watermarkColumn !== '';
  return { keyAt, extraKeys, softDelete, watermark, extraCount: extraKeys.length + (softDelete ? 1 : 0) + (watermark ? 1 : 0) };
}

/** Position of the start of the n-th field counted from the end (n ≥ 1), i.e. just after the n-th tab from the end. */
function cutFromEnd(line: string, n: number): number {
  let p = line.length;
  for (let i = 0; i < n; i++) {
    p = line.lastIndexOf('\t', p - 1);
    if (p < 0) throw new Error('COPY 行的字段数少于预期');
  }
  return p;
}

/** The escaped field `index` of a COPY line, found by scanning tabs (no split of the whole line). */
export function fieldAt(line: string, index: number): string {
  let start = 0;
  for (let i = 0; i < index; i++) {
    start = line.indexOf('\t', start) + 1;
    if (start === 0) throw new Error('COPY 行的字段数少于预期');
  }
  const end = line.indexOf('\t', start);
  return end < 0 ? line.slice(start) : line.slice(start, end);
}

export interface CutLine {
  /** The batch columns only. */
  line: string;
  /** Key fields joined by tab (a delete / key line), or '' when not requested. */
  key: string;
  deleted: boolean;
  /** The watermark field, still escaped. */
  watermark: string | null;
}

/** Splits one extracted line into the batch part and its extras, per `layout`. */
export function cutLine(raw: string, layout: ExtraLayout, wantKey: boolean): CutLine {
  let line = raw;
  let extras: string[] = [];
  if (layout.extraCount > 0) {
    const p = cutFromEnd(raw, layout.extraCount);
    line = raw.slice(0, p);
    extras = raw.slice(p + 1).split('\t');
  }
  let key = '';
  if (wantKey) {
    if (layout.keyAt.length === 1) {
      const at = layout.keyAt[0]!;
      key = at >= 0 ? fieldAt(line, at) : extras[-at - 1]!;
    } else {
      key = layout.keyAt.map((at) => (at >= 0 ? fieldAt(line, at) : extras[-at - 1]!)).join('\t');
    }
  }
  const base = layout.extraKeys.length;
  const deleted = layout.softDelete ? extras[base] === 't' : false;
  const watermark = layout.watermark ? extras[extras.length - 1]! : null;
  return { line, key, deleted, watermark };
}

/**
 * Splits a byte stream of `\n`-terminated lines into strings without decoding a multi-byte character across
 * chunk boundaries: only whole lines are decoded.
 */
export async function* linesOf(stream: AsyncIterable<Buffer | string>, gatherBytes = 256 * 1024): AsyncGenerator<string[]> {
  // Every block ends with '\n': drop it and split. An empty line is a row too (one column holding '').
  for await (const block of lineBlocksOf(stream, gatherBytes)) yield block.toString('utf8', 0, block.length - 1).split('\n');
}

/**
 * Splits a byte stream of `\n`-terminated lines into blocks of whole lines (each block ends with `\n`; an
 * unterminated last line gets one), without decoding anything.
 */
export async function* lineBlocksOf(stream: AsyncIterable<Buffer | string>, gatherBytes = 256 * 1024): AsyncGenerator<Buffer> {
  let pieces: Buffer[] = [];
  let size = 0;
  for await (const piece of stream) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    pieces.push(chunk);
    size += chunk.length;
    if (size < gatherBytes) continue;
    const block = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, size);
    const last = block.lastIndexOf(10);
    pieces = [];
    size = 0;
    if (last < 0) {
      pieces.push(block);
      size = block.length;
      continue;
    }
    if (last + 1 < block.length) {
      pieces.push(block.subarray(last + 1));
      size = block.length - last - 1;
    }
    yield block.subarray(0, last + 1);
  }
  if (size > 0) {
    if (pieces[pieces.length - 1]![pieces[pieces.length - 1]!.length - 1] !== 10) pieces.push(Buffer.from('\n'));
    yield Buffer.concat(pieces);
  }
}

/** Rows of a chunk's upsert section. */
export const upsertCountOf = (chunk: ExtractChunk): number => (chunk.upsertBytes ? chunk.upsertCount : chunk.upserts.length);

/** Upsert lines of a chunk (no trailing \n), decoded from upsertBytes when the chunk carries bytes. */
export function upsertLinesOf(chunk: ExtractChunk): string[] {
  if (!chunk.upsertBytes) return chunk.upserts;
  if (chunk.upsertBytes.length === 0) return [];
  return chunk.upsertBytes.toString('utf8', 0, chunk.upsertBytes.length - 1).split('\n');
}

/**
 * Groups extracted rows into chunks of at most `batchRows` rows, the upserts kept as COPY text bytes: kept line
 * parts are copied into a per-block output buffer and the chunk's pieces concatenated once in take().
 */
export class ByteChunkBuilder {
  private pieces: Buffer[] = [];
  private out: Buffer = Buffer.alloc(0);
  private segStart = 0;
  private pos = 0;
  upsertCount = 0;
  deletes: string[] = [];
  keys: string[] | null;
  watermark: string | null = null;
  constructor(private readonly batchRows: number, full: boolean) {
    this.keys = full ? [] : null;
  }
  get size(): number {
    return this.upsertCount + this.deletes.length;
  }
  get full(): boolean {
    return this.size >= this.batchRows;
  }
  /** Makes room for `bytes` more output bytes (call once per input block with the block's length). */
  reserve(bytes: number): void {
    if (this.out.length - this.pos >= bytes) return;
    this.flush();
    this.out = Buffer.allocUnsafe(Math.max(bytes, 64 * 1024));
    this.segStart = 0;
    this.pos = 0;
  }
  /** Appends bytes [start, end) of `src` plus a '\n' as one upsert line; room must be reserved. */
  addLine(src: Buffer, start: number, end: number): void {
    this.pos += src.copy(this.out, this.pos, start, end);
    this.out[this.pos++] = 10;
    this.upsertCount++;
  }
  /** Appends whole `\n`-terminated lines without copying (the caller no longer changes `src`). */
  addLines(src: Buffer, rows: number): void {
    this.flush();
    this.pieces.push(src);
    this.upsertCount += rows;
  }
  private flush(): void {
    if (this.pos > this.segStart) this.pieces.push(this.out.subarray(this.segStart, this.pos));
    this.segStart = this.pos;
  }
  take(): ExtractChunk {
    this.flush();
    const upsertBytes = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces);
    const out: ExtractChunk = { upserts: [], upsertBytes, upsertCount: this.upsertCount, deletes: this.deletes, keys: this.keys, watermark: this.watermark };
    this.pieces = [];
    this.upsertCount = 0;
    this.deletes = [];
    this.keys = this.keys ? [] : null;
    return out;
  }
}

/** Groups extracted rows into chunks of at most `batchRows` rows. */
export class ChunkBuilder {
  upserts: string[] = [];
  deletes: string[] = [];
  keys: string[] | null;
  watermark: string | null = null;
  constructor(private readonly batchRows: number, full: boolean) {
    this.keys = full ? [] : null;
  }
  get size(): number {
    return this.upserts.length + this.deletes.length;
  }
  get full(): boolean {
    return this.size >= this.batchRows;
  }
  take(): { upserts: string[]; deletes: string[]; keys: string[] | null; watermark: string | null } {
    const out = { upserts: this.upserts, deletes: this.deletes, keys: this.keys, watermark: this.watermark };
    this.upserts = [];
    this.deletes = [];
    this.keys = this.keys ? [] : null;
    return out;
  }
}

/** batchRows from the plan, bounded so a misconfigured task cannot exhaust memory. */
export const batchRowsOf = (plan: ExtractPlan) => Math.min(Math.max(1, Math.floor(plan.batchRows || 50_000)), 1_000_000);

/** The Chinese error used when a target table cannot be upserted by key. */
export function missingUniqueKeyError(table: string, keys: string[]): Error {
  return new Error(`目标表 ${table} 缺少主键/唯一约束 (${keys.join(', ')})，无法按主键更新`);
}

/** The batch fields a target keeps (mapped to a column) and those columns, in batch order. */
export function mappedColumns(columns: (string | null)[]): { keep: number[]; cols: string[] } {
  const keep: number[] = [];
  columns.forEach((c, i) => {
    if (c !== null) keep.push(i);
  });
  return { keep, cols: keep.map((i) => columns[i]!) };
}
