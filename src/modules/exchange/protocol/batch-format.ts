/**
 * The exchange batch file (交换批次文件), shared by node agents and the platform. One self-contained file so
 * the same bytes travel over HTTP and through a file mailbox (网闸/前置库):
 *
 *   "GSB1" | u32 BE header length | header (UTF-8 JSON) | body | SM3 digest (32 bytes) | SM2 signature (64 bytes)
 *
 * - body: raw DEFLATE (level 1) of the upsert section followed by the delete section. Rows are PostgreSQL
 *   COPY text lines (tab-separated, `\N` for NULL, backslash escapes, `\n`-terminated): PostgreSQL sources
 *   and targets stream them through COPY without any per-value conversion; MySQL and CSV are converted once
 *   at the edge. Upsert lines carry `header.columns` in order; delete lines carry `header.keyItems`.
 *   A file batch's body is the file's bytes (deflated).
 * - digest: SM3 over every byte before it (magic, header and compressed body), so a change anywhere is caught
 *   before anything is decompressed.
 * - signature: SM2 (sm2 with SM3 over Z‖M, raw r‖s) over the digest's lowercase hex, by the node's key for an
 *   upload and by the platform's key for a delivery.
 */
import { deflateRaw, inflateRaw, constants as zlibConstants } from 'node:zlib';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';

const deflateAsync = promisify(deflateRaw);
const inflateAsync = promisify(inflateRaw);

export const BATCH_MAGIC = 'GSB1';
export const BATCH_FORMAT = 'govshare-batch/1';
const DIGEST_BYTES = 32;
const SIGNATURE_BYTES = 64;
/** Largest batch file accepted (compressed). */
export const MAX_BATCH_BYTES = 256 * 1024 * 1024;

export interface BatchColumn { item: string; dataType: string }

export interface BatchHeader {
  format: typeof BATCH_FORMAT;
  /** uuid chosen by the sender; a retry carries the same id. */
  batchId: string;
  kind: 'rows' | 'file';
  /** Upload: the publish task. */
  taskId: string | null;
  /** Delivery: the subscription, and the uploaded batch it was made from. */
  subscriptionId: string | null;
  sourceBatchId: string | null;
  resourceCode: string;
  /** Per task (upload) or per subscription (delivery), from 1, no gaps. */
  seq: number;
  runId: string;
  mode: 'incremental' | 'full';
  createdAt: string;
  columns: BatchColumn[];
  keyItems: string[];
  upserts: number;
  deletes: number;
  /** Uncompressed length of the upsert section (the delete section follows it). */
  upsertBytes: number;
  /** Uncompressed body length. */
  rawBytes: number;
  /** Incremental: the watermark of the last row in this batch (text). */
  watermark: string | null;
  /** Full mode: this is the last batch of the run (its deletes are the rows that disappeared). */
  snapshotLast: boolean;
  file: { name: string; size: number; sm3: string } | null;
}

export type BatchHeaderInput = Omit<BatchHeader, 'format' | 'upsertBytes' | 'rawBytes'>;

export class BatchFormatError extends Error {
  constructor(readonly code: 'BATCH_FORMAT_INVALID' | 'BATCH_DIGEST_MISMATCH' | 'BATCH_SIGNATURE_INVALID', message: string) {
    super(message);
  }
}

export interface DecodedBatch {
  header: BatchHeader;
  /** Lowercase hex SM3 of the file (the signed digest). */
  sm3: string;
  signature: string;
  /** The compressed body as stored (reusable for a delivery that needs no transformation). */
  compressedBody: Buffer;
}

const sm3 = (data: Buffer | Buffer[]) => {
  const hash = createHash('sm3');
  for (const part of Array.isArray(data) ? data : [data]) hash.update(part);
  return hash.digest();
};

/** Compresses the sections (off the event loop, in libuv's pool). */
export async function compressBody(upserts: Buffer | string, deletes: Buffer | string = ''): Promise<{ body: Buffer; upsertBytes: number; rawBytes: number }> {
  const u = typeof upserts === 'string' ? Buffer.from(upserts, 'utf8') : upserts;
  const d = typeof deletes === 'string' ? Buffer.from(deletes, 'utf8') : deletes;
  const raw = d.length === 0 ? u : Buffer.concat([u, d]);
  const body = await deflateAsync(raw, { level: 1, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
  return { body, upsertBytes: u.length, rawBytes: raw.length };
}

/**
 * Assembles and signs a batch file from an already compressed body. `sign(digestHex)` returns the 128-hex
 * SM2 signature (node key or platform key).
 */
export function sealBatch(header: BatchHeader, body: Buffer, sign: (digestHex: string) => string): { file: Buffer; sm3: string; signature: string } {
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.write(BATCH_MAGIC, 0, 'latin1');
  prefix.writeUInt32BE(headerBytes.length, 4);
  const digest = sm3([prefix, headerBytes, body]);
  const digestHex = digest.toString('hex');
  const signature = sign(digestHex);
  if (!/^[0-9a-f]{128}$/.test(signature)) throw new Error('signer returned a malformed signature');
  return { file: Buffer.concat([prefix, headerBytes, body, digest, Buffer.from(signature, 'hex')]), sm3: digestHex, signature };
}

/** compressBody + sealBatch. */
export async function encodeBatch(input: BatchHeaderInput, upserts: Buffer | string, deletes: Buffer | string, sign: (digestHex: string) => string): Promise<{ file: Buffer; header: BatchHeader; sm3: string; signature: string }> {
  const { body, upsertBytes, rawBytes } = await compressBody(upserts, deletes);
  const header: BatchHeader = { format: BATCH_FORMAT, ...input, upsertBytes, rawBytes };
  const sealed = sealBatch(header, body, sign);
  return { ...sealed, header };
}

/**
 * Checks the digest, then the signature (`verify(digestHex, signatureHex)`), then parses the header.
 * Throws BatchFormatError; decompression is separate (`inflateBatch`).
 */
export function openBatch(file: Buffer, verify: (digestHex: string, signature: string) => boolean): DecodedBatch {
  if (file.length < 8 + DIGEST_BYTES + SIGNATURE_BYTES || file.toString('latin1', 0, 4) !== BATCH_MAGIC) {
    throw new BatchFormatError('BATCH_FORMAT_INVALID', '不是交换批次文件（文件头不符）');
  }
  const headerLength = file.readUInt32BE(4);
  const bodyStart = 8 + headerLength;
  const digestStart = file.length - DIGEST_BYTES - SIGNATURE_BYTES;
  if (bodyStart > digestStart) throw new BatchFormatError('BATCH_FORMAT_INVALID', '交换批次文件不完整');
  const digest = sm3(file.subarray(0, digestStart));
  if (!digest.equals(file.subarray(digestStart, digestStart + DIGEST_BYTES))) {
    throw new BatchFormatError('BATCH_DIGEST_MISMATCH', '批次 SM3 摘要不符：文件在传输或存储中被改动');
  }
  const sm3Hex = digest.toString('hex');
  const signature = file.subarray(digestStart + DIGEST_BYTES).toString('hex');
  if (!verify(sm3Hex, signature)) throw new BatchFormatError('BATCH_SIGNATURE_INVALID', '批次签名验证失败');
  let header: BatchHeader;
  try {
    header = JSON.parse(file.toString('utf8', 8, bodyStart)) as BatchHeader;
  } catch {
    throw new BatchFormatError('BATCH_FORMAT_INVALID', '批次头不是有效的 JSON');
  }
  if (header.format !== BATCH_FORMAT) throw new BatchFormatError('BATCH_FORMAT_INVALID', `不支持的批次格式：${String(header.format)}`);
  return { header, sm3: sm3Hex, signature, compressedBody: file.subarray(bodyStart, digestStart) };
}

/** The uncompressed sections of an opened batch. */
export async function inflateBatch(batch: DecodedBatch): Promise<{ upserts: Buffer; deletes: Buffer }> {
  const raw = batch.compressedBody.length === 0 ? Buffer.alloc(0) : await inflateAsync(batch.compressedBody);
  if (raw.length !== batch.header.rawBytes) throw new BatchFormatError('BATCH_FORMAT_INVALID', '批次正文长度与批次头不符');
  return { upserts: raw.subarray(0, batch.header.upsertBytes), deletes: raw.subarray(batch.header.upsertBytes) };
}
