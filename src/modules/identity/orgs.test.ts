import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validUscc } from '../../../test/helpers/factories.js';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
let platform: string;

beforeAll(async () => {
  t = await createTestApp();
  platform = await t.login('platform');
});
afterAll(() => t.close());

const org = (uscc: string, regionCode = '440402', extra: Record<string, unknown> = {}) => ({ name: `测试部门${uscc.slice(-4)}`, uscc, regionCode, level: 'county', ...extra });

describe('departments', () => {
  it('lists the demo departments as a tree to every signed-in user', async () => {
    const res = await t.call(await t.login('gaj_user'), 'GET', '/api/v1/orgs');
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(15);
    const root = items.find((o: { parentId: string | null }) => o.parentId === null);
    expect(root).toMatchObject({ name: '珠海市政务服务数据管理局', regionCode: '440400', regionName: '广东省珠海市', level: 'city' });
    expect(items.filter((o: { parentId: string }) => o.parentId === root.id)).toHaveLength(14);
  });

  it.each(['91110000600037341L', '91310115MA1K3BTP2B', '9144030071526726XG', '121200004013590816'])(
    'accepts the DOMAIN.md example USCC %s',
    async (uscc) => {
      const res = await t.call(platform, 'POST', '/api/v1/orgs', org(uscc));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ uscc, regionCode: '440402', level: 'county' });
    },
  );

  it('normalises a lower-case USCC', async () => {
    const res = await t.call(platform, 'POST', '/api/v1/orgs', org('91440300MA5ABCDE1X'.toLowerCase()));
    // Not a valid code; the message says which part is wrong.
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('ORG_USCC_INVALID');
  });

  it('rejects a wrong check character and a wrong embedded org-code check with ORG_USCC_INVALID', async () => {
    const wrongCheck = await t.call(platform, 'POST', '/api/v1/orgs', org('91110000600037341M'));
    expect(wrongCheck.statusCode).toBe(400);
    expect(wrongCheck.json()).toMatchObject({ code: 'ORG_USCC_INVALID', field: 'uscc' });
    expect(wrongCheck.json().message).toMatch(/check character/);
    // Org code 60003734-2 (should be -1) with the USCC check char recomputed to match.
    const wrongOrgCode = await t.call(platform, 'POST', '/api/v1/orgs', org('91110000600037342P'));
    expect(wrongOrgCode.statusCode).toBe(400);
    expect(wrongOrgCode.json().code).toBe('ORG_USCC_INVALID');
    expect(wrongOrgCode.json().message).toMatch(/organization code/);
  });

  it('answers 409 for a USCC that is already registered', async () => {
    const res = await t.call(platform, 'POST', '/api/v1/orgs', org('11440400WFA5YL7R9R'));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ORG_USCC_DUPLICATE');
  });

  it('rejects an unknown region code and an unknown parent', async () => {
    expect((await t.call(platform, 'POST', '/api/v1/orgs', org(validUscc(1001), '449999'))).json().code).toBe('ORG_REGION_INVALID');
    const parent = await t.call(platform, 'POST', '/api/v1/orgs', org(validUscc(1002), '440402', { parentId: '00000000-0000-4000-8000-000000000000' }));
    expect(parent.json().code).toBe('ORG_PARENT_INVALID');
  });

  it('moves a department but never under itself', async () => {
    const zsj = await t.orgIdByName('珠海市政务服务数据管理局');
    const gaj = await t.orgIdByName('珠海市公安局');
    const cycle = await t.call(platform, 'PATCH', `/api/v1/orgs/${zsj}`, { parentId: gaj });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().code).toBe('ORG_PARENT_INVALID');
    const rename = await t.call(platform, 'PATCH', `/api/v1/orgs/${gaj}`, { name: '珠海市公安局（新）' });
    expect(rename.statusCode).toBe(200);
    expect(rename.json().name).toBe('珠海市公安局（新）');
    const audit = await t.db.selectFrom('audit_events').select('detail').where('action', '=', 'org.updated').executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ changes: { name: { from: '珠海市公安局', to: '珠海市公安局（新）' } } });
  });

  it('lets only the platform admin create or change departments', async () => {
    const gaj = await t.orgIdByName('珠海市公安局（新）');
    for (const who of ['gaj_admin', 'secadmin', 'sysadmin', 'gaj_user']) {
      const token = await t.login(who);
      expect((await t.call(token, 'POST', '/api/v1/orgs', org(validUscc(2000 + who.length)))).statusCode, who).toBe(403);
      expect((await t.call(token, 'PATCH', `/api/v1/orgs/${gaj}`, { name: 'x' })).statusCode, who).toBe(403);
    }
  });

  it('finds regions by code prefix and name', async () => {
    const res = await t.call(platform, 'GET', `/api/v1/regions?q=${encodeURIComponent('香洲')}`);
    expect(res.json().items).toEqual(expect.arrayContaining([expect.objectContaining({ code: '440402' })]));
  });
});
