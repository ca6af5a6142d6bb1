import type { SealedBox } from '../../../platform/crypto/sealed-box.js';
import { DomainError } from '../../../platform/errors.js';
import type { MaskingKind } from '../../sharing/index.js';
import type { DatastoreLayout, RowFilter } from '../datastore/index.js';
import type { DataCallContext, DataCallOutcome } from './data-call.types.js';

const RESERVED = new Set(['fields', 'limit', 'cursor']);
const OPS = ['in', 'gte', 'lte', 'prefix'] as const;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** What a query asks for, checked against the grant: filters and fields on granted items only. */
export interface QueryPlan {
  filters: RowFilter[];
  fields: string[];
  limit: number;
  after: unknown[] | null;
  /** The grant's masking restricted to the returned fields (empty: rows go out as read). */
  masking: [string, MaskingKind][];
}

const filterInvalid = (message: string, extra: Record<string, unknown> = {}) => new DomainError('DATA_FILTER_INVALID', message, extra);

export function itemNotGranted(items: string[]): DomainError {
  const names = [...new Set(items)];
  return new DomainError('ITEM_NOT_GRANTED', `Items not granted to your department: ${names.join(', ')} (以下数据项未获授权：${names.join('、')}).`, { items: names });
}

// Per grant view (cached objects, replaced when the grant is re-read): its item set and servable items per layout.
const grantItemSets = new WeakMap<object, Set<string>>();
const servableMemo = new WeakMap<object, { layout: DatastoreLayout; resource: object; items: string[] }>();

function grantedSet(ctx: DataCallContext): Set<string> {
  let set = grantItemSets.get(ctx.grant);
  if (!set) {
    set = new Set(ctx.grant.items);
    grantItemSets.set(ctx.grant, set);
  }
  return set;
}

/** The granted items that the datastore holds, in the resource's item order. */
export function servableItems(ctx: DataCallContext, layout: DatastoreLayout): string[] {
  const memo = servableMemo.get(ctx.grant);
  if (memo && memo.layout === layout && memo.resource === ctx.resource) return memo.items;
  const granted = grantedSet(ctx);
  const stored = new Set(layout.columns.map((c) => c.item));
  const items = ctx.resource.items.map((i) => i.name).filter((name) => granted.has(name) && stored.has(name));
  servableMemo.set(ctx.grant, { layout, resource: ctx.resource, items });
  return items;
}

/**
 * The cursor is the last row's key, sealed (SM4 + HMAC-SM3 under the master key): opaque, tamper-proof, and it
 * does not reveal key items the grant may not cover.
 */
export function encodeCursor(lastKey: unknown[], box: SealedBox): string {
  return box.seal(JSON.stringify({ k: lastKey }));
}

export function decodeCursor(cursor: string, keyCount: number, box: SealedBox): unknown[] {
  const bad = () => new DomainError('DATA_CURSOR_INVALID', 'The cursor is not one this API returned (游标无效).');
  if (!/^v1\.[A-Za-z0-9_-]{1,4096}$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(box.open(cursor));
  } catch {
    throw bad();
  }
  const k = (parsed as { k?: unknown } | null)?.k;
  if (!Array.isArray(k) || k.length !== keyCount || !k.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) throw bad();
  return k;
}

/**
 * Reads `GET /data/…` query parameters (as signed: decoded pairs): `<item>=v`, `<item>__in=a,b`, `__gte`, `__lte`,
 * `__prefix`, `fields`, `limit`, `cursor`. Every item named must be granted (ITEM_NOT_GRANTED lists them all);
 * a masked item may be filtered by equality only.
 */
export function planQuery(pairs: readonly (readonly [string, string])[], ctx: DataCallContext, layout: DatastoreLayout, box: SealedBox, outcome?: DataCallOutcome): QueryPlan {
  const granted = grantedSet(ctx);
  const masking = ctx.grant.masking;
  const servable = servableItems(ctx, layout);
  const notGranted: string[] = [];
  const seen = new Set<string>();
  const filters: RowFilter[] = [];
  let fields: string[] | null = null;
  let limit = DEFAULT_LIMIT;
  let after: unknown[] | null = null;
  /** Every item named, for the call log of a refused call. */
  const asked: string[] = [];
  for (const [name, value] of pairs) {
    if (seen.has(name)) throw filterInvalid(`The query parameter "${name}" is given twice (查询参数“${name}”重复).`, { parameter: name });
    seen.add(name);
    if (RESERVED.has(name)) {
      if (name === 'fields') {
        fields = [...new Set(value.split(',').map((f) => f.trim()).filter(Boolean))];
        if (fields.length === 0) throw filterInvalid('fields: name at least one item (请指定返回的数据项).', { parameter: 'fields' });
        asked.push(...fields);
        for (const f of fields) if (!granted.has(f)) notGranted.push(f);
      } else if (name === 'limit') {
        if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIMIT) {
          throw filterInvalid(`limit: a whole number from 1 to ${MAX_LIMIT} (每页条数应为 1–${MAX_LIMIT}).`, { parameter: 'limit' });
        }
        limit = Number(value);
      } else {
        after = decodeCursor(value, layout.keyItems.length, box);
      }
      continue;
    }
    const cut = name.lastIndexOf('__');
    const suffix = cut > 0 ? name.slice(cut + 2) : '';
    const op = (OPS as readonly string[]).includes(suffix) ? (suffix as RowFilter['op']) : 'eq';
    const item = op === 'eq' ? name : name.slice(0, cut);
    asked.push(item);
    if (!granted.has(item)) {
      notGranted.push(item);
      continue;
    }
    if (masking[item] && op !== 'eq') {
      throw filterInvalid(`"${item}" is masked under your grant: only an equality filter is allowed (脱敏数据项“${item}”只能按等值查询).`, { item });
    }
    filters.push({ item, op, value: op === 'in' ? value.split(',') : value });
  }
  if (notGranted.length > 0) {
    if (outcome) outcome.items = [...new Set(asked)];
    throw itemNotGranted(notGranted);
  }
  const out = fields ?? servable;
  const masked: [string, MaskingKind][] = [];
  for (const f of out) if (masking[f]) masked.push([f, masking[f]]);
  return { filters, fields: out, limit, after, masking: masked };
}

/** `POST /verify/…` body: `{key:{item: value}, claims:{item: value}}`; key = the datastore's key items exactly. */
export function planVerify(body: unknown, ctx: DataCallContext, layout: DatastoreLayout, outcome?: DataCallOutcome): { key: Record<string, string>; claims: Record<string, string>; items: string[] } {
  const shape = () => filterInvalid('The body must be {"key": {item: value}, "claims": {item: value}} (核验请求格式应为 {key, claims}).');
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw shape();
  const { key, claims } = body as { key?: unknown; claims?: unknown };
  const asStrings = (o: unknown): Record<string, string> => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw shape();
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw filterInvalid(`"${k}": a string, number or boolean value (数据项“${k}”的值无效).`, { item: k });
      out[k] = String(v);
    }
    return out;
  };
  const keyValues = asStrings(key);
  const claimValues = asStrings(claims);
  const claimNames = Object.keys(claimValues);
  if (claimNames.length === 0 || claimNames.length > 100) throw filterInvalid('claims: 1 to 100 items (请提供 1–100 个待核验数据项).');
  const granted = new Set(ctx.grant.items);
  const named = [...Object.keys(keyValues), ...claimNames];
  const notGranted = named.filter((n) => !granted.has(n));
  if (notGranted.length > 0) {
    if (outcome) outcome.items = [...new Set(named)];
    throw itemNotGranted(notGranted);
  }
  const keyNames = Object.keys(keyValues).sort();
  const expected = [...layout.keyItems].sort();
  if (keyNames.length !== expected.length || keyNames.some((k, i) => k !== expected[i])) {
    throw filterInvalid(`key: give exactly the key items ${layout.keyItems.join(', ')} (主键应为：${layout.keyItems.join('、')}).`, { keyItems: layout.keyItems });
  }
  return { key: keyValues, claims: claimValues, items: [...new Set(named)] };
}
