/**
 * Reconciliation across connectors: the same rows held by a PostgreSQL source, a MySQL source, a CSV source
 * and PostgreSQL / MySQL / CSV targets (filled by applying extracts of the other kind) give one checksum.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  collect, createMysqlDatabase, createPgDatabase, dropMysqlDatabase, dropPgDatabase, FIXTURE_COLUMNS, FIXTURE_INSERT, FIXTURE_TYPES,
  myExec, MYSQL_FIXTURE_DDL, PG_FIXTURE_DDL, pgExec, plan, section, upsertsOf,
} from './connectors-test-support.js';
import { openSource, openTarget } from './index.js';
import type { ApplyInput, SourceConnector, TargetConnector } from './types.js';

const PG_DB = 'gs_h5_sum_pg';
const MY_DB = 'gs_h5_sum_my';
let dir = '';
const sources: Record<string, SourceConnector> = {};
const targets: Record<string, TargetConnector> = {};

const CSV = [
  'id,name,note,amount,score,born,updated_at,active,info,deleted',
  '1,张三,"line1\nline2\ttab\\back",12.5,1.5,1990-01-02,2026-01-01 08:00:00,true,"{""b"":1,""a"":""x""}",0',
  '2,李四,,-3,,,2026-01-01T01:00:00Z,false,,0',
  '3,"O\'Brien ""q""","",0.010,0.0000001,2000-02-29,2026-01-01 09:00:00+08:00,,"[1, 2]",0',
  '4,王五,已删除,1,2,2001-03-04,2026-01-01 10:30:15,是,,1',
  '5,"赵六，逗号","crlf\r\nend",99999.99,-0.25,1970-01-01,2026-01-02 00:00:01,否,{},0',
].join('\r\n');

beforeAll(async () => {
  const pgUrl = await createPgDatabase(PG_DB);
  const myUrl = await createMysqlDatabase(MY_DB);
  const copyDdl = (ddl: string) => ddl.replace('create table people', 'create table people_copy');
  await pgExec(pgUrl, PG_FIXTURE_DDL, FIXTURE_INSERT, copyDdl(PG_FIXTURE_DDL));
  await myExec(myUrl, MYSQL_FIXTURE_DDL, FIXTURE_INSERT, copyDdl(MYSQL_FIXTURE_DDL));
  dir = await mkdtemp(join(tmpdir(), 'gs-h5-sum-'));
  await writeFile(join(dir, 'people.csv'), `\uFEFF${CSV}\r\n`);
  sources.pg = await openSource({ type: 'postgres', url: pgUrl });
  sources.my = await openSource({ type: 'mysql', url: myUrl });
  sources.csv = await openSource({ type: 'csv', dir });
  targets.pg = await openTarget({ type: 'postgres', url: pgUrl });
  targets.my = await openTarget({ type: 'mysql', url: myUrl });
  targets.csv = await openTarget({ type: 'csv', dir: join(dir, 'out') });
  for (const t of Object.values(targets)) await t.ensureLedger();
}, 60_000);

afterAll(async () => {
  for (const c of [...Object.values(sources), ...Object.values(targets)]) await c.close();
  await dropPgDatabase(PG_DB);
  await dropMysqlDatabase(MY_DB);
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('gives the same count and checksum on every side', async () => {
  const p = plan({ softDeleteColumn: 'deleted' });
  const expected = await sources.pg!.checksum(p);
  expect(expected.count).toBe(4);
  expect(await sources.my!.checksum(p)).toEqual(expected);
  expect(await sources.csv!.checksum(p)).toEqual(expected);

  // Cross over: MySQL rows into the PostgreSQL target, PostgreSQL rows into MySQL, CSV rows into a CSV target.
  const feed = async (from: SourceConnector, to: TargetConnector, id: string) => {
    const chunks = await collect(from.extract(p));
    const input: ApplyInput = {
      subscriptionId: `sub-${id}`, seq: 1, batchId: `batch-${id}`, sourceBatchId: null, table: 'people_copy',
      columns: FIXTURE_COLUMNS, dataTypes: FIXTURE_TYPES, keyColumns: ['id'],
      upserts: section(upsertsOf(chunks)), deletes: section(chunks.flatMap((c) => c.deletes)), records: 5,
    };
    expect(await to.apply(input)).toBe('applied');
    return to.checksum({ table: 'people_copy', columns: FIXTURE_COLUMNS, dataTypes: FIXTURE_TYPES });
  };
  expect(await feed(sources.my!, targets.pg!, 'my-pg')).toEqual(expected);
  expect(await feed(sources.pg!, targets.my!, 'pg-my')).toEqual(expected);
  expect(await feed(sources.csv!, targets.csv!, 'csv-csv')).toEqual(expected);
});
