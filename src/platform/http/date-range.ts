import { DomainError } from '../errors.js';

const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `from` / `to` query parameters as instants. A bare date is a CST calendar day: `from` its start, `to` its
 * end (the next day's start, exclusive), so `from=2026-11-01&to=2026-11-30` covers all of November; anything
 * else must be an ISO date-time. Used by the call log and the exchange monitoring lists.
 */
export function parseDateRange(from: string | undefined, to: string | undefined): { from?: Date; to?: Date } {
  const parse = (value: string, field: 'from' | 'to'): Date => {
    if (DATE_ONLY.test(value)) {
      const start = Date.parse(`${value}T00:00:00Z`) - CST_OFFSET_MS;
      if (!Number.isNaN(start)) return new Date(field === 'from' ? start : start + DAY_MS);
    } else if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
      const at = Date.parse(value);
      if (!Number.isNaN(at)) return new Date(at);
    }
    throw new DomainError('VALIDATION_FAILED', `"${field}" is an ISO date or date-time (${field === 'from' ? '开始' : '结束'}时间格式不正确).`, { field });
  };
  const range = { from: from ? parse(from, 'from') : undefined, to: to ? parse(to, 'to') : undefined };
  if (range.from && range.to && range.from > range.to) throw new DomainError('VALIDATION_FAILED', '"from" is after "to" (开始时间晚于结束时间).', { field: 'from' });
  return range;
}
