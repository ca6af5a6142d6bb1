import { describe, expect, it } from 'vitest';
import { describeCron, nextCronRun, parseCron } from './cron.js';

/** A CST wall-clock time as a Date. */
const cst = (text: string) => new Date(`${text}+08:00`);

describe('cron (CST)', () => {
  it('parses lists, ranges, steps and names; 7 is Sunday', () => {
    const s = parseCron('*/15 8-18/2 1,15 JAN-MAR 1-5');
    expect(s.minutes).toEqual([0, 15, 30, 45]);
    expect(s.hours).toEqual([8, 10, 12, 14, 16, 18]);
    expect(s.daysOfMonth).toEqual([1, 15]);
    expect(s.months).toEqual([1, 2, 3]);
    expect(s.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(parseCron('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(parseCron('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(parseCron('5/20 * * * *').minutes).toEqual([5, 25, 45]);
  });

  it('rejects bad fields with a Chinese message naming the field', () => {
    expect(() => parseCron('0 25 * * *')).toThrow('cron 第 2 段（小时）无效：25');
    expect(() => parseCron('60 * * * *')).toThrow('cron 第 1 段（分钟）无效：60');
    expect(() => parseCron('* * 0 * *')).toThrow('第 3 段（日）');
    expect(() => parseCron('* * * 13 *')).toThrow('第 4 段（月）');
    expect(() => parseCron('* * * * 8')).toThrow('第 5 段（星期）');
    expect(() => parseCron('*/0 * * * *')).toThrow('第 1 段');
    expect(() => parseCron('5-1 * * * *')).toThrow('第 1 段');
    expect(() => parseCron('a * * * *')).toThrow('第 1 段');
    expect(() => parseCron('* * * *')).toThrow('5 段');
    expect(() => parseCron('1,,2 * * * *')).toThrow('第 1 段');
  });

  it('computes the next run in CST whatever the host zone', () => {
    expect(nextCronRun('0 2 * * *', cst('2026-11-21T01:59:00'))).toEqual(cst('2026-11-21T02:00:00'));
    expect(nextCronRun('0 2 * * *', cst('2026-11-21T02:00:00'))).toEqual(cst('2026-11-22T02:00:00'));
    expect(nextCronRun('*/5 * * * *', cst('2026-11-21T10:07:31'))).toEqual(cst('2026-11-21T10:10:00'));
    expect(nextCronRun('* * * * *', cst('2026-11-21T10:07:31'))).toEqual(cst('2026-11-21T10:08:00'));
    expect(nextCronRun('59 23 31 12 *', cst('2026-11-21T00:00:00'))).toEqual(cst('2026-12-31T23:59:00'));
    // 2026-11-21 is a Saturday; next Monday 08:30.
    expect(nextCronRun('30 8 * * 1', cst('2026-11-21T12:00:00'))).toEqual(cst('2026-11-23T08:30:00'));
    expect(nextCronRun('0 0 * * 0', cst('2026-11-21T12:00:00'))).toEqual(cst('2026-11-22T00:00:00'));
    // Day of month and weekday both restricted: either matches.
    expect(nextCronRun('0 0 1 * 1', cst('2026-11-24T00:00:00'))).toEqual(cst('2026-11-30T00:00:00'));
    // Leap day.
    expect(nextCronRun('0 0 29 2 *', cst('2026-03-01T00:00:00'))).toEqual(cst('2028-02-29T00:00:00'));
    // Midnight CST is 16:00 UTC the day before.
    expect(nextCronRun('0 0 * * *', new Date('2026-11-21T15:00:00Z')).toISOString()).toBe('2026-11-21T16:00:00.000Z');
  });

  it('an expression that never fires throws', () => {
    expect(() => nextCronRun('0 0 31 2 *', new Date())).toThrow('永远不会触发');
  });

  it('describes common shapes in Chinese', () => {
    expect(describeCron('*/5 * * * *')).toBe('每 5 分钟');
    expect(describeCron('0 2 * * *')).toBe('每天 02:00');
    expect(describeCron('30 8 * * 1-5')).toBe('每周一、二、三、四、五 08:30');
    expect(describeCron('0 3 1 * *')).toBe('每月 1 日 03:00');
    expect(describeCron('* * * * *')).toBe('每分钟');
  });
});
