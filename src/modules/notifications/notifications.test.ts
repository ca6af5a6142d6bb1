import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { notify } from './index.js';

describe('notifications (消息)', () => {
  let t: TestApp;
  let gajAdmin: string, gajUser: string, scjAdmin: string, platform: string;
  let gajOrg: string, gajUserId: string;

  beforeAll(async () => {
    t = await createTestApp();
    [gajAdmin, gajUser, scjAdmin, platform] = await Promise.all(['gaj_admin', 'gaj_user', 'scj_admin', 'platform'].map((u) => t.login(u))) as [string, string, string, string];
    gajOrg = await t.orgIdByName('珠海市公安局');
    gajUserId = (await t.db.selectFrom('identity_users').select('id').where('username', '=', 'gaj_user').executeTakeFirstOrThrow()).id;
    await t.db.transaction().execute(async (trx) => {
      await notify(trx, { recipient: { orgId: gajOrg, roles: ['dept_admin'] }, kind: 'test.admins', title: '给管理员', body: 'a', link: null }, new Date('2026-11-20T01:00:00Z'));
      await notify(trx, { recipient: { orgId: gajOrg }, kind: 'test.department', title: '给全部门', body: 'b', link: '/x' }, new Date('2026-11-20T02:00:00Z'));
      await notify(trx, { recipient: { userId: gajUserId }, kind: 'test.user', title: '给个人', body: 'c', link: null }, new Date('2026-11-20T03:00:00Z'));
      await notify(trx, { recipient: { roles: ['platform_admin'] }, kind: 'test.platform', title: '给平台', body: 'd', link: null }, new Date('2026-11-20T04:00:00Z'));
    });
  });
  afterAll(async () => t.close());

  const kinds = async (token: string, query = '') => ((await t.call(token, 'GET', `/api/v1/notifications${query}`)).json().items as { kind: string }[]).map((n) => n.kind);

  it('delivers by user, by department and role, and by platform role, newest first', async () => {
    expect(await kinds(gajAdmin)).toEqual(['test.department', 'test.admins']);
    expect(await kinds(gajUser)).toEqual(['test.user', 'test.department']);
    expect(await kinds(scjAdmin)).toEqual([]);
    expect(await kinds(platform)).toEqual(['test.platform']);
  });

  it('keeps read state per user', async () => {
    const list = (await t.call(gajUser, 'GET', '/api/v1/notifications')).json();
    expect(list).toMatchObject({ total: 2, unread: 2 });
    const department = list.items.find((n: { kind: string }) => n.kind === 'test.department');
    expect((await t.call(gajUser, 'POST', `/api/v1/notifications/${department.id}/read`)).statusCode).toBe(204);
    expect((await t.call(gajUser, 'GET', '/api/v1/notifications')).json()).toMatchObject({ total: 2, unread: 1 });
    expect(await kinds(gajUser, '?unread=true')).toEqual(['test.user']);
    // The admin of the same department still has it unread.
    expect((await t.call(gajAdmin, 'GET', '/api/v1/notifications')).json().unread).toBe(2);
    expect((await t.call(gajUser, 'POST', '/api/v1/notifications/read-all')).statusCode).toBe(204);
    expect((await t.call(gajUser, 'GET', '/api/v1/notifications?unread=true')).json()).toMatchObject({ items: [], total: 0, unread: 0 });
  });

  it('a message addressed to someone else cannot be marked read', async () => {
    const mine = (await t.call(gajUser, 'GET', '/api/v1/notifications')).json().items.find((n: { kind: string }) => n.kind === 'test.user');
    const res = await t.call(scjAdmin, 'POST', `/api/v1/notifications/${mine.id}/read`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOTIFICATION_NOT_FOUND');
  });
});
