import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { aThirdDepartmentAdmin } from '../../../../test/helpers/sharing-factories.js';
import { aTableResourceWithGrant, signedInject, type TableResourceWithGrant } from '../../../../test/helpers/data-services-factories.js';

describe('call log (调用日志): end to end', () => {
  let t: TestApp;
  let g: TableResourceWithGrant;
  let swjAdmin: string;

  beforeAll(async () => {
    t = await createTestApp();
    g = await aTableResourceWithGrant(t, { name: '调用日志端到端文件', formatClass: '电子文件' });
    swjAdmin = await aThirdDepartmentAdmin(t);
  });
  afterAll(async () => t.close());

  it('a signed call shows up for both departments and in the statistics, not for a third department', async () => {
    expect((await signedInject(t, g.app, 'GET', `/api/v1/files/${g.code}`)).statusCode).toBe(200);
    expect((await signedInject(t, g.app, 'GET', `/api/v1/files/${g.code}/versions/latest`)).json().code).toBe('FILE_NOT_FOUND');
    await (t.app as unknown as { services: { dataServices: { api: { flush(): Promise<void> } } } }).services.dataServices.api.flush();

    const provider = (await t.call(g.tokens.gajUser, 'GET', `/api/v1/calls?resource=${g.resourceId}`)).json();
    expect(provider.total).toBe(2);
    expect(provider.items[1]).toMatchObject({
      appId: g.app.appId, appKey: g.app.appKey, consumerOrgId: g.consumerOrgId, consumerOrgName: '珠海市市场监督管理局', providerOrgId: g.providerOrgId,
      providerOrgName: '珠海市公安局', resourceId: g.resourceId, resourceCode: g.code, resourceName: '调用日志端到端文件', grantId: g.grantId,
      operation: 'file', items: [], rows: 0, status: 200, errorCode: null,
    });
    expect(provider.items[0]).toMatchObject({ status: 404, errorCode: 'FILE_NOT_FOUND' });
    expect((await t.call(g.tokens.scjUser, 'GET', `/api/v1/calls?side=consumer&resource=${g.resourceId}`)).json().total).toBe(2);
    expect((await t.call(g.tokens.scjUser, 'GET', `/api/v1/calls?resource=${g.resourceId}`)).json().total).toBe(0);
    expect((await t.call(swjAdmin, 'GET', `/api/v1/calls?side=consumer&resource=${g.resourceId}`)).json().total).toBe(0);
    const stats = (await t.call(g.tokens.gajAdmin, 'GET', `/api/v1/calls/stats?resource=${g.resourceId}`)).json();
    expect(stats.byOperation).toEqual([{ operation: 'file', calls: 2 }]);
    expect(stats.byConsumer).toEqual([{ orgId: g.consumerOrgId, orgName: '珠海市市场监督管理局', calls: 2, errors: 1, rows: 0 }]);
  });
});
