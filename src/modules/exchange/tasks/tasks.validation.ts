/**
 * Checks on what a department admin configures for a publish task or a subscription. Every refusal is a 400
 * EXCHANGE_INVALID naming the field, so the console can put the message next to it.
 */
import { DomainError } from '../../../platform/errors.js';
import type { NodeEndpoint } from '../flows.types.js';
import * as cronModule from '../protocol/cron.js';

/** A table or column name, optionally schema-qualified: only these reach a node's SQL text. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

export const invalid = (field: string, message: string) => new DomainError('EXCHANGE_INVALID', message, { field });

export function requireIdentifier(field: string, value: string | null | undefined, label: string): string {
  const v = (value ?? '').trim();
  if (!v) throw invalid(field, `${field} is required (请填写${label}).`);
  if (v.length > 128 || !IDENTIFIER.test(v)) {
    throw invalid(field, `${field} must be a name of letters, digits and _ (optionally schema.name) (${label}“${v}”不是合法的名称：只能包含字母、数字和下划线，可带模式名).`);
  }
  return v;
}

/** A single SELECT: no ';' at all (so no second statement), and it must start with SELECT. */
export function requireSelect(field: string, value: string): string {
  const q = value.trim();
  if (q.length > 20_000) throw invalid(field, `${field} is too long (查询语句过长).`);
  if (q.includes(';')) throw invalid(field, `${field} must be a single SELECT without ';' (查询语句只能是一条 SELECT，不能包含分号).`);
  if (!/^select\s/i.test(q)) throw invalid(field, `${field} must be a SELECT statement (查询语句必须以 SELECT 开头).`);
  return q;
}

type CronParser = (expression: string) => unknown;
const parseCron = (cronModule as { parseCron?: CronParser }).parseCron;

/** A 5-field cron (CST); the protocol's parser when present, else the field count. */
export function requireCron(field: string, value: string | null | undefined): string {
  const v = (value ?? '').trim().replace(/\s+/g, ' ');
  if (!v) throw invalid(field, `${field} is required for a cron schedule (请填写定时表达式).`);
  let ok = v.split(' ').length === 5 && /^[0-9*,\-/ A-Za-z?]+$/.test(v);
  if (ok && parseCron) {
    try {
      parseCron(v);
    } catch {
      ok = false;
    }
  }
  if (!ok) throw invalid(field, `${field} must be a 5-field cron: minute hour day month weekday (定时表达式“${v}”无效，应为“分 时 日 月 周”5 段).`);
  return v;
}

/** A directory under a csv endpoint: relative, no '..', no backslashes or control characters. */
export function requireRelativeDir(field: string, value: string | null | undefined, label: string): string {
  const v = (value ?? '').trim().replace(/\/+$/, '');
  if (!v) throw invalid(field, `${field} is required (请填写${label}).`);
  const parts = v.split('/');
  if (v.startsWith('/') || v.includes('\\') || /[\u0000-\u001f]/.test(v) || v.length > 500 || parts.some((p) => p === '..' || p === '' || p === '.')) {
    throw invalid(field, `${field} must be a relative directory without '..' (${label}必须是相对目录，不能包含“..”).`);
  }
  return v;
}

/** A file-name glob (`*.pdf`, `report-??.csv`): no directory separators. */
export function requireGlob(field: string, value: string | null | undefined): string {
  const v = (value ?? '').trim();
  if (!v) throw invalid(field, `${field} is required for a file task (请填写文件名匹配模式，如 *.pdf).`);
  if (v.length > 200 || /[/\\\u0000-\u001f]/.test(v)) throw invalid(field, `${field} must be a file-name pattern without '/' (文件名匹配模式不能包含目录).`);
  return v;
}

export function requireRange(field: string, value: number, min: number, max: number, label: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(field, `${field} must be an integer from ${min} to ${max} (${label}应为 ${min}–${max} 之间的整数).`);
  return value;
}

/** jsonb read back: parsed on both engines, but tolerate a string. */
export function endpointsOf(value: unknown): NodeEndpoint[] {
  const parsed = typeof value === 'string' ? JSON.parse(value) as unknown : value;
  return Array.isArray(parsed) ? parsed as NodeEndpoint[] : [];
}

/**
 * An endpoint name among what the node reported for this role (and type, when given). A node that has not
 * reported any endpoint yet (older agent, not yet started) accepts any non-empty name.
 */
export function requireEndpoint(field: string, name: string, reported: NodeEndpoint[], role: 'source' | 'target', type?: NodeEndpoint['type']): string {
  const v = name.trim();
  const roleLabel = role === 'source' ? '数据源' : '目标库';
  if (!v) throw invalid(field, `${field} is required (请选择前置机上的${roleLabel}).`);
  if (reported.length === 0) return v;
  const found = reported.find((e) => e.name === v && e.role === role);
  if (!found) throw invalid(field, `${field} “${v}” is not a ${role} the node reported (前置机未上报名为“${v}”的${roleLabel}).`);
  if (type && found.type !== type) throw invalid(field, `${field} “${v}” must be a ${type} endpoint (“${v}”必须是 ${type} 类型的${roleLabel}).`);
  return v;
}

/** A column map {item: column}: keys and values trimmed, values identifiers. */
export function normaliseColumnMap(field: string, map: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [item, column] of Object.entries(map ?? {})) {
    const key = item.trim();
    if (!key) continue;
    out[key] = requireIdentifier(field, column, `数据项“${key}”对应的字段`);
  }
  return out;
}
