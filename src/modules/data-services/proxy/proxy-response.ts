import { maskRecord, type MaskingKind } from '../../sharing/index.js';

/** Keys under which an upstream wraps its records (`{total, items:[…]}`, `{code, data:{list:[…]}}`). */
export const ENVELOPE_KEYS = ['items', 'data', 'rows', 'list'] as const;

export interface ShapedResponse {
  body: unknown;
  /** Granted items present in at least one returned record, in the grant's order. */
  items: string[];
  /** Records returned. */
  rows: number;
}

type JsonRecord = Record<string, unknown>;
const isRecord = (value: unknown): value is JsonRecord => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Cuts an upstream JSON response to the granted items and masks it as the grant says, so an 接口
 * resource leaks no more than a 库表 one would. Records are a top-level object, a top-level array, or the
 * arrays under `items` / `data` / `rows` / `list` of an envelope (also one level down, under `data`).
 * In a record only granted items survive. In an envelope, besides the record arrays, a key survives only when
 * it is a granted item or a non-item counter or flag (number, boolean, null: `total`, `page`, `hasMore`);
 * other text and objects are dropped because they could carry data nobody granted. Returns null when the
 * value is not an object or array.
 */
export function shapeUpstreamJson(
  value: unknown,
  grant: { items: readonly string[]; masking: Readonly<Record<string, MaskingKind>> },
  resourceItems: readonly string[],
): ShapedResponse | null {
  const granted = new Set(grant.items);
  const known = new Set(resourceItems);
  const present = new Set<string>();
  let rows = 0;

  const cutRecord = (record: JsonRecord): JsonRecord => {
    const out: JsonRecord = {};
    for (const [key, v] of Object.entries(record)) {
      if (!granted.has(key)) continue;
      out[key] = v;
      present.add(key);
    }
    rows += 1;
    return maskRecord(out, grant.masking);
  };
  const cutArray = (values: unknown[]): JsonRecord[] => values.filter(isRecord).map(cutRecord);

  const isEnvelope = (record: JsonRecord, depth: number): boolean =>
    ENVELOPE_KEYS.some((k) => Array.isArray(record[k])) || (depth === 0 && isRecord(record.data));

  const shapeEnvelope = (record: JsonRecord, depth: number): JsonRecord => {
    const out: JsonRecord = {};
    const grantedHere: JsonRecord = {};
    for (const [key, v] of Object.entries(record)) {
      if ((ENVELOPE_KEYS as readonly string[]).includes(key) && Array.isArray(v)) out[key] = cutArray(v);
      else if (key === 'data' && depth === 0 && isRecord(v)) out[key] = isEnvelope(v, depth + 1) ? shapeEnvelope(v, depth + 1) : cutRecord(v);
      else if (granted.has(key)) { grantedHere[key] = v; present.add(key); }
      else if (!known.has(key) && (v === null || typeof v === 'number' || typeof v === 'boolean')) out[key] = v;
    }
    return { ...out, ...maskRecord(grantedHere, grant.masking) };
  };

  let body: unknown;
  if (Array.isArray(value)) body = cutArray(value);
  else if (isRecord(value)) body = isEnvelope(value, 0) ? shapeEnvelope(value, 0) : cutRecord(value);
  else return null;
  return { body, items: grant.items.filter((i) => present.has(i)), rows };
}
