import { describe, expect, it } from 'vitest';
import { generateNodeKeyPair, signWithNodeKey, verifyNodeSignature } from '../node-signing.js';
import { BatchFormatError, encodeBatch, inflateBatch, openBatch, type BatchHeaderInput } from './batch-format.js';

const key = generateNodeKeyPair();
const other = generateNodeKeyPair();
const sign = (digest: string) => signWithNodeKey(digest, key);
const verifyWith = (publicKey: string) => (digest: string, signature: string) => verifyNodeSignature(digest, signature, publicKey);

const input: BatchHeaderInput = {
  batchId: '6f1c1c1e-8a4b-4c7e-9d2a-3b1f5e7a9c01', kind: 'rows', taskId: 'task-1', subscriptionId: null, sourceBatchId: null,
  resourceCode: 'ZY001', seq: 1, runId: '0a7b5c3d-1e2f-4a5b-8c9d-0e1f2a3b4c5d', mode: 'incremental', createdAt: '2026-11-21T00:00:00.000Z',
  columns: [{ item: '编号', dataType: 'C' }, { item: '名称', dataType: 'C' }], keyItems: ['编号'], upserts: 2, deletes: 1,
  watermark: '2026-11-20 12:00:00', snapshotLast: false, file: null,
};
const upserts = '1\t张三\\t甲\n2\t\\N\n';
const deletes = '3\n';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof BatchFormatError ? error.code : `other: ${(error as Error).message}`;
  }
}

describe('batch file (交换批次文件)', () => {
  it('round-trips header and sections, verified with the signer key', async () => {
    const { file, header, sm3 } = await encodeBatch(input, upserts, deletes, sign);
    const opened = openBatch(file, verifyWith(key.publicKey));
    expect(opened.header).toEqual(header);
    expect(opened.sm3).toBe(sm3);
    const { upserts: u, deletes: d } = await inflateBatch(opened);
    expect(u.toString('utf8')).toBe(upserts);
    expect(d.toString('utf8')).toBe(deletes);
    expect(header.upsertBytes).toBe(Buffer.byteLength(upserts));
  });

  it('an empty body round-trips', async () => {
    const { file } = await encodeBatch({ ...input, upserts: 0, deletes: 0 }, '', '', sign);
    const { upserts: u, deletes: d } = await inflateBatch(openBatch(file, verifyWith(key.publicKey)));
    expect(u.length + d.length).toBe(0);
  });

  it('a changed header byte, body byte or digest is a digest mismatch; a changed signature or wrong key is a bad signature', async () => {
    const { file } = await encodeBatch(input, upserts, deletes, sign);
    const headerLength = file.readUInt32BE(4);
    const flip = (at: number) => {
      const copy = Buffer.from(file);
      copy[at] = copy[at]! ^ 0x01;
      return copy;
    };
    const verify = verifyWith(key.publicKey);
    expect(codeOf(() => openBatch(flip(8 + 5), verify))).toBe('BATCH_DIGEST_MISMATCH');
    expect(codeOf(() => openBatch(flip(8 + headerLength + 2), verify))).toBe('BATCH_DIGEST_MISMATCH');
    expect(codeOf(() => openBatch(flip(file.length - 64 - 10), verify))).toBe('BATCH_DIGEST_MISMATCH');
    expect(codeOf(() => openBatch(flip(file.length - 5), verify))).toBe('BATCH_SIGNATURE_INVALID');
    expect(codeOf(() => openBatch(file, verifyWith(other.publicKey)))).toBe('BATCH_SIGNATURE_INVALID');
    expect(codeOf(() => openBatch(file, verify))).toBeNull();
  });

  it('a truncated file, a wrong magic or a header length past the end is invalid', async () => {
    const { file } = await encodeBatch(input, upserts, deletes, sign);
    const verify = verifyWith(key.publicKey);
    expect(codeOf(() => openBatch(file.subarray(0, 50), verify))).toBe('BATCH_FORMAT_INVALID');
    expect(codeOf(() => openBatch(file.subarray(0, file.length - 1), verify))).toBe('BATCH_DIGEST_MISMATCH');
    const magic = Buffer.from(file);
    magic.write('XXXX', 0, 'latin1');
    expect(codeOf(() => openBatch(magic, verify))).toBe('BATCH_FORMAT_INVALID');
    const long = Buffer.from(file);
    long.writeUInt32BE(file.length, 4);
    expect(codeOf(() => openBatch(long, verify))).toBe('BATCH_FORMAT_INVALID');
  });

  it('a body whose length disagrees with the header is refused on inflate', async () => {
    const { file } = await encodeBatch(input, upserts, deletes, sign);
    const opened = openBatch(file, verifyWith(key.publicKey));
    await expect(inflateBatch({ ...opened, header: { ...opened.header, rawBytes: opened.header.rawBytes + 1 } })).rejects.toMatchObject({ code: 'BATCH_FORMAT_INVALID' });
  });
});
