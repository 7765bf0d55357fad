import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStore, type ChatStore } from '../src/chat/store.ts';
import { openPgStore } from '../src/chat/store-pg.ts';
import { SQLITE_MIGRATIONS } from '../src/chat/migrations/sqlite.ts';
import { PG_MIGRATIONS } from '../src/chat/migrations/pg.ts';
import { isPolicybotError } from '../src/errors.ts';
import type { Answer } from '../src/answer/contract.ts';
import { postgresMissing, startPostgres, type TestPostgres } from './helpers/postgres.ts';

/**
 * Versioned migrations of both chat stores: a fresh store gets the latest schema, opening it again
 * applies nothing, several processes opening one store at once migrate it once, a store migrated
 * by a newer program is refused, and a SQLite file from before migrations were recorded (the
 * schema as shipped, PRAGMA user_version 1 or 2) is migrated in place with its rows kept.
 */
const LATEST = SQLITE_MIGRATIONS.length;
const execFileAsync = promisify(execFile);

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-migrations-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('both backends have the same versions, named alike', () => {
  expect(PG_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(SQLITE_MIGRATIONS.map((m) => [m.version, m.name]));
});

/** The schema exactly as shipped before schema_version (user_version 1, then 2 with check_dialogues). */
const SHIPPED_V1 = `CREATE TABLE users (key TEXT PRIMARY KEY, channel TEXT NOT NULL, user_id TEXT NOT NULL, region TEXT, last_question TEXT, last_answer_id TEXT, context TEXT, updated_at INTEGER NOT NULL);
  CREATE TABLE answers (id TEXT PRIMARY KEY, channel TEXT NOT NULL, user_id TEXT NOT NULL, question TEXT NOT NULL, abstained INTEGER NOT NULL, answer_json TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT NOT NULL REFERENCES answers(id), channel TEXT NOT NULL, user_id TEXT NOT NULL, vote TEXT CHECK (vote IN ('up', 'down')), comment TEXT, question TEXT NOT NULL, answer TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE INDEX feedback_answer ON feedback(answer_id);
  CREATE TABLE unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, user_id TEXT NOT NULL, question TEXT NOT NULL, region TEXT, created_at INTEGER NOT NULL);
  CREATE INDEX unanswered_time ON unanswered(created_at);
  CREATE TABLE processed (channel TEXT NOT NULL, message_id TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (channel, message_id));
  CREATE INDEX processed_time ON processed(created_at);`;
const SHIPPED_V2 = `CREATE TABLE check_dialogues (key TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL);`;

const ANSWER = { question: '失业保险金怎么领取？', answer: '按规定办理失业登记。', abstained: false, citations: [], warnings: [] } as unknown as Answer;

/** A file as a user of the previous release has it: the shipped tables and some rows in each. */
function shippedFile(file: string, userVersion: 1 | 2): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(SHIPPED_V1);
  if (userVersion === 2) db.exec(SHIPPED_V2);
  db.pragma(`user_version = ${userVersion}`);
  const t = Date.now();
  db.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run('wechat:alice', 'wechat', 'alice', '广州市', '失业保险金怎么领取？', 'AAAAAAAAAAAAAAAA', JSON.stringify({ question: '失业保险金怎么领取？', topic: '失业保险金' }), t);
  db.prepare('INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)').run('AAAAAAAAAAAAAAAA', 'wechat', 'alice', ANSWER.question, 0, JSON.stringify(ANSWER), t);
  db.prepare('INSERT INTO feedback (answer_id, channel, user_id, vote, comment, question, answer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run('AAAAAAAAAAAAAAAA', 'wechat', 'alice', 'up', null, ANSWER.question, ANSWER.answer, t);
  db.prepare('INSERT INTO unanswered (channel, user_id, question, region, created_at) VALUES (?, ?, ?, ?, ?)').run('web', 'bob', '比特币多少钱？', null, t);
  db.prepare('INSERT INTO processed VALUES (?, ?, ?)').run('wechat-mp', 'oX:123', t);
  if (userVersion === 2) db.prepare('INSERT INTO check_dialogues VALUES (?, ?, ?)').run('wechat:alice', '{"v":1,"active":false}', t);
  db.close();
}

function sqliteVersions(file: string): { version: number; name: string; applied_at: number }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT version, name, applied_at FROM schema_version ORDER BY version').all() as { version: number; name: string; applied_at: number }[];
  } finally {
    db.close();
  }
}

describe('SQLite migrations', () => {
  it('a fresh file gets the latest schema; opening it again applies nothing', async () => {
    const file = path.join(root, 'fresh', 'policybot.sqlite');
    const s = openChatStore(file);
    expect(await s.schemaVersion()).toBe(LATEST);
    await s.close();
    const first = sqliteVersions(file);
    expect(first.map((r) => r.version)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    const again = openChatStore(file);
    expect(await again.schemaVersion()).toBe(LATEST);
    await again.close();
    expect(sqliteVersions(file)).toEqual(first);
  });

  for (const userVersion of [2, 1] as const) {
    it(`a file of the previous release (user_version ${userVersion}) is migrated in place with every row kept`, async () => {
      const file = path.join(root, `shipped-v${userVersion}`, 'policybot.sqlite');
      shippedFile(file, userVersion);
      const s = openChatStore(file);
      try {
        expect(await s.schemaVersion()).toBe(LATEST);
        const user = await s.getUser('wechat', 'alice');
        expect(user?.region).toBe('广州市');
        expect(user?.context?.topic).toBe('失业保险金');
        expect((await s.getAnswer('AAAAAAAAAAAAAAAA'))?.answer.answer).toBe(ANSWER.answer);
        expect((await s.listFeedback('AAAAAAAAAAAAAAAA')).map((f) => f.vote)).toEqual(['up']);
        expect((await s.listUnanswered()).map((u) => u.question)).toEqual(['比特币多少钱？']);
        expect(await s.markProcessed('wechat-mp', 'oX:123')).toBe(false);
        if (userVersion === 2) expect((await s.getCheckState('wechat', 'alice'))?.state).toBe('{"v":1,"active":false}');
        // The new tables work.
        await s.setCheckState('wechat', 'alice', '{"v":1}');
        await s.saveReply({ channel: 'wechat-mp', userId: 'oX', messageId: 'oX:124', text: '好的', ttlMs: 60_000 });
        expect(await s.getReply('wechat-mp', 'oX:124')).toEqual({ text: '好的' });
        expect(await s.takeRate('k', 1, 60_000)).toBe(true);
        expect(await s.takeRate('k', 1, 60_000)).toBe(false);
      } finally {
        await s.close();
      }
      const versions = sqliteVersions(file);
      expect(versions.map((r) => r.version)).toEqual([1, 2, 3]);
      // Versions the file already had are recorded as adopted, not applied again.
      expect(versions.filter((r) => r.name.includes('adopted')).map((r) => r.version)).toEqual(userVersion === 2 ? [1, 2] : [1]);
      const db = new Database(file, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
      db.close();
    });
  }

  it('several processes opening a new file at once migrate it once', async () => {
    const file = path.join(root, 'racing', 'policybot.sqlite');
    const script = path.join(root, 'open-store.mts');
    fs.writeFileSync(
      script,
      `import { openChatStore } from ${JSON.stringify(path.resolve('src/chat/store.ts'))};\n` +
        `const s = openChatStore(process.argv[2]);\nconsole.log(await s.schemaVersion());\nawait s.close();\n`,
    );
    const runs = await Promise.all(Array.from({ length: 4 }, () => execFileAsync(process.execPath, ['--import', 'tsx', script, file], { cwd: process.cwd() })));
    expect(runs.map((r) => r.stdout.trim())).toEqual(Array(4).fill(String(LATEST)));
    expect(sqliteVersions(file).map((r) => r.version)).toEqual([1, 2, 3]);
  }, 60_000);

  it('a file migrated by a newer program is refused, with a typed error in Chinese', async () => {
    const file = path.join(root, 'newer', 'policybot.sqlite');
    await openChatStore(file).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (99, ?, 0)').run('from the future');
    db.close();
    let err: unknown;
    try {
      openChatStore(file);
    } catch (e) {
      err = e;
    }
    expect(isPolicybotError(err, 'E_CONFIG')).toBe(true);
    expect((err as Error).message).toMatch(/newer than this program/);
    expect(isPolicybotError(err) && err.userMessage).toContain('请升级 policybot');
  });
});

const missing = postgresMissing();
if (missing) console.warn(`[store-migrations] PostgreSQL part skipped: ${missing}`);

describe.skipIf(missing !== null)(`PostgreSQL migrations${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => server?.stop());

  async function versions(url: string): Promise<{ version: number; name: string; applied_at: string }[]> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query<{ version: number; name: string; applied_at: string }>('SELECT version, name, applied_at FROM schema_version ORDER BY version')).rows;
    } finally {
      await c.end();
    }
  }

  it('a fresh database gets the latest schema; opening it again applies nothing', async () => {
    const url = await server.createDatabase();
    const s = openPgStore(url);
    await s.ready();
    expect(await s.schemaVersion()).toBe(LATEST);
    await s.close();
    const first = await versions(url);
    expect(first.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    const again = openPgStore(url);
    await again.ready();
    await again.close();
    expect(await versions(url)).toEqual(first);
  });

  it('instances starting at once migrate once (advisory lock)', async () => {
    const url = await server.createDatabase();
    const stores: ChatStore[] = Array.from({ length: 5 }, () => openPgStore(url));
    await Promise.all(stores.map((s) => s.ready()));
    expect(await Promise.all(stores.map((s) => s.schemaVersion()))).toEqual(Array(5).fill(LATEST));
    await Promise.all(stores.map((s) => s.close()));
    expect((await versions(url)).map((r) => r.version)).toEqual([1, 2, 3]);
  });

  it('a database migrated by a newer program is refused; the rows of an older one are kept by the next migration', async () => {
    // An older program's database: only version 1 applied, with a row in it.
    const url = await server.createDatabase();
    const old = openPgStore(url, { migrations: PG_MIGRATIONS.slice(0, 1) });
    await old.ready();
    expect(await old.schemaVersion()).toBe(1);
    await old.logUnanswered({ channel: 'web', userId: 'bob', question: '比特币多少钱？', region: null });
    await old.close();
    const current = openPgStore(url);
    await current.ready();
    expect(await current.schemaVersion()).toBe(LATEST);
    expect((await current.listUnanswered()).map((u) => u.question)).toEqual(['比特币多少钱？']);
    await current.close();

    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'from the future', 0)");
    await c.end();
    const refused = openPgStore(url);
    const err = await refused.ready().then(
      () => null,
      (e: unknown) => e,
    );
    await refused.close();
    expect(isPolicybotError(err, 'E_CONFIG')).toBe(true);
    expect((err as Error).message).toMatch(/newer than this program/);
  });
});
