import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTableResourceWithGrant, dataServicesTokens, type TableResourceWithGrant } from '../../../../test/helpers/data-services-factories.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { anApprovedNode, fetchConfig, type TestNode } from './tasks-test-support.js';

const ENDPOINTS = [{ name: 'dw', type: 'postgres', role: 'target' }, { name: 'inbox', type: 'csv', role: 'target' }, { name: 'hr', type: 'postgres', role: 'source' }] as const;

describe('subscriptions (订阅)', () => {
  let t: TestApp;
  let tk: TableResourceWithGrant['tokens'];
  let auditor: string;
  let res: TableResourceWithGrant;
  let scjNode: TestNode;
  let gajNode: TestNode;

  const base = () => ({ grantId: res.grantId, nodeId: scjNode.nodeId, targetName: 'dw', targetTable: 'ods.persons', columnMap: { 公民身份号码: 'id_no', 姓名: 'name' } });

  beforeAll(async () => {
    t = await createTestApp();
    tk = await dataServicesTokens(t);
    auditor = await t.login('auditor');
    res = await aTableResourceWithGrant(t, { keyItems: ['公民身份号码'] }, tk);
    scjNode = await anApprovedNode(t, { deptAdmin: tk.scjAdmin, platform: tk.platform }, [...ENDPOINTS]);
    gajNode = await anApprovedNode(t, { deptAdmin: tk.gajAdmin, platform: tk.platform }, [...ENDPOINTS]);
  });
  afterAll(async () => t.close());

  it('the consumer admin subscribes with its grant (DY code, audited, provider notified); the provider sees it read-only', async () => {
    const r = await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/subscriptions', base());
    expect(r.statusCode, r.body).toBe(201);
    const sub = r.json();
    expect(sub).toMatchObject({
      code: expect.stringMatching(/^DY\d{6}$/), orgId: res.consumerOrgId, grantId: res.grantId, resourceId: res.resourceId, resourceCode: res.code,
      providerName: '珠海市公安局', nodeId: scjNode.nodeId, targetName: 'dw', targetTable: 'ods.persons', status: 'active', grantEffective: true, lastSeq: 0,
    });
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', sub.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['exchange.subscription_created']);
    const inbox = (await t.call(tk.gajAdmin, 'GET', '/api/v1/notifications')).body;
    expect(inbox).toContain(sub.code);

    for (const token of [tk.scjUser, tk.gajAdmin, tk.gajUser, tk.platform, auditor]) {
      expect((await t.call(token, 'GET', `/api/v1/exchange/subscriptions/${sub.id}`)).statusCode).toBe(200);
      expect((await t.call(token, 'GET', '/api/v1/exchange/subscriptions')).json().items.map((i: { id: string }) => i.id)).toContain(sub.id);
    }
    expect((await t.call(tk.gajAdmin, 'GET', '/api/v1/exchange/subscriptions?as=consumer')).json().items.map((i: { id: string }) => i.id)).not.toContain(sub.id);
    expect((await t.call(tk.gajAdmin, 'GET', '/api/v1/exchange/subscriptions?as=provider')).json().items.map((i: { id: string }) => i.id)).toContain(sub.id);
    // The provider, a consumer user, the platform admin cannot change it.
    for (const token of [tk.gajAdmin, tk.scjUser, tk.platform]) {
      expect((await t.call(token, 'POST', `/api/v1/exchange/subscriptions/${sub.id}/pause`)).statusCode).toBe(403);
      expect((await t.call(token, 'PUT', `/api/v1/exchange/subscriptions/${sub.id}`, { nodeId: scjNode.nodeId, targetName: 'dw', targetTable: 'x', columnMap: base().columnMap })).statusCode).toBe(403);
    }
    // Config of the subscriber's node; the provider's node does not get it.
    const config = (await fetchConfig(t, scjNode)).config;
    const subConfig = config.subscriptions.find((s) => s.id === sub.id);
    expect(subConfig).toMatchObject({
      id: sub.id, code: sub.code, resourceCode: res.code, kind: 'table', targetName: 'dw', targetTable: 'ods.persons', columnMap: { 公民身份号码: 'id_no', 姓名: 'name' }, keyItems: ['公民身份号码'],
    });
    // The mapped granted items in item order, for the target's reconciliation checksum.
    expect(subConfig?.columns?.map((c) => [c.item, c.column])).toEqual([['公民身份号码', 'id_no'], ['姓名', 'name']]);
    expect((await fetchConfig(t, gajNode)).config.subscriptions.map((s) => s.id)).not.toContain(sub.id);
  });

  it('refuses a grant of another department, ungranted or masked key items, ungranted items and foreign nodes', async () => {
    // 公安局's admin tries to use 市场监管局's grant.
    let r = await t.call(tk.gajAdmin, 'POST', '/api/v1/exchange/subscriptions', { ...base(), nodeId: gajNode.nodeId });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'EXCHANGE_INVALID', field: 'grantId' });
    r = await t.call(tk.scjUser, 'POST', '/api/v1/exchange/subscriptions', base());
    expect(r.statusCode).toBe(403);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ nodeId: gajNode.nodeId }, 'nodeId', /本部门的前置机/],
      [{ targetName: 'hr' }, 'targetName', /未上报/],
      [{ targetTable: 'a b' }, 'targetTable', /不是合法的名称/],
      [{ columnMap: { 公民身份号码: 'id_no', 联系电话: 'tel' } }, 'columnMap', /未获授权：联系电话/],
      [{ columnMap: { 姓名: 'name' } }, 'columnMap', /主键数据项必须映射目标字段：公民身份号码/],
    ];
    for (const [patch, field, message] of cases) {
      r = await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/subscriptions', { ...base(), ...patch });
      expect(r.statusCode, JSON.stringify(patch)).toBe(400);
      expect(r.json(), JSON.stringify(patch)).toMatchObject({ code: 'EXCHANGE_INVALID', field, message: expect.stringMatching(message) });
    }
    const withoutKey = await aTableResourceWithGrant(t, { keyItems: ['公民身份号码'], items: ['姓名', '出生日期'] }, tk);
    r = await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/subscriptions', { ...base(), grantId: withoutKey.grantId, columnMap: { 姓名: 'name' } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'SUBSCRIPTION_KEY_NOT_GRANTED', items: ['公民身份号码'] });
    const maskedKey = await aTableResourceWithGrant(t, { keyItems: ['公民身份号码'], masking: { 公民身份号码: 'idNumber' } }, tk);
    r = await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/subscriptions', { ...base(), grantId: maskedKey.grantId });
    expect(r.json().code).toBe('SUBSCRIPTION_KEY_NOT_GRANTED');
    // A revoked grant cannot be subscribed.
    const revoked = await aTableResourceWithGrant(t, { keyItems: ['公民身份号码'] }, tk);
    await t.call(tk.gajAdmin, 'POST', `/api/v1/grants/${revoked.grantId}/revoke`, { reason: '停止共享' });
    r = await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/subscriptions', { ...base(), grantId: revoked.grantId });
    expect(r.json()).toMatchObject({ code: 'EXCHANGE_INVALID', field: 'grantId', message: expect.stringMatching(/撤销、过期/) });
  });

  it('edits, pauses and resumes; a stopped subscription resumes only with an effective grant', async () => {
    const own = await aTableResourceWithGrant(t, { keyItems: ['公民身份号码'] }, tk);
    const sub = (await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/subscriptions', { ...base(), grantId: own.grantId })).json();
    let r = await t.call(tk.scjAdmin, 'PUT', `/api/v1/exchange/subscriptions/${sub.id}`, { nodeId: scjNode.nodeId, targetName: 'dw', targetTable: 'ods.people', columnMap: { 公民身份号码: 'sfzh', 出生日期: 'csrq' } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ targetTable: 'ods.people', columnMap: { 公民身份号码: 'sfzh', 出生日期: 'csrq' } });
    r = await t.call(tk.scjAdmin, 'POST', `/api/v1/exchange/subscriptions/${sub.id}/pause`);
    expect(r.json().status).toBe('paused');
    expect((await fetchConfig(t, scjNode)).config.subscriptions.map((s) => s.id)).not.toContain(sub.id);
    r = await t.call(tk.scjAdmin, 'POST', `/api/v1/exchange/subscriptions/${sub.id}/resume`);
    expect(r.json().status).toBe('active');

    // The grant is revoked and the batches service stops the subscription; resuming needs an effective grant again.
    await t.call(tk.gajAdmin, 'POST', `/api/v1/grants/${own.grantId}/revoke`, { reason: '停止共享' });
    await t.db.updateTable('exchange_subscriptions').set({ status: 'stopped', stopped_reason: '授权已撤销' }).where('id', '=', sub.id).execute();
    r = await t.call(tk.scjAdmin, 'GET', `/api/v1/exchange/subscriptions/${sub.id}`);
    expect(r.json()).toMatchObject({ status: 'stopped', stoppedReason: '授权已撤销', grantEffective: false });
    r = await t.call(tk.scjAdmin, 'POST', `/api/v1/exchange/subscriptions/${sub.id}/resume`);
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe('GRANT_REQUIRED');
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', sub.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['exchange.subscription_created', 'exchange.subscription_updated', 'exchange.subscription_paused', 'exchange.subscription_resumed']);
  });

  it('a file resource: csv target and a relative directory', async () => {
    const file = await aTableResourceWithGrant(t, { formatClass: '图形图像' }, tk);
    const body = { grantId: file.grantId, nodeId: scjNode.nodeId, targetName: 'inbox', targetTable: 'incoming/scans' };
    let r = await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/subscriptions', { ...body, targetTable: 'a/../../etc' });
    expect(r.json()).toMatchObject({ field: 'targetTable', message: expect.stringMatching(/“..”/) });
    r = await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/subscriptions', { ...body, targetName: 'dw' });
    expect(r.json()).toMatchObject({ field: 'targetName', message: expect.stringMatching(/csv/) });
    r = await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/subscriptions', body);
    expect(r.statusCode, r.body).toBe(201);
    const sc = (await fetchConfig(t, scjNode)).config.subscriptions.find((s) => s.id === r.json().id);
    expect(sc).toMatchObject({ kind: 'file', targetTable: 'incoming/scans', columnMap: {}, keyItems: [] });
  });
});
