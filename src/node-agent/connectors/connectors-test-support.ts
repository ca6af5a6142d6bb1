/**
 * Test support for the connector tests: scratch databases on the machine's real PostgreSQL and MariaDB
 * (created per test file, dropped afterwards) and one fixture table with every awkward value we care about.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { ExtractChunk, ExtractPlan } from './types.js';
import { upsertLinesOf } from './common.js';

const PG_SERVER = process.env.GOVSHARE_EXCHANGE_PG_URL ?? process.env.GOVSHARE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_SERVER = process.env.GOVSHARE_EXCHANGE_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

function withDatabase(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createPgDatabase(name: string): Promise<string> {
  const c = new pg.Client({ connectionString: PG_SERVER });
  await c.connect();
  try {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  } finally {
    await c.end();
  }
  return withDatabase(PG_SERVER, name);
}

export async function dropPgDatabase(name: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_SERVER });
  await c.connect();
  try {
    await c.query(`drop database if exists ${name} with (force)`);
  } finally {
    await c.end();
  }
}

export async function createMysqlDatabase(name: string): Promise<string> {
  const c = await mysql.createConnection(MYSQL_SERVER);
  try {
    await c.query(`drop database if exists ${name}`);
    await c.query(`create database ${name} character set utf8mb4 collate utf8mb4_bin`);
  } finally {
    await c.end();
  }
  return withDatabase(MYSQL_SERVER, name);
}

export async function dropMysqlDatabase(name: string): Promise<void> {
  const c = await mysql.createConnection(MYSQL_SERVER);
  try {
    await c.query(`drop database if exists ${name}`);
  } finally {
    await c.end();
  }
}

/** Runs SQL statements on a database (PostgreSQL). */
export async function pgExec(url: string, ...sql: string[]): Promise<pg.QueryResult[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("set timezone = 'Asia/Shanghai'");
    const out: pg.QueryResult[] = [];
    for (const s of sql) out.push(await c.query(s));
    return out;
  } finally {
    await c.end();
  }
}

export async function myExec(url: string, ...sql: string[]): Promise<unknown[]> {
  const c = await mysql.createConnection({ uri: url, dateStrings: true, timezone: '+08:00' });
  try {
    // Backslashes in the fixtures are literal in both databases.
    await c.query("set time_zone = '+08:00', sql_mode = concat(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
    const out: unknown[] = [];
    for (const s of sql) out.push((await c.query(s))[0]);
    return out;
  } finally {
    await c.end();
  }
}

/** Fixture columns in batch order, with their item types. */
export const FIXTURE_COLUMNS = ['id', 'name', 'note', 'amount', 'score', 'born', 'updated_at', 'active', 'info'];
export const FIXTURE_TYPES = ['I', 'C', 'C', 'Y', 'F', 'D', 'T', 'L', 'G'];

/** The fixture rows as SQL value tuples (shared by PostgreSQL and MySQL; booleans as 1/0 are cast by PG). */
export const FIXTURE_ROWS: string[] = [
  `(1, '张三', 'line1\nline2\ttab\\back', 12.50, 1.5, '1990-01-02', '2026-01-01 08:00:00', true, '{"b":1,"a":"x"}', false)`,
  `(2, '李四', NULL, -3.00, NULL, NULL, '2026-01-01 09:00:00', false, NULL, false)`,
  `(3, 'O''Brien "q"', '', 0.01, 1e-7, '2000-02-29', '2026-01-01 09:00:00', NULL, '[1,2]', false)`,
  `(4, '王五', '已删除', 1.00, 2, '2001-03-04', '2026-01-01 10:30:15', true, NULL, true)`,
  `(5, '赵六，逗号', 'crlf\r\nend', 99999.99, -0.25, '1970-01-01', '2026-01-02 00:00:01', false, '{}', false)`,
];

export const PG_FIXTURE_DDL = `create table people (
  id integer primary key, name text not null, note text, amount numeric(12,2), score double precision, born date,
  updated_at timestamptz not null, active boolean, info jsonb, deleted boolean not null default false)`;

export const MYSQL_FIXTURE_DDL = `create table people (
  id int primary key, name varchar(100) not null, note text, amount decimal(12,2), score double, born date,
  updated_at datetime not null, active tinyint(1), info json, deleted tinyint(1) not null default 0) engine=InnoDB`;

export const FIXTURE_INSERT = `insert into people (id, name, note, amount, score, born, updated_at, active, info, deleted) values ${FIXTURE_ROWS.join(', ')}`;

export function plan(overrides: Partial<ExtractPlan> = {}): ExtractPlan {
  return {
    table: 'people',
    query: null,
    columns: FIXTURE_COLUMNS,
    dataTypes: FIXTURE_TYPES,
    keyColumns: ['id'],
    mode: 'full',
    watermarkColumn: null,
    after: null,
    softDeleteColumn: null,
    batchRows: 1000,
    ...overrides,
  };
}

export async function collect(chunks: AsyncIterable<ExtractChunk>): Promise<ExtractChunk[]> {
  const out: ExtractChunk[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

/** All upsert lines of a run. */
export const upsertsOf = (chunks: ExtractChunk[]) => chunks.flatMap(upsertLinesOf);

/** The COPY text section (newline-terminated lines) of some lines. */
export const section = (lines: string[]) => Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
