import { randomUUID } from 'node:crypto';

/**
 * Answers prepared after a quick reply went out (a language model's answer, when the channel's
 * reply window is too short to wait for it): one per user, the newest replacing an older one,
 * kept for a while and handed out once.
 *
 * With `shared` (the chat store of several server processes or replicas), the store says which
 * answer is the user's newest and holds it once produced, so 「更多」 reaching another process than
 * the question gets it (or 「还在整理中」), and never an older one this process still has.
 */
export interface LaterAnswers<T> {
  prepare(key: string, produce: () => Promise<T | null>): void;
  /** The prepared answer, waiting up to `waitMs` for it; 'pending' when it is not ready yet; null when there is none. */
  take(key: string, waitMs: number): Promise<T | 'pending' | null>;
  /** Resolves when the store writes of answers produced so far are done (tests, shutdown). */
  settled(): Promise<void>;
}

/** A small text store shared by the processes (the chat store's kept replies). */
export interface SharedTexts {
  get(key: string): Promise<string | null | undefined>;
  set(key: string, text: string, ttlMs: number): Promise<void>;
}

interface Entry<T> {
  id: string;
  promise: Promise<T | null>;
  at: number;
}

/** What the store holds for a key: the newest answer's id and its state (pending, done with the answer, taken). */
type Stored<T> = { id: string; s: 'p' } | { id: string; s: 'd'; v: T } | { id: string; s: 't' };

/** How often another process's answer is looked for while waiting. */
const POLL_MS = 200;

export function laterAnswers<T>(opts: {
  now: () => number;
  keepMs?: number;
  maxEntries?: number;
  onError?: (err: unknown) => void;
  shared?: SharedTexts;
}): LaterAnswers<T> {
  const keepMs = opts.keepMs ?? 10 * 60_000;
  const maxEntries = opts.maxEntries ?? 2000;
  const entries = new Map<string, Entry<T>>();
  const writes = new Set<Promise<void>>();
  const shared = opts.shared;
  const prune = () => {
    const t = opts.now();
    for (const [k, e] of entries) if (t - e.at > keepMs || entries.size > maxEntries) entries.delete(k);
  };
  const write = (key: string, value: Stored<T>, after: Promise<void> = Promise.resolve()): Promise<void> => {
    const p = after
      .then(() => shared!.set(key, JSON.stringify(value), keepMs))
      .catch((err: unknown) => opts.onError?.(err))
      .finally(() => writes.delete(p));
    writes.add(p);
    return p;
  };
  const read = async (key: string): Promise<Stored<T> | null> => {
    try {
      const text = await shared!.get(key);
      return text ? (JSON.parse(text) as Stored<T>) : null;
    } catch (err) {
      opts.onError?.(err);
      return null;
    }
  };
  const waitLocal = async (e: Entry<T>, waitMs: number): Promise<T | null | 'late'> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), waitMs);
    });
    try {
      return await Promise.race([e.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    prepare(key, produce) {
      prune();
      const id = randomUUID();
      const promise = produce().catch((err: unknown) => {
        opts.onError?.(err);
        return null;
      });
      entries.delete(key);
      entries.set(key, { id, promise, at: opts.now() });
      if (shared) {
        const pending = write(key, { id, s: 'p' });
        void promise.then((v) => write(key, v === null ? { id, s: 't' } : { id, s: 'd', v }, pending));
      }
    },
    async take(key, waitMs) {
      const local = entries.get(key);
      const fresh = local && opts.now() - local.at <= keepMs ? local : undefined;
      if (!shared) {
        if (!fresh) return null;
        const r = await waitLocal(fresh, waitMs);
        if (r === 'late') return 'pending';
        entries.delete(key);
        return r;
      }
      // Waiting is in real time, whatever clock the entries are aged by.
      const until = Date.now() + waitMs;
      for (;;) {
        const stored = await read(key);
        // The store knows the user's newest answer; an older one kept here is not it.
        if (!stored || stored.s === 't') {
          if (fresh && stored?.id === fresh.id) entries.delete(key);
          return null;
        }
        if (stored.s === 'd') {
          if (fresh?.id === stored.id) entries.delete(key);
          await write(key, { id: stored.id, s: 't' });
          return stored.v;
        }
        if (fresh && fresh.id === stored.id) {
          const r = await waitLocal(fresh, Math.max(0, until - Date.now()));
          if (r === 'late') return 'pending';
          entries.delete(key);
          await write(key, { id: stored.id, s: 't' });
          return r;
        }
        // Being produced by another process: look again until the wait is over.
        if (Date.now() + POLL_MS > until) return 'pending';
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async settled() {
      // Answers that just finished schedule their write in a microtask: let them start first.
      await new Promise((resolve) => setImmediate(resolve));
      while (writes.size) await Promise.all([...writes]);
    },
  };
}
