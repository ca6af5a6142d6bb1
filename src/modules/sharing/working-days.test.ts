import { describe, expect, it } from 'vitest';
import { addWorkingDays, cstDate, EMPTY_CALENDAR, isWorkingDay, workingDayDeadline, workingDaysLeft, type WorkingCalendar } from './working-days.js';

// An illustrative National Day week: 10-01..10-07 off, with Saturday 10-10 a make-up working day.
const calendar: WorkingCalendar = {
  holidays: new Set(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']),
  makeUpWorkdays: new Set(['2026-10-10']),
};

describe('working days', () => {
  it('treats weekends as rest days and weekdays as working days', () => {
    expect(isWorkingDay('2026-11-20', EMPTY_CALENDAR)).toBe(true); // Friday
    expect(isWorkingDay('2026-11-21', EMPTY_CALENDAR)).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-22', EMPTY_CALENDAR)).toBe(false); // Sunday
  });

  it('skips holidays and counts make-up working days', () => {
    expect(isWorkingDay('2026-10-01', calendar)).toBe(false);
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true);
  });

  it('counts 10 working days across a weekend', () => {
    // Monday 2026-11-16 + 10 working days = Monday 2026-11-30.
    expect(addWorkingDays('2026-11-16', 10, EMPTY_CALENDAR)).toBe('2026-11-30');
    // Friday + 1 = Monday.
    expect(addWorkingDays('2026-11-20', 1, EMPTY_CALENDAR)).toBe('2026-11-23');
  });

  it('counts 10 working days across a weekend and a holiday week with a make-up day', () => {
    // From Tue 2026-09-29: 9-30 (1), [10-01..10-07 off except none], 10-08 Thu (2), 10-09 Fri (3),
    // 10-10 Sat make-up (4), 10-12 Mon (5) … 10-16 Fri (9), 10-19 Mon (10).
    expect(addWorkingDays('2026-09-29', 10, calendar)).toBe('2026-10-19');
    expect(addWorkingDays('2026-09-29', 10, EMPTY_CALENDAR)).toBe('2026-10-13');
  });

  it('puts the deadline at the end of the due day in China Standard Time', () => {
    // 2026-11-20 17:00 UTC is already Saturday 2026-11-21 01:00 in Beijing.
    const submitted = new Date('2026-11-20T17:00:00Z');
    expect(cstDate(submitted)).toBe('2026-11-21');
    const deadline = workingDayDeadline(submitted, 1, EMPTY_CALENDAR);
    expect(deadline.toISOString()).toBe('2026-11-23T15:59:59.999Z'); // Monday 23:59:59.999 CST
  });

  it('counts down the working days left and goes negative when overdue', () => {
    const deadline = workingDayDeadline(new Date('2026-11-16T02:00:00Z'), 10, EMPTY_CALENDAR); // due Mon 11-30
    expect(workingDaysLeft(new Date('2026-11-16T02:00:00Z'), deadline, EMPTY_CALENDAR)).toBe(11);
    expect(workingDaysLeft(new Date('2026-11-30T02:00:00Z'), deadline, EMPTY_CALENDAR)).toBe(1);
    expect(workingDaysLeft(new Date('2026-12-01T02:00:00Z'), deadline, EMPTY_CALENDAR)).toBe(-1);
    expect(workingDaysLeft(new Date('2026-12-03T02:00:00Z'), deadline, EMPTY_CALENDAR)).toBe(-3);
  });

  it('refuses a negative count', () => {
    expect(() => addWorkingDays('2026-11-16', -1, EMPTY_CALENDAR)).toThrow(RangeError);
  });
});
