const CST_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

// The day changes once a day: remember the last one and the span of instants it covers.
let memo = { from: 0, to: -1, day: '' };

/** The CST (UTC+8) calendar day of an instant, `yyyy-mm-dd`. */
export function cstDay(at: Date | number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  if (ms >= memo.from && ms < memo.to) return memo.day;
  const day = new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
  const from = Math.floor((ms + CST_OFFSET_MS) / DAY_MS) * DAY_MS - CST_OFFSET_MS;
  memo = { from, to: from + DAY_MS, day };
  return day;
}

/** The next CST midnight after `at`: when daily quotas reset. */
export function nextCstMidnight(at: Date | number): Date {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(Math.floor((ms + CST_OFFSET_MS) / DAY_MS) * DAY_MS + DAY_MS - CST_OFFSET_MS);
}
