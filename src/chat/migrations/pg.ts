import type { Migration } from './types.ts';

/**
 * The PostgreSQL chat store's schema: the same tables and versions as the SQLite one (sqlite.ts),
 * times as BIGINT milliseconds since the epoch like there, so both stores behave alike.
 */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `CREATE TABLE users (
     key TEXT PRIMARY KEY,
     channel TEXT NOT NULL,
     user_id TEXT NOT NULL,
     region TEXT,
     last_question TEXT,
     last_answer_id TEXT,
     context TEXT,
     updated_at BIGINT NOT NULL
   );
   CREATE INDEX users_time ON users(updated_at);
   CREATE TABLE answers (
     id TEXT PRIMARY KEY,
     channel TEXT NOT NULL,
     user_id TEXT NOT NULL,
     question TEXT NOT NULL,
     abstained BOOLEAN NOT NULL,
     answer_json TEXT NOT NULL,
     created_at BIGINT NOT NULL
   );
   CREATE INDEX answers_user ON answers(channel, user_id);
   CREATE INDEX answers_time ON answers(created_at);
   CREATE TABLE feedback (
     id BIGSERIAL PRIMARY KEY,
     answer_id TEXT NOT NULL REFERENCES answers(id),
     channel TEXT NOT NULL,
     user_id TEXT NOT NULL,
     vote TEXT CHECK (vote IN ('up', 'down')),
     comment TEXT,
     question TEXT NOT NULL,
     answer TEXT NOT NULL,
     created_at BIGINT NOT NULL
   );
   CREATE INDEX feedback_answer ON feedback(answer_id);
   -- One vote per person per answer, whichever instance took it.
   CREATE UNIQUE INDEX feedback_one_vote ON feedback(answer_id, channel, user_id) WHERE vote IS NOT NULL;
   CREATE TABLE unanswered (
     id BIGSERIAL PRIMARY KEY,
     channel TEXT NOT NULL,
     user_id TEXT NOT NULL,
     question TEXT NOT NULL,
     region TEXT,
     created_at BIGINT NOT NULL
   );
   CREATE INDEX unanswered_time ON unanswered(created_at);
   CREATE TABLE processed (
     channel TEXT NOT NULL,
     message_id TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     PRIMARY KEY (channel, message_id)
   );
   CREATE INDEX processed_time ON processed(created_at);`,
  },
  {
    version: 2,
    name: 'check-dialogues',
    sql: `CREATE TABLE check_dialogues (
     key TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     updated_at BIGINT NOT NULL
   );`,
  },
  {
    version: 3,
    name: 'replies-and-rate-limits',
    sql: `CREATE TABLE replies (
     channel TEXT NOT NULL,
     message_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     reply TEXT,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     PRIMARY KEY (channel, message_id)
   );
   CREATE INDEX replies_expiry ON replies(expires_at);
   CREATE INDEX replies_user ON replies(channel, user_id);
   CREATE TABLE rate_limits (
     key TEXT NOT NULL,
     window_start BIGINT NOT NULL,
     hits INTEGER NOT NULL,
     PRIMARY KEY (key, window_start)
   );
   CREATE INDEX rate_limits_window ON rate_limits(window_start);`,
  },
];
