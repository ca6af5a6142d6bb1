import { sql } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import { DomainError } from '../../../platform/errors.js';
import { cstDay, nextCstMidnight } from './cst-time.js';

/** Units taken for one call; `refund` gives it back when the call is refused or fails later. */
export interface QuotaTicket { refund(): void }

interface Block {
  day: string;
  /** Units reserved in `data_quota_usage` by this process and not yet used. */
  left: number;
  /** `used` as the database last reported it (after our reservation). */
  lastUsed: number;
  /** Calls served in the current one-second window, and the previous window's count (the rate). */
  windowStart: number;
  windowCalls: number;
  rate: number;
  lastUse: number;
  refill: Promise<'ok' | 'exhausted'> | null;
  /** Refill ahead when fewer than this many units are left. */
  lowWater: number;
  /** The last reservation got nothing: do not refill ahead (wait until a call needs one). */
  exhausted: boolean;
}

const MAX_BLOCK = 1000;

/**
 * Daily quota (每日调用限额) per grant and CST day, exact across processes: a process reserves a block of k
 * calls with one atomic `used + k <= quota` update of `data_quota_usage` and serves calls from it locally,
 * so the database is touched about once per block rather than once per call. k follows the recent call
 * rate (about half a second's worth) and shrinks near the limit so that no process sits on units another
 * needs. Unused units go back on close and after a few idle seconds.
 */
/** Counts one call in the block's one-second rate window (the rate sizes the next reservation). */
function countUse(b: Block, t = Date.now()): void {
  if (t - b.windowStart >= 1000) {
    b.rate = t - b.windowStart < 2000 ? b.windowCalls : 0;
    b.windowStart = t;
    b.windowCalls = 0;
  }
  b.windowCalls++;
  b.lastUse = t;
}

export function createQuota(deps: { db: Database }) {
  const { db } = deps;
  const blocks = new Map<string, Block>();

  /** One atomic reservation of `want` units; the new `used`, or null when it would pass the quota. */
  async function tryReserve(grantId: string, day: string, quota: number, want: number): Promise<number | null> {
    const { rows } = await sql<{ used: number }>`
      insert into data_quota_usage (grant_id, day, used) values (${grantId}, ${day}, ${want})
      on conflict (grant_id, day) do update set used = data_quota_usage.used + excluded.used
      where data_quota_usage.used + excluded.used <= ${quota}
      returning used`.execute(db);
    return rows[0] ? Number(rows[0].used) : null;
  }

  /** Reserves up to k (at least 1) units; returns how many were granted (0 when the quota is used up). */
  async function reserve(grantId: string, day: string, quota: number, k: number, block: Block): Promise<number> {
    const first = Math.max(1, Math.min(k, quota));
    let used = await tryReserve(grantId, day, quota, first);
    if (used !== null) {
      block.lastUsed = used;
      return first;
    }
    if (first === 1) return 0;
    // Near the limit: ask for no more than an eighth of what is left, then for one.
    const current = await db.selectFrom('data_quota_usage').select('used').where('grant_id', '=', grantId).where('day', '=', day).executeTakeFirst();
    const remaining = quota - (current ? Number(current.used) : 0);
    if (remaining <= 0) return 0;
    for (const want of [...new Set([Math.max(1, Math.floor(remaining / 8)), 1])]) {
      used = await tryReserve(grantId, day, quota, want);
      if (used !== null) {
        block.lastUsed = used;
        return want;
      }
    }
    return 0;
  }

  function blockSize(block: Block, quota: number): number {
    const byRate = Math.ceil(Math.max(block.rate, block.windowCalls) / 2);
    // Leave most of what remains to other processes when close to the limit.
    const remaining = Math.max(quota - block.lastUsed, 0);
    const nearLimit = Math.max(1, Math.floor(remaining / 8));
    return Math.max(1, Math.min(byRate, nearLimit, MAX_BLOCK));
  }

  async function giveBack(grantId: string, block: Block): Promise<void> {
    const n = block.left;
    if (n <= 0) return;
    block.left = 0;
    await db.updateTable('data_quota_usage').set({ used: sql<number>`greatest(used - ${n}, 0)` })
      .where('grant_id', '=', grantId).where('day', '=', block.day).execute();
  }

  function startRefill(b: Block, grant: { id: string; dailyQuota: number }, day: string): void {
    const k = blockSize(b, grant.dailyQuota);
    const run = (async (): Promise<'ok' | 'exhausted'> => {
      try {
        const got = await reserve(grant.id, day, grant.dailyQuota, k, b);
        b.left += got;
        b.exhausted = got === 0;
        b.lowWater = Math.floor(got / 4);
        return got === 0 ? 'exhausted' : 'ok';
      } finally {
        b.refill = null;
      }
    })();
    run.catch(() => undefined); // a refill ahead that fails is retried by the next call; waiters see the error
    b.refill = run;
  }

  return {
    /** Takes one call from the grant's quota for the CST day of `at`, or throws 429 QUOTA_EXCEEDED. */
    /** Takes one call from this process's block without waiting, or returns null: then call `take`. */
    takeLocal(grant: { id: string; dailyQuota: number }, at: Date): QuotaTicket | null {
      const b = blocks.get(grant.id);
      if (!b || b.left <= 1 || b.day !== cstDay(at)) return null;
      return this.takeFrom(b, grant, b.day);
    },

    /** Counts the call and takes a unit from a block known to hold one. */
    takeFrom(b: Block, grant: { id: string; dailyQuota: number }, day: string): QuotaTicket {
      countUse(b);
      b.left--;
      if (b.left <= b.lowWater && !b.refill && !b.exhausted) startRefill(b, grant, day);
      let refunded = false;
      return {
        refund() {
          if (refunded || b.day !== day) return;
          refunded = true;
          b.left++;
        },
      };
    },

    async take(grant: { id: string; dailyQuota: number }, at: Date): Promise<QuotaTicket> {
      const day = cstDay(at);
      let block = blocks.get(grant.id);
      if (!block || block.day !== day) {
        block = { day, left: 0, lastUsed: 0, windowStart: at.getTime(), windowCalls: 0, rate: 0, lastUse: 0, refill: null, lowWater: 0, exhausted: false };
        blocks.set(grant.id, block);
      }
      const b = block;
      countUse(b);
      while (b.left <= 0) {
        if (!b.refill) startRefill(b, grant, day);
        const outcome = await b.refill!;
        if (b.left > 0) break;
        if (outcome === 'exhausted') {
          const resetAt = nextCstMidnight(at);
          throw new DomainError('QUOTA_EXCEEDED', `The grant's daily quota of ${grant.dailyQuota} calls is used up; it resets at ${resetAt.toISOString()} (今日调用次数已达上限).`, { resetAt: resetAt.toISOString() });
        }
      }
      b.left--;
      // Reserve the next block while this one still lasts, so that busy grants never wait for the database.
      if (b.left <= b.lowWater && !b.refill && !b.exhausted) startRefill(b, grant, day);
      let refunded = false;
      return {
        refund() {
          if (refunded || b.day !== day) return;
          refunded = true;
          b.left++;
        },
      };
    },

    /** Gives back blocks idle for `idleMs` (or all, on close), so other processes may use them. */
    async release(idleMs = 0): Promise<void> {
      const t = Date.now();
      for (const [grantId, block] of blocks) {
        if (block.left > 0 && !block.refill && t - block.lastUse >= idleMs) await giveBack(grantId, block);
      }
    },

    /** Drops local state for a grant (its units are given back). */
    async forget(grantId: string): Promise<void> {
      const block = blocks.get(grantId);
      if (block && !block.refill) {
        await giveBack(grantId, block);
        blocks.delete(grantId);
      }
    },
  };
}

export type Quota = ReturnType<typeof createQuota>;
