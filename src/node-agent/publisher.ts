/**
 * Publisher (发布): per active task, extract on schedule → signed batch → spool to the outbox (fsync+rename) →
 * save state → the uploader sends the outbox in seq order and deletes each file on 2xx. The spool comes before
 * the state, so a crash between them leaves a batch newer than the state: recovery takes seq/watermark from its
 * header. Extraction of batch n+1 overlaps encoding/spooling of n, and uploading runs beside both.
 */
import { randomUUID, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NodeConfig, TaskConfig } from '../modules/exchange/flows.types.js';
import { encodeBatch, nextCronRun, signWithNodeKey, type BatchHeaderInput, type NodeKeyPair } from '../modules/exchange/protocol/index.js';
import { upsertCountOf, upsertLinesOf } from './connectors/common.js';
import type { ExtractChunk, ExtractPlan, SourceConnector } from './connectors/types.js';
import { errorText, type Logger } from './log.js';
import { readBatchHeader, type NodeStore, type TaskState } from './store.js';
import { TransportError, type Transport } from './transport/types.js';

export interface PublisherDeps {
  store: NodeStore;
  key: NodeKeyPair;
  transport: Transport;
  /** The named source of the node's config file (connectors are cached by the caller). */
  source(name: string): Promise<SourceConnector>;
  log: Logger;
  now?: () => number;
  /** false: batches are only uploaded by explicit uploadPending() calls (tests). Default true. */
  autoUpload?: boolean;
}

export interface RunSummary { runId: string; batches: number; upserts: number; deletes: number; firstSeq: number | null; lastSeq: number | null }

interface Runtime {
  task: TaskConfig;
  state: TaskState | null;
  running: Promise<void> | null;
  failures: number;
  retryAt: number;
}

interface Uploader { wake: () => void; loop: Promise<void>; failures: number }

/** Key line of an upsert line: the key fields (tab-separated COPY fields; escaped tabs never split). */
export function keyLineOf(line: string, keyIndexes: number[]): string {
  const fields = line.split('\t');
  return keyIndexes.map((i) => fields[i] ?? '\\N').join('\t');
}

export function extractPlanOf(task: TaskConfig, state: TaskState): ExtractPlan {
  const columnOf = new Map(task.columns.map((c) => [c.item, c.column]));
  return {
    table: task.sourceTable,
    query: task.sourceQuery,
    columns: task.columns.map((c) => c.column),
    dataTypes: task.columns.map((c) => c.dataType),
    keyColumns: task.keyItems.map((k) => {
      const column = columnOf.get(k);
      if (!column) throw new Error(`task ${task.code}: key item ${k} has no source column`);
      return column;
    }),
    mode: task.mode,
    watermarkColumn: task.mode === 'incremental' ? task.watermarkColumn : null,
    after: task.mode === 'incremental' && state.watermark !== null ? { value: state.watermark, inclusive: state.inclusive } : null,
    softDeleteColumn: task.deleteMode === 'soft_delete' ? task.softDeleteColumn : null,
    batchRows: task.batchRows > 0 ? task.batchRows : 50_000,
  };
}

const lines = (list: string[]) => (list.length ? `${list.join('\n')}\n` : '');

export class Publisher {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly uploaders = new Map<string, Uploader>();
  private readonly abort = new AbortController();
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: PublisherDeps) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** Starts the schedule tick and uploaders for batches left in the outbox by an earlier process. */
  async start(): Promise<void> {
    if (this.deps.autoUpload !== false) for (const taskId of await this.deps.store.outboxTasks()) this.uploader(taskId);
    this.timer = setInterval(() => this.tick(), 1000);
  }

  /** Applies a (new) node config: tasks not listed any more stop being scheduled. */
  update(config: NodeConfig): void {
    const ids = new Set(config.tasks.map((t) => t.id));
    for (const id of [...this.runtimes.keys()]) if (!ids.has(id) && !this.runtimes.get(id)!.running) this.runtimes.delete(id);
    for (const task of config.tasks) {
      const rt = this.runtimes.get(task.id);
      if (rt) rt.task = task;
      else this.runtimes.set(task.id, { task, state: null, running: null, failures: 0, retryAt: 0 });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    await Promise.allSettled([...this.runtimes.values()].map((rt) => rt.running));
    await Promise.allSettled([...this.uploaders.values()].map((u) => u.loop));
  }

  /** Spooled batches not yet uploaded (for the heartbeat's backlog). */
  backlog(): Promise<number> { return this.deps.store.outboxCount(); }

  private tick(): void {
    if (this.abort.signal.aborted) return;
    const now = this.now();
    for (const rt of this.runtimes.values()) {
      if (rt.running || now < rt.retryAt) continue;
      if (!rt.state) {
        // The saved state (reconciled with the outbox) decides what is due: a missed cron run is caught up once,
        // and a 立即执行 request already served before a restart is not repeated.
        rt.running = this.recover(rt.task)
          .then((state) => { rt.state ??= state; })
          .catch((error: unknown) => { rt.retryAt = this.now() + 10_000; this.deps.log.error({ taskId: rt.task.id, err: errorText(error) }, 'cannot read the task state'); })
          .finally(() => { rt.running = null; });
        continue;
      }
      if (!this.due(rt, now)) continue;
      rt.running = this.runTask(rt.task.id)
        .then(() => { rt.failures = 0; rt.retryAt = 0; })
        .catch((error: unknown) => {
          rt.failures++;
          rt.retryAt = this.now() + Math.min(60_000, 1000 * 2 ** Math.min(rt.failures, 6));
          this.deps.log.error({ taskId: rt.task.id, task: rt.task.code, failures: rt.failures, err: errorText(error) }, 'task run failed');
        })
        .finally(() => { rt.running = null; });
    }
  }

  private due(rt: Runtime, now: number): boolean {
    const last = rt.state?.lastRunAt ? Date.parse(rt.state.lastRunAt) : null;
    const requested = rt.task.runRequestedAt;
    if (requested && requested !== rt.state?.runRequestServed) return true;
    if (rt.task.scheduleKind === 'realtime') return last === null || now - last >= (rt.task.intervalSeconds ?? 5) * 1000;
    if (!rt.task.cron) return false;
    try {
      return now >= nextCronRun(rt.task.cron, new Date(last ?? this.startedAt)).getTime();
    } catch (error) {
      if (rt.failures === 0) this.deps.log.error({ task: rt.task.code, err: errorText(error) }, 'invalid cron');
      rt.failures = 1;
      return false;
    }
  }

  /**
   * Reconciles the saved state with the outbox: a spooled batch newer than the state (a crash between spool and
   * state save) wins. The seq continues from max(state, platform's lastSeq).
   */
  async recover(task: TaskConfig): Promise<TaskState> {
    const { store } = this.deps;
    const state = await store.readState(task.id);
    let changed = false;
    for (const entry of await store.outbox(task.id)) {
      if (entry.seq <= state.seq) continue;
      const header = readBatchHeader(await readFile(entry.file));
      state.seq = header.seq;
      if (header.watermark !== null && task.mode === 'incremental') { state.watermark = header.watermark; state.inclusive = true; }
      if (header.file) state.files = { ...state.files, [header.file.name]: { size: header.file.size, mtimeMs: -1, sm3: header.file.sm3 } };
      changed = true;
    }
    if (task.lastSeq > state.seq) { state.seq = task.lastSeq; changed = true; }
    if (changed) await store.writeState(task.id, state);
    return state;
  }

  /** One run of a task now (the scheduler calls it; tests too). */
  async runTask(taskId: string): Promise<RunSummary> {
    const rt = this.runtimes.get(taskId);
    if (!rt) throw new Error(`task ${taskId} is not in the node config`);
    const task = rt.task;
    let state = rt.state ?? (await this.recover(task));
    if (task.lastSeq > state.seq) state = { ...state, seq: task.lastSeq };
    rt.state = state;
    const startedAt = new Date(this.now()).toISOString();
    const servedRequest = task.runRequestedAt ?? state.runRequestServed ?? null;
    const runId = randomUUID();
    const summary: RunSummary = { runId, batches: 0, upserts: 0, deletes: 0, firstSeq: null, lastSeq: null };
    const source = await this.deps.source(task.sourceName);
    const log = this.deps.log.child({ taskId, task: task.code, runId });

    const emit = async (body: { upserts: string | Buffer; deletes: string; upsertCount: number; deleteCount: number }, patch: Partial<TaskState>, header: Partial<BatchHeaderInput>) => {
      const seq = rt.state!.seq + 1;
      const batchId = randomUUID();
      const input: BatchHeaderInput = {
        batchId, kind: 'rows', taskId, subscriptionId: null, sourceBatchId: null, resourceCode: task.resourceCode, seq, runId,
        mode: task.mode, createdAt: new Date(this.now()).toISOString(), columns: task.columns.map((c) => ({ item: c.item, dataType: c.dataType })),
        keyItems: task.keyItems, upserts: body.upsertCount, deletes: body.deleteCount, watermark: null, snapshotLast: false, file: null, ...header,
      };
      const { file } = await encodeBatch(input, body.upserts, body.deletes, (digest) => signWithNodeKey(digest, this.deps.key));
      await this.deps.store.spool(taskId, seq, batchId, file);
      rt.state = { ...rt.state!, ...patch, seq };
      await this.deps.store.writeState(taskId, rt.state);
      summary.batches++; summary.upserts += body.upsertCount; summary.deletes += body.deleteCount;
      summary.firstSeq ??= seq; summary.lastSeq = seq;
      if (this.deps.autoUpload !== false) this.uploader(taskId).wake();
    };

    if (task.kind === 'file') await this.runFiles(task, rt, source, emit);
    else await this.runRows(task, rt, source, emit);

    rt.state = { ...rt.state, lastRunAt: startedAt, runRequestServed: servedRequest };
    await this.deps.store.writeState(taskId, rt.state);
    if (summary.batches) log.info({ batches: summary.batches, upserts: summary.upserts, deletes: summary.deletes, lastSeq: summary.lastSeq }, 'run spooled');
    return summary;
  }

  private async runRows(task: TaskConfig, rt: Runtime, source: SourceConnector, emit: Emit): Promise<void> {
    const batchRows = task.batchRows > 0 ? task.batchRows : 50_000;
    // change_log deletes go first: a row deleted and re-inserted since the last run is deleted, then upserted again.
    if (task.deleteMode === 'change_log' && task.changeLogTable) {
      const keyColumns = extractPlanOf(task, rt.state!).keyColumns;
      for (;;) {
        const { deletes, lastId } = await source.changeLogDeletes({ table: task.changeLogTable, keyColumns, afterId: rt.state!.changeLogId, limit: batchRows });
        if (deletes.length) {
          await emit({ upserts: '', deletes: lines(deletes), upsertCount: 0, deleteCount: deletes.length }, { changeLogId: lastId }, { watermark: rt.state!.watermark });
        } else if (lastId !== null && lastId !== rt.state!.changeLogId) {
          rt.state = { ...rt.state!, changeLogId: lastId };
          await this.deps.store.writeState(task.id, rt.state);
        }
        if (deletes.length < batchRows || this.abort.signal.aborted) break;
      }
    }

    const plan = extractPlanOf(task, rt.state!);
    const full = task.mode === 'full';
    const previousKeys = full ? await this.deps.store.readKeys(task.id) : null;
    const currentKeys = full ? new Set<string>() : null;
    const keyIndexes = task.keyItems.map((k) => task.columns.findIndex((c) => c.item === k));
    const batchOf = (chunk: ExtractChunk, last: boolean, extraDeletes: string[] = []) => {
      const deletes = extraDeletes.length ? [...chunk.deletes, ...extraDeletes] : chunk.deletes;
      const watermark = full ? null : (chunk.watermark ?? rt.state!.watermark);
      return emit(
        // Sources reading COPY text bytes hand over the upsert section as is.
        { upserts: chunk.upsertBytes ?? lines(chunk.upserts), deletes: lines(deletes), upsertCount: upsertCountOf(chunk), deleteCount: deletes.length },
        full ? {} : { watermark, inclusive: !last },
        { watermark, snapshotLast: full && last },
      );
    };

    let held: ExtractChunk | null = null;
    let pending: Promise<void> = Promise.resolve();
    let interrupted = false;
    for await (const chunk of source.extract(plan)) {
      if (currentKeys) for (const k of chunk.keys ?? upsertLinesOf(chunk).map((l) => keyLineOf(l, keyIndexes))) currentKeys.add(k);
      await pending;
      if (held) pending = batchOf(held, false);
      held = chunk;
      if (this.abort.signal.aborted) { interrupted = true; break; }
    }
    await pending;
    if (interrupted) {
      // Stopping mid-run: spool what was read; a full run is simply repeated next time (upserts are idempotent).
      if (held && !full) await batchOf(held, false);
      return;
    }
    if (full) {
      const gone: string[] = [];
      if (previousKeys) for (const k of previousKeys) if (!currentKeys!.has(k)) gone.push(k);
      await batchOf(held ?? { upserts: [], deletes: [], keys: [], watermark: null }, true, gone);
      await this.deps.store.writeKeys(task.id, currentKeys!);
    } else if (held && (upsertCountOf(held) || held.deletes.length)) {
      await batchOf(held, true);
    } else if (rt.state!.inclusive) {
      rt.state = { ...rt.state!, inclusive: false };
    }
  }

  private async runFiles(task: TaskConfig, rt: Runtime, source: SourceConnector, emit: Emit): Promise<void> {
    if (!source.listFiles) throw new Error(`source ${task.sourceName} cannot list files (file tasks need a csv source)`);
    const dir = task.sourceTable ?? '';
    // The directory comes from the console: it must stay inside the csv source's own directory.
    if (path.isAbsolute(dir) || dir.split(/[\\/]/).includes('..')) throw new Error(`task ${task.code}: file directory "${dir}" must be relative to the source directory`);
    const files = await source.listFiles(dir, task.filePattern ?? '*');
    for (const f of files.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (this.abort.signal.aborted) break;
      const mark = rt.state!.files?.[f.name];
      if (mark && mark.size === f.size && mark.mtimeMs === f.mtimeMs) continue;
      const bytes = await readFile(f.path);
      const sm3 = createHash('sm3').update(bytes).digest('hex');
      const files = { ...rt.state!.files, [f.name]: { size: bytes.length, mtimeMs: f.mtimeMs, sm3 } };
      if (mark && mark.sm3 === sm3) {
        rt.state = { ...rt.state!, files };
        await this.deps.store.writeState(task.id, rt.state);
        continue;
      }
      await emit({ upserts: bytes, deletes: '', upsertCount: 1, deleteCount: 0 }, { files }, { kind: 'file', file: { name: f.name, size: bytes.length, sm3 } });
    }
  }

  /* ---------- uploading ---------- */

  private uploader(taskId: string): Uploader {
    let up = this.uploaders.get(taskId);
    if (up) return up;
    let wake: () => void = () => {};
    let woken = false;
    const signal = this.abort.signal;
    const created: Uploader = { wake: () => { woken = true; wake(); }, loop: Promise.resolve(), failures: 0 };
    created.loop = (async () => {
      while (!signal.aborted) {
        woken = false;
        let wait = 5000;
        try {
          await this.uploadPending(taskId);
          created.failures = 0;
        } catch (error) {
          created.failures++;
          wait = Math.min(60_000, 1000 * 2 ** Math.min(created.failures, 6));
          const e = error as TransportError;
          this.deps.log[e.code === 'BATCH_OUT_OF_ORDER' || e.code === 'BATCH_REPLAYED' ? 'error' : 'warn']({ taskId, code: e.code, status: e.status, expectedSeq: e.body?.expectedSeq, err: errorText(error) },
            e.code === 'BATCH_OUT_OF_ORDER' ? 'the platform expects an earlier seq: spooled batches are missing from the outbox' : 'upload failed; will retry');
        }
        if (woken || signal.aborted) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          wake = () => { clearTimeout(timer); resolve(); };
          signal.addEventListener('abort', wake, { once: true });
        });
        wake = () => {};
      }
    })();
    this.uploaders.set(taskId, created);
    up = created;
    return up;
  }

  /** Uploads the task's outbox in seq order, deleting each file once the platform has it. */
  async uploadPending(taskId: string): Promise<number> {
    let sent = 0;
    for (const entry of await this.deps.store.outbox(taskId)) {
      if (this.abort.signal.aborted) break;
      const file = await readFile(entry.file);
      const result = await this.deps.transport.upload(file, { taskId, seq: entry.seq, batchId: entry.batchId });
      await this.deps.store.removeOutbox(entry);
      sent++;
      this.deps.log.debug({ taskId, seq: entry.seq, batchId: entry.batchId, outcome: result.outcome, serialNo: result.serialNo }, 'batch uploaded');
    }
    return sent;
  }

  /** Problems worth reporting in the heartbeat (failing runs, stuck uploads). */
  problems(): string[] {
    const out: string[] = [];
    for (const rt of this.runtimes.values()) if (rt.failures > 0) out.push(`task ${rt.task.code}: ${rt.failures} failed runs`);
    for (const [taskId, up] of this.uploaders) if (up.failures > 0) out.push(`task ${this.runtimes.get(taskId)?.task.code ?? taskId}: ${up.failures} failed uploads`);
    return out;
  }

  /** Test helper: the current state of a task. */
  stateOf(taskId: string): TaskState | null { return this.runtimes.get(taskId)?.state ?? null; }
}

type Emit = (body: { upserts: string | Buffer; deletes: string; upsertCount: number; deleteCount: number }, patch: Partial<TaskState>, header: Partial<BatchHeaderInput>) => Promise<void>;

