import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../test/helpers/test-db.js';
import { main } from './cli.js';
import { openDatabase } from './platform/db/database.js';

/** An environment pointing the CLI at a fresh database: a PGlite data dir, or a PostgreSQL test database. */
async function cliDatabase() {
  if (process.env.GOVSHARE_TEST_DATABASE_URL) {
    const handle = await createTestDatabase({ demo: false });
    return { env: { DATABASE_URL: (handle.config as { url: string }).url }, config: handle.config, cleanup: () => handle.close() };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'govshare-cli-'));
  return { env: { GOVSHARE_DATA_DIR: dir }, config: { kind: 'pglite' as const, dataDir: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out.push(String(chunk)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { err.push(String(chunk)); return true; });
  return { out: () => out.join(''), err: () => err.join('') };
}

let cleanup: (() => Promise<unknown>) | undefined;
afterEach(async () => { vi.restoreAllMocks(); await cleanup?.(); cleanup = undefined; });

describe('govshare CLI', () => {
  it('migrates, creates an account, and verifies the audit chain; a changed row makes verify fail and name it', async () => {
    const target = await cliDatabase();
    cleanup = target.cleanup;
    const io = capture();
    expect(await main(['migrate'], target.env)).toBe(0);
    expect(await main(['user', 'create', '--username', 'ops', '--password', 'Run#2026abcd', '--display-name', '运维', '--role', 'sys_admin'], target.env)).toBe(0);
    expect(await main(['user', 'create', '--username', 'bad', '--password', 'Run#2026abcd', '--role', 'sys_admin', '--role', 'auditor'], target.env)).toBe(1);
    expect(io.err()).toMatch(/ROLE_SEPARATION/);
    expect(await main(['audit', 'verify'], target.env)).toBe(0);
    expect(io.out()).toMatch(/audit chain intact: 1 events verified/);

    const handle = await openDatabase(target.config);
    await sql`alter table audit_events disable trigger user`.execute(handle.db);
    await sql`update audit_events set actor_username = 'intruder' where id = 1`.execute(handle.db);
    await sql`alter table audit_events enable trigger user`.execute(handle.db);
    await handle.close();

    expect(await main(['audit', 'verify'], target.env)).toBe(1);
    expect(io.err()).toMatch(/audit chain BROKEN at event #1/);
  });

  it('fails fast on bad configuration, naming the setting', async () => {
    const io = capture();
    expect(await main(['migrate'], { PORT: 'eighty', GOVSHARE_AUDIT_RETENTION_DAYS: '30' })).toBe(1);
    expect(io.err()).toMatch(/PORT must be a whole number/);
    expect(io.err()).toMatch(/GOVSHARE_AUDIT_RETENTION_DAYS must be a whole number from 180/);
  });

  it('prints help and rejects unknown commands', async () => {
    const io = capture();
    expect(await main(['help'], {})).toBe(0);
    expect(io.out()).toMatch(/audit verify/);
    expect(await main(['frobnicate'], {})).toBe(2);
  });
});
