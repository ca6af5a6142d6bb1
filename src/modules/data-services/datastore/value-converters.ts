/**
 * One converter per column: takes a cell as it comes from a CSV, XLSX or JSON-lines file (or a filter
 * value, or a claim) and returns the value's canonical text — valid PostgreSQL input for the column's
 * type — or null for an empty cell, or an Invalid with a Chinese message. Loads, filters and claims all
 * go through the same converters, so a value that loads also matches.
 */
import { isValidCitizenId } from '../../../platform/validation/citizen-id.js';
import { isValidUscc } from '../../../platform/validation/uscc.js';
import type { DatastoreColumn } from './datastore-schema.js';

export class Invalid {
  constructor(readonly message: string) {}
}

export type Converter = (raw: unknown) => string | null | Invalid;

/** Items whose values are citizen ID numbers (GB 11643) or USCCs (GB 32100), by their names. */
export const isCitizenIdItem = (item: string) => item.includes('身份证') || item.includes('公民身份号码');
export const isUsccItem = (item: string) => item.includes('统一社会信用代码');

const show = (value: string) => (value.length > 40 ? `${value.slice(0, 40)}…` : value);

function asText(raw: unknown): string | null | Invalid {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return raw === '' ? null : raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? new Invalid('日期无效') : raw.toISOString();
  return new Invalid('应为文本，不能是对象或数组');
}

/** Trimmed text of a typed (non-text) cell; '' → null. */
function asTrimmed(raw: unknown): string | null | Invalid {
  const text = asText(raw);
  if (typeof text !== 'string') return text;
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const INT8_MAX = 9223372036854775807n;
const INT8_MIN = -9223372036854775808n;

function significantDigits(s: string): { whole: number; fraction: number } {
  const unsigned = s.replace(/^[+-]/, '');
  const [whole = '', fraction = ''] = unsigned.split('.');
  return { whole: whole.replace(/^0+/, '').length, fraction: fraction.length };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');

function realDate(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

const DATE_SEP = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;
const DATE_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

function toDate(raw: unknown): string | null | Invalid {
  if (raw instanceof Date) {
    // Spreadsheet dates come as the wall-clock date in UTC fields.
    if (Number.isNaN(raw.getTime())) return new Invalid('日期无效');
    return `${pad4(raw.getUTCFullYear())}-${pad2(raw.getUTCMonth() + 1)}-${pad2(raw.getUTCDate())}`;
  }
  const s = asTrimmed(raw);
  if (typeof s !== 'string') return s;
  const m = DATE_SEP.exec(s) ?? DATE_COMPACT.exec(s);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (realDate(y, mo, d)) return `${m[1]}-${pad2(mo)}-${pad2(d)}`;
  }
  return new Invalid(`不是有效的日期（应为 yyyy-mm-dd）：${show(s)}`);
}

const DATETIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function toTimestamp(raw: unknown): string | null | Invalid {
  if (raw instanceof Date) {
    // A spreadsheet date-time is wall-clock time in UTC fields: read it as China Standard Time.
    if (Number.isNaN(raw.getTime())) return new Invalid('日期时间无效');
    return `${pad4(raw.getUTCFullYear())}-${pad2(raw.getUTCMonth() + 1)}-${pad2(raw.getUTCDate())} ${pad2(raw.getUTCHours())}:${pad2(raw.getUTCMinutes())}:${pad2(raw.getUTCSeconds())}+08:00`;
  }
  const s = asTrimmed(raw);
  if (typeof s !== 'string') return s;
  const m = DATETIME.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [h, mi, se] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    if (realDate(y, mo, d) && h < 24 && mi < 60 && se < 60) {
      let zone = m[8] ?? '+08:00';
      if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
      else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
      return `${m[1]}-${pad2(mo)}-${pad2(d)} ${pad2(h)}:${pad2(mi)}:${pad2(se)}${m[7] ?? ''}${zone.toUpperCase() === 'Z' ? '+00:00' : zone}`;
    }
  }
  return new Invalid(`不是有效的日期时间（应为 ISO-8601 或 yyyy-mm-dd hh:mm:ss）：${show(s)}`);
}

const TRUE_WORDS = new Set(['true', 't', '1', '是', 'y', 'yes']);
const FALSE_WORDS = new Set(['false', 'f', '0', '否', 'n', 'no']);

function toBoolean(raw: unknown): string | null | Invalid {
  if (typeof raw === 'boolean') return raw ? 't' : 'f';
  const s = asTrimmed(raw);
  if (typeof s !== 'string') return s;
  const lower = s.toLowerCase();
  if (TRUE_WORDS.has(lower)) return 't';
  if (FALSE_WORDS.has(lower)) return 'f';
  return new Invalid(`不是有效的逻辑值（应为 true/false/1/0/是/否/Y/N）：${show(s)}`);
}

function toJson(raw: unknown): string | null | Invalid {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof raw === 'string') {
    const trimmed = raw.trim();
    try {
      JSON.parse(trimmed);
      return trimmed;
    } catch {
      return JSON.stringify(raw); // a non-JSON string is stored as a JSON string
    }
  }
  return JSON.stringify(raw);
}

/**
 * The converter of one column; `checks: false` (filters and claims) skips the text checks — length,
 * ID-number and USCC check digits — since a value that could not be stored simply matches nothing.
 */
export function converterFor(column: Pick<DatastoreColumn, 'item' | 'dataType' | 'length'>, options: { checks?: boolean } = {}): Converter {
  const { dataType, length, item } = column;
  const checks = options.checks !== false;
  switch (dataType) {
    case 'N':
      return (raw) => {
        const s = typeof raw === 'number' ? (Number.isFinite(raw) ? String(raw) : 'NaN') : asTrimmed(raw);
        if (typeof s !== 'string') return s;
        if (!DECIMAL.test(s)) return new Invalid(`不是有效的数值：${show(s)}`);
        if (length !== null && length > 0) {
          const { whole, fraction } = significantDigits(s);
          if (whole + fraction > length) return new Invalid(`数值位数超过 ${length} 位：${show(s)}`);
        }
        return s;
      };
    case 'Y':
      return (raw) => {
        const s = typeof raw === 'number' ? (Number.isFinite(raw) ? String(raw) : 'NaN') : asTrimmed(raw);
        if (typeof s !== 'string') return s;
        if (!DECIMAL.test(s)) return new Invalid(`不是有效的金额：${show(s)}`);
        const { whole, fraction } = significantDigits(s);
        if (fraction > 2) return new Invalid(`金额最多两位小数：${show(s)}`);
        if (whole > 16) return new Invalid(`金额超出范围：${show(s)}`);
        return s;
      };
    case 'B':
    case 'F':
      return (raw) => {
        if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : new Invalid('不是有效的数值');
        const s = asTrimmed(raw);
        if (typeof s !== 'string') return s;
        if (!FLOAT.test(s) || !Number.isFinite(Number(s))) return new Invalid(`不是有效的数值：${show(s)}`);
        return s;
      };
    case 'I':
      return (raw) => {
        const s = typeof raw === 'number' ? (Number.isInteger(raw) ? String(raw) : `${raw}`) : asTrimmed(raw);
        if (typeof s !== 'string') return s;
        if (!INTEGER.test(s)) return new Invalid(`不是整数：${show(s)}`);
        if (s.length > 18) {
          const big = BigInt(s);
          if (big > INT8_MAX || big < INT8_MIN) return new Invalid(`整数超出范围：${show(s)}`);
        }
        return s;
      };
    case 'D':
      return toDate;
    case 'T':
      return toTimestamp;
    case 'L':
      return toBoolean;
    case 'G':
      return toJson;
    default: {
      // C 字符型, M 备注型 (and anything unknown): text, as given.
      const idCheck = checks && isCitizenIdItem(item);
      const usccCheck = checks && isUsccItem(item);
      const max = checks && dataType === 'C' && length !== null && length > 0 ? length : null;
      return (raw) => {
        const s = asText(raw);
        if (typeof s !== 'string') return s;
        if (max !== null && s.length > max) {
          // UTF-16 units ≥ characters: count characters only when it might matter.
          let chars = 0;
          for (const _ of s) chars++;
          if (chars > max) return new Invalid(`长度 ${chars} 超过 ${max} 个字符`);
        }
        if (idCheck && !isValidCitizenId(s)) return new Invalid('公民身份号码不正确（GB 11643 校验未通过）');
        if (usccCheck && !isValidUscc(s)) return new Invalid('统一社会信用代码不正确（GB 32100 校验未通过）');
        return s;
      };
    }
  }
}

/** COPY text escaping lives in the platform (shared with the exchange protocol); re-exported for loads. */
export { copyText } from '../../../platform/db/copy-text.js';
