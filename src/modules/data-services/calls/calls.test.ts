import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { publishResource } from '../../../../test/helpers/sharing-factories.js';
import { SCJ_USCC } from '../../../../test/helpers/catalog-factories.js';
import { parseRange } from './calls.service.js';

describe('call log (调用日志): reading and statistics', () => {
  let t: TestApp;
  let platform: string, gajUser: string, scjUser: string, auditor: string, sysadmin: string, secadmin: string;
  let gaj: string, scj: string, swj: string;
  let gajResource: string, scjResource: string;
  const foreignResource = randomUUID();
  const scjApp = randomUUID();
  const ids: Record<string, string> = {};

  type Row = { key: string; at: string; resource: () => string | null; code: string; provider: () => string | null; consumer: () => string | null; app?: string | null;
    operation: 'query' | 'verify' | 'file' | 'proxy'; rows: number; status: number; error?: string; latency: number };
  const rows: Row[] = [
    { key: 'r1', at: '2026-11-20T01:00:00Z', resource: () => gajResource, code: 'gaj', provider: () => gaj, consumer: () => scj, app: scjApp, operation: 'query', rows: 5, status: 200, latency: 10 },
    { key: 'r2', at: '2026-11-20T17:00:00Z', resource: () => gajResource, code: 'gaj', provider: () => gaj, consumer: () => scj, app: scjApp, operation: 'query', rows: 0, status: 403, error: 'ITEM_NOT_GRANTED', latency: 2 },
    { key: 'r3', at: '2026-11-21T02:00:00Z', resource: () => gajResource, code: 'gaj', provider: () => gaj, consumer: () => swj, operation: 'verify', rows: 1, status: 200, latency: 30 },
    { key: 'r4', at: '2026-11-21T03:00:00Z', resource: () => scjResource, code: 'scj', provider: () => scj, consumer: () => swj, operation: 'file', rows: 1, status: 200, latency: 100 },
    { key: 'r5', at: '2026-11-19T03:00:00Z', resource: () => scjResource, code: 'scj', provider: () => scj, consumer: () => gaj, operation: 'proxy', rows: 3, status: 200, latency: 50 },
    { key: 'r6', at: '2026-11-21T04:00:00Z', resource: () => null, code: '999999999/000001', provider: () => null, consumer: () => null, app: null, operation: 'query', rows: 0, status: 401, error: 'SIGNATURE_INVALID', latency: 1 },
    { key: 'r7', at: '2026-11-21T05:00:00Z', resource: () => foreignResource, code: '101/7', provider: () => swj, consumer: () => scj, app: scjApp, operation: 'query', rows: 9, status: 200, latency: 20 },
  ];

  const keysOf = (body: { items: { id: string }[] }) => body.items.map((c) => Object.entries(ids).find(([, id]) => id === c.id)?.[0]).sort();
  const list = async (token: string, query = '') => {
    const res = await t.call(token, 'GET', `/api/v1/calls${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    t = await createTestApp();
    let gajAdmin: string, scjAdmin: string;
    [platform, gajAdmin, gajUser, scjAdmin, scjUser, auditor, sysadmin, secadmin] = await Promise.all(
      ['platform', 'gaj_admin', 'gaj_user', 'scj_admin', 'scj_user', 'auditor', 'sysadmin', 'secadmin'].map((u) => t.login(u)),
    ) as [string, string, string, string, string, string, string, string];
    gaj = await t.orgIdByName('珠海市公安局');
    scj = await t.orgIdByName('珠海市市场监督管理局');
    swj = await t.orgIdByName('国家税务总局珠海市税务局');
    gajResource = await publishResource(t, { provider: gajAdmin, platform }, { name: '户籍人口基本信息（调用日志）' });
    scjResource = await publishResource(t, { provider: scjAdmin, platform }, {
      name: '企业登记档案（调用日志）', providerName: '珠海市市场监督管理局', providerCode: SCJ_USCC, providerDivision: null, formatClass: '电子文件', formatType: 'pdf',
    });
    for (const row of rows) {
      ids[row.key] = randomUUID();
      await t.db.insertInto('data_calls').values({
        id: ids[row.key]!, at: row.at, app_id: row.app === undefined ? null : row.app, app_key: row.app ? 'ak-scj' : null, app_name: row.app ? '企业开办系统' : null,
        consumer_org_id: row.consumer(), provider_org_id: row.provider(), resource_id: row.resource(), resource_code: row.code, grant_id: null,
        operation: row.operation, items: JSON.stringify(row.operation === 'query' ? ['姓名'] : []), rows: row.rows, status: row.status, error_code: row.error ?? null,
        latency_ms: row.latency, client_ip: '10.0.0.8',
      }).execute();
    }
  });
  afterAll(async () => t.close());

  it('a department sees its provider side by default and its consumer side on request, never a third department\'s calls', async () => {
    expect(keysOf(await list(gajUser))).toEqual(['r1', 'r2', 'r3']);
    expect(keysOf(await list(gajUser, '?side=provider'))).toEqual(['r1', 'r2', 'r3']);
    expect(keysOf(await list(gajUser, '?side=consumer'))).toEqual(['r5']);
    expect(keysOf(await list(scjUser))).toEqual(['r4', 'r5']);
    expect(keysOf(await list(scjUser, '?side=consumer'))).toEqual(['r1', 'r2', 'r7']);
    // 公安局 cannot reach 市场监管局's calls to 税务局 by filtering on 市场监管局 as consumer.
    expect(keysOf(await list(gajUser, `?consumer=${scj}`))).toEqual(['r1', 'r2']);
    expect(keysOf(await list(gajUser, `?side=consumer&consumer=${scj}`))).toEqual([]);
    expect(keysOf(await list(gajUser, `?resource=${foreignResource}`))).toEqual([]);
    expect((await t.call(gajUser, 'GET', `/api/v1/calls/stats?side=consumer&consumer=${scj}`)).json().byResource).toEqual([]);
  });

  it('the platform admin and the auditor see every call; system and security admins none', async () => {
    for (const token of [platform, auditor]) {
      const body = await list(token, '?limit=500');
      expect(keysOf({ items: body.items.filter((c: { id: string }) => Object.values(ids).includes(c.id)) })).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    }
    for (const token of [sysadmin, secadmin]) {
      expect((await t.call(token, 'GET', '/api/v1/calls')).statusCode).toBe(403);
      expect((await t.call(token, 'GET', '/api/v1/calls/stats')).statusCode).toBe(403);
    }
    expect((await t.call(null, 'GET', '/api/v1/calls')).statusCode).toBe(401);
  });

  it('joins names, lists newest first and pages', async () => {
    const body = await list(gajUser);
    expect(body.total).toBe(3);
    expect(body.items.map((c: { id: string }) => c.id)).toEqual([ids.r3, ids.r2, ids.r1]);
    expect(body.items[2]).toEqual({
      id: ids.r1, at: '2026-11-20T01:00:00.000Z', appId: scjApp, appKey: 'ak-scj', appName: '企业开办系统',
      consumerOrgId: scj, consumerOrgName: '珠海市市场监督管理局', providerOrgId: gaj, providerOrgName: '珠海市公安局',
      resourceId: gajResource, resourceCode: 'gaj', resourceName: '户籍人口基本信息（调用日志）', grantId: null,
      operation: 'query', items: ['姓名'], rows: 5, status: 200, errorCode: null, latencyMs: 10, clientIp: '10.0.0.8',
    });
    const page = await list(gajUser, '?limit=1&offset=1');
    expect(page).toMatchObject({ total: 3, items: [{ id: ids.r2 }] });
    const refused = (await list(platform, '?status=error&limit=500')).items.find((c: { id: string }) => c.id === ids.r6);
    expect(refused).toMatchObject({ appId: null, consumerOrgName: null, providerOrgName: null, resourceId: null, resourceName: null, resourceCode: '999999999/000001', errorCode: 'SIGNATURE_INVALID' });
  });

  it('filters by status, resource, app, consumer and time (ISO instants or CST days)', async () => {
    expect(keysOf(await list(gajUser, '?status=ok'))).toEqual(['r1', 'r3']);
    expect(keysOf(await list(gajUser, '?status=error'))).toEqual(['r2']);
    expect(keysOf(await list(scjUser, `?side=consumer&app=${scjApp}`))).toEqual(['r1', 'r2', 'r7']);
    expect(keysOf(await list(scjUser, `?side=consumer&resource=${gajResource}`))).toEqual(['r1', 'r2']);
    expect(keysOf(await list(gajUser, `?consumer=${swj}`))).toEqual(['r3']);
    // 2026-11-20T17:00Z is 2026-11-21 01:00 CST.
    expect(keysOf(await list(gajUser, '?from=2026-11-21'))).toEqual(['r2', 'r3']);
    expect(keysOf(await list(gajUser, '?to=2026-11-20'))).toEqual(['r1']);
    expect(keysOf(await list(gajUser, '?from=2026-11-20T01:00:00Z&to=2026-11-21T02:00:00Z'))).toEqual(['r1', 'r2']);
    for (const bad of ['?from=yesterday', '?to=2026-13-45', '?from=2026-11-23&to=2026-11-21', '?status=maybe', '?resource=not-a-uuid']) {
      expect((await t.call(gajUser, 'GET', `/api/v1/calls${bad}`)).json().code, bad).toBe('VALIDATION_FAILED');
    }
  });

  it('statistics per CST day, resource, consumer and operation, with latency percentiles', async () => {
    const res = await t.call(gajUser, 'GET', '/api/v1/calls/stats');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      byDay: [{ day: '2026-11-20', calls: 1, errors: 0, rows: 5 }, { day: '2026-11-21', calls: 2, errors: 1, rows: 1 }],
      byResource: [{ resourceId: gajResource, resourceCode: expect.any(String), resourceName: '户籍人口基本信息（调用日志）', calls: 3, errors: 1, rows: 6 }],
      byConsumer: [{ orgId: scj, orgName: '珠海市市场监督管理局', calls: 2, errors: 1, rows: 5 }, { orgId: swj, orgName: '国家税务总局珠海市税务局', calls: 1, errors: 0, rows: 1 }],
      byOperation: [{ operation: 'query', calls: 2 }, { operation: 'verify', calls: 1 }],
      latency: { p50: 10, p95: 28 },
    });
    const consumer = (await t.call(scjUser, 'GET', `/api/v1/calls/stats?side=consumer&from=2026-11-21`)).json();
    expect(consumer.byDay).toEqual([{ day: '2026-11-21', calls: 2, errors: 1, rows: 9 }]);
    expect(consumer.byResource.map((r: { resourceId: string }) => r.resourceId).sort()).toEqual([gajResource, foreignResource].sort());
    expect(consumer.byResource.find((r: { resourceId: string }) => r.resourceId === foreignResource)).toMatchObject({ resourceCode: '101/7', resourceName: null });
    const empty = (await t.call(gajUser, 'GET', '/api/v1/calls/stats?from=2030-01-01')).json();
    expect(empty).toEqual({ byDay: [], byResource: [], byConsumer: [], byOperation: [], latency: { p50: null, p95: null } });
  });
});

describe('parseRange', () => {
  it('reads bare dates as CST days and ISO instants as given', () => {
    expect(parseRange('2026-11-21', '2026-11-21')).toEqual({ from: new Date('2026-11-20T16:00:00Z'), to: new Date('2026-11-21T16:00:00Z') });
    expect(parseRange('2026-11-21T08:00:00+08:00', undefined)).toEqual({ from: new Date('2026-11-21T00:00:00Z'), to: undefined });
    expect(() => parseRange('2026-11-21 08:00', undefined)).toThrow();
  });
});
