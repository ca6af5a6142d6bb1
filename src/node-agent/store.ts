/**
 * The node's data directory:
 *   node.key                    SM2 key pair (0600)
 *   node.json                   {nodeId, platformUrl, platformPublicKey} (the key is pinned on first use)
 *   config-cache.json           the last SignedNodeConfig, verified again on load
 *   state/<taskId>.json         TaskState
 *   outbox/<taskId>/<seq 12>-<batchId>.gsb   spooled batches not yet uploaded
 *   keys/<taskId>.keys          full mode: the keys of the previous complete run (one COPY key line each)
 */
import { readFile, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { SignedNodeConfig } from '../modules/exchange/flows.types.js';
import { openBatch, verifyNodeConfig, type BatchHeader, type NodeKeyPair } from '../modules/exchange/protocol/index.js';
import { listFiles, readJsonOr, removeFile, writeFileAtomic, writeJsonAtomic } from './fsutil.js';

export interface NodeIdentity {
  nodeId: string;
  platformUrl: string;
  /** Pinned from the first config fetched after approval (trust on first use). */
  platformPublicKey: string | null;
  enrolledAt: string;
}

export interface FileMark { size: number; mtimeMs: number; sm3: string }

export interface TaskState {
  seq: number;
  watermark: string | null;
  inclusive: boolean;
  changeLogId: string | null;
  lastRunAt: string | null;
  /** The TaskConfig.runRequestedAt last served (compared as text, so clock skew never repeats a 立即执行). */
  runRequestServed?: string | null;
  /** file tasks: what was published, by file name. */
  files?: Record<string, FileMark>;
}

export const EMPTY_STATE: TaskState = { seq: 0, watermark: null, inclusive: false, changeLogId: null, lastRunAt: null };

export interface OutboxEntry { taskId: string; seq: number; batchId: string; file: string }

const OUTBOX_NAME = /^(\d{12})-([0-9a-f-]{36})\.gsb$/;

/** Reads a batch file's header without checking the signature (our own spooled file; the digest is checked). */
export function readBatchHeader(file: Buffer): BatchHeader {
  return openBatch(file, () => true).header;
}

export class NodeStore {
  constructor(readonly dataDir: string) {}

  private p(...parts: string[]) { return path.join(this.dataDir, ...parts); }

  async init(): Promise<void> {
    for (const dir of ['state', 'outbox', 'keys']) await mkdir(this.p(dir), { recursive: true });
  }

  /* ---------- identity ---------- */

  async readKey(): Promise<NodeKeyPair | null> {
    const key = await readJsonOr<NodeKeyPair | null>(this.p('node.key'), null);
    return key && typeof key.privateKey === 'string' && typeof key.publicKey === 'string' ? key : null;
  }

  async writeKey(key: NodeKeyPair): Promise<void> {
    await writeJsonAtomic(this.p('node.key'), key, 0o600);
  }

  readIdentity(): Promise<NodeIdentity | null> {
    return readJsonOr<NodeIdentity | null>(this.p('node.json'), null);
  }

  writeIdentity(identity: NodeIdentity): Promise<void> {
    return writeJsonAtomic(this.p('node.json'), identity);
  }

  /* ---------- config cache ---------- */

  /** The cached config if its signature verifies with the pinned key (else null: a tampered cache is ignored). */
  async readConfigCache(platformPublicKey: string | null): Promise<SignedNodeConfig | null> {
    if (!platformPublicKey) return null;
    let signed: SignedNodeConfig | null;
    try {
      signed = await readJsonOr<SignedNodeConfig | null>(this.p('config-cache.json'), null);
    } catch {
      return null;
    }
    if (!signed?.config) return null;
    return verifyNodeConfig(signed, platformPublicKey) ? signed : null;
  }

  writeConfigCache(signed: SignedNodeConfig): Promise<void> {
    return writeJsonAtomic(this.p('config-cache.json'), signed);
  }

  /* ---------- task state ---------- */

  async readState(taskId: string): Promise<TaskState> {
    return { ...EMPTY_STATE, ...(await readJsonOr<Partial<TaskState>>(this.p('state', `${taskId}.json`), {})) };
  }

  writeState(taskId: string, state: TaskState): Promise<void> {
    return writeJsonAtomic(this.p('state', `${taskId}.json`), state);
  }

  async readJson<T>(name: string, fallback: T): Promise<T> {
    return readJsonOr<T>(this.p('state', name), fallback);
  }

  writeJson(name: string, value: unknown): Promise<void> {
    return writeJsonAtomic(this.p('state', name), value);
  }

  /* ---------- outbox ---------- */

  outboxDir(taskId: string): string { return this.p('outbox', taskId); }

  async spool(taskId: string, seq: number, batchId: string, file: Buffer): Promise<string> {
    const target = path.join(this.outboxDir(taskId), `${String(seq).padStart(12, '0')}-${batchId}.gsb`);
    await writeFileAtomic(target, file);
    return target;
  }

  /** Spooled batches of a task in seq order. */
  async outbox(taskId: string): Promise<OutboxEntry[]> {
    const dir = this.outboxDir(taskId);
    const out: OutboxEntry[] = [];
    for (const name of await listFiles(dir)) {
      const m = OUTBOX_NAME.exec(name);
      if (m) out.push({ taskId, seq: Number(m[1]), batchId: m[2]!, file: path.join(dir, name) });
    }
    return out;
  }

  /** Task ids that have an outbox directory with batches. */
  async outboxTasks(): Promise<string[]> {
    const { readdir } = await import('node:fs/promises');
    const dirs = await readdir(this.p('outbox'), { withFileTypes: true }).catch(() => []);
    return dirs.filter((d) => d.isDirectory()).map((d) => d.name);
  }

  async outboxCount(): Promise<number> {
    let n = 0;
    for (const taskId of await this.outboxTasks()) n += (await this.outbox(taskId)).length;
    return n;
  }

  removeOutbox(entry: OutboxEntry): Promise<void> { return removeFile(entry.file); }

  /* ---------- full-mode keys ---------- */

  private keysFile(taskId: string) { return this.p('keys', `${taskId}.keys`); }

  /** The previous complete full run's keys, or null when there was none (then nothing is deleted). */
  async readKeys(taskId: string): Promise<Set<string> | null> {
    let text: string;
    try {
      text = await readFile(this.keysFile(taskId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const set = new Set<string>();
    for (const line of text.split('\n')) if (line !== '') set.add(line);
    return set;
  }

  /** Replaces the keys file (streamed in slices so a million keys never form one giant string). */
  async writeKeys(taskId: string, keys: Iterable<string>): Promise<void> {
    const file = this.keysFile(taskId);
    const tmp = `${file}.new`;
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(tmp, 'w');
    try {
      let buf: string[] = [];
      for (const k of keys) {
        buf.push(k);
        if (buf.length >= 10_000) { await handle.write(`${buf.join('\n')}\n`); buf = []; }
      }
      if (buf.length) await handle.write(`${buf.join('\n')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { rename } = await import('node:fs/promises');
    await rename(tmp, file);
  }
}
