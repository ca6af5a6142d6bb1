/**
 * File plumbing of the platform-side mailbox gateway: names the node agent's mailbox transport uses
 * (src/node-agent/transport/mailbox.ts), durable writes, the replay set of processed message ids, and the record
 * of exported deliveries (the ferry usually moves files out of `to`, so "the file exists" alone is not enough).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const BATCH_FILE = /^batch-([0-9a-f-]{36})-(\d+)-([0-9a-f-]{36})\.gsb$/;
export const MESSAGE_FILE = /^msg-(\d+)-([0-9a-f-]{36})\.json$/;
export const deliveryFileName = (subscriptionId: string, seq: number, deliveryId: string) => `delivery-${subscriptionId}-${seq}-${deliveryId}.gsb`;

/** Files (not directories) of `dir`, sorted by name; [] when it does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => e.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try { await handle.sync(); } finally { await handle.close(); }
  } catch {
    // Not every platform can fsync a directory; the rename is atomic all the same.
  }
}

/**
 * Writes `name` in `dir` as `<name>.part` (fsynced), then renames it: the ferry ignores `.part` files, so it never
 * carries half a file.
 */
export async function writeForFerry(dir: string, name: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true });
  const part = path.join(dir, `${name}.part`);
  const handle = await open(part, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(part, path.join(dir, name));
  await fsyncDir(dir);
}

/** Moves a refused file to `<dir>/rejected/` with `<name>.error.txt` saying why. */
export async function rejectFile(dir: string, name: string, reason: string, at: Date): Promise<void> {
  const rejected = path.join(dir, 'rejected');
  await mkdir(rejected, { recursive: true });
  await writeFile(path.join(rejected, `${name}.error.txt`), `${at.toISOString()}\n${reason}\n`);
  await rename(path.join(dir, name), path.join(rejected, name));
}

export async function removeFile(file: string): Promise<void> {
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/**
 * A persistent set of keys with the time they were added (one `key<TAB>unixms` line each), pruned of entries
 * older than `keepMs` on load. Appends are fsynced: a processed message must stay processed after a crash.
 */
export async function openKeySet(file: string, keepMs: number, now: Date) {
  const entries = new Map<string, number>();
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let stale = 0;
  for (const line of text.split('\n')) {
    const [key, ms] = line.split('\t');
    if (!key || !ms) continue;
    if (now.getTime() - Number(ms) > keepMs) stale++;
    else entries.set(key, Number(ms));
  }
  if (stale > 0) {
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, [...entries].map(([k, ms]) => `${k}\t${ms}\n`).join(''));
    await rename(tmp, file);
  }
  return {
    has: (key: string) => entries.has(key),
    addedAt: (key: string) => entries.get(key),
    async add(key: string, at: Date): Promise<void> {
      await mkdir(path.dirname(file), { recursive: true });
      const handle = await open(file, 'a');
      try {
        await handle.appendFile(`${key}\t${at.getTime()}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      entries.set(key, at.getTime());
    },
  };
}
