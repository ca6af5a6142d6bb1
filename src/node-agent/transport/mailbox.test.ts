import { mkdirSync, mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson, encodeBatch, generateNodeKeyPair, signWithNodeKey, verifyNodeSignature } from '../../modules/exchange/protocol/index.js';
import { mailboxNames, mailboxTransport, type MailboxMessage } from './mailbox.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const SUB = '11111111-2222-4333-8444-555555555555';
const TASK = '99999999-2222-4333-8444-555555555555';

describe('mailbox transport', () => {
  it('names files so the other side can parse them back', () => {
    const name = mailboxNames.delivery(SUB, 12, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
    expect(name).toBe(`delivery-${SUB}-12-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee.gsb`);
    expect(mailboxNames.parseDelivery(name)).toEqual({ subscriptionId: SUB, seq: 12, deliveryId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' });
    expect(mailboxNames.parseDelivery(`${name}.part`)).toBeNull();
    expect(mailboxNames.batch(TASK, 3, 'b-id')).toBe(`batch-${TASK}-3-b-id.gsb`);
  });

  it('round trip: uploads and signed messages in the outbox, deliveries from the inbox, removed after ack', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'gs-mailbox-'));
    dirs.push(root);
    const outbox = path.join(root, 'out');
    const inbox = path.join(root, 'in');
    const key = generateNodeKeyPair();
    const t = mailboxTransport({ outbox, inbox, nodeId: 'node-1', key, pollMs: 20 });

    const upload = await t.upload(Buffer.from('GSB1...'), { taskId: TASK, seq: 7, batchId: 'bbbbbbbb-0000-4000-8000-000000000001' });
    expect(upload).toMatchObject({ batchId: 'bbbbbbbb-0000-4000-8000-000000000001', outcome: 'stored' });
    await t.heartbeat({ version: '1', status: 'ok', backlog: 2 });
    const names = readdirSync(outbox);
    expect(names).toContain(`batch-${TASK}-7-bbbbbbbb-0000-4000-8000-000000000001.gsb`);
    expect(names.some((n) => n.endsWith('.part'))).toBe(false);
    const msgName = names.find((n) => /^msg-\d{13}-[0-9a-f-]{36}\.json$/.test(n))!;
    const msg = JSON.parse(readFileSync(path.join(outbox, msgName), 'utf8')) as MailboxMessage;
    expect(msg).toMatchObject({ type: 'heartbeat', nodeId: 'node-1', body: { backlog: 2 } });
    const { signature, ...unsigned } = msg;
    expect(verifyNodeSignature(canonicalJson(unsigned), signature, key.publicKey)).toBe(true);

    // Nothing in the inbox: the long poll waits, then returns empty.
    expect(await t.deliveries({ subscriptionId: SUB, afterSeq: 0, waitMs: 60 })).toEqual([]);
    await expect(t.fetchConfig()).rejects.toMatchObject({ code: 'MAILBOX_NO_CONFIG' });

    const { file } = await encodeBatch({
      batchId: 'dddddddd-0000-4000-8000-000000000002', kind: 'rows', taskId: null, subscriptionId: SUB, sourceBatchId: null, resourceCode: 'R', seq: 2, runId: 'r',
      mode: 'incremental', createdAt: new Date().toISOString(), columns: [{ item: 'ID', dataType: 'C' }], keyItems: ['ID'], upserts: 2, deletes: 1,
      watermark: null, snapshotLast: false, file: null,
    }, 'a\nb\n', 'c\n', (d) => signWithNodeKey(d, key));
    const deliveryId = 'eeeeeeee-0000-4000-8000-000000000003';
    mkdirSync(inbox, { recursive: true });
    writeFileSync(path.join(inbox, mailboxNames.delivery(SUB, 2, deliveryId)), file);
    writeFileSync(path.join(inbox, mailboxNames.delivery(SUB, 1, 'eeeeeeee-0000-4000-8000-000000000004')), file);
    writeFileSync(path.join(inbox, 'config.json'), JSON.stringify({ config: { nodeId: 'node-1' }, signature: 'x' }));

    const items = await t.deliveries({ subscriptionId: SUB, afterSeq: 1, waitMs: 1000 });
    expect(items).toEqual([{ id: deliveryId, subscriptionId: SUB, seq: 2, batchId: 'dddddddd-0000-4000-8000-000000000002', records: 3 }]);
    expect((await t.payload(deliveryId)).equals(file)).toBe(true);
    expect((await t.fetchConfig()).config.nodeId).toBe('node-1');

    await t.ack(deliveryId, { status: 'applied' });
    expect(readdirSync(inbox).some((n) => n.includes(deliveryId))).toBe(false);
    const ack = readdirSync(outbox).filter((n) => n.startsWith('msg-')).map((n) => JSON.parse(readFileSync(path.join(outbox, n), 'utf8')) as MailboxMessage).find((m) => m.type === 'ack')!;
    expect(ack).toMatchObject({ id: deliveryId, body: { status: 'applied' } });
  });
});
