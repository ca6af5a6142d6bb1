/**
 * Runs one load (数据装载): reads the file as a stream, converts and checks every row, writes good rows
 * to a staging table, and — only when every row passed and the keys are unique — swaps the staging
 * table in (replace) or merges it (upsert) in one short transaction. Any failure leaves the datastore
 * as it was; the load row records counts and the first 1,000 failures.
 */
import { sql } from 'kysely';
import type { Readable } from 'node:stream';
import { pgPoolOf, type Database } from '../../../platform/db/database.js';
import { DomainError } from '../../../platform/errors.js';
import { recordAuditEvent, type AuditContext } from '../../audit/index.js';
import { datastoreRepository, type LoadError } from './datastore.repository.js';
import { invalidateLayout, keyColumnsOf, readLayout, safeColumn, sqlTypeOf, tableNameOf, type DatastoreColumn, type DatastoreLayout } from './datastore-schema.js';
import { csvToCopy } from './csv-copy.js';
import { csvRecords, jsonlRecords, xlsxRecords, type LoadFormat, type RecordBatch } from './load-parsers.js';
import { dropStaging, openStaging, ROW_COLUMN, type Staging } from './load-staging.js';
import { converterFor, type Converter } from './value-converters.js';

export const MAX_REPORTED_ERRORS = 1000;

// GOVSHARE_LOAD_TIMING=1: phase times on stderr (for the load bench).
const timingOn = process.env.GOVSHARE_LOAD_TIMING === '1';
let phaseStart = 0;
function timing(phase: string): void {
  if (!timingOn) return;
  const t = performance.now();
  process.stderr.write(`  load phase: ${phase} +${((t - phaseStart) / 1000).toFixed(2)} s\n`);
  phaseStart = t;
}

/** What the console sees while a load runs (bytes and rows so far). */
export interface LoadProgress { bytesRead: number; totalRows: number; failed: number }

export interface LoadJob {
  loadId: string;
  resourceId: string;
  mode: 'replace' | 'upsert';
  format: LoadFormat;
  stream: Readable;
  ctx: AuditContext;
  progress: LoadProgress;
}

export interface LoadOutcome { status: 'succeeded' | 'failed'; totalRows: number; loaded: number; failed: number; errors: LoadError[]; message: string | null; bytes: number }

const pgCode = (error: unknown) => (error as { code?: string } | null)?.code;

/** Reads the header row: trailing empty cells dropped, names trimmed. */
function headerOf(cells: unknown[]): string[] {
  const names = cells.map((c) => (c === null || c === undefined ? '' : String(c).trim()));
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return names;
}

function checkHeader(header: string[], layout: DatastoreLayout): void {
  const known = new Set(layout.columns.map((c) => c.item));
  const unknown = header.filter((h) => h !== '' && !known.has(h));
  const seen = new Set<string>();
  const duplicated = header.filter((h) => h !== '' && (seen.has(h) || !seen.add(h)));
  const blank = header.map((h, i) => (h === '' ? i + 1 : 0)).filter((i) => i > 0);
  const missingKeys = layout.keyItems.filter((k) => !header.includes(k));
  const problems: string[] = [];
  if (unknown.length) problems.push(`未知数据项：${unknown.join('、')}`);
  if (duplicated.length) problems.push(`重复的列：${[...new Set(duplicated)].join('、')}`);
  if (blank.length) problems.push(`第 ${blank.join('、')} 列表头为空`);
  if (missingKeys.length) problems.push(`缺少主键数据项：${missingKeys.join('、')}`);
  if (problems.length === 0) return;
  throw new DomainError('DATA_LOAD_INVALID', `The header row does not match the datastore's items (表头不符：${problems.join('；')}).`, {
    unknownItems: unknown, missingKeyItems: missingKeys, duplicatedItems: [...new Set(duplicated)],
  });
}

/** Runs the job to its end; throws DomainError only for a bad header (before any row is read). */
export async function runLoad(db: Database, layout: DatastoreLayout, job: LoadJob, now: () => Date): Promise<LoadOutcome> {
  const { progress, stream } = job;
  phaseStart = performance.now();
  const onBytes = (n: number) => { progress.bytesRead += n; };
  const errors: LoadError[] = [];
  let staging = null as Staging | null;
  let aborted = false;
  const fail = (row: number, item: string | null, message: string) => {
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ row, item, message });
  };

  try {
    // Once the header is known: the file's columns, and staging with every column for replace (it
    // becomes the table) or the file's columns for upsert.
    const byItem = new Map(layout.columns.map((c) => [c.item, c]));
    let fileColumns: DatastoreColumn[] = [];
    let stagingColumns: DatastoreColumn[] = [];
    const begin = async (header: string[]) => {
      if (header.length === 0) throw new DomainError('DATA_LOAD_INVALID', 'The file is empty: the first row must name the items (文件为空：第一行应为数据项名称).');
      checkHeader(header, layout);
      fileColumns = header.map((h) => byItem.get(h)!);
      stagingColumns = job.mode === 'replace' ? layout.columns : fileColumns;
      staging = await openStaging(db, tableNameOf(layout.resourceId).slice(2), stagingColumns);
      return staging;
    };

    if (job.format === 'csv' && pgPoolOf(db)) {
      // PostgreSQL and CSV: bytes in, COPY bytes out.
      await csvToCopy(stream, {
        onBytes, progress, fail,
        async begin(header) {
          const st = await begin(header);
          return { fileColumns, sources: stagingColumns.map((c) => fileColumns.indexOf(c)), keyItems: layout.keyItems, write: (chunk) => st.copy!.write(chunk) };
        },
        async onFirstFailure() {
          aborted = true;
          await staging!.sink.abort();
        },
      });
    } else {
      await readRecords(job, layout, stream, onBytes, begin, fail, progress, async () => {
        aborted = true;
        await staging!.sink.abort();
      }, () => staging!);
    }
    if (!staging) throw new Error('no staging table');
    timing('rows sent');
    if ((stream as { truncated?: boolean }).truncated) throw new DomainError('PAYLOAD_TOO_LARGE', 'The file is larger than 4 GB (文件过大).');
    if (progress.failed === 0) {
      await staging.sink.finish();
      timing('copy finished');
      await addStagingKey(db, staging, layout, errors, progress);
      timing('key added');
    } else if (!aborted) {
      aborted = true;
      await staging.sink.abort();
    }

    if (progress.failed > 0) {
      return {
        status: 'failed', totalRows: progress.totalRows, loaded: 0, failed: progress.failed, errors, bytes: progress.bytesRead,
        message: `${progress.failed} 行未通过校验，未做任何更改（Nothing was changed: ${progress.failed} rows failed）。`,
      };
    }

    const st: Staging = staging;
    const loaded = progress.totalRows;
    const outcome: LoadOutcome = { status: 'succeeded', totalRows: loaded, loaded, failed: 0, errors: [], message: null, bytes: progress.bytesRead };
    await db.transaction().execute(async (trx) => {
      const repo = datastoreRepository(trx);
      await repo.lockStore(layout.resourceId);
      const current = (await readLayout(trx, layout.resourceId)) ?? layout;
      const live = current.table;
      const liveName = live.slice('data_store.'.length);
      let rowCount: number;
      if (job.mode === 'replace') {
        // Columns defined while the load ran are added to the staging table before it takes over.
        const extra = current.columns.filter((c) => !stagingColumns.some((s) => s.column === c.column));
        for (const c of extra) await sql.raw(`alter table ${st.table} add column ${safeColumn(c.column)} ${sqlTypeOf(c.dataType)}`).execute(trx);
        await sql.raw(`alter table ${st.table} drop column ${ROW_COLUMN}`).execute(trx);
        await sql.raw(`drop table if exists ${live}`).execute(trx);
        await sql.raw(`alter table ${st.table} rename to ${liveName}`).execute(trx);
        await sql.raw(`alter table ${live} rename constraint ${st.name}_pk to ${liveName}_pkey`).execute(trx);
        rowCount = loaded;
      } else {
        const keys = keyColumnsOf(current).map((c) => safeColumn(c.column));
        const cols = fileColumns.map((c) => safeColumn(c.column));
        const others = cols.filter((c) => !keys.includes(c));
        // Unchanged rows are not rewritten (no new row versions, no index churn).
        const action = others.length
          ? `update set ${others.map((c) => `${c} = excluded.${c}`).join(', ')} where (${others.map((c) => `${live}.${c}`).join(', ')}) is distinct from (${others.map((c) => `excluded.${c}`).join(', ')})`
          : 'nothing';
        await sql.raw(`insert into ${live} (${cols.join(', ')}) select ${cols.join(', ')} from ${st.table} on conflict (${keys.join(', ')}) do ${action}`).execute(trx);
        const counted = await sql.raw<{ n: string }>(`select count(*)::text as n from ${live}`).execute(trx);
        rowCount = Number(counted.rows[0]!.n);
      }
      await repo.updateStore(layout.resourceId, { rowCount, now: now(), loaded: true });
      await repo.finishLoad(job.loadId, { ...outcome, now: now() });
      await recordAuditEvent(trx, job.ctx, {
        action: 'data.loaded', targetType: 'resource', targetId: layout.resourceId,
        detail: { loadId: job.loadId, mode: job.mode, format: job.format, rows: loaded, rowCount },
      }, now());
    });
    timing('swapped');
    if (job.mode === 'replace') staging = null; // it is the table now
    invalidateLayout(db, layout.resourceId);
    return outcome;
  } catch (error) {
    if (staging && !aborted) await staging.sink.abort().catch(() => undefined);
    if (error instanceof DomainError) throw error;
    return {
      status: 'failed', totalRows: progress.totalRows, loaded: 0, failed: progress.failed, errors, bytes: progress.bytesRead,
      message: `装载出错，未做任何更改：${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    if (staging) await dropStaging(db, staging).catch(() => undefined);
    if (!stream.readableEnded) stream.resume(); // drain an upload we stopped reading
  }
}

/** Adds the key to the staging table; duplicate keys become row errors naming the key value. */
async function addStagingKey(db: Database, staging: Staging, layout: DatastoreLayout, errors: LoadError[], progress: LoadProgress): Promise<void> {
  const keyColumns: DatastoreColumn[] = keyColumnsOf(layout);
  const keys = keyColumns.map((c) => safeColumn(c.column));
  try {
    await db.transaction().execute(async (trx) => {
      // The index is built once over all rows: a larger sort memory keeps it in RAM (PostgreSQL only).
      if (pgPoolOf(db)) await sql.raw(`set local maintenance_work_mem = '256MB'`).execute(trx);
      await sql.raw(`alter table ${staging.table} add constraint ${staging.name}_pk primary key (${keys.join(', ')})`).execute(trx);
    });
  } catch (error) {
    if (pgCode(error) !== '23505') throw error;
    const duplicates = `select ${keys.join(', ')}, count(*) as n, min(${ROW_COLUMN}) as first from ${staging.table} group by ${keys.join(', ')} having count(*) > 1`;
    const total = await sql.raw<{ extra: string }>(`select coalesce(sum(n - 1), 0)::text as extra from (${duplicates}) d`).execute(db);
    progress.failed += Number(total.rows[0]!.extra);
    const groups = await sql.raw<{ key: string[]; rows: string }>(
      `select array[${keys.map((k) => `${k}::text`).join(', ')}] as key, (array_agg(${ROW_COLUMN} order by ${ROW_COLUMN}))[1:${MAX_REPORTED_ERRORS + 1}]::text as rows
       from ${staging.table} group by ${keys.join(', ')} having count(*) > 1 order by min(${ROW_COLUMN}) limit ${MAX_REPORTED_ERRORS}`,
    ).execute(db);
    for (const group of groups.rows) {
      const rows = group.rows.replace(/[{}]/g, '').split(',').map(Number);
      const keyValues = (Array.isArray(group.key) ? group.key : parseTextArray(group.key)) as string[];
      const described = keyColumns.map((c, i) => `${c.item}=${keyValues[i]}`).join('，');
      for (const row of rows.slice(1)) {
        if (errors.length < MAX_REPORTED_ERRORS) errors.push({ row, item: layout.keyItems[0]!, message: `主键重复（${described}），与第 ${rows[0]} 行相同` });
      }
    }
    errors.sort((a, b) => a.row - b.row);
    errors.splice(MAX_REPORTED_ERRORS);
  }
}

/** A PostgreSQL text[] literal, for drivers that do not parse it. */
function parseTextArray(literal: unknown): string[] {
  const text = String(literal);
  const inner = text.slice(1, -1);
  const out: string[] = [];
  let i = 0;
  while (i < inner.length) {
    if (inner[i] === '"') {
      let value = '';
      i++;
      while (i < inner.length && inner[i] !== '"') {
        if (inner[i] === '\\') i++;
        value += inner[i];
        i++;
      }
      out.push(value);
      i += 2;
    } else {
      const end = inner.indexOf(',', i);
      out.push(end === -1 ? inner.slice(i) : inner.slice(i, end));
      i = end === -1 ? inner.length : end + 1;
    }
  }
  return out;
}

/** The general path (XLSX, JSON lines, and CSV on PGlite): records → converters → the staging sink. */
async function readRecords(
  job: LoadJob, layout: DatastoreLayout, stream: Readable, onBytes: (n: number) => void,
  begin: (header: string[]) => Promise<Staging>, fail: (row: number, item: string | null, message: string) => void,
  progress: LoadProgress, abort: () => Promise<void>, current: () => Staging,
): Promise<void> {
  let batches: AsyncGenerator<RecordBatch>;
  let header: string[];
  let pending: RecordBatch | null = null;
  if (job.format === 'jsonl') {
    header = layout.columns.map((c) => c.item);
    batches = jsonlRecords(stream, onBytes, header);
  } else {
    batches = job.format === 'csv' ? csvRecords(stream, onBytes) : xlsxRecords(stream, onBytes);
    let found: string[] | null = null;
    while (found === null) {
      const next = await batches.next();
      if (next.done) break;
      const batch = next.value;
      const at = batch.cells.findIndex((cells) => headerOf(cells).length > 0);
      if (at === -1) continue;
      found = headerOf(batch.cells[at]!);
      pending = { rowNos: batch.rowNos.slice(at + 1), cells: batch.cells.slice(at + 1), problems: batch.problems.slice(at + 1) };
    }
    header = found ?? [];
  }
  const staging = await begin(header);
  const byItem = new Map(layout.columns.map((c) => [c.item, c]));
  const fileColumns = header.map((h) => byItem.get(h)!);
  const stagingColumns = job.mode === 'replace' ? layout.columns : fileColumns;
  const target = fileColumns.map((c) => stagingColumns.indexOf(c));
  const converters: Converter[] = fileColumns.map((c) => converterFor(c));
  const isKey = fileColumns.map((c) => layout.keyItems.includes(c.item));
  const width = header.length;
  const stagingWidth = stagingColumns.length;
  let aborted = false;

  const take = (batch: RecordBatch) => {
    const { rowNos, cells: records, problems } = batch;
    for (let r = 0; r < rowNos.length; r++) {
      const cells = records[r]!;
      const rowNo = rowNos[r]!;
      if (cells.length <= 1 && (cells[0] === null || cells[0] === undefined || cells[0] === '') && problems[r] === null && width > 1) continue; // blank line
      progress.totalRows++;
      if (problems[r] !== null) {
        progress.failed++;
        fail(rowNo, null, problems[r]!);
        continue;
      }
      let rowFailed = false;
      if (cells.length > width) {
        for (let j = width; j < cells.length; j++) {
          if (cells[j] !== null && cells[j] !== undefined && cells[j] !== '') {
            fail(rowNo, null, `字段数 ${cells.length} 多于表头的 ${width} 列`);
            rowFailed = true;
            break;
          }
        }
      }
      const values: (string | null)[] = new Array(stagingWidth).fill(null);
      for (let j = 0; j < width; j++) {
        const value = converters[j]!(cells[j] ?? null);
        if (value === null) {
          if (isKey[j]) {
            fail(rowNo, header[j]!, '主键数据项不能为空');
            rowFailed = true;
          }
        } else if (typeof value === 'object') {
          fail(rowNo, header[j]!, value.message);
          rowFailed = true;
        } else values[target[j]!] = value;
      }
      if (rowFailed) progress.failed++;
      else if (progress.failed === 0) staging.sink.add(values, rowNo);
    }
  };

  if (pending) take(pending);
  for (;;) {
    // Flushing before pulling the next chunk lets the database work while the next chunk is parsed.
    if (progress.failed > 0 && !aborted) {
      aborted = true;
      await abort();
    } else if (!aborted) await current().sink.flush();
    const next = await batches.next();
    if (next.done) break;
    take(next.value);
  }
}
