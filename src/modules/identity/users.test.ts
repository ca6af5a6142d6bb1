import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
let tokens: Record<string, string>;
let gaj: string;
let scj: string;

beforeAll(async () => {
  t = await createTestApp();
  tokens = Object.fromEntries(await Promise.all(
    ['secadmin', 'gaj_admin', 'gaj_user', 'scj_admin', 'platform', 'auditor', 'sysadmin'].map(async (u) => [u, await t.login(u)] as const),
  ));
  gaj = await t.orgIdByName('珠海市公安局');
  scj = await t.orgIdByName('珠海市市场监督管理局');
});
afterAll(() => t.close());

const newUser = (username: string, orgId: string | null, roles: string[], password = 'Start#2026a') => ({ username, password, displayName: username, orgId, roles });
const userId = async (username: string) => (await t.call(tokens.secadmin!, 'GET', `/api/v1/users?q=${username}`)).json().items.find((u: { username: string }) => u.username === username).id as string;

describe('account creation', () => {
  it('lets the security admin create any account; the account must change its password', async () => {
    const res = await t.call(tokens.secadmin!, 'POST', '/api/v1/users', newUser('sec_made', scj, ['dept_admin']));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'sec_made', orgId: scj, roles: ['dept_admin'], mustChangePassword: true });
    const audit = await t.db.selectFrom('audit_events').select(['action', 'actor_username']).where('action', '=', 'user.created').where('actor_username', '=', 'secadmin').execute();
    expect(audit).toHaveLength(1);
  });

  it('lets a department admin create a department account in its own department', async () => {
    const res = await t.call(tokens.gaj_admin!, 'POST', '/api/v1/users', newUser('gaj_clerk', gaj, ['dept_user']));
    expect(res.statusCode).toBe(201);
  });

  it('lets the security admin create a platform-level account without a department', async () => {
    const res = await t.call(tokens.secadmin!, 'POST', '/api/v1/users', newUser('ops2', null, ['sys_admin']));
    expect(res.statusCode).toBe(201);
    expect(res.json().orgId).toBeNull();
  });

  it('refuses two of the three separated duties with ROLE_SEPARATION', async () => {
    const res = await t.call(tokens.secadmin!, 'POST', '/api/v1/users', newUser('two_hats', scj, ['sys_admin', 'auditor']));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('ROLE_SEPARATION');
  });

  it('refuses a weak password with PASSWORD_POLICY and a taken username with 409', async () => {
    const weak = await t.call(tokens.secadmin!, 'POST', '/api/v1/users', newUser('weakling', scj, ['dept_user'], 'password1'));
    expect(weak.statusCode).toBe(400);
    expect(weak.json().code).toBe('PASSWORD_POLICY');
    const taken = await t.call(tokens.secadmin!, 'POST', '/api/v1/users', newUser('gaj_user', gaj, ['dept_user']));
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('USERNAME_TAKEN');
  });

  it('refuses a department role without a department', async () => {
    const res = await t.call(tokens.secadmin!, 'POST', '/api/v1/users', newUser('nowhere', null, ['dept_user']));
    expect(res.statusCode).toBe(400);
  });
});

describe('account management from the attacker’s side', () => {
  it('gives a department admin 403 on another department’s accounts', async () => {
    const create = await t.call(tokens.gaj_admin!, 'POST', '/api/v1/users', newUser('spy', scj, ['dept_user']));
    expect(create.statusCode).toBe(403);
    expect((await t.call(tokens.gaj_admin!, 'GET', `/api/v1/users?orgId=${scj}`)).statusCode).toBe(403);
    const scjUser = await userId('scj_user');
    expect((await t.call(tokens.gaj_admin!, 'GET', `/api/v1/users/${scjUser}`)).statusCode).toBe(403);
    expect((await t.call(tokens.gaj_admin!, 'PATCH', `/api/v1/users/${scjUser}`, { disabled: true })).statusCode).toBe(403);
    expect((await t.call(tokens.gaj_admin!, 'POST', `/api/v1/users/${scjUser}/reset-password`, { password: 'Hijack#2026' })).statusCode).toBe(403);
    expect((await t.call(tokens.gaj_admin!, 'POST', `/api/v1/users/${scjUser}/unlock`)).statusCode).toBe(403);
    // Nothing changed.
    expect((await t.call(tokens.secadmin!, 'GET', `/api/v1/users/${scjUser}`)).json()).toMatchObject({ disabled: false, mustChangePassword: false });
  });

  it('lists only its own department to a department admin', async () => {
    const res = await t.call(tokens.gaj_admin!, 'GET', '/api/v1/users');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.every((u: { orgId: string }) => u.orgId === gaj)).toBe(true);
  });

  it('stops a department admin from granting platform or 三员 roles, even in its own department', async () => {
    for (const role of ['sec_admin', 'platform_admin', 'auditor', 'sys_admin']) {
      const res = await t.call(tokens.gaj_admin!, 'POST', '/api/v1/users', newUser(`esc_${role}`, gaj, [role]));
      expect(res.statusCode, role).toBe(403);
    }
    const gajUser = await userId('gaj_user');
    const escalate = await t.call(tokens.gaj_admin!, 'PATCH', `/api/v1/users/${gajUser}`, { roles: ['dept_user', 'sec_admin'] });
    expect(escalate.statusCode).toBe(403);
  });

  it('stops a department admin from touching a platform account that sits in its department', async () => {
    // `platform` (platform_admin) belongs to 数据局; make a 数据局 department admin.
    const zsj = await t.orgIdByName('珠海市政务服务数据管理局');
    await t.call(tokens.secadmin!, 'POST', '/api/v1/users', newUser('zsj_admin', zsj, ['dept_admin']));
    const zsjToken = await (async () => {
      const first = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'zsj_admin', password: 'Start#2026a' } });
      const token = first.json().token;
      await t.call(token, 'POST', '/api/v1/auth/password', { oldPassword: 'Start#2026a', newPassword: 'Changed#2026b' });
      return token as string;
    })();
    const platformId = await userId('platform');
    expect((await t.call(zsjToken, 'PATCH', `/api/v1/users/${platformId}`, { disabled: true })).statusCode).toBe(403);
    expect((await t.call(zsjToken, 'POST', `/api/v1/users/${platformId}/reset-password`, { password: 'Hijack#2026' })).statusCode).toBe(403);
  });

  it('gives department users, auditors, system and platform admins no account management', async () => {
    for (const who of ['gaj_user', 'auditor', 'sysadmin', 'platform']) {
      const res = await t.call(tokens[who]!, 'POST', '/api/v1/users', newUser(`by_${who}`, gaj, ['dept_user']));
      expect(res.statusCode, who).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
  });

  it('records each refusal in the audit trail as access.denied', async () => {
    const denied = await t.db.selectFrom('audit_events').select(['actor_username', 'target_id']).where('action', '=', 'access.denied').execute();
    expect(denied.some((d) => d.actor_username === 'gaj_admin' && d.target_id === 'POST /api/v1/users')).toBe(true);
  });

  it('refuses to let an admin disable itself', async () => {
    const self = await userId('secadmin');
    expect((await t.call(tokens.secadmin!, 'PATCH', `/api/v1/users/${self}`, { disabled: true })).statusCode).toBe(403);
  });
});

describe('account changes', () => {
  it('changes roles, disables (ending sessions) and unlocks, each audited', async () => {
    const token = await t.login('scj_user');
    const id = await userId('scj_user');
    const roles = await t.call(tokens.secadmin!, 'PATCH', `/api/v1/users/${id}`, { roles: ['dept_user', 'dept_admin'] });
    expect(roles.json().roles.sort()).toEqual(['dept_admin', 'dept_user']);
    await t.call(tokens.secadmin!, 'PATCH', `/api/v1/users/${id}`, { disabled: true });
    expect((await t.call(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    await t.call(tokens.secadmin!, 'PATCH', `/api/v1/users/${id}`, { disabled: false });
    expect((await t.call(tokens.secadmin!, 'POST', `/api/v1/users/${id}/unlock`)).statusCode).toBe(204);
    const actions = (await t.db.selectFrom('audit_events').select('action').where('target_id', '=', id).execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['user.roles_changed', 'user.disabled', 'user.enabled', 'user.unlocked']));
  });
});
