import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-db.js';
import { publishResource } from '../../../../test/helpers/sharing-factories.js';
import { buildApp } from '../../../app.js';
import { main } from '../../../cli.js';
import { loadConfig, type DatabaseConfig } from '../../../config.js';
import { loadDemoData, DEMO_PASSWORD } from '../../../demo/demo-data.js';
import { openDatabase, type DatabaseHandle } from '../../../platform/db/database.js';
import { migrateToLatest } from '../../../platform/db/migrator.js';
import { citizenId, TYPED_ITEMS } from './datastore-test-support.js';

/** A database the CLI can open by itself: a PGlite data dir, or a PostgreSQL test database. */
async function cliDatabase(dir: string): Promise<{ handle: DatabaseHandle; config: DatabaseConfig; env: Record<string, string> }> {
  if (process.env.GOVSHARE_TEST_DATABASE_URL) {
    const handle = await createTestDatabase();
    return { handle, config: handle.config, env: { DATABASE_URL: (handle.config as { url: string }).url } };
  }
  const config: DatabaseConfig = { kind: 'pglite', dataDir: path.join(dir, 'db') };
  const handle = await openDatabase(config);
  await migrateToLatest(handle.db);
  await loadDemoData(handle.db);
  return { handle, config, env: { GOVSHARE_DATA_DIR: config.dataDir } };
}

describe('govshare data load', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'govshare-data-load-'));
  let env: Record<string, string>;
  let code: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const target = await cliDatabase(dir);
    env = target.env;
    const app = await buildApp({ ...loadConfig({}), logLevel: 'silent', database: target.config }, { db: target.handle.db });
    await app.ready();
    const login = async (username: string) => (await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: DEMO_PASSWORD } })).json().token as string;
    const call = (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    const t = { call, app } as never;
    const [gaj, platform] = [await login('gaj_admin'), await login('platform')];
    const id = await publishResource(t, { provider: gaj, platform }, { name: '命令行装载测试', items: TYPED_ITEMS.slice(0, 3), formatClass: '数据库' });
    expect((await call(gaj, 'PUT', `/api/v1/resources/${id}/datastore`, { keyItems: ['公民身份号码'] })).statusCode).toBe(200);
    code = (await call(gaj, 'GET', `/api/v1/resources/${id}`)).json().code;
    await app.close();
    // PGlite: the CLI opens the data directory itself, so let go of it now. PostgreSQL: closing drops the test database.
    if (process.env.GOVSHARE_TEST_DATABASE_URL) close = () => target.handle.close();
    else await target.handle.close();
  }, 60_000);
  afterAll(async () => {
    await close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads a file by resource code, prints the load as JSON, and exits 1 naming failed rows', async () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out.push(String(chunk)); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { err.push(String(chunk)); return true; });
    try {
      const good = path.join(dir, 'rows.csv');
      writeFileSync(good, `公民身份号码,姓名,出生日期\n${citizenId(1)},张三,1990-01-02\n${citizenId(2)},李四,1990-01-03\n`);
      expect(await main(['data', 'load', code, good], env)).toBe(0);
      expect(JSON.parse(out.join(''))).toMatchObject({ status: 'succeeded', loaded: 2, mode: 'replace', format: 'csv', filename: 'rows.csv', startedBy: 'cli' });
      expect(err.join('')).toMatch(/succeeded: 2 of 2 rows loaded/);

      out.length = 0;
      const bad = path.join(dir, 'rows.data');
      writeFileSync(bad, `${JSON.stringify({ 公民身份号码: citizenId(3), 出生日期: '不是日期' })}\n`);
      expect(await main(['data', 'load', code, bad, '--mode', 'upsert', '--format', 'jsonl'], env)).toBe(1);
      expect(JSON.parse(out.join(''))).toMatchObject({ status: 'failed', failed: 1, errors: [{ row: 1, item: '出生日期' }] });

      expect(await main(['data', 'load', code, good, '--mode', 'merge'], env)).toBe(1);
      expect(err.join('')).toMatch(/--mode must be replace or upsert/);
      expect(await main(['data', 'load', '999999999/999999', good], env)).toBe(1);
      expect(err.join('')).toMatch(/DATA_RESOURCE_NOT_FOUND/);
    } finally {
      vi.restoreAllMocks();
    }
  }, 60_000);
});
