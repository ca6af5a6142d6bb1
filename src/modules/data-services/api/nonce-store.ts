import type { NonceStore } from '../request-signing.js';

/**
 * Nonces seen by this process, forgotten when their timestamp leaves the 5-minute window. Expiries are
 * grouped by second and swept at most once a second, so a call costs O(1) however many nonces are held
 * (memory is bounded by the traffic of the window). One process only: several processes serving the API
 * need a shared store (a table or Redis) behind the same interface.
 */
export function bucketedNonceStore(): NonceStore & { size(): number } {
  const seen = new Map<string, number>();
  const buckets = new Map<number, string[]>();
  let lastSweep = 0;

  function sweep(now: number): void {
    const second = Math.floor(now / 1000);
    if (second === lastSweep) return;
    lastSweep = second;
    for (const [bucket, keys] of buckets) {
      if (bucket > second) continue;
      for (const key of keys) {
        const until = seen.get(key);
        if (until !== undefined && until <= now) seen.delete(key);
      }
      buckets.delete(bucket);
    }
  }

  return {
    async remember(appKey, nonce, expiresAt, now) {
      sweep(now);
      const key = `${appKey}\u0000${nonce}`;
      const until = seen.get(key);
      if (until !== undefined && until > now) return false;
      seen.set(key, expiresAt);
      const bucket = Math.ceil(expiresAt / 1000);
      const keys = buckets.get(bucket);
      if (keys) keys.push(key);
      else buckets.set(bucket, [key]);
      return true;
    },
    size: () => seen.size,
  };
}
