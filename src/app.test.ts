import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    config: (c) => ({ ...c, http: { ...c.http, bodyLimitBytes: 64 * 1024 } }),
    extend: (app) => app.get('/api/v1/test/boom', { schema: { hide: true } }, async () => { throw new Error('database password is hunter2'); }),
  });
});
afterAll(() => t.close());

describe('HTTP plumbing', () => {
  it('answers the health check without signing in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: t.config.database.kind });
  });

  it('serves an OpenAPI document where every API route has request and response schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>)
      .filter(([p]) => p.startsWith('/api/v1/'))
      .flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ route: `${m.toUpperCase()} ${p}`, op })));
    expect(operations.length).toBeGreaterThanOrEqual(14);
    for (const { route, op } of operations) {
      expect(Object.keys(op.responses ?? {}), route).toEqual(expect.arrayContaining(['4XX']));
      expect(Object.keys(op.responses ?? {}).some((s) => /^2/.test(s)), route).toBe(true);
    }
    expect(doc.paths['/api/v1/auth/login'].post.requestBody).toBeDefined();
  });

  it('serves the API docs page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/swagger/i);
  });

  it('sets security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
  });

  it('answers an unknown API route with a JSON 404 (after authentication)', async () => {
    const token = await t.login('gaj_user');
    const res = await t.call(token, 'GET', '/api/v1/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });

  it('says which field is wrong when a body does not match its schema', async () => {
    const token = await t.login('secadmin');
    const res = await t.call(token, 'POST', '/api/v1/users', { username: 'x1', password: 'Abcdef#12', displayName: 'x', roles: ['dept_user'], extra: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().message).toMatch(/username|additional/);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a', password: 'x'.repeat(100_000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('hides internal error details in a generic 500 body', async () => {
    const token = await t.login('gaj_user');
    const res = await t.call(token, 'GET', '/api/v1/test/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('INTERNAL');
    expect(res.body).not.toMatch(/hunter2/);
  });

  it('serves only the allowed fields of a user (the response schema is the allow-list)', async () => {
    const token = await t.login('secadmin');
    const res = await t.call(token, 'GET', '/api/v1/users?limit=1');
    const user = res.json().items[0];
    expect(user).not.toHaveProperty('password_hash');
    expect(user).not.toHaveProperty('passwordHash');
  });
});
