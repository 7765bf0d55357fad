import type { Logger } from '../log.ts';
import { errorMessage } from '../errors.ts';
import { openChatStore, type ChatStore } from './store.ts';

/**
 * A chat store that never eats an answer. Storing is best-effort: a failing write (disk full, a
 * read-only DATA_DIR, a damaged database) is logged, counted and reported as degraded health, and
 * the call returns what "nothing stored" means (no answer id, no remembered context) so the answer
 * itself still goes out. A store that cannot be opened at all is replaced by one in memory: the
 * web, the API and the viewer serve, and what needs the store (feedback, follow-ups, /check
 * answers) lasts only as long as the process.
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

/** What each method returns when its write or read failed. */
const FALLBACK: Partial<Record<keyof ChatStore, unknown>> = {
  getUser: null,
  saveAnswer: null,
  getAnswer: null,
  listFeedback: [],
  listUnanswered: [],
  // A message id that cannot be recorded is processed (answering twice beats never answering).
  markProcessed: true,
  getCheckState: null,
};

const LOG_EVERY_MS = 60_000;

export function guardStore(inner: ChatStore, logger: Logger, initialProblem: string | null = null): GuardedStore {
  let problem = initialProblem;
  let errors = 0;
  let lastLog = 0;
  const fail = (method: string, err: unknown) => {
    errors++;
    problem = `对话记录写入失败（${errorMessage(err).slice(0, 120)}）：回答照常发出，但不会保存`;
    const now = Date.now();
    if (now - lastLog > LOG_EVERY_MS) {
      lastLog = now;
      logger.error({ method, errors, err }, 'chat store failed; answering without storing');
    }
  };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]) => {
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          fail(String(prop), err);
          return FALLBACK[prop as keyof ChatStore];
        }
      };
    },
  }) as ChatStore;
  return { store, health: () => ({ problem, errors }) };
}

/** The store at `file`, or — when it cannot be opened (read-only or missing DATA_DIR) — one in memory, reported. */
export function openGuardedStore(file: string, logger: Logger, opts: { now?: () => number } = {}): GuardedStore {
  try {
    return guardStore(openChatStore(file, opts), logger);
  } catch (err) {
    const why = `无法打开对话记录（${file}：${errorMessage(err).slice(0, 160)}）：已改用内存记录，重启后清空；请检查 DATA_DIR 是否可写`;
    logger.error({ file, err }, 'chat store cannot be opened; using an in-memory store (degraded)');
    return guardStore(openChatStore(':memory:', opts), logger, why);
  }
}
