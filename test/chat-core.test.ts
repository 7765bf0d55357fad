import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { createChatCore } from '../src/chat/core.ts';
import { openChatStore, storePath, type ChatStore } from '../src/chat/store.ts';
import { EXAMPLES } from '../src/chat/commands.ts';
import type { Config } from '../src/config.ts';
import type { Engine } from '../src/engine.ts';
import type { ChatCore, ChatReply, IncomingMessage } from '../src/chat/types.ts';
import { PolicybotError } from '../src/errors.ts';

let t: TestEngine;

beforeAll(async () => {
  t = await testEngine();
}, 120_000);

afterAll(() => t.cleanup());

function withChat(patch: Partial<Config['chat']>, base: Config = t.config): Config {
  return { ...base, chat: { ...base.chat, ...patch } };
}

/** A core over a throwaway in-memory store. */
function memCore(opts: { config?: Config; engine?: Engine; now?: () => number } = {}): { core: ChatCore; store: ChatStore } {
  const store = openChatStore(':memory:');
  const core = createChatCore({ config: opts.config ?? t.config, logger: t.logger, engine: opts.engine ?? t.engine, store, ...(opts.now ? { now: opts.now } : {}) });
  return { core, store };
}

let seq = 0;
function msg(text: string | null, extra: Partial<IncomingMessage> = {}): IncomingMessage {
  return { channel: 'telegram', userId: 'u1', chatId: 'c1', text, kind: 'text', isGroup: false, mentioned: false, messageId: String(++seq), ...extra };
}

async function say(core: ChatCore, text: string | null, extra: Partial<IncomingMessage> = {}): Promise<ChatReply> {
  const r = await core.handleMessage(msg(text, extra));
  if (!r) throw new Error('expected a reply');
  return r;
}

describe('commands', () => {
  it('/start and greetings explain the bot with three example questions', async () => {
    const { core } = memCore();
    for (const text of ['/start', '你好', '您好！', 'hi', '/start@policy_bot', '你是谁？', '你能做什么']) {
      const r = await say(core, text);
      expect(r.kind, text).toBe('command');
      for (const e of EXAMPLES) expect(r.text, text).toContain(e);
    }
  });

  it('a policy question that starts like a question about the bot is still answered', async () => {
    const { core } = memCore();
    expect((await say(core, '怎么用灵活就业社保补贴？')).kind).not.toBe('command');
  });

  it('the example questions on /start are answered, not abstained', async () => {
    const { core } = memCore({ config: withChat({ rateLimitPerMinute: 100 }) });
    for (const e of EXAMPLES) expect((await say(core, e, { userId: `ex-${e}` })).kind, e).toBe('answer');
  });

  it('/help works with a bot suffix and a full-width slash; unknown commands get the help', async () => {
    const { core } = memCore();
    expect((await say(core, '/help@policy_bot')).text).toContain('/region');
    expect((await say(core, '／help')).text).toContain('/sources');
    const r = await say(core, '/checkin 失业金');
    expect(r.kind).toBe('command');
    expect(r.text).toContain('没有 /checkin 这个命令');
  });

  it('/sources lists the documents the engine knows with issuer and date', async () => {
    const { core } = memCore();
    const r = await say(core, '/sources');
    const doc = t.engine.documents.find((d) => d.issuer && d.date)!;
    expect(r.text).toContain(`${doc.title}（${doc.issuer}，${doc.date}）`);
    expect(r.text).toContain(`${t.engine.documents.length} 份`);
  });

  it('/region validates against the gazetteer, shows and clears', async () => {
    const { core, store } = memCore();
    expect((await say(core, '/region')).text).toContain('还没有设置地区');
    expect((await say(core, '/region 火星基地')).text).toContain('没有找到「火星基地」');
    expect((await store.getUser('telegram', 'u1'))?.region ?? null).toBeNull();
    expect((await say(core, '/region 青岛 城阳')).text).toContain('青岛市城阳区');
    expect((await say(core, '/region 我在广州')).text).toContain('广州市');
    expect((await say(core, '/region 青岛 城阳')).text).toContain('青岛市城阳区');
    expect((await say(core, '/region')).text).toContain('您当前的地区：青岛市城阳区');
    expect((await say(core, '/region 清除')).text).toContain('已清除');
    expect((await store.getUser('telegram', 'u1'))?.region).toBeNull();
  });
});

describe('region and follow-ups', () => {
  const Q = '离校未就业高校毕业生有什么支持？';

  it('「那城阳区呢？」 re-asks the last question for 城阳区 and cites a 城阳区 document', async () => {
    const { core } = memCore();
    const first = await say(core, Q);
    expect(first.kind).toBe('answer');
    expect(first.citations[0]!.region).not.toBe('青岛市城阳区');
    const r = await say(core, '那城阳区呢？');
    expect(r.kind).toBe('answer');
    expect(r.answer!.question).toBe(`城阳区${Q}`);
    expect(r.citations[0]!.region).toBe('青岛市城阳区');
    expect(r.citations[0]!.title).toContain('城阳区');
  });

  it('a place follow-up replaces the place the last question named', async () => {
    const { core } = memCore();
    await say(core, '市北区离校未就业高校毕业生登记就业服务率是多少？');
    const r = await say(core, '城阳区呢');
    expect(r.answer!.question).toBe('城阳区离校未就业高校毕业生登记就业服务率是多少？');
  });

  it('short follow-ups are combined with the last topic; a full new question stands alone', async () => {
    const { core } = memCore();
    await say(core, '失业保险金怎么领取？');
    const r1 = await say(core, '需要什么材料？');
    expect(r1.answer!.question).toBe('失业保险金 需要什么材料？');
    expect(r1.citations.some((c) => c.text.includes('失业保险金'))).toBe(true);
    const r2 = await say(core, '能领多久？');
    expect(r2.answer!.question).toBe('失业保险金 能领多久？');
    const r3 = await say(core, '城选计划是什么？');
    expect(r3.answer!.question).toBe('城选计划是什么？');
    expect(r3.text).toContain('城选计划');
  });

  it('without an earlier question a short follow-up is just a question', async () => {
    const { core } = memCore();
    const r = await say(core, '怎么申请？');
    expect(r.answer!.question).toBe('怎么申请？');
  });

  it('the preferred region is used when a question names no place, and learned from questions', async () => {
    const { core, store } = memCore();
    await say(core, '城阳区对离校未就业高校毕业生有什么支持？');
    expect((await store.getUser('telegram', 'u1'))!.region).toBe('青岛市城阳区');
    // Another user with no region gets a different first citation for the same question.
    const other = await say(core, Q, { userId: 'u2' });
    const mine = await say(core, Q);
    expect(other.citations[0]!.region).not.toBe('青岛市城阳区');
    expect(mine.citations[0]!.region).toBe('青岛市城阳区');
  });

  it('a region set with /region is not replaced by a place a question names', async () => {
    const { core, store } = memCore();
    await say(core, '/region 青岛市城阳区');
    await say(core, '广州市创业担保贷款最高多少？');
    expect((await store.getUser('telegram', 'u1'))!.region).toBe('青岛市城阳区');
  });

  it('/region survives closing and reopening the SQLite file', async () => {
    const config = withChat({ dataDir: path.join(t.root, 'data-persist') });
    const c1 = createChatCore({ config, logger: t.logger, engine: t.engine });
    await say(c1, '/region 城阳区');
    const first = await say(c1, '城选计划是什么？');
    await c1.close();
    expect(fs.existsSync(storePath(config))).toBe(true);

    const c2 = createChatCore({ config, logger: t.logger, engine: t.engine });
    expect((await say(c2, '/region')).text).toContain('青岛市城阳区');
    const r = await say(c2, Q);
    expect(r.citations[0]!.region).toBe('青岛市城阳区');
    // The answer stored before the restart can still be rated.
    await c2.recordFeedback({ channel: 'telegram', userId: 'u1', answerId: first.answerId!, vote: 'down' });
    await c2.close();

    const store = openChatStore(storePath(config));
    expect((await store.listFeedback(first.answerId!)).map((f) => f.vote)).toEqual(['down']);
    await store.close();
  });
});

describe('answers, buttons and feedback', () => {
  it('stores every answer, returns its id, and offers source and 👍/👎 buttons', async () => {
    const { core, store } = memCore();
    const r = await say(core, '新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？');
    expect(r.kind).toBe('answer');
    expect(r.answerId).toBeTruthy();
    expect((await store.getAnswer(r.answerId!))!.answer.answer).toBe(r.text);
    const urls = r.buttons.flat().filter((b) => b.kind === 'url');
    expect(urls.map((b) => b.url)).toEqual(r.citations.map((c) => c.url));
    expect(urls[0]!.label).toMatch(/^\[1\] /);
    const cbs = r.buttons.flat().filter((b) => b.kind === 'callback');
    expect(cbs.map((b) => b.label.slice(0, 2))).toEqual(['👍', '👎']);
    for (const b of cbs) expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);
  });

  it('👍 records a vote (a second press replaces it); forged data is refused politely', async () => {
    const { core, store } = memCore();
    const r = await say(core, '城选计划是什么？');
    const [up, down] = r.buttons.flat().filter((b) => b.kind === 'callback');
    const ok = await core.handleCallback({ channel: 'telegram', userId: 'u1', chatId: 'c1', data: up!.data });
    expect(ok.text).toBe('谢谢反馈！');
    expect((await store.listFeedback(r.answerId!)).map((f) => f.vote)).toEqual(['up']);
    await core.handleCallback({ channel: 'telegram', userId: 'u1', chatId: 'c1', data: down!.data });
    const rows = await store.listFeedback(r.answerId!);
    expect(rows.map((f) => f.vote)).toEqual(['down']);
    expect(rows[0]!.question).toBe('城选计划是什么？');
    expect(rows[0]!.answer).toBe(r.text);

    for (const data of ['fb:up:AAAAAAAAAAAAAAAA', 'fb:up:../../etc', 'drop table', '']) {
      const bad = await core.handleCallback({ channel: 'telegram', userId: 'u1', chatId: 'c1', data });
      expect(bad.kind).toBe('guard');
      expect(bad.text).toContain('失效');
    }
    await expect(core.recordFeedback({ channel: 'web', userId: 'x', answerId: 'nope', vote: 'up' })).rejects.toThrow(PolicybotError);
  });

  it('/feedback stores a comment on the last answer', async () => {
    const { core, store } = memCore();
    expect((await say(core, '/feedback 很好')).text).toContain('还没有可以反馈的回答');
    const r = await say(core, '城选计划是什么？');
    expect((await say(core, '/feedback')).text).toContain('请在 /feedback 后面写上');
    expect((await say(core, '/feedback 第二条引用过期了')).text).toContain('谢谢反馈');
    const rows = await store.listFeedback(r.answerId!);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.comment).toBe('第二条引用过期了');
    expect(rows[0]!.vote).toBeNull();
  });

  it('abstentions are stored and logged as unanswered, without feedback buttons', async () => {
    const { core, store } = memCore();
    const r = await say(core, '上海居住证积分怎么办理？');
    expect(r.kind).toBe('abstain');
    expect(r.answerId).toBeTruthy();
    expect(r.buttons).toEqual([]);
    const rows = await store.listUnanswered();
    expect(rows.map((u) => u.question)).toEqual(['上海居住证积分怎么办理？']);
    expect(rows[0]!.region).toBe('上海市');
  });
});

describe('guards', () => {
  it('rate limit: the (n+1)th message in a rolling minute gets a polite refusal, later it works again', async () => {
    let clock = 1_000_000;
    const { core } = memCore({ config: withChat({ rateLimitPerMinute: 3 }), now: () => clock });
    for (let i = 0; i < 3; i++) expect((await say(core, '/help')).kind).toBe('command');
    const r = await say(core, '/help');
    expect(r.kind).toBe('guard');
    expect(r.text).toContain('提问太频繁');
    expect((await say(core, '/help', { userId: 'someone-else' })).kind).toBe('command');
    clock += 61_000;
    expect((await say(core, '/help')).kind).toBe('command');
  });

  it('new session ids from one address do not buy new budgets: the address has its own (wider) limit', async () => {
    const { core } = memCore({ config: withChat({ rateLimitPerMinute: 3, rateLimitPerAddress: 4 }) });
    const from = (i: number, address: string) => say(core, '/help', { channel: 'web', userId: `session-${i}`, chatId: `session-${i}`, address });
    for (let i = 0; i < 4; i++) expect((await from(i, '198.51.100.7')).kind).toBe('command');
    expect((await from(4, '198.51.100.7')).text).toContain('提问太频繁');
    expect((await from(5, '198.51.100.8')).kind).toBe('command');
  });

  it('stickers and photos do not use up the rate limit: the questions after them are answered', async () => {
    const { core } = memCore({ config: withChat({ rateLimitPerMinute: 3 }) });
    for (let i = 0; i < 5; i++) expect((await say(core, null, { kind: 'sticker' })).kind).toBe('guard');
    for (let i = 0; i < 3; i++) expect((await say(core, '/help')).kind).toBe('command');
    expect((await say(core, '/help')).text).toContain('提问太频繁');
  });

  it('in a group, a bare option number from someone in the middle of /check is their answer; from others it is ignored', async () => {
    const { core } = memCore();
    const group = { isGroup: true, chatId: 'g1' };
    const first = await say(core, '@bot /check', { ...group, mentioned: true, userId: 'u-check' });
    expect(first.text).toContain('我来帮您核对');
    const next = await core.handleMessage(msg('1', { ...group, mentioned: false, userId: 'u-check' }));
    expect(next?.text).toMatch(/已记下|逐条核对/);
    expect(await core.handleMessage(msg('1', { ...group, mentioned: false, userId: 'someone-else' }))).toBeNull();
    expect(await core.handleMessage(msg('失业金怎么领', { ...group, mentioned: false, userId: 'u-check' }))).toBeNull();
  });

  it('/start tells about the subsidy check', async () => {
    const { core } = memCore();
    expect((await say(core, '/start')).text).toContain('/check');
  });

  it('text over 500 characters is refused without asking the engine', async () => {
    const { core, store } = memCore();
    const r = await say(core, '失业保险金怎么领取'.repeat(60));
    expect(r.kind).toBe('guard');
    expect(r.text).toContain('精简到500字以内');
    expect((await store.getUser('telegram', 'u1'))?.lastAnswerId ?? null).toBeNull();
  });

  it('counts characters as people do: 300 emoji and a question are not "too long"', async () => {
    const { core } = memCore();
    const r = await say(core, `${'😀'.repeat(300)}失业保险金怎么领取？`);
    expect(r.kind).not.toBe('guard');
  });

  it('non-text messages get the text-only reply; empty text gets a short help', async () => {
    const { core } = memCore();
    for (const kind of ['sticker', 'image', 'voice'] as const) {
      expect((await say(core, null, { kind })).text).toContain('目前只支持文字提问');
    }
    const r = await say(core, '   ');
    expect(r.kind).toBe('guard');
    expect(r.text).toContain('/help');
  });

  it('in groups: ignored unless mentioned; the @mention is stripped', async () => {
    const { core } = memCore();
    expect(await core.handleMessage(msg('城选计划是什么？', { isGroup: true, mentioned: false }))).toBeNull();
    const r = await say(core, '@policy_bot 城选计划是什么？', { isGroup: true, mentioned: true });
    expect(r.kind).toBe('answer');
    expect(r.answer!.question).toBe('城选计划是什么？');
  });

  it('a slow engine hits the timeout and the user gets a friendly error', async () => {
    const slow: Engine = { ...t.engine, ask: () => new Promise((resolve) => setTimeout(() => resolve(t.engine.ask('城选计划是什么？')), 500)) };
    const { core } = memCore({ config: withChat({ timeoutMs: 50 }), engine: slow });
    const r = await say(core, '城选计划是什么？');
    expect(r.kind).toBe('error');
    expect(r.text).toContain('稍后再试');
  });

  it('engine failures become friendly error replies and never throw', async () => {
    const boom: Engine = { ...t.engine, ask: () => Promise.reject(new Error('boom')) };
    const { core } = memCore({ engine: boom });
    const r = await say(core, '城选计划是什么？');
    expect(r.kind).toBe('error');
    expect(r.text).toContain('出了点问题');
    expect(r.text).not.toContain('boom');

    const typed: Engine = { ...t.engine, ask: () => Promise.reject(new PolicybotError('E_INDEX_MISSING', 'no index')) };
    const r2 = await say(memCore({ engine: typed }).core, '城选计划是什么？');
    expect(r2.kind).toBe('error');
    expect(r2.text).toBe('索引尚未建立，正在重建，请稍后再试。');
  });

  it('processed message ids de-duplicate redeliveries', async () => {
    const { core } = memCore();
    expect(await core.markProcessed('wechat-mp', 'm-1')).toBe(true);
    expect(await core.markProcessed('wechat-mp', 'm-1')).toBe(false);
    expect(await core.markProcessed('telegram', 'm-1')).toBe(true);
  });
});

describe('store', () => {
  it('is a WAL database with a versioned schema and refuses a schema newer than the program', async () => {
    const file = path.join(t.root, 'store-version', 'policybot.sqlite');
    const s = openChatStore(file);
    await s.close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openChatStore(file)).toThrow(/newer than this program/);
  });

  it('forgets processed message ids after a day', async () => {
    let clock = 0;
    const s = openChatStore(':memory:', { now: () => clock });
    expect(await s.markProcessed('wechat-mp', 'old')).toBe(true);
    clock += 25 * 3600_000;
    // Pruning runs every few hundred ids, so it costs nothing per message.
    for (let i = 0; i < 500; i++) await s.markProcessed('wechat-mp', `m${i}`);
    expect(await s.markProcessed('wechat-mp', 'old')).toBe(true);
    expect(await s.markProcessed('wechat-mp', 'm499')).toBe(false);
    await s.close();
  });
});

describe('a place on its own', () => {
  it('as a first message is remembered as the region and the bot asks what to look up', async () => {
    const { core, store } = memCore();
    const r = await say(core, '城阳区');
    expect(r.kind).toBe('command');
    expect(r.text).toContain('已记下您的地区：青岛市城阳区');
    expect((await store.getUser('telegram', 'u1'))!.region).toBe('青岛市城阳区');
    expect(await store.listUnanswered()).toEqual([]);
  });
});
