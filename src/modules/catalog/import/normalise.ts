/**
 * Turns the many ways clerks fill in the annex-4 template into the canonical values of catalog.types.ts.
 * Every parser returns null for "cannot understand"; blank cells are handled by the caller.
 * Lookup tables are built once at module load so the per-cell work is a trim and a Map lookup.
 */
import {
  DATA_TYPES, DATA_TYPE_LABELS, FORMAT_CLASSES, FORMAT_TYPES, SHARE_METHOD_TYPES, SHARE_TYPES, UPDATE_CYCLES,
  type DataType, type FormatClass, type ShareMethodClass, type ShareMethodType, type ShareType, type UpdateCycle,
} from '../catalog.types.js';
import { orgCodeProblem, usccProblem, type UsccProblem } from '../../../platform/validation/uscc.js';

/** A cell value after unwrapping exceljs rich text, hyperlinks and formulas; blank is null. */
export type Flat = string | number | boolean | Date | null;

/** Unwraps what exceljs reports for a cell; strings are trimmed (String.trim covers \u3000). */
export function flatten(value: unknown): Flat {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const s = value.trim();
    return s === '' ? null : s;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (v.richText) return flatten(v.richText.map((r) => r.text).join(''));
    if ('result' in v) return flatten(v.result);
    if (v.text !== undefined) return flatten(v.text);
  }
  return null;
}

/** The cell as text, for free-text fields. */
export function asText(value: Flat): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return isoDate(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
  if (typeof value === 'boolean') return value ? '是' : '否';
  return String(value);
}

const BOOLEANS = new Map<string, boolean>([
  ['是', true], ['否', false], ['y', true], ['n', false], ['yes', true], ['no', false],
  ['true', true], ['false', false], ['1', true], ['0', false], ['开放', true], ['不开放', false],
]);

export function parseBoolean(value: Flat): boolean | null {
  if (typeof value === 'boolean') return value;
  return BOOLEANS.get(asText(value).toLowerCase()) ?? null;
}

const SHARE_TYPE_BY_TEXT = new Map<string, ShareType>();
for (const t of SHARE_TYPES) {
  SHARE_TYPE_BY_TEXT.set(t, t);
  SHARE_TYPE_BY_TEXT.set(t.replace(/共享$/, ''), t);
}
SHARE_TYPE_BY_TEXT.set('不共享', '不予共享');

export function parseShareType(text: string): ShareType | null {
  return SHARE_TYPE_BY_TEXT.get(text.replace(/\s/g, '')) ?? null;
}

const METHOD_CLASS_BY_TEXT = new Map<string, ShareMethodClass>([
  ['共享平台方式', '共享平台方式'], ['共享平台', '共享平台方式'], ['平台方式', '共享平台方式'],
  ['邮件或介质方式', '邮件或介质方式'], ['邮件或介质', '邮件或介质方式'], ['邮件介质', '邮件或介质方式'],
  ['邮件/介质', '邮件或介质方式'], ['邮件/介质方式', '邮件或介质方式'],
]);

export function parseShareMethodClass(text: string): ShareMethodClass | null {
  return METHOD_CLASS_BY_TEXT.get(text.replace(/\s/g, '')) ?? null;
}

export function parseShareMethodType(text: string): ShareMethodType | null {
  const t = text.replace(/\s/g, '').replace(/方式$/, '');
  return (SHARE_METHOD_TYPES as readonly string[]).includes(t) ? (t as ShareMethodType) : null;
}

const DATA_TYPE_BY_TEXT = new Map<string, DataType>();
{
  const extraLabels: Partial<Record<DataType, string[]>> = { C: ['字符串型', '字符串'], N: ['数字型', '数值'], I: ['整数型'] };
  for (const code of DATA_TYPES) {
    const labels = [DATA_TYPE_LABELS[code], ...(extraLabels[code] ?? [])];
    DATA_TYPE_BY_TEXT.set(code, code);
    for (const label of labels) {
      DATA_TYPE_BY_TEXT.set(label, code);
      DATA_TYPE_BY_TEXT.set(label + code, code); // 字符型 C, 字符型(C), 字符型（C） once spaces/brackets are gone
    }
  }
}
const DATA_TYPE_NOISE = /[\s()（）]/g;

/** `C`, `c`, `字符型`, `字符型 C`, `字符串型 C`, `字符型（C）` → `C` */
export function parseDataType(text: string): DataType | null {
  return DATA_TYPE_BY_TEXT.get(text.replace(DATA_TYPE_NOISE, '').toUpperCase()) ?? null;
}

/** Types whose values have no meaningful length: 日期型, 日期时间型, 逻辑型, 备注型, 通用型. */
const LENGTHLESS = new Set<DataType>(['D', 'T', 'L', 'M', 'G']);
export const lengthRequired = (type: DataType): boolean => !LENGTHLESS.has(type);

const LENGTH_TEXT = /^(\d+)(?:位|个字符|字符|字节|个字节)?$/;

/** `18`, `18位`, `18 字节` → 18; returns null when not a non-negative whole number. */
export function parseLength(value: Flat): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  const m = LENGTH_TEXT.exec(asText(value).replace(/\s/g, ''));
  return m ? Number(m[1]) : null;
}

function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

function validDate(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return null;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= daysInMonth ? isoDate(y, m, d) : null;
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
const DATE_TEXT = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
const DATE_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * Excel dates (exceljs gives a Date at UTC midnight), numeric Excel serials, `yyyy年m月d日`, `yyyy-mm-dd`,
 * `yyyy/m/d`, `yyyy.m.d`, `yyyymmdd` → `yyyy-mm-dd`; null for anything else, including 2023-02-30.
 */
export function parseDate(value: Flat): string | null {
  if (value instanceof Date) {
    const t = value.getTime();
    if (Number.isNaN(t)) return null;
    return validDate(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 19000101 && value <= 21991231) {
      return validDate(Math.floor(value / 10000), Math.floor(value / 100) % 100, value % 100);
    }
    if (value < 1 || value >= 2_958_466) return null;
    const d = new Date(EXCEL_EPOCH + Math.floor(value) * DAY_MS);
    return validDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  const text = asText(value);
  const m = DATE_TEXT.exec(text) ?? DATE_COMPACT.exec(text);
  return m ? validDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

const FORMAT_TYPE_BY_KEY = new Map<string, string>();
const formatKey = (cls: string, type: string) => `${cls}\u0000${type.toLowerCase().replace(/\s/g, '')}`;
for (const cls of FORMAT_CLASSES) for (const t of FORMAT_TYPES[cls]) FORMAT_TYPE_BY_KEY.set(formatKey(cls, t), t);

export function parseFormatClass(text: string): FormatClass | null {
  const t = text.replace(/\s/g, '');
  return (FORMAT_CLASSES as readonly string[]).includes(t) ? (t as FormatClass) : null;
}

/** Whether a format class leaves the type free (自描述格式, 服务接口). */
export const freeFormatType = (cls: FormatClass): boolean => FORMAT_TYPES[cls].length === 0;

/** The canonical spelling of a format type within its class (`MySQL` → `mysql`), or null. */
export function parseFormatType(cls: FormatClass, text: string): string | null {
  if (freeFormatType(cls)) return text;
  return FORMAT_TYPE_BY_KEY.get(formatKey(cls, text)) ?? null;
}

const CYCLE_BY_TEXT = new Map<string, UpdateCycle>();
for (const c of UPDATE_CYCLES) CYCLE_BY_TEXT.set(c, c);
for (const [alias, c] of [
  ['每天', '每日'], ['每星期', '每周'], ['每个月', '每月'], ['每季', '每季度'], ['半年', '每半年'],
  ['每年度', '每年'], ['不定时', '不定期'], ['按需', '不定期'],
  // A school term is half a year; the education bureau's template uses it.
  ['每学期', '每半年'],
] as const) CYCLE_BY_TEXT.set(alias, c);

/** `每日`, `每天`, `实时更新`, `每月更新` → canonical cycle. */
export function parseUpdateCycle(text: string): UpdateCycle | null {
  const t = text.replace(/\s/g, '');
  return CYCLE_BY_TEXT.get(t) ?? CYCLE_BY_TEXT.get(t.replace(/更新$/, '')) ?? null;
}

const RESOURCE_CODE = /^\d{9,}\/\d{6}$/;

/** 信息资源代码 such as `101002001/000123` (full-width slash and spaces tolerated). */
export function parseResourceCode(text: string): string | null {
  const t = text.normalize('NFKC').replace(/\s/g, '');
  return RESOURCE_CODE.test(t) ? t : null;
}

export type ProviderCode =
  | { kind: 'uscc' | 'org'; code: string }
  | { kind: 'invalid'; problem: UsccProblem };

const LEGACY_ORG_CODE = /^([0-9A-Z]{8})-?([0-9A-Z])$/;

/**
 * Normalises a 资源提供方代码 cell (spaces, case, full-width characters) and checks its GB 32100 / GB 11714
 * check characters. Legacy org codes come back as `XXXXXXXX-X`, the form the provider lookup expects.
 */
export function parseProviderCode(text: string): ProviderCode {
  const t = text.normalize('NFKC').replace(/\s/g, '').replace(/[\u2010-\u2015\u2212]/g, '-').toUpperCase();
  const legacy = LEGACY_ORG_CODE.exec(t);
  if (legacy) {
    const problem = orgCodeProblem(legacy[1]! + legacy[2]!);
    return problem ? { kind: 'invalid', problem } : { kind: 'org', code: `${legacy[1]}-${legacy[2]}` };
  }
  const problem = usccProblem(t);
  return problem ? { kind: 'invalid', problem } : { kind: 'uscc', code: t };
}

export const USCC_PROBLEM_ZH: Record<UsccProblem, string> = {
  length: '应为 18 位统一社会信用代码或“XXXXXXXX-X”格式的组织机构代码',
  characters: '只能包含数字和大写字母（不含 I、O、Z、S、V）',
  region: '第 3–8 位应为 6 位行政区划代码',
  'org-code-characters': '第 9–17 位应为组织机构代码（8 位数字或大写字母加 1 位校验码）',
  'org-code-check': '组织机构代码部分的校验码不正确',
  'check-char': '最后一位校验码不正确',
};
