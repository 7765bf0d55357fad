import pg from 'pg';
import type { Logger } from '../log.ts';
import { PolicybotError, errorMessage, isPolicybotError } from '../errors.ts';
import type { ChannelName } from './types.ts';
import type { Migration } from './migrations/types.ts';
import { checkMigrations } from './migrations/types.ts';
import { PG_MIGRATIONS } from './migrations/pg.ts';
import {
  PROCESSED_TTL_MS,
  PRUNE_EVERY,
  answerFromRow,
  feedbackFromRow,
  newAnswerId,
  newerSchemaError,
  unansweredFromRow,
  userFromRow,
  windowStart,
  type ChatStore,
  type FeedbackRowDb,
  type UnansweredRowDb,
  type UserRowDb,
} from './store.ts';

/**
 * The chat store in PostgreSQL (DATABASE_URL): the same state as the SQLite file, shared by every
 * server process that points at the database, so a conversation, a 公众号 retry or a rate limit
 * does not depend on which instance a request reaches.
 *
 * The pool is created at once and the schema migrated in the background (under an advisory lock,
 * so instances starting together migrate once); every method waits for that. A database that is
 * down fails the calls quickly (the store guard answers without storing and reports degraded
 * health) and is tried again every `retryMs`, so the store recovers when the database is back.
 * Queries are parameterised; the password never appears in `location`, logs or errors.
 */
export interface PgStoreOptions {
  now?: () => number;
  logger?: Logger;
  /** Connections per process (default 10). */
  poolSize?: number;
  /** After a connection failure, calls fail at once for this long before the database is tried again (default 3 s). */
  retryMs?: number;
  /** Waiting for a connection (default 3 s) and for one statement (default 10 s). */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** The migrations to apply (tests); default the shipped list. */
  migrations?: readonly Migration[];
}

/** pg_advisory_lock key for migrations: any constant that no other application on the database uses. */
const MIGRATION_LOCK = 72_501_604_016;

/** postgres://user@host:port/db, without the password (for logs, /healthz and messages). */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `postgres://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${host}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'postgres://(无法解析的 DATABASE_URL)';
  }
}

function passwordOf(url: string): string | null {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : null;
  } catch {
    return null;
  }
}

/** A connection that failed or broke, as opposed to a statement the database refused. */
export function isConnectionError(err: unknown): boolean {
  if (isPolicybotError(err)) return false;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ETIMEDOUT, ENOTFOUND, EHOSTUNREACH…
    // SQLSTATE 08 connection exception, 57P0x shutdown / cannot connect now, 53300 too many connections.
    if (/^08|^57P0|^53300$/.test(code)) return true;
    return false;
  }
  return /connection terminated|timeout exceeded when trying to connect|connection timeout|Connection ended/i.test(errorMessage(err));
}

export function openPgStore(url: string, opts: PgStoreOptions = {}): ChatStore {
  const now = opts.now ?? Date.now;
  const retryMs = opts.retryMs ?? 3000;
  const migrations = opts.migrations ?? PG_MIGRATIONS;
  const where = describeDatabaseUrl(url);
  const password = passwordOf(url);
  const log = opts.logger?.child({ store: 'postgres', database: where });
  const scrub = (text: string) => (password && password.length >= 3 ? text.split(password).join('[redacted]') : text);

  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 3000,
    idleTimeoutMillis: 30_000,
    statement_timeout: opts.statementTimeoutMs ?? 10_000,
    application_name: 'policybot',
  });
  // An idle connection the server closed (restart, failover) must not crash the process.
  pool.on('error', (err) => log?.warn({ err: new Error(scrub(errorMessage(err))) }, 'chat store: an idle PostgreSQL connection failed'));

  let closed = false;
  let migrated: Promise<void> | null = null;
  /** While set (real time, ms), calls fail at once with `lastFailure`: the database was unreachable. */
  let downUntil = 0;
  let lastFailure: Error | null = null;

  /** A failure as callers see it: the password scrubbed; an unreachable database a typed error in Chinese. */
  function failure(err: unknown): Error {
    if (isPolicybotError(err)) return err;
    const message = scrub(errorMessage(err));
    if (isConnectionError(err)) {
      return new PolicybotError('E_CONFIG', `chat store: cannot reach PostgreSQL at ${where}: ${message}`, {
        userMessage: `无法连接对话记录数据库（${where}：${message.slice(0, 120)}）；请检查 DATABASE_URL 和数据库是否在运行`,
      });
    }
    const e = new Error(`chat store (${where}): ${message}`);
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string') Object.assign(e, { code });
    return e;
  }

  function noteFailure(err: unknown): Error {
    const e = failure(err);
    if (isConnectionError(err)) {
      downUntil = Date.now() + retryMs;
      lastFailure = e;
    }
    return e;
  }

  function ready(): Promise<void> {
    if (closed) return Promise.reject(new Error('chat store is closed'));
    if (migrated) return migrated;
    if (lastFailure && Date.now() < downUntil) return Promise.reject(lastFailure);
    const attempt = migratePg(pool, migrations, where, now).then(
      (version) => {
        downUntil = 0;
        lastFailure = null;
        log?.info({ version }, 'chat store: PostgreSQL schema up to date');
      },
      (err: unknown) => {
        // Unreachable, a newer schema, no permission…: the calls fail with this until the next try.
        migrated = null;
        const e = failure(err);
        downUntil = Date.now() + retryMs;
        lastFailure = e;
        throw e;
      },
    );
    migrated = attempt;
    return attempt;
  }

  async function query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    await ready();
    if (lastFailure && Date.now() < downUntil) throw lastFailure;
    try {
      return await pool.query<R>(sql, params);
    } catch (err) {
      throw noteFailure(err);
    }
  }

  /** `fn` in one transaction on one connection (committed, or rolled back when it throws). */
  async function transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    await ready();
    if (lastFailure && Date.now() < downUntil) throw lastFailure;
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw noteFailure(err);
    }
    let broken: unknown;
    // A connection that breaks between statements emits 'error' on the client: it must not crash the process.
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      broken = isConnectionError(err) ? err : undefined;
      await client.query('ROLLBACK').catch(() => undefined);
      throw noteFailure(err);
    } finally {
      client.off('error', onError);
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  let writesSincePrune = 0;
  /** Expired processed ids, replies and counters go every few hundred writes, so it costs nothing per message. */
  async function pruneExpired(t: number): Promise<void> {
    if (++writesSincePrune < PRUNE_EVERY) return;
    writesSincePrune = 0;
    await query('DELETE FROM processed WHERE created_at < $1', [t - PROCESSED_TTL_MS]);
    await query('DELETE FROM replies WHERE expires_at <= $1', [t]);
    await query('DELETE FROM rate_limits WHERE window_start < $1', [t - 3600_000]);
  }

  const key = (channel: ChannelName, userId: string) => `${channel}:${userId}`;

  // Start migrating now; a failure here is reported by the first call (and logged).
  ready().catch((err: unknown) => log?.error({ err }, 'chat store: PostgreSQL not ready; answering without storing until it is'));

  return {
    kind: 'postgres',
    location: where,
    shared: true,
    ready,
    async schemaVersion() {
      const { rows } = await query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version');
      return Number(rows[0]?.v ?? 0);
    },
    async getUser(channel, userId) {
      const { rows } = await query<UserRowDb>('SELECT * FROM users WHERE key = $1', [key(channel, userId)]);
      return rows[0] ? userFromRow(rows[0]) : null;
    },
    async updateUser(channel, userId, patch) {
      // One statement: fields in the patch are set, the others kept, whichever instance wrote last.
      const set = (v: unknown) => v !== undefined;
      await query(
        `INSERT INTO users (key, channel, user_id, region, last_question, last_answer_id, context, updated_at)
         VALUES ($1, $2, $3, $5, $7, $9, $11, $12)
         ON CONFLICT (key) DO UPDATE SET
           region = CASE WHEN $4::boolean THEN excluded.region ELSE users.region END,
           last_question = CASE WHEN $6::boolean THEN excluded.last_question ELSE users.last_question END,
           last_answer_id = CASE WHEN $8::boolean THEN excluded.last_answer_id ELSE users.last_answer_id END,
           context = CASE WHEN $10::boolean THEN excluded.context ELSE users.context END,
           updated_at = excluded.updated_at`,
        [
          key(channel, userId),
          channel,
          userId,
          set(patch.region),
          patch.region ?? null,
          set(patch.lastQuestion),
          patch.lastQuestion ?? null,
          set(patch.lastAnswerId),
          patch.lastAnswerId ?? null,
          set(patch.context),
          patch.context ? JSON.stringify(patch.context) : null,
          now(),
        ],
      );
    },
    async saveAnswer({ channel, userId, answer }) {
      const id = newAnswerId();
      await query('INSERT INTO answers (id, channel, user_id, question, abstained, answer_json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        id,
        channel,
        userId,
        answer.question,
        answer.abstained,
        JSON.stringify(answer),
        now(),
      ]);
      return id;
    },
    async getAnswer(id) {
      const { rows } = await query<{ id: string; channel: string; user_id: string; question: string; abstained: boolean; answer_json: string; created_at: string }>(
        'SELECT * FROM answers WHERE id = $1',
        [id],
      );
      return rows[0] ? answerFromRow(rows[0]) : null;
    },
    async addFeedback(input) {
      await transaction(async (c) => {
        // The answer row is locked: two votes of one person at once (two instances) replace, never add up.
        const { rows } = await c.query<{ question: string; answer_json: string }>('SELECT question, answer_json FROM answers WHERE id = $1 FOR UPDATE', [input.answerId]);
        const a = rows[0];
        if (!a) throw new Error(`unknown answer ${input.answerId}`);
        if (input.vote) await c.query('DELETE FROM feedback WHERE answer_id = $1 AND channel = $2 AND user_id = $3 AND vote IS NOT NULL', [input.answerId, input.channel, input.userId]);
        const text = (JSON.parse(a.answer_json) as { answer: string }).answer;
        await c.query('INSERT INTO feedback (answer_id, channel, user_id, vote, comment, question, answer, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
          input.answerId,
          input.channel,
          input.userId,
          input.vote,
          input.comment ?? null,
          a.question,
          text,
          now(),
        ]);
      });
    },
    async listFeedback(answerId) {
      const { rows } = answerId
        ? await query<FeedbackRowDb>('SELECT * FROM feedback WHERE answer_id = $1 ORDER BY id', [answerId])
        : await query<FeedbackRowDb>('SELECT * FROM feedback ORDER BY id');
      return rows.map(feedbackFromRow);
    },
    async logUnanswered({ channel, userId, question, region }) {
      await query('INSERT INTO unanswered (channel, user_id, question, region, created_at) VALUES ($1, $2, $3, $4, $5)', [channel, userId, question, region, now()]);
    },
    async listUnanswered(sinceMs = 0) {
      const { rows } = await query<UnansweredRowDb>('SELECT * FROM unanswered WHERE created_at >= $1 ORDER BY created_at, id', [sinceMs]);
      return rows.map(unansweredFromRow);
    },
    async markProcessed(channel, messageId) {
      const t = now();
      await pruneExpired(t);
      const r = await query('INSERT INTO processed (channel, message_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [channel, messageId, t]);
      return r.rowCount === 1;
    },
    async saveReply({ channel, userId, messageId, text, ttlMs }) {
      const t = now();
      await pruneExpired(t);
      await query(
        `INSERT INTO replies (channel, message_id, user_id, reply, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (channel, message_id) DO UPDATE SET user_id = excluded.user_id, reply = excluded.reply,
           created_at = excluded.created_at, expires_at = excluded.expires_at`,
        [channel, messageId, userId, text, t, t + ttlMs],
      );
    },
    async getReply(channel, messageId) {
      const { rows } = await query<{ reply: string | null }>('SELECT reply FROM replies WHERE channel = $1 AND message_id = $2 AND expires_at > $3', [channel, messageId, now()]);
      return rows[0] ? { text: rows[0].reply } : null;
    },
    async takeRate(rateKey, limit, windowMs) {
      const t = now();
      await pruneExpired(t);
      // A fixed-window counter: one UPSERT, atomic across instances; an event over the limit is not counted.
      const r = await query(
        `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 WHERE rate_limits.hits < $3
         RETURNING hits`,
        [rateKey, windowStart(t, windowMs), limit],
      );
      return r.rowCount === 1;
    },
    async getCheckState(channel, userId) {
      const { rows } = await query<{ state: string; updated_at: string }>('SELECT state, updated_at FROM check_dialogues WHERE key = $1', [key(channel, userId)]);
      return rows[0] ? { state: rows[0].state, updatedAt: Number(rows[0].updated_at) } : null;
    },
    async setCheckState(channel, userId, state) {
      if (state === null) await query('DELETE FROM check_dialogues WHERE key = $1', [key(channel, userId)]);
      else {
        await query(
          `INSERT INTO check_dialogues (key, state, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
          [key(channel, userId), state, now()],
        );
      }
    },
    async forgetUser(channel, userId) {
      return transaction(async (c) => {
        const k = key(channel, userId);
        let rows = 0;
        // Feedback rows reference answers: they go first.
        for (const [sql, params] of [
          ['DELETE FROM feedback WHERE (channel = $1 AND user_id = $2) OR answer_id IN (SELECT id FROM answers WHERE channel = $1 AND user_id = $2)', [channel, userId]],
          ['DELETE FROM answers WHERE channel = $1 AND user_id = $2', [channel, userId]],
          ['DELETE FROM unanswered WHERE channel = $1 AND user_id = $2', [channel, userId]],
          ['DELETE FROM users WHERE key = $1', [k]],
          ['DELETE FROM check_dialogues WHERE key = $1', [k]],
          ['DELETE FROM replies WHERE channel = $1 AND user_id = $2', [channel, userId]],
        ] as const) {
          rows += (await c.query(sql, [...params])).rowCount ?? 0;
        }
        return { rows };
      });
    },
    async prune(beforeMs) {
      const t = now();
      return transaction(async (c) => {
        let rows = 0;
        for (const [sql, params] of [
          ['DELETE FROM feedback WHERE created_at < $1 OR answer_id IN (SELECT id FROM answers WHERE created_at < $1)', [beforeMs]],
          ['DELETE FROM answers WHERE created_at < $1', [beforeMs]],
          ['DELETE FROM unanswered WHERE created_at < $1', [beforeMs]],
          ['DELETE FROM users WHERE updated_at < $1', [beforeMs]],
          ['DELETE FROM check_dialogues WHERE updated_at < $1', [beforeMs]],
          ['DELETE FROM replies WHERE expires_at <= $1', [t]],
          ['DELETE FROM rate_limits WHERE window_start < $1', [t - 3600_000]],
        ] as const) {
          rows += (await c.query(sql, [...params])).rowCount ?? 0;
        }
        return rows;
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      // Let a migration still running finish (or fail) before the pool goes.
      await migrated?.catch(() => undefined);
      await pool.end();
    },
  };
}

/**
 * Applies the missing migrations in order, each in its own transaction, while holding a session
 * advisory lock: a second instance starting at the same moment waits, then finds them applied.
 * Returns the schema version; refuses a database migrated by a newer program.
 */
export async function migratePg(pool: pg.Pool, migrations: readonly Migration[], where: string, now: () => number = Date.now): Promise<number> {
  checkMigrations(migrations);
  const known = migrations.length;
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version');
      const version = Number(rows[0]?.v ?? 0);
      if (version > known) throw newerSchemaError(where, version, known);
      for (const m of migrations.slice(version)) {
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }
      return Math.max(version, known);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch((err: unknown) => {
        // The session is gone (and its lock with it): do not reuse the connection.
        broken = err instanceof Error ? err : new Error(String(err));
      });
    }
  } catch (err) {
    if (isConnectionError(err)) broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
