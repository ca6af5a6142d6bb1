/**
 * Fixed-window counter per key, in memory. Enough for one platform process; windows reset on restart,
 * which only ever makes the limiter more lenient.
 */
export class FixedWindowLimiter {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly limit: number, private readonly windowMs: number) {}

  /** Counts one hit; returns false (and the time the window resets) when the key is over its limit. */
  hit(key: string, now = Date.now()): { allowed: boolean; resetAt: number } {
    if (this.#windows.size > 50_000) this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.#windows.set(key, window);
    }
    window.count++;
    return { allowed: window.count <= this.limit, resetAt: window.resetAt };
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
  }
}
