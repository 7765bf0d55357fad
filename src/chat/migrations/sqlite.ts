import type { Migration } from './types.ts';

/**
 * The SQLite chat store's schema. Versions 1 and 2 are the schema as shipped before migrations
 * were recorded in a table (PRAGMA user_version was 1 or 2 then): a file from then is adopted at
 * its user_version and migrated from there, keeping its rows.
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `CREATE TABLE users (
     key TEXT PRIMARY KEY,            -- \`\${channel}:\${userId}\`
     channel TEXT NOT NULL,
     user_id TEXT NOT NULL,
     region TEXT,                     -- preferred region (canonical gazetteer name)
     last_question TEXT,              -- the last question as it was sent to the engine
     last_answer_id TEXT,
     context TEXT,                    -- JSON FollowUpContext for follow-up questions
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE answers (
     id TEXT PRIMARY KEY,
     channel TEXT NOT NULL,
     user_id TEXT NOT NULL,
     question TEXT NOT NULL,
     abstained INTEGER NOT NULL,
     answer_json TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE feedback (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     answer_id TEXT NOT NULL REFERENCES answers(id),
     channel TEXT NOT NULL,
     user_id TEXT NOT NULL,
     vote TEXT CHECK (vote IN ('up', 'down')),
     comment TEXT,
     question TEXT NOT NULL,
     answer TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX feedback_answer ON feedback(answer_id);
   CREATE TABLE unanswered (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     channel TEXT NOT NULL,
     user_id TEXT NOT NULL,
     question TEXT NOT NULL,
     region TEXT,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX unanswered_time ON unanswered(created_at);
   CREATE TABLE processed (
     channel TEXT NOT NULL,
     message_id TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (channel, message_id)
   );
   CREATE INDEX processed_time ON processed(created_at);`,
  },
  {
    // The subsidy-check dialogue (src/chat/eligibility.ts): answers given and the question pending.
    version: 2,
    name: 'check-dialogues',
    sql: `CREATE TABLE check_dialogues (
     key TEXT PRIMARY KEY,            -- \`\${channel}:\${userId}\`
     state TEXT NOT NULL,             -- JSON, owned by the dialogue
     updated_at INTEGER NOT NULL
   );`,
  },
  {
    // Finished channel replies per platform message id (a 公众号 retry gets the same reply), and
    // fixed-window rate-limit counters (used when the store is shared by several processes).
    version: 3,
    name: 'replies-and-rate-limits',
    sql: `CREATE TABLE replies (
     channel TEXT NOT NULL,
     message_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     reply TEXT,                      -- null: the message gets no reply
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     PRIMARY KEY (channel, message_id)
   );
   CREATE INDEX replies_expiry ON replies(expires_at);
   CREATE INDEX replies_user ON replies(channel, user_id);
   CREATE TABLE rate_limits (
     key TEXT NOT NULL,
     window_start INTEGER NOT NULL,   -- ms since the epoch, a multiple of the window
     hits INTEGER NOT NULL,
     PRIMARY KEY (key, window_start)
   );
   CREATE INDEX rate_limits_window ON rate_limits(window_start);`,
  },
];
