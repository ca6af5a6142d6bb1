import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { createTestDatabase } from './test-db.js';

export { DEMO_PASSWORD };

export interface TestAppOptions {
  /** Load the demo departments and accounts (default true). */
  demo?: boolean;
  /** A movable clock for lockout and timeout tests. */
  now?: () => Date;
  config?: (config: Config) => Config;
  /** Adds routes before the app is sealed (for tests of the HTTP plumbing itself). */
  extend?: (app: FastifyInstance) => void;
}

/** The app on a fresh database, for `app.inject()`. */
export async function createTestApp(options: TestAppOptions = {}) {
  const database = await createTestDatabase({ demo: options.demo });
  let config: Config = { ...loadConfig({}), logLevel: 'silent', database: database.config };
  if (options.config) config = options.config(config);
  const app = await buildApp(config, { db: database.db, now: options.now });
  options.extend?.(app);
  await app.ready();

  /** Signs in through the API and returns the bearer token. */
  async function login(username: string, password = DEMO_PASSWORD): Promise<string> {
    const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    if (response.statusCode !== 200) throw new Error(`login ${username} failed: ${response.statusCode} ${response.body}`);
    return response.json().token as string;
  }

  /** Shorthand for a JSON request with a bearer token. */
  async function call(token: string | null, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
    return app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }

  async function orgIdByName(name: string): Promise<string> {
    const org = await database.db.selectFrom('identity_orgs').select('id').where('name', '=', name).executeTakeFirstOrThrow();
    return org.id;
  }

  return {
    app,
    db: database.db,
    config,
    login,
    call,
    orgIdByName,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** The app listening on a free loopback port (for browser tests), serving the built console. */
export async function startTestServer(options: TestAppOptions = {}): Promise<{ url: string; close(): Promise<void> }> {
  const testApp = await createTestApp(options);
  const address = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: testApp.close };
}
