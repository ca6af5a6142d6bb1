/**
 * The read side used by the signed data API (hot path): SQL text built from the layout only and
 * cached per query shape; every value a parameter, converted by the same converters as loads.
 */
import { createHash } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { pgPoolOf, type Database } from '../../../platform/db/database.js';
import { DomainError } from '../../../platform/errors.js';
import { isTextType, keyColumnsOf, safeColumn, type DatastoreColumn, type DatastoreLayout } from './datastore-schema.js';
import { converterFor, type Converter } from './value-converters.js';

export type FilterOp = 'eq' | 'in' | 'gte' | 'lte' | 'prefix';
export interface RowFilter { item: string; op: FilterOp; value: string | string[] }

const MAX_IN_VALUES = 100;

/** One query shape's SQL: text, a statement name for PostgreSQL, and how to read its rows (array mode). */
interface Statement {
  text: string;
  /** Named (prepared once per connection) on PostgreSQL: later calls skip parsing and planning. */
  name: string;
  /** Output columns in select order: item name and column, then the key columns. */
  outputs: { item: string; column: DatastoreColumn }[];
  /**
   * pg query settings, used as the prototype of each call's config: pg copies a config's own properties
   * (property descriptors, slow) on every query, so none are own.
   */
  config: pg.QueryArrayConfig;
}

interface Prepared {
  byItem: Map<string, DatastoreColumn>;
  plain: Map<string, Converter>;
  keys: DatastoreColumn[];
  statements: Map<string, Statement>;
}

// Per layout object (layouts are cached, so the same object comes back until it changes).
const prepared = new WeakMap<DatastoreLayout, Prepared>();

function prepare(layout: DatastoreLayout): Prepared {
  let p = prepared.get(layout);
  if (!p) {
    p = {
      byItem: new Map(layout.columns.map((c) => [c.item, c])),
      plain: new Map(layout.columns.map((c) => [c.item, converterFor(c, { checks: false })])),
      keys: keyColumnsOf(layout),
      statements: new Map(),
    };
    prepared.set(layout, p);
  }
  return p;
}

/** How a column is selected so both engines return the same JS value (see `outputValue`). */
function selectExpr(c: DatastoreColumn, alias: string): string {
  const col = safeColumn(c.column);
  switch (c.dataType) {
    case 'N': case 'Y': case 'I':
      return `${col}::text as ${alias}`;
    case 'T':
      return `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ${alias}`;
    case 'D':
      return `to_char(${col}, 'YYYY-MM-DD') as ${alias}`;
    default:
      return `${col} as ${alias}`;
  }
}

/** JSON-friendly values, identical on PGlite and PostgreSQL. */
function outputValue(c: DatastoreColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (c.dataType === 'I') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : String(value);
  }
  if (c.dataType === 'B' || c.dataType === 'F') return typeof value === 'number' ? value : Number(value);
  return value;
}

function invalidFilter(item: string, why: string): DomainError {
  return new DomainError('DATA_FILTER_INVALID', `Filter on "${item}": ${why} (数据项“${item}”的筛选条件无效).`, { item });
}

function convertOrThrow(convert: Converter, item: string, raw: unknown): string {
  const value = convert(typeof raw === 'string' ? raw.trim() : raw);
  if (value === null) throw invalidFilter(item, 'empty value');
  if (typeof value === 'object') throw new DomainError('DATA_FILTER_INVALID', `Filter on "${item}": ${value.message} (数据项“${item}”的筛选值无效：${value.message}).`, { item });
  return value;
}

/** Rows matching every filter, ordered by key, `limit` at most, after the key tuple `after`; values of `items` only. */
export async function selectRows(db: Database, layout: DatastoreLayout, q: { filters: RowFilter[]; items: string[]; limit: number; after: unknown[] | null }): Promise<{ rows: Record<string, unknown>[]; lastKey: unknown[] | null }> {
  const p = prepare(layout);
  const params: unknown[] = [];
  let shape = `${q.items.join('\u0001')}\u0002`;
  const where: { col: string; op: FilterOp; count: number }[] = [];
  for (const f of q.filters) {
    const column = p.byItem.get(f.item);
    if (!column) throw invalidFilter(f.item, 'no such item in the datastore');
    if (f.op === 'prefix') {
      if (!isTextType(column.dataType)) throw invalidFilter(f.item, 'prefix applies to text items only');
      if (typeof f.value !== 'string' || f.value === '') throw invalidFilter(f.item, 'prefix needs a value');
      params.push(`${f.value.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
      where.push({ col: column.column, op: 'prefix', count: 1 });
    } else if (f.op === 'in') {
      const values = Array.isArray(f.value) ? f.value : [f.value];
      if (values.length === 0 || values.length > MAX_IN_VALUES) throw invalidFilter(f.item, `in needs 1 to ${MAX_IN_VALUES} values`);
      const convert = p.plain.get(f.item)!;
      for (const v of values) params.push(convertOrThrow(convert, f.item, v));
      where.push({ col: column.column, op: 'in', count: values.length });
    } else if (f.op === 'eq' || f.op === 'gte' || f.op === 'lte') {
      if (Array.isArray(f.value)) throw invalidFilter(f.item, `${f.op} takes one value`);
      if (column.dataType === 'G') throw invalidFilter(f.item, 'JSON items cannot be filtered');
      const convert = p.plain.get(f.item)!;
      params.push(convertOrThrow(convert, f.item, f.value));
      where.push({ col: column.column, op: f.op, count: 1 });
    } else {
      throw invalidFilter(f.item, 'unknown operator');
    }
    shape += `${column.column}:${f.op}:${where[where.length - 1]!.count};`;
  }
  if (q.after) {
    if (!Array.isArray(q.after) || q.after.length !== p.keys.length) throw new DomainError('DATA_CURSOR_INVALID', 'The cursor does not fit this datastore\'s key (游标无效).');
    p.keys.forEach((k, i) => {
      const value = p.plain.get(k.item)!(q.after![i]);
      if (value === null || typeof value === 'object') throw new DomainError('DATA_CURSOR_INVALID', 'The cursor does not fit this datastore\'s key (游标无效).');
      params.push(value);
    });
    shape += 'after;';
  }
  const limit = Math.max(1, Math.min(Math.floor(q.limit), 10_000));
  params.push(limit + 1);

  let statement = p.statements.get(shape);
  if (!statement) {
    const outputs = new Map<string, DatastoreColumn>();
    for (const item of q.items) {
      const c = p.byItem.get(item);
      if (!c) throw invalidFilter(item, 'no such item in the datastore');
      outputs.set(item, c);
    }
    const selects = [...outputs.values()].map((c) => selectExpr(c, `o_${c.column.slice(2)}`));
    p.keys.forEach((k) => selects.push(selectExpr(k, `k_${k.column.slice(2)}`)));
    let n = 0;
    const conditions = where.map((w) => {
      const col = safeColumn(w.col);
      if (w.op === 'in') return `${col} in (${Array.from({ length: w.count }, () => `$${++n}`).join(', ')})`;
      if (w.op === 'prefix') return `${col} like $${++n}`;
      return `${col} ${w.op === 'eq' ? '=' : w.op === 'gte' ? '>=' : '<='} $${++n}`;
    });
    const keyCols = p.keys.map((k) => safeColumn(k.column));
    if (q.after) conditions.push(`(${keyCols.join(', ')}) > (${keyCols.map(() => `$${++n}`).join(', ')})`);
    const text = `select ${selects.join(', ')} from ${layout.table}${conditions.length ? ` where ${conditions.join(' and ')}` : ''} order by ${keyCols.join(', ')} limit $${++n}`;
    const name = `ds_${createHash('sha256').update(text).digest('hex').slice(0, 40)}`;
    statement = {
      text, name,
      outputs: [...outputs].map(([item, column]) => ({ item, column })),
      config: Object.freeze({ name, text, rowMode: 'array' }) as pg.QueryArrayConfig,
    };
    if (p.statements.size > 500) p.statements.clear();
    p.statements.set(shape, statement);
  }

  const width = statement.outputs.length;
  const result = await runArrays(db, statement, params);
  const more = result.length > limit;
  const count = more ? limit : result.length;
  const rows: Record<string, unknown>[] = new Array(count);
  for (let r = 0; r < count; r++) {
    const values = result[r]!;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < width; i++) {
      const o = statement.outputs[i]!;
      out[o.item] = outputValue(o.column, values[i]);
    }
    rows[r] = out;
  }
  const last = count > 0 ? result[count - 1] : undefined;
  const lastKey = more && last ? p.keys.map((k, i) => outputValue(k, last[width + i])) : null;
  return { rows, lastKey };
}

/** Statement names known not to work on PostgreSQL (e.g. a table changed under a prepared plan): run unnamed. */
const unnamedOnly = new Set<string>();

/**
 * Runs a select and returns its rows as value arrays in select order. On PostgreSQL straight through the pg pool
 * as a named statement (prepared once per connection; no query builder, no per-row objects); on PGlite (or
 * inside a transaction) through Kysely.
 */
async function runArrays(db: Database, statement: Statement, params: unknown[]): Promise<unknown[][]> {
  const pool = pgPoolOf(db);
  if (pool) {
    if (!unnamedOnly.has(statement.name)) {
      try {
        const result = await pool.query(Object.create(statement.config) as pg.QueryArrayConfig, params);
        return result.rows as unknown[][];
      } catch (error) {
        // 0A000: "cached plan must not change result type" (the table changed under the prepared statement).
        if ((error as { code?: string }).code !== '0A000') throw error;
        unnamedOnly.add(statement.name);
      }
    }
    const result = await pool.query({ text: statement.text, values: params, rowMode: 'array' } as pg.QueryArrayConfig);
    return result.rows as unknown[][];
  }
  const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(statement.text, params));
  return result.rows.map((row) => Object.values(row));
}

/** Compares claimed values with the stored row found by `key`; never returns stored values. */
export async function verifyClaims(db: Database, layout: DatastoreLayout, key: Record<string, string>, claims: Record<string, string>): Promise<{ found: boolean; results: Record<string, boolean> }> {
  const p = prepare(layout);
  const params: unknown[] = [];
  for (const k of p.keys) {
    if (!(k.item in key)) throw invalidFilter(k.item, 'the key item is missing');
    params.push(convertOrThrow(p.plain.get(k.item)!, k.item, key[k.item]));
  }
  const names = Object.keys(claims);
  const checks: string[] = [];
  const results: Record<string, boolean> = {};
  const comparable: string[] = [];
  for (const item of names) {
    const c = p.byItem.get(item);
    if (!c) throw invalidFilter(item, 'no such item in the datastore');
    const value = p.plain.get(item)!(typeof claims[item] === 'string' ? claims[item]!.trim() : claims[item]);
    results[item] = false;
    if (value === null || typeof value === 'object') continue; // cannot equal any stored value
    params.push(value);
    comparable.push(item);
    checks.push(`coalesce(${safeColumn(c.column)} = $${params.length}, false) as v_${comparable.length}`);
  }
  const where = p.keys.map((k, i) => `${safeColumn(k.column)} = $${i + 1}`).join(' and ');
  const text = `select true as found${checks.length ? `, ${checks.join(', ')}` : ''} from ${layout.table} where ${where}`;
  const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params));
  const row = result.rows[0];
  if (!row) return { found: false, results };
  comparable.forEach((item, i) => { results[item] = row[`v_${i + 1}`] === true; });
  return { found: true, results };
}
