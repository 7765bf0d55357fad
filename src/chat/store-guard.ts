import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { errorMessage, isPolicybotError } from '../errors.ts';
import { openChatStore, storePath, type ChatStore } from './store.ts';
import { openPgStore } from './store-pg.ts';

/**
 * A chat store that never eats an answer. Storing is best-effort: a failing write (disk full, a
 * read-only DATA_DIR, a damaged database, a PostgreSQL server that is down) is logged, counted and
 * reported as degraded health, and the call resolves to what "nothing stored" means (no answer id,
 * no remembered context) so the answer itself still goes out. A SQLite store that cannot be opened
 * at all is replaced by one in memory: the web, the API and the viewer serve, and what needs the
 * store (feedback, follow-ups, /check answers) lasts only as long as the process. A PostgreSQL
 * store is never replaced (other instances share it): its calls fail quickly while the database is
 * unreachable and work again once it is back; health recovers when calls succeed again.
 */
export interface StoreHealth {
  /** null when the store works; else what is wrong, in Chinese, for /healthz and the operator. */
  problem: string | null;
  errors: number;
}

export interface GuardedStore {
  store: ChatStore;
  health(): StoreHealth;
}

/** What each method resolves to when its write or read failed. */
const FALLBACK: Partial<Record<keyof ChatStore, unknown>> = {
  getUser: null,
  saveAnswer: null,
  getAnswer: null,
  listFeedback: [],
  listUnanswered: [],
  // A message id that cannot be recorded is processed (answering twice beats never answering).
  markProcessed: true,
  getReply: null,
  // A counter that cannot be read: the caller falls back to counting in memory.
  takeRate: null,
  getCheckState: null,
  schemaVersion: 0,
};

const LOG_EVERY_MS = 60_000;
/** A store that failed is healthy again once a call succeeds this long after the last failure. */
const RECOVER_AFTER_MS = 30_000;

export function guardStore(inner: ChatStore, logger: Logger, initialProblem: string | null = null, opts: { clock?: () => number } = {}): GuardedStore {
  const clock = opts.clock ?? Date.now;
  let problem = initialProblem;
  let errors = 0;
  let lastLog = 0;
  let lastFailure = 0;
  const fail = (method: string, err: unknown) => {
    errors++;
    const t = clock();
    lastFailure = t;
    const why = isPolicybotError(err) ? err.userMessage : `对话记录写入失败（${errorMessage(err).slice(0, 120)}）`;
    problem = initialProblem ?? `${why}：回答照常发出，但不会保存`;
    if (t - lastLog > LOG_EVERY_MS) {
      lastLog = t;
      logger.error({ method, errors, store: inner.kind, err }, 'chat store failed; answering without storing');
    }
  };
  const ok = () => {
    if (problem && !initialProblem && clock() - lastFailure >= RECOVER_AFTER_MS) {
      problem = null;
      logger.warn({ store: inner.kind, errors }, 'chat store works again');
    }
  };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close') return value;
      const fallback = () => FALLBACK[prop as keyof ChatStore];
      return (...args: unknown[]): Promise<unknown> => {
        let out: unknown;
        try {
          out = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          fail(String(prop), err);
          return Promise.resolve(fallback());
        }
        return Promise.resolve(out).then(
          (v) => {
            ok();
            return v;
          },
          (err: unknown) => {
            fail(String(prop), err);
            return fallback();
          },
        );
      };
    },
  }) as ChatStore;
  return { store, health: () => ({ problem, errors }) };
}

/**
 * The configured store: PostgreSQL when DATABASE_URL is set, else the SQLite file under DATA_DIR —
 * or, when that cannot be opened (read-only or missing DATA_DIR), one in memory, reported.
 */
export function openGuardedStore(config: Config, logger: Logger, opts: { now?: () => number } = {}): GuardedStore {
  const url = config.chat.databaseUrl;
  if (url) {
    const store = openPgStore(url, { ...opts, logger });
    const guarded = guardStore(store, logger);
    // A database that is down at start shows on /healthz at once, not with the first question.
    void guarded.store.ready();
    return guarded;
  }
  const file = storePath(config);
  try {
    return guardStore(openChatStore(file, opts), logger);
  } catch (err) {
    const why = `无法打开对话记录（${file}：${errorMessage(err).slice(0, 160)}）：已改用内存记录，重启后清空；请检查 DATA_DIR 是否可写`;
    logger.error({ file, err }, 'chat store cannot be opened; using an in-memory store (degraded)');
    return guardStore(openChatStore(':memory:', opts), logger, why);
  }
}
