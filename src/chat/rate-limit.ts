/**
 * A rolling-window limiter per key (a user): at most `limit` events in any `windowMs`.
 * In memory: a restart forgiving everyone is fine, and it costs nothing per message. With a shared
 * database (DATABASE_URL) the chat counts in it instead (`sharedLimiter`), so limits hold across instances.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records an event for `key`; false when the key is over its limit (the event is not counted). */
  take(key: string): boolean {
    const t = this.now();
    const recent = (this.hits.get(key) ?? []).filter((h) => t - h < this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(t);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.sweep(t);
    return true;
  }

  /** Forgets keys with no event in the window, so the map does not grow with every user ever seen. */
  private sweep(t: number): void {
    for (const [k, v] of this.hits) if (v.every((h) => t - h >= this.windowMs)) this.hits.delete(k);
  }
}

/** A limiter the chat core awaits: in memory (one process) or counted in a shared store. */
export interface ChatLimiter {
  take(key: string): Promise<boolean>;
}

/** The in-memory limiter as a ChatLimiter (the default without a database). */
export function localLimiter(limit: number, windowMs: number, now: () => number = Date.now): ChatLimiter {
  const inner = new RateLimiter(limit, windowMs, now);
  return { take: async (key) => inner.take(key) };
}

/**
 * A limiter shared by every process on one database: a fixed-window counter per key (an UPSERT in
 * the store, atomic across instances), so messages spread over several instances count together.
 * When the store cannot count (the database is down, `take` resolves null), this process counts in
 * memory meanwhile: limits then hold per instance rather than not at all.
 */
export function sharedLimiter(
  counter: { takeRate(key: string, limit: number, windowMs: number): Promise<boolean | null> },
  limit: number,
  windowMs: number,
  now: () => number = Date.now,
): ChatLimiter {
  const fallback = new RateLimiter(limit, windowMs, now);
  return {
    async take(key) {
      const shared = await counter.takeRate(key, limit, windowMs);
      return shared ?? fallback.take(key);
    },
  };
}
