/**
 * Answers prepared after a quick reply went out (a language model's answer, when the channel's
 * reply window is too short to wait for it): one per user, the newest replacing an older one,
 * kept for a while and handed out once.
 */
export interface LaterAnswers<T> {
  prepare(key: string, produce: () => Promise<T | null>): void;
  /** The prepared answer, waiting up to `waitMs` for it; 'pending' when it is not ready yet; null when there is none. */
  take(key: string, waitMs: number): Promise<T | 'pending' | null>;
}

interface Entry<T> {
  promise: Promise<T | null>;
  at: number;
}

export function laterAnswers<T>(opts: { now: () => number; keepMs?: number; maxEntries?: number; onError?: (err: unknown) => void }): LaterAnswers<T> {
  const keepMs = opts.keepMs ?? 10 * 60_000;
  const maxEntries = opts.maxEntries ?? 2000;
  const entries = new Map<string, Entry<T>>();
  const prune = () => {
    const t = opts.now();
    for (const [k, e] of entries) if (t - e.at > keepMs || entries.size > maxEntries) entries.delete(k);
  };
  return {
    prepare(key, produce) {
      prune();
      const promise = produce().catch((err: unknown) => {
        opts.onError?.(err);
        return null;
      });
      entries.delete(key);
      entries.set(key, { promise, at: opts.now() });
    },
    async take(key, waitMs) {
      const e = entries.get(key);
      if (!e || opts.now() - e.at > keepMs) return null;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), waitMs);
      });
      try {
        const r = await Promise.race([e.promise, timeout]);
        if (r === 'late') return 'pending';
        entries.delete(key);
        return r;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
