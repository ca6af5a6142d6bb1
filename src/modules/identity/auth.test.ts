import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

/** A clock the test moves by hand. */
function movableClock() {
  let ms = Date.now();
  return { now: () => new Date(ms), advanceMinutes: (m: number) => { ms += m * 60_000; } };
}

const login = (app: TestApp, username: string, password: string) =>
  app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

describe('login', () => {
  it('returns a token and the user, and sets an HttpOnly SameSite cookie', async () => {
    t = await createTestApp();
    const res = await login(t, 'gaj_admin', DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toEqual(expect.any(String));
    expect(body.user).toMatchObject({ username: 'gaj_admin', roles: ['dept_admin'], orgName: '珠海市公安局', mustChangePassword: false });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/govshare_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it('answers a wrong password and an unknown user alike with AUTH_INVALID', async () => {
    t = await createTestApp();
    const wrong = await login(t, 'gaj_user', 'Wrong-pass-1');
    const unknown = await login(t, 'nobody', 'Wrong-pass-1');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('AUTH_INVALID');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('AUTH_INVALID');
  });

  it('locks the account after 5 wrong passwords: even the right one gets 423 until the lock ends', async () => {
    const clock = movableClock();
    t = await createTestApp({ now: clock.now });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await login(t, 'gaj_user', `Wrong-pass-${i}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 423]);

    const locked = await login(t, 'gaj_user', DEMO_PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect(locked.json()).toMatchObject({ code: 'AUTH_LOCKED', lockedUntil: expect.any(String) });

    clock.advanceMinutes(9);
    expect((await login(t, 'gaj_user', DEMO_PASSWORD)).statusCode).toBe(423);
    clock.advanceMinutes(2);
    expect((await login(t, 'gaj_user', DEMO_PASSWORD)).statusCode).toBe(200);

    const actions = (await t.db.selectFrom('audit_events').select('action').orderBy('id').execute()).map((r) => r.action);
    expect(actions.filter((a) => a === 'auth.locked')).toHaveLength(1);
    expect(actions.filter((a) => a === 'auth.login_failed').length).toBeGreaterThanOrEqual(5);
  });

  it('honours a configured lockout threshold', async () => {
    t = await createTestApp({ config: (c) => ({ ...c, security: { ...c.security, lockoutThreshold: 3 } }) });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await login(t, 'scj_user', 'Wrong-pass-1')).statusCode);
    expect(codes).toEqual([401, 401, 423]);
  });

  it('rate-limits login attempts per account and per address', async () => {
    t = await createTestApp({
      config: (c) => ({ ...c, security: { ...c.security, lockoutThreshold: 100, loginRatePerAccount: 5, loginRatePerAddress: 8 } }),
    });
    const perAccount: number[] = [];
    for (let i = 0; i < 6; i++) perAccount.push((await login(t, 'scj_user', 'Wrong-pass-1')).statusCode);
    expect(perAccount.slice(0, 5).every((c) => c === 401)).toBe(true);
    expect(perAccount[5]).toBe(429);
    // Other accounts from the same address: 6 + 2 = 8 allowed, then the address is throttled.
    expect((await login(t, 'gaj_user', 'Wrong-pass-1')).statusCode).toBe(401);
    expect((await login(t, 'gaj_admin', 'Wrong-pass-1')).statusCode).toBe(401);
    const throttled = await login(t, 'platform', DEMO_PASSWORD);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().code).toBe('RATE_LIMITED');
  });

  it('refuses a disabled account with AUTH_DISABLED', async () => {
    t = await createTestApp();
    const sec = await t.login('secadmin');
    const users = (await t.call(sec, 'GET', '/api/v1/users?q=scj_user')).json().items;
    expect((await t.call(sec, 'PATCH', `/api/v1/users/${users[0].id}`, { disabled: true })).statusCode).toBe(200);
    const res = await login(t, 'scj_user', DEMO_PASSWORD);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('AUTH_DISABLED');
  });
});

describe('sessions', () => {
  it('requires a session on API routes', async () => {
    t = await createTestApp();
    const res = await t.call(null, 'GET', '/api/v1/orgs');
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AUTH_REQUIRED');
    expect((await t.call('forged-token', 'GET', '/api/v1/orgs')).statusCode).toBe(401);
  });

  it('ends a session after 30 idle minutes, but not while it is in use', async () => {
    const clock = movableClock();
    t = await createTestApp({ now: clock.now });
    const token = await t.login('gaj_user');
    for (let i = 0; i < 4; i++) {
      clock.advanceMinutes(20);
      expect((await t.call(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    }
    clock.advanceMinutes(31);
    const res = await t.call(token, 'GET', '/api/v1/auth/me');
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AUTH_SESSION_EXPIRED');
    expect((await t.call(token, 'GET', '/api/v1/auth/me')).json().code).toBe('AUTH_REQUIRED');
  });

  it('ends the session at logout', async () => {
    t = await createTestApp();
    const token = await t.login('gaj_user');
    expect((await t.call(token, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await t.call(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('requires the CSRF token for unsafe requests made with the cookie', async () => {
    t = await createTestApp();
    const res = await login(t, 'gaj_user', DEMO_PASSWORD);
    const { csrfToken, token } = res.json();
    const cookies = { govshare_session: token };
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies });
    expect(read.statusCode).toBe(200);
    const forged = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().code).toBe('CSRF_INVALID');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies, headers: { 'x-csrf-token': 'x'.repeat(32) } });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies, headers: { 'x-csrf-token': csrfToken } });
    expect(ok.statusCode).toBe(204);
  });
});

describe('forced password change', () => {
  async function newAccount(app: TestApp) {
    const sec = await app.login('secadmin');
    const orgId = await app.orgIdByName('珠海市民政局');
    const res = await app.call(sec, 'POST', '/api/v1/users', { username: 'mzj_clerk', password: 'Initial#2026', displayName: '民政局办事员', orgId, roles: ['dept_user'] });
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  it('lets a new account do nothing but change its password, then everything it may', async () => {
    t = await createTestApp();
    await newAccount(t);
    const first = await login(t, 'mzj_clerk', 'Initial#2026');
    expect(first.json().user.mustChangePassword).toBe(true);
    const token = first.json().token;
    const blocked = await t.call(token, 'GET', '/api/v1/orgs');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await t.call(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);

    const weak = await t.call(token, 'POST', '/api/v1/auth/password', { oldPassword: 'Initial#2026', newPassword: 'weakweak' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().code).toBe('PASSWORD_POLICY');
    const wrongOld = await t.call(token, 'POST', '/api/v1/auth/password', { oldPassword: 'Nope#2026x', newPassword: 'Better#2027' });
    expect(wrongOld.json().code).toBe('PASSWORD_OLD_INVALID');
    const same = await t.call(token, 'POST', '/api/v1/auth/password', { oldPassword: 'Initial#2026', newPassword: 'Initial#2026' });
    expect(same.json().code).toBe('PASSWORD_REUSED');

    expect((await t.call(token, 'POST', '/api/v1/auth/password', { oldPassword: 'Initial#2026', newPassword: 'Better#2027' })).statusCode).toBe(204);
    expect((await t.call(token, 'GET', '/api/v1/orgs')).statusCode).toBe(200);
    expect((await login(t, 'mzj_clerk', 'Better#2027')).json().user.mustChangePassword).toBe(false);
  });

  it('forces a change again after an admin resets the password', async () => {
    t = await createTestApp();
    const sec = await t.login('secadmin');
    const [user] = (await t.call(sec, 'GET', '/api/v1/users?q=gaj_user')).json().items;
    expect((await t.call(sec, 'POST', `/api/v1/users/${user.id}/reset-password`, { password: 'Temp#20261' })).statusCode).toBe(204);
    expect((await login(t, 'gaj_user', 'Temp#20261')).json().user.mustChangePassword).toBe(true);
  });
});
