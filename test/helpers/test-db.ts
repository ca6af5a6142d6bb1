import { PGlite } from '@electric-sql/pglite';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.js';
import { loadDemoData } from '../../src/demo/demo-data.js';
import { openDatabase, PGLITE_OPTIONS, wrapPglite, type DatabaseHandle } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A fresh, migrated database for one test, with the demo data unless `demo` is false: in-memory
 * PGlite by default, or a new database on the PostgreSQL server named by GOVSHARE_TEST_DATABASE_URL
 * (dropped again on close).
 */
export async function createTestDatabase(options: { demo?: boolean } = {}): Promise<DatabaseHandle & { config: DatabaseConfig }> {
  const demo = options.demo !== false;
  const serverUrl = process.env.GOVSHARE_TEST_DATABASE_URL;
  if (!serverUrl) return openPgliteFromTemplate(demo);

  const name = `govshare_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const config: DatabaseConfig = { kind: 'postgres', url: url.toString() };
  const handle = await openDatabase(config);
  await migrateToLatest(handle.db);
  if (demo) await loadDemoData(handle.db);
  return {
    ...handle,
    config,
    async close() {
      await handle.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      // The pool's clients have sent Terminate but the server may not have handled it yet; a forced drop
      // would then kill them and their FATAL surfaces as an uncaught error. Give them a moment to go.
      for (let i = 0; i < 50; i++) {
        const { rows } = await dropper.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/**
 * Creating PGlite, migrating and loading demo data costs about 2 s; loading a dump of the result
 * costs well under 1 s. The dump is cached in the temp folder, keyed by the migration and demo-data
 * sources, so a changed migration builds a new one.
 */
async function openPgliteFromTemplate(demo: boolean): Promise<DatabaseHandle & { config: DatabaseConfig }> {
  const config: DatabaseConfig = { kind: 'pglite', dataDir: 'memory://' };
  const file = path.join(os.tmpdir(), `govshare-test-template-${templateKey()}-${demo ? 'demo' : 'empty'}.tar`);
  if (existsSync(file)) {
    const pglite = await PGlite.create('memory://', { ...PGLITE_OPTIONS, loadDataDir: new Blob([readFileSync(file)]) });
    return { ...wrapPglite(pglite), config };
  }
  const pglite = await PGlite.create('memory://', PGLITE_OPTIONS);
  const handle = wrapPglite(pglite);
  await migrateToLatest(handle.db);
  if (demo) await loadDemoData(handle.db);
  const dump = await pglite.dumpDataDir('none');
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, Buffer.from(await dump.arrayBuffer()));
  renameSync(temp, file); // atomic: parallel workers never read a half-written template
  return { ...handle, config };
}

let cachedKey: string | undefined;
function templateKey(): string {
  if (cachedKey) return cachedKey;
  const hash = createHash('sha256');
  const migrationsDir = path.join(repoRoot, 'src', 'migrations');
  for (const name of readdirSync(migrationsDir).sort()) hash.update(name).update(readFileSync(path.join(migrationsDir, name)));
  hash.update(readFileSync(path.join(repoRoot, 'src', 'demo', 'demo-data.ts')));
  hash.update(readFileSync(path.join(repoRoot, 'demo', 'orgs.csv')));
  cachedKey = hash.digest('hex').slice(0, 16);
  return cachedKey;
}
