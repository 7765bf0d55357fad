import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import type { Config } from '../config.ts';
import type { Answer } from '../answer/contract.ts';
import type { ChannelName, Vote } from './types.ts';

/**
 * Conversation state in one SQLite file: per-user preferences and context, every answer given
 * (so feedback can point at it), feedback, abstained questions, and processed message ids.
 * better-sqlite3 is synchronous, which is what we want: each call is a short local transaction.
 */
export const STORE_FILE = 'policybot.sqlite';

/** Each entry migrates the schema from version i to i+1; never edit a shipped entry, append one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE users (
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
  // The subsidy-check dialogue (src/chat/eligibility.ts): answers given and the question pending.
  `CREATE TABLE check_dialogues (
     key TEXT PRIMARY KEY,            -- \`\${channel}:\${userId}\`
     state TEXT NOT NULL,             -- JSON, owned by the dialogue
     updated_at INTEGER NOT NULL
   );`,
];

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

/** How long processed message ids are remembered (platform retries come within minutes). */
const PROCESSED_TTL_MS = 24 * 3600_000;

export interface ChatStore {
  readonly file: string;
  getUser(channel: ChannelName, userId: string): UserState | null;
  /** Sets the given fields, leaving the others as they are. */
  updateUser(channel: ChannelName, userId: string, patch: Partial<Omit<UserState, 'key' | 'updatedAt'>>): void;
  saveAnswer(input: { channel: ChannelName; userId: string; answer: Answer }): string;
  getAnswer(id: string): StoredAnswer | null;
  addFeedback(input: { answerId: string; channel: ChannelName; userId: string; vote: Vote | null; comment?: string | null }): void;
  listFeedback(answerId?: string): FeedbackRow[];
  logUnanswered(input: { channel: ChannelName; userId: string; question: string; region: string | null }): void;
  listUnanswered(sinceMs?: number): UnansweredRow[];
  /** Records a platform message id; false when it was already processed (a retry or duplicate). */
  markProcessed(channel: ChannelName, messageId: string): boolean;
  /** The subsidy-check dialogue state (opaque JSON text), or null. */
  getCheckState(channel: ChannelName, userId: string): { state: string; updatedAt: number } | null;
  /** Stores (or with null, deletes) the subsidy-check dialogue state. */
  setCheckState(channel: ChannelName, userId: string, state: string | null): void;
  /** Deletes everything stored about one person (their settings, answers, feedback, questions, /check); the counts deleted. */
  forgetUser(channel: ChannelName, userId: string): { rows: number };
  /** Deletes what is older than `beforeMs` (retention); the number of rows deleted. */
  prune(beforeMs: number): number;
  close(): void;
}

export function storePath(config: Config): string {
  return path.join(config.chat.dataDir, STORE_FILE);
}

/** Opens (creating and migrating) the store; `':memory:'` for a throwaway one. */
export function openChatStore(file: string, opts: { now?: () => number } = {}): ChatStore {
  const now = opts.now ?? Date.now;
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

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
    getCheck: db.prepare<[string], { state: string; updated_at: number }>('SELECT state, updated_at FROM check_dialogues WHERE key = ?'),
    putCheck: db.prepare(
      `INSERT INTO check_dialogues (key, state, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    ),
    deleteCheck: db.prepare('DELETE FROM check_dialogues WHERE key = ?'),
    // Feedback rows reference answers: they go first.
    forget: [
      db.prepare('DELETE FROM feedback WHERE (channel = @channel AND user_id = @user) OR answer_id IN (SELECT id FROM answers WHERE channel = @channel AND user_id = @user)'),
      db.prepare('DELETE FROM answers WHERE channel = @channel AND user_id = @user'),
      db.prepare('DELETE FROM unanswered WHERE channel = @channel AND user_id = @user'),
      db.prepare('DELETE FROM users WHERE key = @key'),
      db.prepare('DELETE FROM check_dialogues WHERE key = @key'),
    ],
    prune: [
      db.prepare('DELETE FROM feedback WHERE created_at < @before OR answer_id IN (SELECT id FROM answers WHERE created_at < @before)'),
      db.prepare('DELETE FROM answers WHERE created_at < @before'),
      db.prepare('DELETE FROM unanswered WHERE created_at < @before'),
      db.prepare('DELETE FROM users WHERE updated_at < @before'),
      db.prepare('DELETE FROM check_dialogues WHERE updated_at < @before'),
    ],
  };
  const forgetUser = db.transaction((channel: ChannelName, userId: string) => {
    const args = { channel, user: userId, key: `${channel}:${userId}` };
    return { rows: q.forget.reduce((n, st) => n + st.run(args).changes, 0) };
  });
  const prune = db.transaction((before: number) => q.prune.reduce((n, st) => n + st.run({ before }).changes, 0));
  let processedSincePrune = 0;

  const getUser = (channel: ChannelName, userId: string): UserState | null => {
    const row = q.getUser.get(`${channel}:${userId}`);
    return row ? userFromRow(row) : null;
  };

  const addFeedback = db.transaction(
    (input: { answerId: string; channel: ChannelName; userId: string; vote: Vote | null; comment?: string | null }) => {
      const a = q.getAnswer.get(input.answerId);
      if (!a) throw new Error(`unknown answer ${input.answerId}`);
      // One vote per person per answer: a second press replaces the first.
      if (input.vote) q.deleteVote.run(input.answerId, input.channel, input.userId);
      const answer = JSON.parse(a.answer_json) as Answer;
      q.insertFeedback.run(input.answerId, input.channel, input.userId, input.vote, input.comment ?? null, a.question, answer.answer, now());
    },
  );

  return {
    file,
    getUser,
    updateUser(channel, userId, patch) {
      const cur = getUser(channel, userId);
      const next = {
        region: patch.region !== undefined ? patch.region : (cur?.region ?? null),
        lastQuestion: patch.lastQuestion !== undefined ? patch.lastQuestion : (cur?.lastQuestion ?? null),
        lastAnswerId: patch.lastAnswerId !== undefined ? patch.lastAnswerId : (cur?.lastAnswerId ?? null),
        context: patch.context !== undefined ? patch.context : (cur?.context ?? null),
      };
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
    saveAnswer({ channel, userId, answer }) {
      // 16 url-safe chars (96 bits): unguessable, and short enough for Telegram's 64-byte callback data.
      const id = crypto.randomBytes(12).toString('base64url');
      q.insertAnswer.run(id, channel, userId, answer.question, answer.abstained ? 1 : 0, JSON.stringify(answer), now());
      return id;
    },
    getAnswer(id) {
      const row = q.getAnswer.get(id);
      if (!row) return null;
      return {
        id: row.id,
        channel: row.channel,
        userId: row.user_id,
        question: row.question,
        abstained: row.abstained === 1,
        answer: JSON.parse(row.answer_json) as Answer,
        createdAt: row.created_at,
      };
    },
    addFeedback: (input) => addFeedback(input),
    listFeedback(answerId) {
      const rows = answerId ? q.listFeedbackFor.all(answerId) : q.listFeedback.all();
      return rows.map((r) => ({
        id: r.id,
        answerId: r.answer_id,
        channel: r.channel,
        userId: r.user_id,
        vote: r.vote,
        comment: r.comment,
        question: r.question,
        answer: r.answer,
        createdAt: r.created_at,
      }));
    },
    logUnanswered({ channel, userId, question, region }) {
      q.insertUnanswered.run(channel, userId, question, region, now());
    },
    listUnanswered(sinceMs = 0) {
      return q.listUnanswered.all(sinceMs).map((r) => ({
        channel: r.channel,
        userId: r.user_id,
        question: r.question,
        region: r.region,
        createdAt: r.created_at,
      }));
    },
    markProcessed(channel, messageId) {
      const t = now();
      if (++processedSincePrune >= 500) {
        processedSincePrune = 0;
        q.pruneProcessed.run(t - PROCESSED_TTL_MS);
      }
      return q.insertProcessed.run(channel, messageId, t).changes === 1;
    },
    getCheckState(channel, userId) {
      const row = q.getCheck.get(`${channel}:${userId}`);
      return row ? { state: row.state, updatedAt: row.updated_at } : null;
    },
    setCheckState(channel, userId, state) {
      if (state === null) q.deleteCheck.run(`${channel}:${userId}`);
      else q.putCheck.run(`${channel}:${userId}`, state, now());
    },
    forgetUser: (channel, userId) => forgetUser(channel, userId),
    prune: (beforeMs) => prune(beforeMs),
    close() {
      if (db.open) db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`chat store schema version ${version} is newer than this program (${MIGRATIONS.length}); upgrade policybot`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

interface UserRowDb {
  key: string;
  region: string | null;
  last_question: string | null;
  last_answer_id: string | null;
  context: string | null;
  updated_at: number;
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

interface FeedbackRowDb {
  id: number;
  answer_id: string;
  channel: string;
  user_id: string;
  vote: Vote | null;
  comment: string | null;
  question: string;
  answer: string;
  created_at: number;
}

interface UnansweredRowDb {
  channel: string;
  user_id: string;
  question: string;
  region: string | null;
  created_at: number;
}

function userFromRow(row: UserRowDb): UserState {
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
    updatedAt: row.updated_at,
  };
}
