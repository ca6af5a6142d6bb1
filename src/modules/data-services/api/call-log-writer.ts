import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pgPoolOf, type Database } from '../../../platform/db/database.js';
import type { Logger } from '../../../platform/logger.js';
import type { Selectable } from 'kysely';
import type { DataCallsTable } from '../data-services.tables.js';

/** One data-API call as journalled and stored in `data_calls` (`at` as ISO text). */
export type CallEntry = Omit<Selectable<DataCallsTable>, 'at'> & { at: string };

export interface CallLogWriter {
  /** Synchronous and cheap: appends to the journal (when configured) and to the buffer. */
  record(entry: CallEntry): void;
  /** Replays leftover journal segments, opens a new one and starts the flush timer. */
  start(): Promise<void>;
  /** Writes the buffer to `data_calls` (COPY on PostgreSQL, multi-row inserts on PGlite); deletes the flushed journal segments. */
  flush(): Promise<void>;
  /** Flushes and stops the timer; closes the journal. */
  close(): Promise<void>;
  /** Entries waiting for the next flush (tests, metrics). */
  pending(): number;
}

const SEGMENT = /^calls-\d+-\d+-\d+\.jsonl$/;

const INSERT_CHUNK = 2500;
const COLUMNS = 'id, at, app_id, app_key, app_name, consumer_org_id, provider_org_id, resource_id, resource_code, grant_id, operation, items, rows, status, error_code, latency_ms, client_ip';

/** A value in COPY text format. */
function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) return value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
  }
  return value;
}

/** One `data_calls` row in COPY text format (columns as in COLUMNS). */
export function copyRow(e: CallEntry): string {
  return `${copyField(e.id)}\t${copyField(e.at)}\t${copyField(e.app_id)}\t${copyField(e.app_key)}\t${copyField(e.app_name)}\t${copyField(e.consumer_org_id)}\t`
    + `${copyField(e.provider_org_id)}\t${copyField(e.resource_id)}\t${copyField(e.resource_code)}\t${copyField(e.grant_id)}\t${copyField(e.operation)}\t`
    + `${copyField(JSON.stringify(e.items ?? []))}\t${copyField(e.rows ?? 0)}\t${copyField(e.status)}\t${copyField(e.error_code)}\t${copyField(e.latency_ms)}\t${copyField(e.client_ip)}\n`;
}

/** Pooled clients that already hold the session's staging table. */
const staged = new WeakSet<pg.PoolClient>();

/**
 * PostgreSQL: COPY the entries into a per-session temporary table, then move them with `on conflict (id) do
 * nothing` (a retried or replayed entry is harmless), in one transaction. COPY's text format costs the server a
 * fraction of what decoding JSON rows does.
 */
async function copyInsert(pool: pg.Pool, entries: CallEntry[]): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const create = !staged.has(client);
    if (create) await client.query('create temp table if not exists data_calls_incoming (like data_calls including defaults) on commit delete rows');
    const stream = client.query(copyFrom(`copy data_calls_incoming (${COLUMNS}) from stdin`));
    stream.on('error', () => undefined); // surfaced by the awaits below; never an unhandled 'error' event
    let text = '';
    for (const e of entries) {
      text += copyRow(e);
      if (text.length > 1 << 16) {
        if (!stream.write(text)) await once(stream, 'drain');
        text = '';
      }
    }
    stream.end(text);
    await once(stream, 'finish');
    await client.query(`insert into data_calls (${COLUMNS}) select ${COLUMNS} from data_calls_incoming on conflict (id) do nothing`);
    await client.query('commit');
    if (create) staged.add(client);
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    // A failed session (aborted COPY, lost connection) is not reused.
    client.release(broken);
  }
}

/**
 * The call-log writer (调用日志). A call must never wait for the database: `record` writes one JSON line to
 * the open journal segment (no fsync: it survives a killed process, not a power cut) and buffers the entry;
 * every `intervalMs` or `maxBuffer` entries the buffer goes to the database in one insert, then the segment
 * that held those entries is deleted. At start, segments left by a process that died are replayed
 * (`on conflict (id) do nothing`, so a segment whose insert had succeeded but was not yet deleted is harmless).
 */
export function createCallLogWriter(deps: { db: Database; journalDir?: string; logger?: Logger; intervalMs?: number; maxBuffer?: number }): CallLogWriter {
  const { db, journalDir, logger } = deps;
  // PostgreSQL's cost is per row (COPY keeps it low), not per statement: small frequent batches keep each
  // flush's burst of server work short, which matters for the API's tail latency.
  const intervalMs = deps.intervalMs ?? 250;
  const maxBuffer = deps.maxBuffer ?? 1000;
  /**
   * The entries not yet in the database. Their journal lines are not kept: a long-lived string per call would
   * survive young-generation collections (the lines are rebuilt for the JSON insert, used on PGlite only).
   */
  let buffer: CallEntry[] = [];
  const pool = pgPoolOf(db);
  let fd: number | null = null;
  let segmentPath: string | null = null;
  let segmentSeq = 0;
  /** Segments whose entries are all in the buffer or in `data_calls`; deleted after the next successful insert. */
  let rotated: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  let started = false;
  /** Lines written to the open segment since it was opened. */
  let segmentLines = 0;

  function openSegment(): void {
    if (!journalDir) return;
    segmentPath = path.join(journalDir, `calls-${Date.now()}-${process.pid}-${++segmentSeq}.jsonl`);
    fd = openSync(segmentPath, 'a');
    segmentLines = 0;
  }

  function rotateSegment(): void {
    if (fd === null || !segmentPath || segmentLines === 0) return;
    closeSync(fd);
    rotated.push(segmentPath);
    fd = null;
    segmentPath = null;
    openSegment();
  }

  /**
   * One statement per chunk (PGlite, and journal replay): the entries' JSON lines joined into one JSON array
   * parameter that PostgreSQL unpacks into rows — no per-value parameter building in the event loop.
   */
  async function insert(lines: string[]): Promise<void> {
    for (let i = 0; i < lines.length; i += INSERT_CHUNK) {
      const json = `[${lines.slice(i, i + INSERT_CHUNK).join(',')}]`;
      await sql`
        insert into data_calls (id, at, app_id, app_key, app_name, consumer_org_id, provider_org_id, resource_id, resource_code, grant_id,
          operation, items, rows, status, error_code, latency_ms, client_ip)
        select id, at, app_id, app_key, app_name, consumer_org_id, provider_org_id, resource_id, resource_code, grant_id,
          operation, coalesce(items, '[]'::jsonb), coalesce(rows, 0), status, error_code, latency_ms, client_ip
        from json_populate_recordset(null::data_calls, ${json}::json)
        on conflict (id) do nothing`.execute(db);
    }
  }

  async function flushOnce(): Promise<void> {
    if (buffer.length === 0 && rotated.length === 0) return;
    const entries = buffer;
    buffer = [];
    rotateSegment();
    const done = rotated;
    rotated = [];
    try {
      if (entries.length > 0) {
        if (pool) await copyInsert(pool, entries);
        else await insert(entries.map((e) => JSON.stringify(e)));
      }
    } catch (error) {
      // Keep them for the next flush (and their segments for a replay if this process dies first).
      buffer = entries.concat(buffer);
      rotated = done.concat(rotated);
      logger?.error({ module: 'data-calls', err: error, entries: entries.length }, 'could not write the call log; will retry');
      return;
    }
    for (const file of done) {
      try { unlinkSync(file); } catch { /* already gone */ }
    }
  }

  function flush(): Promise<void> {
    // One flush at a time; a flush asked for while one runs runs after it.
    const next = chain.then(flushOnce);
    chain = next.catch(() => undefined);
    return next;
  }

  async function replay(): Promise<void> {
    if (!journalDir) return;
    mkdirSync(journalDir, { recursive: true });
    const files = readdirSync(journalDir).filter((f) => SEGMENT.test(f)).sort();
    for (const file of files) {
      const full = path.join(journalDir, file);
      const entries: string[] = [];
      for (const line of readFileSync(full, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        // Keep only whole lines (the last one may have been cut short by the crash).
        try { JSON.parse(line); entries.push(line); } catch { /* cut short */ }
      }
      await insert(entries);
      unlinkSync(full);
      if (entries.length > 0) logger?.info({ module: 'data-calls', file, entries: entries.length }, 'replayed call-log journal');
    }
  }

  return {
    record(entry) {
      if (fd !== null) {
        writeSync(fd, `${JSON.stringify(entry)}\n`);
        segmentLines++;
      }
      buffer.push(entry);
      if (buffer.length >= maxBuffer) void flush().catch(() => undefined);
    },
    async start() {
      if (started) return;
      started = true;
      await replay();
      openSegment();
      timer = setInterval(() => { void flush().catch(() => undefined); }, intervalMs);
      timer.unref();
    },
    flush,
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await flush();
      if (fd !== null) {
        closeSync(fd);
        fd = null;
        // Empty, or its entries are in the buffer after a failed insert: then keep it for the next start.
        if (segmentPath && buffer.length === 0) try { unlinkSync(segmentPath); } catch { /* gone */ }
        segmentPath = null;
      }
      started = false;
    },
    pending: () => buffer.length,
  };
}
