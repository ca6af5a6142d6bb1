/**
 * Five-field cron (minute hour day-of-month month day-of-week), evaluated in China Standard Time (UTC+8, no
 * daylight saving), so a schedule means the same on the platform and on every node whatever the host's zone.
 * Fields take `*`, numbers, lists `1,5`, ranges `1-10`, steps `*\/5` and `1-10/2`; months and weekdays also
 * take English names (JAN, MON). Day-of-week is 0–7 with 0 and 7 Sunday. As in classic cron, when both
 * day-of-month and day-of-week are restricted a day matching either runs.
 */

export interface CronSchedule {
  expr: string;
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  /** 0–6, Sunday = 0. */
  daysOfWeek: number[];
  anyDayOfMonth: boolean;
  anyDayOfWeek: boolean;
}

interface FieldSpec { label: string; min: number; max: number; names?: string[] }

const FIELDS: FieldSpec[] = [
  { label: '分钟', min: 0, max: 59 },
  { label: '小时', min: 0, max: 23 },
  { label: '日', min: 1, max: 31 },
  { label: '月', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { label: '星期', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

function fieldError(index: number, text: string): Error {
  return new Error(`cron 第 ${index + 1} 段（${FIELDS[index]!.label}）无效：${text}`);
}

function parseField(text: string, index: number): { values: number[]; any: boolean } {
  const spec = FIELDS[index]!;
  const bad = () => fieldError(index, text);
  const number = (s: string): number => {
    if (/^\d{1,2}$/.test(s)) return Number(s);
    const named = spec.names?.indexOf(s.toUpperCase()) ?? -1;
    if (named < 0) throw bad();
    return named + (spec.min === 1 ? 1 : 0);
  };
  const set = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^([^/]+)(?:\/(\d{1,2}))?$/.exec(part);
    if (!m) throw bad();
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw bad();
    let from: number;
    let to: number;
    if (m[1] === '*') {
      from = spec.min;
      to = spec.max;
    } else {
      const range = m[1]!.split('-');
      if (range.length > 2) throw bad();
      from = number(range[0]!);
      // `5/15` means from 5 to the end, every 15.
      to = range.length === 2 ? number(range[1]!) : m[2] === undefined ? from : spec.max;
    }
    if (from < spec.min || to > spec.max || from > to) throw bad();
    for (let v = from; v <= to; v += step) set.add(index === 4 && v === 7 ? 0 : v);
  }
  if (set.size === 0) throw bad();
  // Like Vixie cron, a day field starting with '*' counts as unrestricted for the day-of-month/week OR rule.
  return { values: [...set].sort((a, b) => a - b), any: text.startsWith('*') };
}

/** Parses a 5-field expression; throws an Error with a Chinese message naming the bad field. */
export function parseCron(expr: string): CronSchedule {
  const parts = expr.trim().split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 5) throw new Error(`cron 表达式应为 5 段（分钟 小时 日 月 星期），实际为 ${parts.length} 段：${expr}`);
  const fields = parts.map((p, i) => parseField(p, i));
  return {
    expr: parts.join(' '),
    minutes: fields[0]!.values,
    hours: fields[1]!.values,
    daysOfMonth: fields[2]!.values,
    months: fields[3]!.values,
    daysOfWeek: fields[4]!.values,
    anyDayOfMonth: fields[2]!.any,
    anyDayOfWeek: fields[4]!.any,
  };
}

const CST_MS = 8 * 3600_000;

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.daysOfMonth.includes(d.getUTCDate());
  const dow = s.daysOfWeek.includes(d.getUTCDay());
  if (s.anyDayOfMonth && s.anyDayOfWeek) return true;
  if (s.anyDayOfMonth) return dow;
  if (s.anyDayOfWeek) return dom;
  return dom || dow;
}

/** The first run strictly after `after` (whole minutes, CST). Throws when the expression never fires. */
export function nextCronRun(expr: string | CronSchedule, after: Date): Date {
  const s = typeof expr === 'string' ? parseCron(expr) : expr;
  // Work on a Date whose UTC fields are the CST wall clock.
  const t = new Date(Math.floor((after.getTime() + CST_MS) / 60_000) * 60_000 + 60_000);
  const limit = t.getTime() + 5 * 366 * 86_400_000; // covers Feb 29 and any weekday/date combination
  while (t.getTime() <= limit) {
    if (!s.months.includes(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(s, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hours.includes(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    const minute = s.minutes.find((m) => m >= t.getUTCMinutes());
    if (minute === undefined) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    t.setUTCMinutes(minute);
    return new Date(t.getTime() - CST_MS);
  }
  throw new Error(`cron 表达式永远不会触发：${s.expr}`);
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
const hm = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;

/** A short Chinese description of common shapes (others are shown as the expression itself). */
export function describeCron(expr: string): string {
  const s = parseCron(expr);
  const [min, hour, dom, month, dow] = s.expr.split(' ') as [string, string, string, string, string];
  const step = /^\*\/(\d+)$/;
  const anyDay = dom === '*' && month === '*' && dow === '*';
  if (anyDay && hour === '*' && min === '*') return '每分钟';
  if (anyDay && hour === '*' && step.test(min)) return `每 ${step.exec(min)![1]} 分钟`;
  if (anyDay && hour === '*' && s.minutes.length === 1) return `每小时第 ${s.minutes[0]} 分`;
  if (anyDay && step.test(hour) && s.minutes.length === 1) return `每 ${step.exec(hour)![1]} 小时（第 ${s.minutes[0]} 分）`;
  if (s.minutes.length === 1 && s.hours.length === 1 && /^\d+$/.test(min) && /^\d+$/.test(hour)) {
    const at = hm(s.hours[0]!, s.minutes[0]!);
    if (anyDay) return `每天 ${at}`;
    if (dom === '*' && month === '*') return `每周${s.daysOfWeek.map((d) => WEEKDAYS[d]).join('、')} ${at}`;
    if (dow === '*' && month === '*') return `每月 ${s.daysOfMonth.join('、')} 日 ${at}`;
  }
  return `cron：${s.expr}`;
}
