import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import type { Config } from '../config.ts';
import type { Answer } from '../answer/contract.ts';
import { PolicybotError } from '../errors.ts';
import type { ChannelName, Vote } from './types.ts';
import type { Migration } from './migrations/types.ts';
import { checkMigrations } from './migrations/types.ts';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.ts';

/**
 * Conversation state: per-user preferences and context, every answer given (so feedback can point
 * at it), feedback, abstained questions, processed message ids, /check dialogues, finished channel
 * replies and rate-limit counters. `ChatStore` is the seam; two backends implement it: one SQLite
 * file (this module, the default) and PostgreSQL when DATABASE_URL is set (store-pg.ts), which
 * several server processes can share. Every method returns a Promise (PostgreSQL is a network
 * round trip); the SQLite backend does its short local transactions synchronously inside.
 */
export const STORE_FILE = 'policybot.sqlite';

/** What a follow-up question needs from the previous turn. */
export interface FollowUpContext {
  /** The last question as sent to the engine (a place follow-up re-asks it). */
  question: string;
  /** The policy topic of the last question (a short follow-up is asked about it). */
  topic: string;
  /** Paragraphs the last answer cited (docId#pN): a follow-up's answer must not just repeat them. */
  cited?: string[];
}

export interface UserState {
  key: string;
  region: string | null;
  lastQuestion: string | null;
  lastAnswerId: string | null;
  context: FollowUpContext | null;
  updatedAt: number;
}

export interface StoredAnswer {
  id: string;
  channel: string;
  userId: string;
  question: string;
  abstained: boolean;
  answer: Answer;
  createdAt: number;
}

export interface FeedbackRow {
  id: number;
  answerId: string;
  channel: string;
  userId: string;
  vote: Vote | null;
  comment: string | null;
  question: string;
  answer: string;
  createdAt: number;
}

export interface UnansweredRow {
  channel: string;
  userId: string;
  question: string;
  region: string | null;
  createdAt: number;
}

export type UserPatch = Partial<Omit<UserState, 'key' | 'updatedAt'>>;

export interface FeedbackInput {
  answerId: string;
  channel: ChannelName;
  userId: string;
  vote: Vote | null;
  comment?: string | null;
}

export interface ReplyInput {
  channel: ChannelName;
  /** Whose message it was (so /forget deletes the reply too). */
  userId: string;
  messageId: string;
  /** The reply as the channel sent it; null when the message gets no reply. */
  text: string | null;
  ttlMs: number;
}

/** How long processed message ids are remembered (platform retries come within minutes). */
export const PROCESSED_TTL_MS = 24 * 3600_000;
/** Pruning of expired processed ids, replies and counters runs once every this many writes. */
export const PRUNE_EVERY = 500;

export interface ChatStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the state is, for logs and messages: the SQLite file, or postgres://user@host:port/db (never the password). */
  readonly location: string;
  /** Whether several processes share this state (PostgreSQL): the chat's rate limits are then counted here. */
  readonly shared: boolean;
  /** Settles once the schema is migrated; rejects when it cannot be (the methods then reject too). */
  ready(): Promise<void>;
  /** The schema version now applied. */
  schemaVersion(): Promise<number>;
  getUser(channel: ChannelName, userId: string): Promise<UserState | null>;
  /** Sets the given fields, leaving the others as they are. */
  updateUser(channel: ChannelName, userId: string, patch: UserPatch): Promise<void>;
  saveAnswer(input: { channel: ChannelName; userId: string; answer: Answer }): Promise<string>;
  getAnswer(id: string): Promise<StoredAnswer | null>;
  /** One vote per person per answer (a second press replaces the first); comments add up. */
  addFeedback(input: FeedbackInput): Promise<void>;
  listFeedback(answerId?: string): Promise<FeedbackRow[]>;
  logUnanswered(input: { channel: ChannelName; userId: string; question: string; region: string | null }): Promise<void>;
  listUnanswered(sinceMs?: number): Promise<UnansweredRow[]>;
  /** Records a platform message id; false when it was already processed (a retry or duplicate). */
  markProcessed(channel: ChannelName, messageId: string): Promise<boolean>;
  /** Keeps the reply a channel sent for a platform message, for its retries (on any instance). */
  saveReply(input: ReplyInput): Promise<void>;
  /** The reply kept for a platform message, or null when there is none (yet, or any more). */
  getReply(channel: ChannelName, messageId: string): Promise<{ text: string | null } | null>;
  /** Counts one event for `key` in the current fixed window; false when `limit` were already counted there. */
  takeRate(key: string, limit: number, windowMs: number): Promise<boolean>;
  /** The subsidy-check dialogue state (opaque JSON text), or null. */
  getCheckState(channel: ChannelName, userId: string): Promise<{ state: string; updatedAt: number } | null>;
  /** Stores (or with null, deletes) the subsidy-check dialogue state. */
  setCheckState(channel: ChannelName, userId: string, state: string | null): Promise<void>;
  /** Deletes everything stored about one person (their settings, answers, feedback, questions, /check, replies); the rows deleted. */
  forgetUser(channel: ChannelName, userId: string): Promise<{ rows: number }>;
  /** Deletes what is older than `beforeMs` (retention), and expired replies and counters; the number of rows deleted. */
  prune(beforeMs: number): Promise<number>;
  close(): Promise<void>;
}

export function storePath(config: Config): string {
  return path.join(config.chat.dataDir, STORE_FILE);
}

/** The user patch applied to what is stored (undefined keeps a field, null clears it). */
export function mergeUser(cur: UserState | null, patch: UserPatch): Omit<UserState, 'key' | 'updatedAt'> {
  return {
    region: patch.region !== undefined ? patch.region : (cur?.region ?? null),
    lastQuestion: patch.lastQuestion !== undefined ? patch.lastQuestion : (cur?.lastQuestion ?? null),
    lastAnswerId: patch.lastAnswerId !== undefined ? patch.lastAnswerId : (cur?.lastAnswerId ?? null),
    context: patch.context !== undefined ? patch.context : (cur?.context ?? null),
  };
}

/** 16 url-safe chars (96 bits): unguessable, and short enough for Telegram's 64-byte callback data. */
export const newAnswerId = (): string => crypto.randomBytes(12).toString('base64url');

/** The start of the fixed window `t` falls in. */
export const windowStart = (t: number, windowMs: number): number => Math.floor(t / windowMs) * windowMs;

export function newerSchemaError(where: string, version: number, known: number): PolicybotError {
  return new PolicybotError('E_CONFIG', `chat store schema version ${version} (${where}) is newer than this program (${known}); upgrade policybot`, {
    userMessage: `对话记录（${where}）的数据库版本 ${version} 比本程序支持的 ${known} 新：请升级 policybot 后再启动。`,
  });
}

/**
 * Switches the file to WAL. SQLite can answer SQLITE_BUSY to this pragma without calling the busy
 * handler while another process is switching the same new file, so it is retried here until
 * `timeoutMs` has passed; any other error, or BUSY after the deadline, is thrown.
 */
function enableWal(db: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      Atomics.wait(pause, 0, 0, wait);
    }
  }
}

/** Opens (creating and migrating) the SQLite store; `':memory:'` for a throwaway one. Throws when it cannot be opened. */
export function openChatStore(file: string, opts: { now?: () => number } = {}): ChatStore {
  const now = opts.now ?? Date.now;
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    enableWal(db, 5000);
    db.pragma('foreign_keys = ON');
    migrateSqlite(db, SQLITE_MIGRATIONS, file, now);
  } catch (err) {
    db.close();
    throw err;
  }

  const q = {
    getUser: db.prepare<[string], UserRowDb>('SELECT * FROM users WHERE key = ?'),
    upsertUser: db.prepare(
      `INSERT INTO users (key, channel, user_id, region, last_question, last_answer_id, context, updated_at)
       VALUES (@key, @channel, @user_id, @region, @last_question, @last_answer_id, @context, @updated_at)
       ON CONFLICT(key) DO UPDATE SET region = excluded.region, last_question = excluded.last_question,
         last_answer_id = excluded.last_answer_id, context = excluded.context, updated_at = excluded.updated_at`,
    ),
    insertAnswer: db.prepare(
      'INSERT INTO answers (id, channel, user_id, question, abstained, answer_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    getAnswer: db.prepare<[string], AnswerRowDb>('SELECT * FROM answers WHERE id = ?'),
    deleteVote: db.prepare('DELETE FROM feedback WHERE answer_id = ? AND channel = ? AND user_id = ? AND vote IS NOT NULL'),
    insertFeedback: db.prepare(
      'INSERT INTO feedback (answer_id, channel, user_id, vote, comment, question, answer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    listFeedback: db.prepare<[], FeedbackRowDb>('SELECT * FROM feedback ORDER BY id'),
    listFeedbackFor: db.prepare<[string], FeedbackRowDb>('SELECT * FROM feedback WHERE answer_id = ? ORDER BY id'),
    insertUnanswered: db.prepare('INSERT INTO unanswered (channel, user_id, question, region, created_at) VALUES (?, ?, ?, ?, ?)'),
    listUnanswered: db.prepare<[number], UnansweredRowDb>('SELECT * FROM unanswered WHERE created_at >= ? ORDER BY created_at'),
    insertProcessed: db.prepare('INSERT OR IGNORE INTO processed (channel, message_id, created_at) VALUES (?, ?, ?)'),
    pruneProcessed: db.prepare('DELETE FROM processed WHERE created_at < ?'),
    putReply: db.prepare(
      `INSERT INTO replies (channel, message_id, user_id, reply, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(channel, message_id) DO UPDATE SET user_id = excluded.user_id, reply = excluded.reply,
         created_at = excluded.created_at, expires_at = excluded.expires_at`,
    ),
    getReply: db.prepare<[string, string, number], { reply: string | null }>('SELECT reply FROM replies WHERE channel = ? AND message_id = ? AND expires_at > ?'),
    pruneReplies: db.prepare('DELETE FROM replies WHERE expires_at <= ?'),
    takeRate: db.prepare<[string, number, number], { hits: number }>(
      `INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)
       ON CONFLICT(key, window_start) DO UPDATE SET hits = hits + 1 WHERE hits < ?
       RETURNING hits`,
    ),
    pruneRates: db.prepare('DELETE FROM rate_limits WHERE window_start < ?'),
    getCheck: db.prepare<[string], { state: string; updated_at: number }>('SELECT state, updated_at FROM check_dialogues WHERE key = ?'),
    putCheck: db.prepare(
      `INSERT INTO check_dialogues (key, state, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    ),
    deleteCheck: db.prepare('DELETE FROM check_dialogues WHERE key = ?'),
    schemaVersion: db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_version'),
    // Feedback rows reference answers: they go first.
    forget: [
      db.prepare('DELETE FROM feedback WHERE (channel = @channel AND user_id = @user) OR answer_id IN (SELECT id FROM answers WHERE channel = @channel AND user_id = @user)'),
      db.prepare('DELETE FROM answers WHERE channel = @channel AND user_id = @user'),
      db.prepare('DELETE FROM unanswered WHERE channel = @channel AND user_id = @user'),
      db.prepare('DELETE FROM users WHERE key = @key'),
      db.prepare('DELETE FROM check_dialogues WHERE key = @key'),
      db.prepare('DELETE FROM replies WHERE channel = @channel AND user_id = @user'),
    ],
    prune: [
      db.prepare('DELETE FROM feedback WHERE created_at < @before OR answer_id IN (SELECT id FROM answers WHERE created_at < @before)'),
      db.prepare('DELETE FROM answers WHERE created_at < @before'),
      db.prepare('DELETE FROM unanswered WHERE created_at < @before'),
      db.prepare('DELETE FROM users WHERE updated_at < @before'),
      db.prepare('DELETE FROM check_dialogues WHERE updated_at < @before'),
      db.prepare('DELETE FROM replies WHERE expires_at <= @now'),
      db.prepare('DELETE FROM rate_limits WHERE window_start < @hourAgo'),
    ],
  };
  const forgetUser = db.transaction((channel: ChannelName, userId: string) => {
    const args = { channel, user: userId, key: `${channel}:${userId}` };
    return { rows: q.forget.reduce((n, st) => n + st.run(args).changes, 0) };
  });
  const prune = db.transaction((before: number) => {
    const t = now();
    return q.prune.reduce((n, st) => n + st.run({ before, now: t, hourAgo: t - 3600_000 }).changes, 0);
  });
  let writesSincePrune = 0;
  /** Expired processed ids, replies and counters go every few hundred writes, so it costs nothing per message. */
  const pruneExpired = (t: number) => {
    if (++writesSincePrune < PRUNE_EVERY) return;
    writesSincePrune = 0;
    q.pruneProcessed.run(t - PROCESSED_TTL_MS);
    q.pruneReplies.run(t);
    q.pruneRates.run(t - 3600_000);
  };

  const getUser = (channel: ChannelName, userId: string): UserState | null => {
    const row = q.getUser.get(`${channel}:${userId}`);
    return row ? userFromRow(row) : null;
  };

  const addFeedback = db.transaction((input: FeedbackInput) => {
    const a = q.getAnswer.get(input.answerId);
    if (!a) throw new Error(`unknown answer ${input.answerId}`);
    // One vote per person per answer: a second press replaces the first.
    if (input.vote) q.deleteVote.run(input.answerId, input.channel, input.userId);
    const answer = JSON.parse(a.answer_json) as Answer;
    q.insertFeedback.run(input.answerId, input.channel, input.userId, input.vote, input.comment ?? null, a.question, answer.answer, now());
  });

  // better-sqlite3 is synchronous: each method does its work and returns a settled Promise (a
  // throw becomes a rejection, as with the PostgreSQL store).
  return {
    kind: 'sqlite',
    location: file,
    shared: false,
    ready: async () => undefined,
    schemaVersion: async () => q.schemaVersion.get()?.v ?? 0,
    getUser: async (channel, userId) => getUser(channel, userId),
    async updateUser(channel, userId, patch) {
      const next = mergeUser(getUser(channel, userId), patch);
      q.upsertUser.run({
        key: `${channel}:${userId}`,
        channel,
        user_id: userId,
        region: next.region,
        last_question: next.lastQuestion,
        last_answer_id: next.lastAnswerId,
        context: next.context ? JSON.stringify(next.context) : null,
        updated_at: now(),
      });
    },
    async saveAnswer({ channel, userId, answer }) {
      const id = newAnswerId();
      q.insertAnswer.run(id, channel, userId, answer.question, answer.abstained ? 1 : 0, JSON.stringify(answer), now());
      return id;
    },
    async getAnswer(id) {
      const row = q.getAnswer.get(id);
      return row ? answerFromRow({ ...row, abstained: row.abstained === 1 }) : null;
    },
    addFeedback: async (input) => addFeedback(input),
    async listFeedback(answerId) {
      return (answerId ? q.listFeedbackFor.all(answerId) : q.listFeedback.all()).map(feedbackFromRow);
    },
    async logUnanswered({ channel, userId, question, region }) {
      q.insertUnanswered.run(channel, userId, question, region, now());
    },
    async listUnanswered(sinceMs = 0) {
      return q.listUnanswered.all(sinceMs).map(unansweredFromRow);
    },
    async markProcessed(channel, messageId) {
      const t = now();
      pruneExpired(t);
      return q.insertProcessed.run(channel, messageId, t).changes === 1;
    },
    async saveReply({ channel, userId, messageId, text, ttlMs }) {
      const t = now();
      pruneExpired(t);
      q.putReply.run(channel, messageId, userId, text, t, t + ttlMs);
    },
    async getReply(channel, messageId) {
      const row = q.getReply.get(channel, messageId, now());
      return row ? { text: row.reply } : null;
    },
    async takeRate(key, limit, windowMs) {
      const t = now();
      pruneExpired(t);
      return q.takeRate.get(key, windowStart(t, windowMs), limit) !== undefined;
    },
    async getCheckState(channel, userId) {
      const row = q.getCheck.get(`${channel}:${userId}`);
      return row ? { state: row.state, updatedAt: row.updated_at } : null;
    },
    async setCheckState(channel, userId, state) {
      if (state === null) q.deleteCheck.run(`${channel}:${userId}`);
      else q.putCheck.run(`${channel}:${userId}`, state, now());
    },
    forgetUser: async (channel, userId) => forgetUser(channel, userId),
    prune: async (beforeMs) => prune(beforeMs),
    async close() {
      if (db.open) db.close();
    },
  };
}

/**
 * Applies the missing migrations, each in its own transaction, recording each in schema_version.
 * The check and the migrations run under BEGIN IMMEDIATE (SQLite's write lock, waited for up to
 * busy_timeout), so two processes opening one file at once migrate it once. A file from before
 * schema_version existed is adopted at its PRAGMA user_version (1 or 2: the tables as shipped).
 * user_version is kept equal to the latest version, so an older program refuses a newer file.
 */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[], where: string, now: () => number = Date.now): number {
  checkMigrations(migrations);
  const known = migrations.length;
  const current = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const recorded = (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null }).v ?? 0;
    const legacy = db.pragma('user_version', { simple: true }) as number;
    if (Math.max(recorded, legacy) > known) throw newerSchemaError(where, Math.max(recorded, legacy), known);
    if (recorded === 0 && legacy > 0) {
      // The tables of a file from before schema_version are those of versions 1…user_version.
      const adopt = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
      for (const m of migrations.slice(0, Math.min(legacy, known))) adopt.run(m.version, `${m.name} (adopted from user_version)`, now());
    }
    return Math.max(recorded, legacy);
  });
  const version = current.immediate();
  for (const m of migrations.slice(version)) {
    db.transaction(() => {
      // Another process may have applied it since: check again under the write lock.
      const done = db.prepare('SELECT 1 FROM schema_version WHERE version = ?').get(m.version);
      if (done) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now());
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return Math.max(version, known);
}

export interface UserRowDb {
  key: string;
  region: string | null;
  last_question: string | null;
  last_answer_id: string | null;
  context: string | null;
  updated_at: number | string;
}

interface AnswerRowDb {
  id: string;
  channel: string;
  user_id: string;
  question: string;
  abstained: number;
  answer_json: string;
  created_at: number;
}

export interface FeedbackRowDb {
  id: number | string;
  answer_id: string;
  channel: string;
  user_id: string;
  vote: Vote | null;
  comment: string | null;
  question: string;
  answer: string;
  created_at: number | string;
}

export interface UnansweredRowDb {
  channel: string;
  user_id: string;
  question: string;
  region: string | null;
  created_at: number | string;
}

// Row mappers shared by both backends (PostgreSQL returns BIGINT columns as strings: Number() them).

export function userFromRow(row: UserRowDb): UserState {
  let context: FollowUpContext | null = null;
  if (row.context) {
    try {
      context = JSON.parse(row.context) as FollowUpContext;
    } catch {
      context = null; // a damaged context only loses the follow-up, never the user
    }
  }
  return {
    key: row.key,
    region: row.region,
    lastQuestion: row.last_question,
    lastAnswerId: row.last_answer_id,
    context,
    updatedAt: Number(row.updated_at),
  };
}

export function answerFromRow(row: { id: string; channel: string; user_id: string; question: string; abstained: boolean; answer_json: string; created_at: number | string }): StoredAnswer {
  return {
    id: row.id,
    channel: row.channel,
    userId: row.user_id,
    question: row.question,
    abstained: row.abstained,
    answer: JSON.parse(row.answer_json) as Answer,
    createdAt: Number(row.created_at),
  };
}

export function feedbackFromRow(r: FeedbackRowDb): FeedbackRow {
  return {
    id: Number(r.id),
    answerId: r.answer_id,
    channel: r.channel,
    userId: r.user_id,
    vote: r.vote,
    comment: r.comment,
    question: r.question,
    answer: r.answer,
    createdAt: Number(r.created_at),
  };
}

export function unansweredFromRow(r: UnansweredRowDb): UnansweredRow {
  return { channel: r.channel, userId: r.user_id, question: r.question, region: r.region, createdAt: Number(r.created_at) };
}
