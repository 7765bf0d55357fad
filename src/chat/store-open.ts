import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { openChatStore, storePath, type ChatStore } from './store.ts';
import { openPgStore } from './store-pg.ts';

/**
 * The configured store, unguarded (for the CLI: a failure is the command's error): PostgreSQL when
 * DATABASE_URL is set, else the SQLite file under DATA_DIR. Await `ready()` before relying on it.
 */
export function openStore(config: Config, opts: { now?: () => number; logger?: Logger } = {}): ChatStore {
  if (config.chat.databaseUrl) return openPgStore(config.chat.databaseUrl, opts);
  return openChatStore(storePath(config), opts.now ? { now: opts.now } : {});
}

/** Where the configured state lives, for messages: the SQLite file or the database (never its password). */
export { describeDatabaseUrl } from './store-pg.ts';
