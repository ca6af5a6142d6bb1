/** A small in-process cache of positive lookups with a time-to-live (never caches a miss). */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number; at: number }>();
  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000) {}

  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** The value and when it was stored, or undefined when absent or expired. */
  entry(key: string, now = Date.now()): { value: V; at: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, value: V, now = Date.now()): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: now + this.ttlMs, at: now });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches. */
  deleteWhere(test: (value: V, key: string) => boolean): void {
    for (const [key, entry] of this.entries) if (test(entry.value, key)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Runs one load per key at a time: concurrent callers for the same key share the promise (no stampede). */
export function singleFlight<V>(load: (key: string) => Promise<V>): ((key: string) => Promise<V>) & { forget(key: string): void } {
  const inflight = new Map<string, Promise<V>>();
  const run = (key: string) => {
    let p = inflight.get(key);
    if (!p) {
      const started = load(key).finally(() => { if (inflight.get(key) === started) inflight.delete(key); });
      p = started;
      inflight.set(key, p);
    }
    return p;
  };
  /** Later callers start a new load (the running one may have read what was just changed). */
  return Object.assign(run, { forget: (key: string) => { inflight.delete(key); } });
}
