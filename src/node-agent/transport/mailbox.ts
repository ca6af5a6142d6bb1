/**
 * File-mailbox transport for isolated networks (网闸 / 前置库): something else ferries files between the node's
 * outbox/inbox and the platform's mailbox gateway. Same guarantees as HTTP: batches are self-signed files,
 * every message is signed with the node key, and an inbox delivery is removed only after its ack is written.
 *
 *   outbox/batch-<taskId>-<seq>-<batchId>.gsb           an upload (written as .part, then renamed)
 *   outbox/msg-<unixms>-<uuid>.json                     {type, nodeId, id, at, body, signature}
 *       type heartbeat (id = the message uuid) | ack (id = delivery id) | reconciliation (id = reconciliation id);
 *       signature = signWithNodeKey(canonicalJson(message without signature))
 *   inbox/config.json                                   the SignedNodeConfig
 *   inbox/delivery-<subscriptionId>-<seq>-<deliveryId>.gsb   a delivery (platform-signed batch), removed once acked
 *       (kept after a failed apply so the retry reads it again)
 */
import { open, readFile, rename, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SignedNodeConfig } from '../../modules/exchange/flows.types.js';
import { canonicalJson, signWithNodeKey, type DeliveryListItem, type NodeKeyPair } from '../../modules/exchange/protocol/index.js';
import { listFiles, removeFile, sleep, writeFileAtomic } from '../fsutil.js';
import { TransportError, type Transport } from './types.js';

export interface MailboxOptions { outbox: string; inbox: string; nodeId: string; key: NodeKeyPair; pollMs?: number }

export type MailboxMessageType = 'heartbeat' | 'ack' | 'reconciliation';
export interface MailboxMessage { type: MailboxMessageType; nodeId: string; id: string; at: string; body: unknown; signature: string }

const DELIVERY_NAME = /^delivery-([0-9a-f-]{36})-(\d+)-([0-9a-f-]{36})\.gsb$/;

export const mailboxNames = {
  batch: (taskId: string, seq: number, batchId: string) => `batch-${taskId}-${seq}-${batchId}.gsb`,
  message: (at: number, uuid: string) => `msg-${at}-${uuid}.json`,
  delivery: (subscriptionId: string, seq: number, deliveryId: string) => `delivery-${subscriptionId}-${seq}-${deliveryId}.gsb`,
  parseDelivery(name: string): { subscriptionId: string; seq: number; deliveryId: string } | null {
    const m = DELIVERY_NAME.exec(name);
    return m ? { subscriptionId: m[1]!, seq: Number(m[2]), deliveryId: m[3]! } : null;
  },
};

/** Writes `data` as name.part then renames, so the ferry never picks up half a file. */
async function writeForFerry(dir: string, name: string, data: string | Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  const part = path.join(dir, `${name}.part`);
  await writeFileAtomic(part, data);
  await rename(part, path.join(dir, name));
}

async function readHeaderOf(file: string): Promise<{ batchId: string; records: number } | null> {
  const handle = await open(file, 'r');
  try {
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    if (prefix.toString('latin1', 0, 4) !== 'GSB1') return null;
    const len = prefix.readUInt32BE(4);
    if (len > 1_000_000) return null;
    const buf = Buffer.alloc(len);
    await handle.read(buf, 0, len, 8);
    const header = JSON.parse(buf.toString('utf8')) as { batchId: string; upserts: number; deletes: number };
    return { batchId: header.batchId, records: (header.upserts ?? 0) + (header.deletes ?? 0) };
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

export function mailboxTransport(options: MailboxOptions): Transport {
  const pollMs = options.pollMs ?? 500;

  async function message(type: MailboxMessageType, id: string, body: unknown): Promise<void> {
    const now = Date.now();
    const unsigned = { type, nodeId: options.nodeId, id, at: new Date(now).toISOString(), body };
    const msg: MailboxMessage = { ...unsigned, signature: signWithNodeKey(canonicalJson(unsigned), options.key) };
    await writeForFerry(options.outbox, mailboxNames.message(now, randomUUID()), JSON.stringify(msg));
  }

  async function findDelivery(id: string): Promise<string | null> {
    for (const name of await listFiles(options.inbox)) {
      const parsed = mailboxNames.parseDelivery(name);
      if (parsed?.deliveryId === id) return path.join(options.inbox, name);
    }
    return null;
  }

  async function list(subscriptionId: string, afterSeq: number): Promise<DeliveryListItem[]> {
    const items: DeliveryListItem[] = [];
    for (const name of await listFiles(options.inbox)) {
      const parsed = mailboxNames.parseDelivery(name);
      if (!parsed || parsed.subscriptionId !== subscriptionId || parsed.seq <= afterSeq) continue;
      const header = await readHeaderOf(path.join(options.inbox, name));
      items.push({ id: parsed.deliveryId, subscriptionId, seq: parsed.seq, batchId: header?.batchId ?? '', records: header?.records ?? 0 });
    }
    return items.sort((a, b) => a.seq - b.seq).slice(0, 20);
  }

  return {
    kind: 'mailbox',
    async heartbeat(body) {
      await message('heartbeat', randomUUID(), body);
    },
    async fetchConfig() {
      try {
        return JSON.parse(await readFile(path.join(options.inbox, 'config.json'), 'utf8')) as SignedNodeConfig;
      } catch (error) {
        throw new TransportError(0, 'MAILBOX_NO_CONFIG', `no readable config.json in the inbox: ${(error as Error).message}`);
      }
    },
    async upload(file, meta) {
      await writeForFerry(options.outbox, mailboxNames.batch(meta.taskId, meta.seq, meta.batchId), file);
      // The platform's answer never comes back through a mailbox: handing the file to the ferry is the upload.
      return { batchId: meta.batchId, serialNo: '', outcome: 'stored' };
    },
    async deliveries(q) {
      const until = Date.now() + q.waitMs;
      for (;;) {
        const items = await list(q.subscriptionId, q.afterSeq);
        if (items.length || Date.now() >= until || q.signal?.aborted) return items;
        await sleep(Math.min(pollMs, until - Date.now()), q.signal);
      }
    },
    async payload(id) {
      const file = await findDelivery(id);
      if (!file) throw new TransportError(404, 'DELIVERY_NOT_FOUND', `delivery ${id} is not in the inbox`);
      return readFile(file);
    },
    async ack(id, body) {
      await message('ack', id, body);
      // Keep the file after an apply error (retried from it); a file that failed verification is dropped so the
      // gateway's re-export brings a fresh copy.
      const keep = body.status === 'failed' && !String(body.errorCode ?? '').startsWith('BATCH_');
      const file = keep ? null : await findDelivery(id);
      if (file) await removeFile(file);
    },
    async reconciliationReport(id, body) {
      await message('reconciliation', id, body);
    },
  };
}
