import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { createChatCore } from '../src/chat/core.ts';
import { SHOW_INELIGIBLE_HINT, STALE_CHECK_TEXT, isCheckTrigger } from '../src/chat/eligibility.ts';
import type { ChatStore } from '../src/chat/store.ts';
import type { ChatCore, ChatReply } from '../src/chat/types.ts';
import type { RunningChannel } from '../src/chat/channel.ts';
import { renderPlain } from '../src/chat/format.ts';
import { loadConfig } from '../src/config.ts';
import { factsFromText } from '../src/eligibility/facts.ts';
import { buildServer } from '../src/server/app.ts';
import { startServer, type ListeningServer } from '../src/server/start.ts';
import { telegramChannel } from '../bots/telegram/index.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { startTelegramTestServer } from './helpers/telegram.ts';

/**
 * The guided subsidy check end to end on the real extracted catalog (TODAY = 2026-11-22):
 * through ChatCore, through the web API (/api/chat + /api/chat/callback over HTTP) and
 * through the real Telegraf bot against telegram-test-api.
 */
const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
const RESULTS = '逐条核对的结果：';

let t: TestEngine;
let chat: ChatCore & { store: ChatStore };
let listening: ListeningServer;
let base: string;
let tg: TelegramServer;
let tgChat: ChatCore & { store: ChatStore };
let running: RunningChannel;


beforeAll(async () => {
  t = await testEngine();
  chat = createChatCore({ config: t.config, logger: t.logger, engine: t.engine });
  const srv = await buildServer({ config: t.config, logger: t.logger, engine: t.engine, chat });
  listening = await startServer(srv.app, { host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${listening.port}`;

  tg = await startTelegramTestServer();
  const tgConfig = loadConfig({
    EMBEDDER: 'hashed',
    LOG_LEVEL: 'silent',
    TODAY: '2026-11-22',
    CORPUS_DIR: t.config.corpusDir,
    INDEX_DIR: t.config.indexDir,
    DATA_DIR: `${t.root}/data-tg`,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: tg.config.apiURL,
  });
  tgChat = createChatCore({ config: tgConfig, logger: t.logger, engine: t.engine });
  running = await telegramChannel.start({ config: tgConfig, logger: t.logger, engine: t.engine, chat: tgChat });
}, 120_000);

afterAll(async () => {
  await running?.stop();
  await tg?.stop();
  await listening?.close();
  await chat?.close();
  await tgChat?.close();
  t?.cleanup();
});

function say(core: ChatCore, userId: string, text: string): Promise<ChatReply> {
  return core.handleMessage({ channel: 'wechat', userId, chatId: userId, text, kind: 'text', isGroup: false, mentioned: true }) as Promise<ChatReply>;
}

/** Answers each question with its last option (「以上都不是」, 「其他…」, the oldest year …) until the results come. */
async function answerUntilResults(first: ChatReply, answer: (r: ChatReply) => Promise<ChatReply>): Promise<{ results: ChatReply; asked: number }> {
  let r = first;
  let asked = 0;
  while (!r.text.includes(RESULTS)) {
    asked++;
    if (asked > 10) throw new Error(`no results after 10 questions: ${r.text}`);
    r = await answer(r);
  }
  return { results: r, asked };
}

const optionCount = (r: ChatReply) => r.text.split('\n').filter((l) => /^\d+\. /.test(l)).length;

describe('the check dialogue through ChatCore (numbered replies, as on WeChat)', () => {
  it('facts from an ordinary question pre-fill the profile; 「我能领什么补贴」 asks only what is missing; results grouped with amounts and links', async () => {
    await say(chat, 'w1', '我去年毕业，在广州打零工，灵活就业社保补贴怎么领？');
    const first = await say(chat, 'w1', '我能领什么补贴');
    expect(first.text).toContain('我来帮您核对');
    // Graduation, employment and region were said already: the dialogue does not ask them.
    expect(first.text).not.toMatch(/哪一年从高校毕业|就业状态是|您在哪个地区？/);
    // Options are numbered in the text (WeChat, 公众号) and offered as callback buttons (Telegram, web).
    expect(optionCount(first)).toBeGreaterThanOrEqual(2);
    expect(first.buttons.flat().filter((b) => b.kind === 'callback' && /^ck:1:\d+$/.test(b.data)).length).toBe(optionCount(first));
    expect(renderPlain(first).join('\n')).toMatch(/\n1\. /);
    // WeChat has no buttons: the hint says to reply with the number.
    expect(first.text).toContain('回复序号即可');
    expect(first.text).not.toContain('点按钮');

    const { results, asked } = await answerUntilResults(first, (r) => say(chat, 'w1', String(optionCount(r))));
    expect(asked).toBeLessThanOrEqual(4);
    expect(results.text).toContain('【可以申请】');
    expect(results.text).toContain('【不符合】');
    // 2025-07 → 2026-11 is within 毕业2年内, and the person works flexibly in 广东: the 300元/月 subsidy, linked to its clause.
    const eligible = results.text.slice(results.text.indexOf('【可以申请】'), results.text.indexOf('【还需确认】'));
    expect(eligible).toContain('灵活就业社会保险补贴（广东省）');
    expect(eligible).toContain('每人每月300元');
    expect(eligible).toContain('/docs/18b-2026-1bcb9f55#p33');
    // The facts the verdicts rest on come first, with a way to correct them.
    expect(results.text).toMatch(/根据您说的：在广州市、2025年\d+月毕业、灵活就业[^\n]*。说得不对？回复「重新开始」/);
    // 不符合 is collapsed to its count, with how to open it (a command here, a button on Telegram and the web).
    const collapsed = results.text.slice(results.text.indexOf('【不符合】'));
    expect(collapsed).toContain(SHOW_INELIGIBLE_HINT);
    expect(collapsed).not.toContain('「申请对象：用人单位」');
    expect(results.buttons).toEqual([[{ kind: 'callback', label: '查看不符合', data: 'ck:ineligible' }, { kind: 'callback', label: '重新开始', data: 'ck:restart' }]]);
    // Opened, each is named with its failing condition (employer measures: 申请对象).
    const opened = await say(chat, 'w1', '查看不符合');
    expect(opened.text).toContain('【不符合】');
    expect(opened.text).toContain('「申请对象：用人单位」— 不符合');
    expect(opened.text).not.toContain('【可以申请】');
  });

  it('several groups can be given at once by their numbers (「1 2」)', async () => {
    // Graduation, place and work are said: the groups question comes first.
    const r = await say(chat, 'w10', '我2025年毕业，在城阳打零工，能领什么补贴？');
    expect(r.text).toContain('您属于以下哪类人群');
    const labels = r.text.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/^\d+\. /, ''));
    await say(chat, 'w10', '1 2');
    const saved = JSON.parse((await chat.store.getCheckState('wechat', 'w10'))!.state) as { profile: { identities?: string[] } };
    expect(saved.profile.identities).toEqual([labels[0], labels[1]]);
  });

  it('a question asked while an option is pending is answered, and the pending question stays', async () => {
    const first = await say(chat, 'w9', '/check');
    const n = optionCount(first);
    expect(n).toBeGreaterThanOrEqual(2);
    const q = await say(chat, 'w9', '没有工作的人能领失业保险金吗？');
    expect(q.text).not.toContain(RESULTS);
    expect(['answer', 'abstain']).toContain(q.kind);
    // An out-of-range number gets the range; the question can still be answered.
    const bad = await say(chat, 'w9', String(n + 1));
    expect(bad.text).toContain(`请回复 1–${n} 之间的序号`);
    expect(bad.citations).toEqual([]);
    const next = await say(chat, 'w9', '1');
    expect(next.text).toMatch(/已记下|逐条核对/);
  });

  it('「重新开始」 forgets the answers; 「跳过」 skips a question; 「退出」 ends; an old button is refused', async () => {
    await say(chat, 'w2', '/region 青岛市城阳区');
    const first = await say(chat, 'w2', '/check');
    expect(first.kind).toBe('command');
    const oldButton = first.buttons.flat().find((b) => b.kind === 'callback' && b.data.startsWith('ck:1:'));
    const skipped = await say(chat, 'w2', '跳过');
    expect(skipped.text).toContain('这一题先跳过');
    // The field skipped is not asked again.
    const firstPrompt = first.text.split('\n')[2]!;
    expect(skipped.text).not.toContain(firstPrompt);
    expect((await chat.handleCallback({ channel: 'wechat', userId: 'w2', chatId: 'w2', data: oldButton!.kind === 'callback' ? oldButton!.data : '' })).text).toBe(STALE_CHECK_TEXT);

    const again = await say(chat, 'w2', '重新开始');
    expect(again.text).toContain('已清除之前的回答（地区仍按 青岛市城阳区');
    expect(again.text).toContain(firstPrompt);
    const bye = await say(chat, 'w2', '退出');
    expect(bye.text).toContain('已结束核对');
    // Out of the dialogue, text is a question for the engine again.
    expect((await say(chat, 'w2', '失业保险金怎么领取？')).kind).toMatch(/answer|abstain/);
  });

  it('a Chengyang employer hiring a graduate: the employer subsidy is found, the expired tax measure is not offered', async () => {
    const first = await say(chat, 'w3', '我在城阳区开了一家公司，招了应届生，我可以申请哪些补贴？');
    const { results } = await answerUntilResults(first, async (r) => {
      const hire = r.text.split('\n').find((l) => /^\d+\. 高校毕业生$/.test(l));
      const small = r.text.split('\n').find((l) => /^\d+\. 小微企业$/.test(l));
      const pick = (hire ?? small)?.split('.')[0] ?? String(optionCount(r));
      return say(chat, 'w3', pick);
    });
    const eligible = results.text.slice(results.text.indexOf('【可以申请】'), results.text.indexOf('【', results.text.indexOf('【可以申请】') + 1));
    expect(eligible).toContain('小微企业社会保险补贴（青岛市城阳区）');
    expect(eligible).toContain('/docs/003-364ccae54bd3fdc8#p25');
    expect(results.text).not.toContain('重点群体就业创业税收优惠');
  });
});

describe('facts and triggers', () => {
  it('reads first-person facts only', () => {
    expect(factsFromText('我去年毕业，在城阳打零工', '2026-11-22')).toEqual({ graduationDate: '2025-07', employment: 'flexible' });
    expect(factsFromText('我是2024年6月毕业的退役军人，今年26岁', '2026-11-22')).toEqual({ graduationDate: '2024-06', identities: ['退役军人'], age: 26 });
    expect(factsFromText('离校2年内未就业的高校毕业生灵活就业有补贴吗？', '2026-11-22')).toEqual({});
    // Who is hired is not who is speaking.
    expect(factsFromText('我在城阳区开了一家公司，招了应届生', '2026-11-22')).toEqual({ employment: 'employer', hiring: ['高校毕业生'] });
    expect(isCheckTrigger('我能领什么补贴')).toBe(true);
    expect(isCheckTrigger('我可以申请哪些补贴？')).toBe(true);
    expect(isCheckTrigger('灵活就业人员的社会保险补贴给哪些人？')).toBe(false);
  });
});

describe('the check dialogue through the web API', () => {
  const sessionId = 'web-check-session-0001';
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { reply: ChatReply; error?: { code: string; message: string } } };
  };

  it('/check over /api/chat, then button presses over /api/chat/callback until the results', async () => {
    await post('/api/chat', { question: '/region 广州市', sessionId });
    let r = (await post('/api/chat', { question: '/check', sessionId })).body.reply;
    let presses = 0;
    while (!r.text.includes(RESULTS)) {
      const options = r.buttons.flat().filter((b) => b.kind === 'callback' && /^ck:\d+:\d+$/.test(b.data));
      expect(options.length).toBeGreaterThanOrEqual(2);
      const res = await post('/api/chat/callback', { sessionId, data: (options.at(-1) as { data: string }).data });
      expect(res.status).toBe(200);
      r = res.body.reply;
      if (++presses > 10) throw new Error('no results');
    }
    expect(r.text).toContain('【');
    expect(r.text).toMatch(/另有\d+项属于其他地区/);
    const bad = await post('/api/chat/callback', { sessionId: 'short', data: 'ck:restart' });
    expect(bad.status).toBe(400);
  });
});

describe('the check dialogue on Telegram (telegram-test-api)', () => {
  interface BotMessage {
    text: string;
    reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data?: string }>> };
  }
  async function next(client: ReturnType<TelegramServer['getClient']>): Promise<BotMessage[]> {
    const res = await client.getUpdates();
    return (res.result as unknown as Array<{ message: BotMessage }>).map((u) => u.message);
  }

  it('/check shows the question with an inline keyboard; each press brings the next question as a new message, then the results', async () => {
    const client = tg.getClient(TOKEN, { chatId: 31, userId: 31, timeout: 20_000 });
    await client.sendMessage(client.makeMessage('我今年毕业，在广州跑外卖'));
    await next(client);
    await client.sendCommand(client.makeCommand('/check'));
    let [m] = await next(client);
    let presses = 0;
    const seen: string[] = [];
    while (!m!.text.includes(RESULTS)) {
      seen.push(m!.text);
      const keys = m!.reply_markup!.inline_keyboard.flat();
      expect(keys.map((k) => k.text)).toEqual(expect.arrayContaining(['跳过', '重新开始']));
      const options = keys.filter((k) => /^ck:\d+:\d+$/.test(k.callback_data ?? ''));
      await client.sendCallback(client.makeCallbackQuery(options.at(-1)!.callback_data!));
      const msgs = await next(client);
      m = msgs.find((x) => x.text.includes(RESULTS)) ?? msgs[0];
      if (++presses > 10) throw new Error('no results');
    }
    expect(presses).toBeGreaterThanOrEqual(1);
    expect(seen[0]).toContain('我来帮您核对');
    expect(seen[0]).toContain('点按钮或回复序号');
    expect(m!.text).toContain('灵活就业社会保险补贴（广东省）');
    expect(m!.reply_markup!.inline_keyboard.flat().map((k) => k.callback_data)).toEqual(['ck:ineligible', 'ck:restart']);
    // The 查看不符合 button opens the collapsed group as a new message.
    await client.sendCallback(client.makeCallbackQuery('ck:ineligible'));
    const [opened] = await next(client);
    expect(opened!.text).toContain('【不符合】');
    expect(opened!.text).toContain('不符合');
  });
});

describe('groups the results cut short', () => {
  it('a group of more than six ends in 「另有N项」 with how to open it, and the command (or button) lists it whole', async () => {
    // Few facts: many measures stay 还需确认.
    const first = await say(chat, 'w40', '/check');
    const { results } = await answerUntilResults(first, () => say(chat, 'w40', '跳过'));
    const unknown = results.text.slice(results.text.indexOf('【还需确认】'));
    const count = Number(/【还需确认】(\d+)项/u.exec(results.text)?.[1] ?? 0);
    expect(count).toBeGreaterThan(6);
    expect(unknown).toMatch(/……另有\d+项（回复「查看还需确认」看全部）/u);
    expect(results.buttons.flat()).toContainEqual({ kind: 'callback', label: '查看全部还需确认', data: 'ck:all:unknown' });
    const whole = await say(chat, 'w40', '查看还需确认');
    expect(whole.text).toContain(`【还需确认】${count}项`);
    expect(whole.text).not.toContain('另有');
    expect(whole.text.split('\n').filter((l) => l.startsWith('• ')).length).toBe(count);
  });
});
