/**
 * A delivery's payload: the stored upload re-cut to the subscriber's grant (only granted items, masked as the
 * grant says) and signed by the platform. With nothing to drop or mask, the compressed body is reused as is.
 */
import { readFile } from 'node:fs/promises';
import { maskValue, type MaskingKind } from '../../sharing/index.js';
import { signWithNodeKey, type NodeKeyPair } from '../node-signing.js';
import { compressBody, inflateBatch, openBatch, sealBatch, type BatchHeader } from '../protocol/batch-format.js';
import { transformCopyText, type CopyMask } from '../protocol/copy-text.js';

/** Masks for transformCopyText: the grant's kinds (a value masked to nothing is NULL). */
function masksOf(kinds: (MaskingKind | null)[]): CopyMask[] {
  return kinds.map((kind) => (kind ? (value: string) => {
    const masked = maskValue(kind, value);
    return masked === null || masked === undefined ? null : String(masked);
  } : null));
}

export interface DeliveryTarget {
  deliveryId: string;
  subscriptionId: string;
  seq: number;
  storagePath: string;
  sm3: string;
  grant: { items: string[]; masking: Record<string, MaskingKind> };
}

/** Builds the signed delivery file. Throws KEY_NOT_DELIVERABLE when a key item would be dropped or masked. */
export async function buildDeliveryPayload(target: DeliveryTarget, key: NodeKeyPair): Promise<{ file: Buffer; sm3: string; header: BatchHeader }> {
  const stored = openBatch(await readFile(target.storagePath), (digest) => digest === target.sm3);
  const source = stored.header;
  const keepIndexes: number[] = [];
  const masks: (MaskingKind | null)[] = [];
  source.columns.forEach((c, i) => {
    if (!target.grant.items.includes(c.item)) return;
    keepIndexes.push(i);
    masks.push(target.grant.masking[c.item] ?? null);
  });
  if (source.kind === 'rows') {
    for (const k of source.keyItems) {
      if (!target.grant.items.includes(k) || target.grant.masking[k]) throw new Error(`KEY_NOT_DELIVERABLE:${k}`);
    }
  }
  const untouched = keepIndexes.length === source.columns.length && masks.every((m) => m === null);
  let body = stored.compressedBody;
  let upsertBytes = source.upsertBytes;
  let rawBytes = source.rawBytes;
  if (!untouched) {
    const sections = await inflateBatch(stored);
    const compressed = await compressBody(transformCopyText(sections.upserts, keepIndexes, masksOf(masks)), sections.deletes);
    ({ body, upsertBytes, rawBytes } = compressed);
  }
  const header: BatchHeader = {
    ...source,
    batchId: target.deliveryId,
    taskId: null,
    subscriptionId: target.subscriptionId,
    sourceBatchId: source.batchId,
    seq: target.seq,
    columns: keepIndexes.map((i) => source.columns[i]!),
    upsertBytes,
    rawBytes,
  };
  const sealed = sealBatch(header, body, (digest) => signWithNodeKey(digest, key));
  return { file: sealed.file, sm3: sealed.sm3, header };
}
