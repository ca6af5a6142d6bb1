import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { recoverInterruptedLoads } from './load-recovery.js';

describe('recovery of interrupted loads', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('fails loads left running by a stopped server and drops their staging tables, leaving other tables alone', async () => {
    t = await createTestApp();
    const resource = await t.db.selectFrom('catalog_resources').select('id').limit(1).executeTakeFirst();
    // The demo data has no resources; a load row only needs one, so make a minimal one through SQL.
    const resourceId = resource?.id ?? (await sql<{ id: string }>`
      insert into catalog_resources (code, provider_org_id, category_id, status, name)
      select '000000000/000001', o.id, c.id, 'draft', 'x' from identity_orgs o, catalog_categories c limit 1 returning id`.execute(t.db)).rows[0]!.id;
    await t.db.insertInto('data_loads').values({ resource_id: resourceId, mode: 'replace', format: 'csv', status: 'running', started_at: new Date(), errors: '[]' }).execute();
    await sql.raw('create table data_store.s_abc123_0badcafe (c_1 text)').execute(t.db);
    await sql.raw('create table data_store.r_keepme (c_1 text)').execute(t.db);

    expect(await recoverInterruptedLoads(t.db, new Date())).toEqual({ failedLoads: 1, droppedTables: 1 });
    const load = await t.db.selectFrom('data_loads').select(['status', 'message']).executeTakeFirstOrThrow();
    expect(load.status).toBe('failed');
    expect(load.message).toMatch(/中断/);
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'data_store' order by 1`.execute(t.db);
    expect(tables.rows.map((r) => r.tablename)).toEqual(['r_keepme']);
    expect(await recoverInterruptedLoads(t.db, new Date())).toEqual({ failedLoads: 0, droppedTables: 0 });
  });
});
