import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCitizenId, loadRows } from '../../../../test/helpers/data-services-factories.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { sm3Hex } from '../../../platform/crypto/sm3.js';
import { pgPoolOf } from '../../../platform/db/database.js';
import { generateNodeKeyPair } from '../node-signing.js';
import { aBatch, anApprovedNode, aSetup, aTask, datastoreRows, line, upload, type TestNode } from './batches-test-support.js';
import { createBatchesService } from './batches.service.js';

describe('exchange batches: upload, storage, apply (批次上传与入库)', () => {
  let t: TestApp;
  let setup: Awaited<ReturnType<typeof aSetup>>;
  let gajNode: TestNode;
  let scjNode: TestNode;
  let task: { id: string; code: string };
  const id1 = aCitizenId('19800101', 1);
  const id2 = aCitizenId('19800202', 2);
  const id3 = aCitizenId('19800303', 3);

  beforeAll(async () => {
    t = await createTestApp();
    setup = await aSetup(t);
    gajNode = await anApprovedNode(t, setup.tokens.gajAdmin, setup.tokens.platform);
    scjNode = await anApprovedNode(t, setup.tokens.scjAdmin, setup.tokens.platform);
    task = await aTask(t, setup, gajNode);
  });
  afterAll(async () => t?.close());

  const idle = () => t.app.services.exchange.batches.applierIdle();
  const taskRow = () => t.db.selectFrom('exchange_tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
  const rejects = (code: string) => t.db.selectFrom('exchange_log').selectAll().where('event', '=', 'reject').where('error_code', '=', code).execute();

  it('stores an upload durably, numbers it, and applies it to the datastore; a retried upload is a duplicate', async () => {
    const b = await aBatch(setup, task, gajNode.key, { seq: 1, upserts: [line(id1, '张三', '1980-01-01', '13800000001', '香洲区1号'), line(id2, '李四', '1980-02-02', '\\N', 'a\\tb')] });
    const res = await upload(t, gajNode, b.file);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ batchId: b.batchId, outcome: 'stored', serialNo: expect.stringMatching(/^JH\d{8}\d{10}$/) });
    const row = await t.db.selectFrom('exchange_batches').selectAll().where('id', '=', b.batchId).executeTakeFirstOrThrow();
    expect(existsSync(row.storage_path)).toBe(true);
    expect(row.storage_path).toMatch(new RegExp(`${task.id}/1-${b.batchId}\\.gsb$`));
    await idle();
    const rows = await datastoreRows(t, setup.resourceId);
    expect(rows).toEqual([
      { c_1: id1, c_2: '张三', c_3: '1980-01-01', c_4: '13800000001', c_5: '香洲区1号' },
      { c_1: id2, c_2: '李四', c_3: '1980-02-02', c_4: null, c_5: 'a\tb' },
    ]);
    expect(await taskRow()).toMatchObject({ consecutive_failures: 0 });
    expect(Number((await taskRow()).applied_seq)).toBe(1);
    expect(Number((await taskRow()).last_seq)).toBe(1);
    const store = await t.db.selectFrom('data_stores').select('row_count').where('resource_id', '=', setup.resourceId).executeTakeFirstOrThrow();
    expect(Number(store.row_count)).toBe(2);
    const log = await t.db.selectFrom('exchange_log').selectAll().where('batch_id', '=', b.batchId).orderBy('id').execute();
    expect(log.map((l) => [l.event, l.result])).toEqual([['upload', 'success'], ['apply', 'success']]);
    expect(log[0]).toMatchObject({ serial_no: row.serial_no, task_code: task.code, resource_code: setup.code, source_node_id: gajNode.nodeId, records: 2, sm3: row.sm3, operator: `node:${gajNode.code}` });

    const again = await upload(t, gajNode, b.file);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ batchId: b.batchId, serialNo: row.serial_no, outcome: 'duplicate' });
    await idle();
    expect(await t.db.selectFrom('exchange_log').select('event').where('batch_id', '=', b.batchId).execute()).toHaveLength(2);
  });

  it('updates by key, deletes by key, keeps the later line of a key sent twice', async () => {
    const b = await aBatch(setup, task, gajNode.key, {
      seq: 2, upserts: [line(id3, '王五', '1980-03-03', '\\N', '\\N'), line(id1, '张三丰', '1980-01-01', '\\N', '\\N'), line(id1, '张三丰2', '1980-01-01', '\\N', '\\N')], deletes: [`${id2}\n`],
    });
    expect((await upload(t, gajNode, b.file)).statusCode).toBe(200);
    await idle();
    const rows = await datastoreRows(t, setup.resourceId);
    expect(rows.map((r) => [r.c_1, r.c_2])).toEqual([[id1, '张三丰2'], [id3, '王五']].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    const store = await t.db.selectFrom('data_stores').select('row_count').where('resource_id', '=', setup.resourceId).executeTakeFirstOrThrow();
    expect(Number(store.row_count)).toBe(2);
  });

  it('refuses a tampered byte (digest), another key (signature), a replayed seq, a gap, another node\'s task — each logged', async () => {
    const b = await aBatch(setup, task, gajNode.key, { seq: 3, upserts: [line(id1, 'x', '1980-01-01', '\\N', '\\N')] });
    const tampered = Buffer.from(b.file);
    tampered[20] = tampered[20]! ^ 1;
    const r1 = await upload(t, gajNode, tampered);
    expect(r1.statusCode).toBe(400);
    expect(r1.json().code).toBe('BATCH_DIGEST_MISMATCH');
    expect(await rejects('BATCH_DIGEST_MISMATCH')).toHaveLength(1);

    const forged = await aBatch(setup, task, generateNodeKeyPair(), { seq: 3, upserts: [line(id1, 'x', '1980-01-01', '\\N', '\\N')] });
    const r2 = await upload(t, gajNode, forged.file);
    expect(r2.statusCode).toBe(401);
    expect(r2.json().code).toBe('BATCH_SIGNATURE_INVALID');
    expect(await rejects('BATCH_SIGNATURE_INVALID')).toHaveLength(1);

    const replay = await aBatch(setup, task, gajNode.key, { seq: 2, upserts: [line(id1, '篡改', '1980-01-01', '\\N', '\\N')] });
    const r3 = await upload(t, gajNode, replay.file);
    expect(r3.statusCode).toBe(409);
    expect(r3.json().code).toBe('BATCH_REPLAYED');
    expect(await rejects('BATCH_REPLAYED')).toMatchObject([{ task_id: task.id, batch_id: replay.batchId, result: 'rejected', source_node_id: gajNode.nodeId }]);

    const gap = await aBatch(setup, task, gajNode.key, { seq: 5 });
    const r4 = await upload(t, gajNode, gap.file);
    expect(r4.statusCode).toBe(409);
    expect(r4.json()).toMatchObject({ code: 'BATCH_OUT_OF_ORDER', expectedSeq: 3 });
    expect(await rejects('BATCH_OUT_OF_ORDER')).toHaveLength(1);

    // 市场监管局's node signs a batch for 公安局's task with its own key: the task is not its own.
    const foreign = await aBatch(setup, task, scjNode.key, { seq: 3, upserts: [line(id1, 'x', '1980-01-01', '\\N', '\\N')] });
    const r5 = await upload(t, scjNode, foreign.file);
    expect(r5.statusCode).toBe(404);
    expect(r5.json().code).toBe('TASK_NOT_FOUND');
    expect(await rejects('TASK_NOT_FOUND')).toMatchObject([{ source_node_id: scjNode.nodeId, task_id: null }]);
    // 公安局's own node signing with the right key but a request signed by another: refused before anything.
    const r6 = await upload(t, gajNode, b.file, scjNode.key);
    expect(r6.statusCode).toBe(401);
    expect(Number((await taskRow()).last_seq)).toBe(2);
    expect((await datastoreRows(t, setup.resourceId)).find((r) => r.c_1 === id1)!.c_2).toBe('张三丰2');
  });

  it('refuses uploads to a paused task and columns that do not match the task', async () => {
    const paused = await aTask(t, setup, gajNode, { status: 'paused' });
    const r1 = await upload(t, gajNode, (await aBatch(setup, paused, gajNode.key, { seq: 1 })).file);
    expect(r1.statusCode).toBe(409);
    expect(r1.json().code).toBe('TASK_PAUSED');
    await t.db.updateTable('exchange_tasks').set({ column_map: JSON.stringify({ 公民身份号码: 'a', 姓名: 'b' }), status: 'active' }).where('id', '=', paused.id).execute();
    const r2 = await upload(t, gajNode, (await aBatch(setup, paused, gajNode.key, { seq: 1 })).file);
    expect(r2.statusCode).toBe(400);
    expect(r2.json().code).toBe('BATCH_FORMAT_INVALID');
    expect(await rejects('TASK_PAUSED')).toHaveLength(1);
  });

  it('a bad value fails the batch (line and column named), holds later batches; a retry after the fix applies both', async () => {
    // A resource without a datastore yet: the batch fails until the provider defines one.
    const other = await aSetup(t, { keyItems: undefined });
    const otherTask = await aTask(t, other, gajNode);
    const b1 = await aBatch(other, otherTask, gajNode.key, { seq: 1, upserts: [line(id1, '甲', '1980-01-01', '\\N', '\\N')] });
    const b2 = await aBatch(other, otherTask, gajNode.key, { seq: 2, upserts: [line(id2, '乙', '1980-02-02', '\\N', '\\N')] });
    expect((await upload(t, gajNode, b1.file)).statusCode).toBe(200);
    expect((await upload(t, gajNode, b2.file)).statusCode).toBe(200);
    await idle();
    const failed = await t.db.selectFrom('exchange_batches').selectAll().where('id', '=', b1.batchId).executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ status: 'failed', error_code: 'BATCH_APPLY_FAILED' });
    expect((await t.db.selectFrom('exchange_batches').select('status').where('id', '=', b2.batchId).executeTakeFirstOrThrow()).status).toBe('received');
    expect((await t.db.selectFrom('exchange_tasks').select('consecutive_failures').where('id', '=', otherTask.id).executeTakeFirstOrThrow()).consecutive_failures).toBe(1);

    // Console: only the provider's admin (or the platform admin) may retry.
    expect((await t.call(setup.tokens.scjAdmin, 'POST', `/api/v1/exchange/batches/${b1.batchId}/retry`)).statusCode).toBe(404);
    expect((await t.call(setup.tokens.gajUser, 'POST', `/api/v1/exchange/batches/${b1.batchId}/retry`)).statusCode).toBe(403);
    await loadRows(t, other.tokens.gajAdmin, other.resourceId, ['公民身份号码']);
    const retried = await t.call(setup.tokens.gajAdmin, 'POST', `/api/v1/exchange/batches/${b1.batchId}/retry`);
    expect(retried.statusCode, retried.body).toBe(200);
    await idle();
    expect((await datastoreRows(t, other.resourceId)).map((r) => r.c_2)).toEqual(['甲', '乙']);
    expect((await t.db.selectFrom('exchange_batches').select(['status', 'retries']).where('id', '=', b1.batchId).executeTakeFirstOrThrow())).toEqual({ status: 'applied', retries: 1 });
    expect((await t.db.selectFrom('exchange_tasks').select('consecutive_failures').where('id', '=', otherTask.id).executeTakeFirstOrThrow()).consecutive_failures).toBe(0);
    expect(await t.db.selectFrom('audit_events').select('action').where('target_id', '=', b1.batchId).execute()).toEqual([{ action: 'exchange.batch_retried' }]);
    expect((await t.call(setup.tokens.gajAdmin, 'POST', `/api/v1/exchange/batches/${b1.batchId}/retry`)).json().code).toBe('BATCH_STATE_INVALID');

    // A date PostgreSQL refuses: failed with its message; nothing of the batch is applied.
    const b3 = await aBatch(other, otherTask, gajNode.key, { seq: 3, upserts: [line(id3, '丙', '1980-03-03', '\\N', '\\N'), line(aCitizenId('19800404', 4), '丁', '1980-13-45', '\\N', '\\N')] });
    expect((await upload(t, gajNode, b3.file)).statusCode).toBe(200);
    await idle();
    const bad = await t.db.selectFrom('exchange_batches').selectAll().where('id', '=', b3.batchId).executeTakeFirstOrThrow();
    expect(bad).toMatchObject({ status: 'failed', error_code: 'BATCH_APPLY_FAILED' });
    expect(bad.error_message).toMatch(/1980-13-45/);
    // PostgreSQL's COPY names the line and the column, with the item added.
    if (process.env.GOVSHARE_TEST_DATABASE_URL) expect(bad.error_message).toMatch(/line 2, column c_3（出生日期）/);
    expect((await datastoreRows(t, other.resourceId))).toHaveLength(2);
    const applyLog = await t.db.selectFrom('exchange_log').selectAll().where('batch_id', '=', b3.batchId).where('event', '=', 'apply').executeTakeFirstOrThrow();
    expect(applyLog).toMatchObject({ result: 'failure', error_code: 'BATCH_APPLY_FAILED' });
  });

  it('a file batch becomes a new file version of the resource', async () => {
    const fileResource = await aSetup(t, { keyItems: undefined, formatClass: '电子文件' });
    const fileTask = await aTask(t, fileResource, gajNode, { kind: 'file' });
    const content = Buffer.from('%PDF-1.4 测试文件');
    const b = await aBatch(fileResource, fileTask, gajNode.key, { seq: 1, file: { name: '通知.pdf', content, sm3: sm3Hex(content) } });
    const res = await upload(t, gajNode, b.file);
    expect(res.statusCode, res.body).toBe(200);
    await idle();
    expect((await t.db.selectFrom('exchange_batches').select(['status', 'error_message']).where('id', '=', b.batchId).executeTakeFirstOrThrow())).toEqual({ status: 'applied', error_message: null });
    const version = await t.db.selectFrom('data_files').selectAll().where('resource_id', '=', fileResource.resourceId).executeTakeFirstOrThrow();
    expect(version).toMatchObject({ version_no: 1, filename: '通知.pdf', size: content.length, sm3: sm3Hex(content), uploaded_by_username: `node:${gajNode.code}` });
    expect(Buffer.from(version.content).equals(content)).toBe(true);
  });

  it('a full run of many rows: the last batch of the run deletes the keys that disappeared (the sections cross chunk boundaries)', async () => {
    const big = await aSetup(t);
    const bigTask = await aTask(t, big, gajNode);
    const keys = Array.from({ length: 6000 }, (_, i) => `K${String(i).padStart(6, '0')}`);
    const rows = (ks: string[], tag: string) => ks.map((k) => line(k, `${tag}${k}`, '2000-01-01', '\\N', `地址${k}`.repeat(3)));
    const b1 = await aBatch(big, bigTask, gajNode.key, { seq: 1, mode: 'full', snapshotLast: true, upserts: rows(keys, '甲') });
    expect((await upload(t, gajNode, b1.file)).statusCode).toBe(200);
    // The next run no longer has the first 2500 keys.
    const b2 = await aBatch(big, bigTask, gajNode.key, { seq: 2, mode: 'full', snapshotLast: true, upserts: rows(keys.slice(2500), '乙'), deletes: keys.slice(0, 2500).map((k) => `${k}\n`) });
    expect((await upload(t, gajNode, b2.file)).statusCode).toBe(200);
    await idle();
    const after = await datastoreRows(t, big.resourceId);
    expect(after).toHaveLength(3500);
    expect(after[0]).toMatchObject({ c_1: 'K002500', c_2: '乙K002500' });
    const store = await t.db.selectFrom('data_stores').select('row_count').where('resource_id', '=', big.resourceId).executeTakeFirstOrThrow();
    expect(Number(store.row_count)).toBe(3500);
  });

  it('PostgreSQL: a batch of new keys is COPYed straight into the datastore; a later one updating them is merged', async ({ skip }) => {
    if (!pgPoolOf(t.db)) skip('the direct COPY is PostgreSQL only');
    const service = t.app.services.exchange.batches;
    const fresh = await aSetup(t);
    const freshTask = await aTask(t, fresh, gajNode);
    const storeCount = async () => Number((await t.db.selectFrom('data_stores').select('row_count').where('resource_id', '=', fresh.resourceId).executeTakeFirstOrThrow()).row_count);

    const before = service.applierStats();
    const b1 = await aBatch(fresh, freshTask, gajNode.key, { seq: 1, upserts: [line(id1, '甲', '1980-01-01', '\\N', 'a\\tb'), line(id2, '乙', '1980-02-02', '13800000002', '\\N')] });
    expect((await upload(t, gajNode, b1.file)).statusCode).toBe(200);
    await idle();
    const afterFirst = service.applierStats();
    expect(afterFirst).toEqual({ direct: before.direct + 1, merged: before.merged });
    expect(await datastoreRows(t, fresh.resourceId)).toEqual([
      { c_1: id1, c_2: '甲', c_3: '1980-01-01', c_4: null, c_5: 'a\tb' },
      { c_1: id2, c_2: '乙', c_3: '1980-02-02', c_4: '13800000002', c_5: null },
    ]);
    expect(await storeCount()).toBe(2);
    expect(await t.db.selectFrom('exchange_batches').select(['status', 'error_message']).where('id', '=', b1.batchId).executeTakeFirstOrThrow()).toEqual({ status: 'applied', error_message: null });
    expect(await t.db.selectFrom('exchange_tasks').select(['applied_seq', 'consecutive_failures']).where('id', '=', freshTask.id).executeTakeFirstOrThrow()).toEqual({ applied_seq: 1, consecutive_failures: 0 });
    expect((await t.db.selectFrom('exchange_log').select(['event', 'result', 'records', 'task_code']).where('batch_id', '=', b1.batchId).orderBy('id').execute()).map((l) => [l.event, l.result, l.records, l.task_code]))
      .toEqual([['upload', 'success', 2, freshTask.code], ['apply', 'success', 2, freshTask.code]]);

    // The same keys again (and a new one): the direct COPY meets a unique violation, the batch is merged.
    const b2 = await aBatch(fresh, freshTask, gajNode.key, { seq: 2, upserts: [line(id1, '甲改', '1980-01-01', '\\N', '\\N'), line(id3, '丙', '1980-03-03', '\\N', '\\N'), line(id2, '乙改', '1980-02-02', '\\N', '\\N')] });
    expect((await upload(t, gajNode, b2.file)).statusCode).toBe(200);
    await idle();
    expect(service.applierStats()).toEqual({ direct: afterFirst.direct, merged: afterFirst.merged + 1 });
    expect((await datastoreRows(t, fresh.resourceId)).map((r) => [r.c_1, r.c_2])).toEqual([[id1, '甲改'], [id2, '乙改'], [id3, '丙']].sort((a, b) => a[0]!.localeCompare(b[0]!)));
    expect(await storeCount()).toBe(3);
    expect(Number((await t.db.selectFrom('exchange_tasks').select('applied_seq').where('id', '=', freshTask.id).executeTakeFirstOrThrow()).applied_seq)).toBe(2);
    expect(await t.db.selectFrom('exchange_log').select('result').where('batch_id', '=', b2.batchId).where('event', '=', 'apply').execute()).toEqual([{ result: 'success' }]);
  });

  it('on restart, leftover staging tables are dropped and received batches are applied', async () => {
    await t.app.services.exchange.batches.close();
    const b = await aBatch(setup, task, gajNode.key, { seq: 3, upserts: [line(id2, '李四回来了', '1980-02-02', '\\N', '\\N')] });
    expect((await upload(t, gajNode, b.file)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await t.db.selectFrom('exchange_batches').select('status').where('id', '=', b.batchId).executeTakeFirstOrThrow()).status).toBe('received');
    const leftover = `x_${randomBytes(16).toString('hex')}_${randomBytes(4).toString('hex')}`;
    await sql.raw(`create table data_store.${leftover} (c_1 text)`).execute(t.db);

    const storageDir = path.dirname((await t.db.selectFrom('exchange_batches').select('storage_path').where('id', '=', b.batchId).executeTakeFirstOrThrow()).storage_path);
    const restarted = createBatchesService({ db: t.db, platformKey: { get: async () => generateNodeKeyPair() }, storageDir });
    await restarted.start();
    await restarted.applierIdle();
    await restarted.close();
    expect((await t.db.selectFrom('exchange_batches').select('status').where('id', '=', b.batchId).executeTakeFirstOrThrow()).status).toBe('applied');
    expect((await datastoreRows(t, setup.resourceId)).find((r) => r.c_1 === id2)!.c_2).toBe('李四回来了');
    const tables = await sql<{ n: string }>`select tablename as n from pg_tables where schemaname = 'data_store' and tablename like 'x\\_%'`.execute(t.db);
    expect(tables.rows).toEqual([]);
    await t.app.services.exchange.batches.start();
  });
});
