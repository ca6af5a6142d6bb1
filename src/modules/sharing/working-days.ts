/**
 * Working-day arithmetic on the official calendar: weekends are rest days, configured public holidays
 * (法定节假日) are rest days, and configured make-up working days (调休上班日) are working days even on a
 * weekend. Review deadlines are counted in working days in China Standard Time (UTC+8).
 */

export interface WorkingCalendar {
  /** Rest days that would otherwise be working days, as yyyy-mm-dd. */
  holidays: ReadonlySet<string>;
  /** Weekend days that are working days (调休), as yyyy-mm-dd. */
  makeUpWorkdays: ReadonlySet<string>;
}

export const EMPTY_CALENDAR: WorkingCalendar = { holidays: new Set(), makeUpWorkdays: new Set() };

const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The calendar date (yyyy-mm-dd) of an instant in China Standard Time. */
export function cstDate(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  if (calendar.makeUpWorkdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The date of the `n`th working day after `from` (the day itself does not count: a request made on a
 * Friday with n = 1 is due on the next working day).
 */
export function addWorkingDays(from: string, n: number, calendar: WorkingCalendar): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a whole number ≥ 0');
  let date = from;
  for (let counted = 0; counted < n; ) {
    date = shiftDate(date, 1);
    if (isWorkingDay(date, calendar)) counted++;
  }
  return date;
}

/**
 * The deadline for an answer due within `n` working days of `submittedAt`: the end (23:59:59.999 CST)
 * of the nth working day after the submission date.
 */
export function workingDayDeadline(submittedAt: Date, n: number, calendar: WorkingCalendar): Date {
  const dueDate = addWorkingDays(cstDate(submittedAt), n, calendar);
  return new Date(Date.parse(`${dueDate}T00:00:00Z`) - CST_OFFSET_MS + DAY_MS - 1);
}

/**
 * Working days left from `now` until `deadline`, counting today if it is a working day (so 1 on the
 * due day); negative once overdue (-1 on the first working day after the deadline).
 */
export function workingDaysLeft(now: Date, deadline: Date, calendar: WorkingCalendar): number {
  const today = cstDate(now);
  const due = cstDate(deadline);
  if (now.getTime() > deadline.getTime()) {
    let late = 0;
    for (let d = shiftDate(due, 1); d <= today; d = shiftDate(d, 1)) if (isWorkingDay(d, calendar)) late++;
    return -Math.max(late, 1);
  }
  let left = 0;
  for (let d = today; d <= due; d = shiftDate(d, 1)) if (isWorkingDay(d, calendar)) left++;
  return left;
}
