import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTableResourceWithGrant, dataServicesTokens, type TableResourceWithGrant } from '../../../../test/helpers/data-services-factories.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { verifyNodeConfig } from '../protocol/node-config.js';
import { anApprovedNode, fetchConfig, signedCall, type TestNode } from './tasks-test-support.js';

const SOURCES = [{ name: 'hr', type: 'postgres', role: 'source' }, { name: 'docs', type: 'csv', role: 'source' }, { name: 'dw', type: 'mysql', role: 'target' }] as const;

describe('publish tasks (发布任务)', () => {
  let t: TestApp;
  let tk: TableResourceWithGrant['tokens'];
  let auditor: string;
  let res: TableResourceWithGrant;
  let gajNode: TestNode;
  let scjNode: TestNode;

  const base = () => ({
    resourceId: res.resourceId, nodeId: gajNode.nodeId, sourceName: 'hr', sourceTable: 'public.persons',
    columnMap: { 公民身份号码: 'id_no', 姓名: 'name', 出生日期: 'birth' }, mode: 'incremental', watermarkColumn: 'updated_at',
    deleteMode: 'none', scheduleKind: 'cron', cron: '*/5 * * * *',
  });

  beforeAll(async () => {
    t = await createTestApp();
    tk = await dataServicesTokens(t);
    auditor = await t.login('auditor');
    res = await aTableResourceWithGrant(t, { keyItems: ['公民身份号码'] }, tk);
    gajNode = await anApprovedNode(t, { deptAdmin: tk.gajAdmin, platform: tk.platform }, [...SOURCES]);
    scjNode = await anApprovedNode(t, { deptAdmin: tk.scjAdmin, platform: tk.platform }, [...SOURCES]);
  });
  afterAll(async () => t.close());

  it('the provider admin creates a task (FB code, key items from the datastore, audited); visibility by department', async () => {
    const created = await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', base());
    expect(created.statusCode, created.body).toBe(201);
    const task = created.json();
    expect(task).toMatchObject({
      code: expect.stringMatching(/^FB\d{6}$/), orgId: res.providerOrgId, resourceCode: res.code, nodeId: gajNode.nodeId, nodeCode: gajNode.code, kind: 'table',
      keyItems: ['公民身份号码'], status: 'active', lastSeq: 0, batchRows: 50000, subscriptions: 0, runRequestedAt: null,
    });
    const second = (await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', { ...base(), sourceTable: null, sourceQuery: 'select * from persons where active' })).json();
    expect(Number(second.code.slice(2))).toBe(Number(task.code.slice(2)) + 1);
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', task.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['exchange.task_created']);
    // Concurrent creations never share a code.
    const many = await Promise.all([1, 2, 3, 4].map(() => t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', base())));
    expect(many.map((m) => m.statusCode)).toEqual([201, 201, 201, 201]);
    expect(new Set(many.map((m) => m.json().code)).size).toBe(4);

    for (const token of [tk.gajUser, tk.platform, auditor]) {
      expect((await t.call(token, 'GET', '/api/v1/exchange/tasks')).json().items.map((i: { id: string }) => i.id)).toContain(task.id);
      expect((await t.call(token, 'GET', `/api/v1/exchange/tasks/${task.id}`)).statusCode).toBe(200);
    }
    // The other department neither lists nor reads it, nor changes it.
    expect((await t.call(tk.scjAdmin, 'GET', '/api/v1/exchange/tasks')).json().items.map((i: { id: string }) => i.id)).not.toContain(task.id);
    for (const [method, url] of [['GET', ''], ['POST', '/pause'], ['POST', '/run']] as const) {
      const r = await t.call(tk.scjAdmin, method, `/api/v1/exchange/tasks/${task.id}${url}`);
      expect(r.statusCode).toBe(404);
      expect(r.json().code).toBe('TASK_NOT_FOUND');
    }
    expect((await t.call(tk.scjAdmin, 'PUT', `/api/v1/exchange/tasks/${task.id}`, base())).statusCode).toBe(404);
    // A department user, the platform admin and the auditor read but do not change.
    expect((await t.call(tk.gajUser, 'POST', '/api/v1/exchange/tasks', base())).statusCode).toBe(403);
    expect((await t.call(tk.gajUser, 'POST', `/api/v1/exchange/tasks/${task.id}/pause`)).statusCode).toBe(403);
    expect((await t.call(tk.platform, 'POST', `/api/v1/exchange/tasks/${task.id}/run`)).statusCode).toBe(403);
    expect((await t.call(auditor, 'POST', '/api/v1/exchange/tasks', base())).statusCode).toBe(403);
  });

  it('refuses another department\'s resource or node, and says which field is wrong', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ nodeId: scjNode.nodeId }, 'nodeId', /本部门的前置机/],
      [{ sourceName: 'nope' }, 'sourceName', /未上报名为“nope”/],
      [{ sourceName: 'dw' }, 'sourceName', /未上报/],
      [{ sourceQuery: 'select 1' }, 'sourceTable', /须且只能填写一项/],
      [{ sourceTable: null }, 'sourceTable', /须且只能填写一项/],
      [{ sourceTable: null, sourceQuery: 'select * from a; drop table a' }, 'sourceQuery', /分号/],
      [{ sourceTable: null, sourceQuery: 'delete from a' }, 'sourceQuery', /SELECT/],
      [{ sourceTable: 'persons; drop' }, 'sourceTable', /不是合法的名称/],
      [{ columnMap: { 公民身份号码: 'id_no', 不存在: 'x' } }, 'columnMap', /不是该资源已发布的数据项：不存在/],
      [{ columnMap: { 姓名: 'name' } }, 'columnMap', /主键数据项必须映射源字段：公民身份号码/],
      [{ columnMap: { 公民身份号码: 'id no' } }, 'columnMap', /不是合法的名称/],
      [{ watermarkColumn: null }, 'watermarkColumn', /增量标识字段/],
      [{ deleteMode: 'soft_delete' }, 'softDeleteColumn', /逻辑删除标志字段/],
      [{ deleteMode: 'change_log' }, 'changeLogTable', /变更日志表/],
      [{ cron: '* * *' }, 'cron', /5 段/],
      [{ scheduleKind: 'realtime', cron: null, intervalSeconds: 61 }, 'intervalSeconds', /1–60/],
      [{ scheduleKind: 'realtime', cron: null, intervalSeconds: 0 }, 'intervalSeconds', /1–60/],
      [{ batchRows: 50 }, 'batchRows', /100–200000/],
      [{ batchRows: 200001 }, 'batchRows', /100–200000/],
    ];
    for (const [patch, field, message] of cases) {
      const r = await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', { ...base(), ...patch });
      expect(r.statusCode, JSON.stringify(patch)).toBe(400);
      expect(r.json(), JSON.stringify(patch)).toMatchObject({ code: 'EXCHANGE_INVALID', field, message: expect.stringMatching(message) });
    }
    // 市场监管局's admin cannot publish 公安局's resource, even with its own node.
    const other = await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/tasks', { ...base(), nodeId: scjNode.nodeId });
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ field: 'resourceId', message: expect.stringMatching(/本部门已发布的资源/) });
    // A node that has not reported endpoints yet accepts any source name.
    const quiet = await anApprovedNode(t, { deptAdmin: tk.gajAdmin, platform: tk.platform });
    expect((await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', { ...base(), nodeId: quiet.nodeId, sourceName: 'anything' })).statusCode).toBe(201);
    // A revoked node is refused.
    await t.call(tk.platform, 'POST', `/api/v1/exchange/nodes/${quiet.nodeId}/revoke`, { reason: '停用' });
    const revoked = await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', { ...base(), nodeId: quiet.nodeId });
    expect(revoked.json()).toMatchObject({ field: 'nodeId', message: expect.stringMatching(/未获批准或已注销/) });
  });

  it('edits (not the resource), pauses, resumes and requests a run; the signed config follows', async () => {
    const task = (await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', base())).json();
    let r = await t.call(tk.gajAdmin, 'PUT', `/api/v1/exchange/tasks/${task.id}`, { ...base(), resourceId: undefined, columnMap: { 公民身份号码: 'id_no', 出生日期: 'dob' }, mode: 'full', watermarkColumn: null, batchRows: 1000 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ columnMap: { 公民身份号码: 'id_no', 出生日期: 'dob' }, mode: 'full', watermarkColumn: null, batchRows: 1000 });
    const other = await aTableResourceWithGrant(t, { keyItems: ['公民身份号码'] }, tk);
    r = await t.call(tk.gajAdmin, 'PUT', `/api/v1/exchange/tasks/${task.id}`, { ...base(), resourceId: other.resourceId });
    expect(r.json()).toMatchObject({ code: 'EXCHANGE_INVALID', field: 'resourceId' });

    let signed = await fetchConfig(t, gajNode);
    const key = await t.db.selectFrom('exchange_platform_keys').select('public_key').executeTakeFirstOrThrow();
    expect(signed.config.platformPublicKey).toBe(key.public_key);
    expect(verifyNodeConfig(signed, key.public_key)).toBe(true);
    const tc = signed.config.tasks.find((x) => x.id === task.id)!;
    // Columns: mapped items in datastore column order, with their types and source columns.
    expect(tc).toMatchObject({ code: task.code, resourceCode: res.code, kind: 'table', sourceName: 'hr', keyItems: ['公民身份号码'], mode: 'full', lastSeq: 0, runRequestedAt: null });
    expect(tc.columns).toEqual([{ item: '公民身份号码', dataType: 'C', column: 'id_no' }, { item: '出生日期', dataType: 'D', column: 'dob' }]);
    // Tampering with the config breaks the signature.
    const tampered = structuredClone(signed);
    tampered.config.tasks[0]!.sourceTable = 'secrets';
    expect(verifyNodeConfig(tampered, key.public_key)).toBe(false);
    expect(verifyNodeConfig({ ...signed, config: { ...signed.config, platformPublicKey: gajNode.key.publicKey } }, gajNode.key.publicKey)).toBe(false);
    // The other department's node never sees it.
    expect((await fetchConfig(t, scjNode)).config.tasks.map((x) => x.id)).not.toContain(task.id);

    r = await t.call(tk.gajAdmin, 'POST', `/api/v1/exchange/tasks/${task.id}/run`);
    expect(r.json().runRequestedAt).not.toBeNull();
    signed = await fetchConfig(t, gajNode);
    expect(signed.config.tasks.find((x) => x.id === task.id)!.runRequestedAt).toBe(r.json().runRequestedAt);

    r = await t.call(tk.gajAdmin, 'POST', `/api/v1/exchange/tasks/${task.id}/pause`);
    expect(r.json().status).toBe('paused');
    expect((await fetchConfig(t, gajNode)).config.tasks.map((x) => x.id)).not.toContain(task.id);
    r = await t.call(tk.gajAdmin, 'POST', `/api/v1/exchange/tasks/${task.id}/run`);
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('TASK_PAUSED');
    r = await t.call(tk.gajAdmin, 'POST', `/api/v1/exchange/tasks/${task.id}/resume`);
    expect(r.json().status).toBe('active');
    expect((await fetchConfig(t, gajNode)).config.tasks.map((x) => x.id)).toContain(task.id);
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', task.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['exchange.task_created', 'exchange.task_updated', 'exchange.task_run_requested', 'exchange.task_paused', 'exchange.task_resumed']);
  });

  it('the node config needs the node\'s own valid signature; a revoked node gets 403', async () => {
    const node = await anApprovedNode(t, { deptAdmin: tk.gajAdmin, platform: tk.platform });
    expect((await signedCall(t, node, 'GET', '/api/v1/exchange/node/config')).statusCode).toBe(200);
    // Signed by another node's key under this node's id.
    const forged = await signedCall(t, { nodeId: node.nodeId, key: gajNode.key }, 'GET', '/api/v1/exchange/node/config');
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('SIGNATURE_INVALID');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/exchange/node/config' })).statusCode).toBe(401);
    await t.call(tk.platform, 'POST', `/api/v1/exchange/nodes/${node.nodeId}/revoke`, { reason: '设备报废' });
    const revoked = await signedCall(t, node, 'GET', '/api/v1/exchange/node/config');
    expect(revoked.statusCode).toBe(403);
    expect(revoked.json().code).toBe('NODE_NOT_APPROVED');
  });

  it('a file resource task: csv source, relative directory, file pattern', async () => {
    const file = await aTableResourceWithGrant(t, { formatClass: '图形图像' }, tk);
    const body = { resourceId: file.resourceId, nodeId: gajNode.nodeId, sourceName: 'docs', sourceTable: 'scans/2026', filePattern: '*.pdf', mode: 'incremental', scheduleKind: 'realtime', intervalSeconds: 30 };
    let r = await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', { ...body, sourceName: 'hr' });
    expect(r.json()).toMatchObject({ field: 'sourceName', message: expect.stringMatching(/csv/) });
    r = await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', { ...body, sourceTable: '../etc' });
    expect(r.json()).toMatchObject({ field: 'sourceTable', message: expect.stringMatching(/相对目录/) });
    r = await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', { ...body, filePattern: null });
    expect(r.json()).toMatchObject({ field: 'filePattern' });
    r = await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/tasks', body);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ kind: 'file', sourceTable: 'scans/2026', filePattern: '*.pdf', columnMap: {}, keyItems: [], intervalSeconds: 30 });
    const tc = (await fetchConfig(t, gajNode)).config.tasks.find((x) => x.id === r.json().id)!;
    expect(tc).toMatchObject({ kind: 'file', columns: [], filePattern: '*.pdf', scheduleKind: 'realtime', intervalSeconds: 30 });
  });
});
