import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { waitFor as until } from './helpers/wait.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { startTelegramTestServer } from './helpers/telegram.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createChatCore } from '../src/chat/core.ts';
import type { ChatStore } from '../src/chat/store.ts';
import type { ChatCore } from '../src/chat/types.ts';
import type { HttpRoute, RunningChannel } from '../src/chat/channel.ts';
import { isPolicybotError } from '../src/errors.ts';
import { telegramChannel } from '../bots/telegram/index.ts';
import { addressedToBot } from '../bots/telegram/bot.ts';

/**
 * The real Telegraf bot against telegram-test-api, a local emulation of the Bot API.
 * What the emulator lacks (noted where it matters): sendChatAction (answered with an error,
 * which the bot must shrug off), long-poll timeouts (getUpdates returns at once), callback
 * answers are accepted but not recorded, and it never sends the webhook secret header.
 */

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
const HOOK_TOKEN = '987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw2';
const PUBLIC = 'https://policy.example.org';
const Q = '新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？';

interface BotMessage {
  chat_id: string | number;
  text: string;
  parse_mode?: string;
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; url?: string; callback_data?: string }>> };
}

let server: TelegramServer;
let t: TestEngine;
let config: Config;
let chat: ChatCore & { store: ChatStore };
let running: RunningChannel;


/** The bot's replies to one chat, waiting until at least one arrives. */
async function replies(client: ReturnType<TelegramServer['getClient']>): Promise<BotMessage[]> {
  const res = await client.getUpdates();
  return (res.result as unknown as Array<{ message: BotMessage }>).map((u) => u.message);
}


beforeAll(async () => {
  server = await startTelegramTestServer();
  t = await testEngine({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, PUBLIC_BASE_URL: PUBLIC });
  config = t.config;
  chat = createChatCore({ config, logger: t.logger, engine: t.engine });
  running = await telegramChannel.start({ config, logger: t.logger, engine: t.engine, chat });
}, 120_000);

afterAll(async () => {
  await running?.stop();
  await chat?.close();
  await server?.stop();
  t?.cleanup();
});

describe('Telegram channel (long polling)', () => {
  it('is configured by the token and reports itself without secrets', () => {
    expect(telegramChannel.isConfigured(config)).toBe(true);
    expect(telegramChannel.isConfigured({ ...config, telegram: { ...config.telegram, token: null } })).toBe(false);
    expect(telegramChannel.howToEnable).toContain('TELEGRAM_BOT_TOKEN');
    expect(running.summary).toBe('Telegram：已启用（长轮询，@TestNameBot）');
    expect(running.summary).not.toContain(TOKEN.split(':')[1]);
    expect(running.routes).toEqual([]);
  });

  it('answers a question in HTML with paragraph links, source buttons and 👍/👎; 👍 is stored', async () => {
    const client = server.getClient(TOKEN, { chatId: 11, userId: 11, timeout: 20_000 });
    await client.sendMessage(client.makeMessage(Q));
    const [m, ...more] = await replies(client);
    expect(more).toEqual([]);
    expect(m!.parse_mode).toBe('HTML');
    const expected = await t.engine.ask(Q);
    const c1 = expected.citations[0]!;
    expect(c1.url).toMatch(new RegExp(`^${PUBLIC}/docs/${encodeURIComponent(c1.docId)}#p\\d+$`));
    expect(m!.text).toContain(`<a href="${c1.url}">[1]</a>`);
    expect(m!.text).toContain('<b>来源</b>');

    const rows = m!.reply_markup!.inline_keyboard;
    const urlButtons = rows.flat().filter((b) => b.url);
    expect(urlButtons.map((b) => b.url)).toEqual(expected.citations.map((c) => c.url));
    expect(urlButtons[0]!.text.startsWith('[1] ')).toBe(true);
    // Sources of one document are told apart by their paragraph: every button label differs and names it.
    expect(new Set(urlButtons.map((b) => b.text.replace(/^\[\d+\]\s*/, ''))).size).toBe(urlButtons.length);
    expect(urlButtons.map((b) => b.text)).toEqual(expected.citations.map((c) => expect.stringContaining(c.label)));
    const last = rows[rows.length - 1]!;
    expect(last.map((b) => b.text.slice(0, 2))).toEqual(['👍', '👎']);
    const up = last[0]!.callback_data!;
    expect(Buffer.byteLength(up)).toBeLessThanOrEqual(64);

    await client.sendCallback(client.makeCallbackQuery(up));
    const rowsFb = await until(async () => {
      const r = await chat.store.listFeedback();
      return r.length ? r : undefined;
    });
    expect(rowsFb.map((f) => [f.channel, f.userId, f.vote, f.question])).toEqual([['telegram', '11', 'up', Q]]);
  });

  it('a forged button press is refused and stores nothing', async () => {
    const client = server.getClient(TOKEN, { chatId: 12, userId: 12 });
    const before = (await chat.store.listFeedback()).length;
    await client.sendCallback(client.makeCallbackQuery('fb:up:AAAAAAAAAAAAAAAA'));
    // Let the bot process it; then a message round trip proves the bot is still alive.
    await client.sendMessage(client.makeMessage('/help'));
    const [m] = await replies(server.getClient(TOKEN, { chatId: 12, userId: 12, timeout: 10_000 }));
    expect(m!.text).toContain('/region');
    expect((await chat.store.listFeedback()).length).toBe(before);
  });

  it('/start returns what the bot does and example questions', async () => {
    const client = server.getClient(TOKEN, { chatId: 13, userId: 13, timeout: 10_000 });
    await client.sendCommand(client.makeCommand('/start'));
    const [m] = await replies(client);
    expect(m!.text).toContain('人社政策问答助手');
    expect(m!.text).toContain('灵活就业人员的社会保险补贴给哪些人？');
    expect(m!.reply_markup).toBeUndefined();
  });

  it('a sticker gets the text-only reply', async () => {
    const client = server.getClient(TOKEN, { chatId: 14, userId: 14, timeout: 10_000 });
    const sticker = { file_id: 'CAACAgIAAxk', file_unique_id: 'AgADx', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false };
    const message = client.makeMessage('', { sticker } as never) as unknown as Record<string, unknown>;
    delete message.text;
    await client.sendMessage(message as never);
    const [m] = await replies(client);
    expect(m!.text).toContain('目前只支持文字提问');
  });

  it('in a group: ignores messages not addressed to it, answers an @mention', async () => {
    const chatId = -1001;
    const client = server.getClient(TOKEN, { chatId, userId: 15, type: 'group', timeout: 15_000 });
    await client.sendMessage(client.makeMessage('城选计划是什么？'));
    await client.sendMessage(client.makeMessage('请问 @TestNameBot 城选计划是什么？'));
    const [m] = await replies(client);
    expect(m!.text).toContain('城选计划');
    expect((await chat.store.getUser('telegram', '15'))!.lastQuestion).toBe('请问 城选计划是什么？');
    // Give the bot time to (wrongly) answer the first message too, then count.
    await new Promise((r) => setTimeout(r, 500));
    const all = server.storage.botMessages.filter((u) => String(u.message.chat_id) === String(chatId));
    expect(all).toHaveLength(1);
  });

  it('group addressing rules: mention, reply to the bot, our commands only', () => {
    const me = { id: 666, is_bot: true, first_name: 'x', username: 'TestNameBot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } as const;
    const base = { message_id: 1, date: 0, chat: { id: -1, type: 'group', title: 'g' } } as const;
    const msg = (text: string, extra: object = {}) => ({ ...base, text, ...extra }) as never;
    expect(addressedToBot(msg('失业金怎么领'), me)).toBe(false);
    expect(addressedToBot(msg('@testnamebot 失业金怎么领'), me)).toBe(true);
    expect(addressedToBot(msg('@TestNameBotX 失业金怎么领'), me)).toBe(false);
    expect(addressedToBot(msg('/help'), me)).toBe(true);
    expect(addressedToBot(msg('/help@TestNameBot'), me)).toBe(true);
    expect(addressedToBot(msg('/help@other_bot'), me)).toBe(false);
    expect(addressedToBot(msg('好的', { reply_to_message: { ...base, from: { id: 666, is_bot: true, first_name: 'x' }, text: 'hi' } }), me)).toBe(true);
  });
});

describe('Telegram channel: commands, load, limits', () => {
  const botMessagesTo = (chatId: number) => server.storage.botMessages.filter((u) => String(u.message.chat_id) === String(chatId)).map((u) => u.message as unknown as BotMessage);

  it('/help lists the commands; /region sets the region and it is kept', async () => {
    const client = server.getClient(TOKEN, { chatId: 31, userId: 31, timeout: 10_000 });
    await client.sendCommand(client.makeCommand('/help'));
    const help = await until(() => botMessagesTo(31)[0]);
    for (const cmd of ['/region', '/sources', '/feedback']) expect(help.text).toContain(cmd);
    await client.sendCommand(client.makeCommand('/region 城阳区'));
    const set = await until(() => botMessagesTo(31)[1]);
    expect(set.text).toContain('青岛市城阳区');
    expect((await chat.store.getUser('telegram', '31'))!.region).toBe('青岛市城阳区');
  });

  it('50 chats asking at once all get answers, each chat\'s replies in order', async () => {
    const chats = Array.from({ length: 50 }, (_, i) => 1000 + i);
    await Promise.all(
      chats.map(async (id) => {
        const client = server.getClient(TOKEN, { chatId: id, userId: id });
        // Two messages without waiting: the replies must come back in the same order.
        await client.sendCommand(client.makeCommand('/help'));
        await client.sendMessage(client.makeMessage(Q));
      }),
    );
    for (const id of chats) {
      const [first, second] = await until(() => {
        const m = botMessagesTo(id);
        return m.length >= 2 ? m : undefined;
      }, 30_000);
      expect(first!.text, `chat ${id}`).toContain('/region');
      expect(second!.text, `chat ${id}`).toContain('[1]</a>');
      expect(second!.text).toContain('100元');
    }
  }, 60_000);

  it('the per-user rate limit engages and says so', async () => {
    const client = server.getClient(TOKEN, { chatId: 32, userId: 32 });
    const limit = config.chat.rateLimitPerMinute;
    for (let i = 0; i < limit + 2; i++) await client.sendCommand(client.makeCommand('/help'));
    const all = await until(() => {
      const m = botMessagesTo(32);
      return m.some((x) => x.text.includes('提问太频繁')) ? m : undefined;
    }, 15_000);
    expect(all.filter((x) => x.text.includes('/region')).length).toBe(limit);
  });
});

describe('Telegram channel: a reply over 4096 characters', () => {
  // /sources over a corpus of 60 more documents with long titles: far more than one message holds.
  const TITLES = Array.from({ length: 60 }, (_, i) => `关于进一步做好第${i + 1}批重点群体就业创业扶持和社会保险补贴申领经办服务工作有关事项的通知（第${i + 1}号）`);
  let big: TestEngine;
  let bigChat: ReturnType<typeof createChatCore>;
  let bot: RunningChannel;
  const BIG_TOKEN = '555555555:CCHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw3';

  beforeAll(async () => {
    const files = Object.fromEntries(TITLES.map((title, i) => [`extra-${i}.md`, `---\ntitle: ${title}\nissuer: 某某市人力资源和社会保障局\ndate: 2025-01-0${(i % 9) + 1}\n---\n\n为做好相关工作，现就有关事项通知如下。\n`]));
    big = await testEngine({ TELEGRAM_BOT_TOKEN: BIG_TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, PUBLIC_BASE_URL: PUBLIC }, { files });
    bigChat = createChatCore({ config: big.config, logger: big.logger, engine: big.engine });
    // Building that index can hold the event loop for longer than the emulator's keep-alive timeout
    // (on a busy machine): let its idle connections close before the shared keep-alive agent of
    // Telegraf reuses one for getMe (else: read ECONNRESET).
    await new Promise((r) => setTimeout(r, 200));
    bot = await telegramChannel.start({ config: big.config, logger: big.logger, engine: big.engine, chat: bigChat });
  }, 120_000);

  afterAll(async () => {
    await bot?.stop();
    await bigChat?.close();
    big?.cleanup();
  });

  it('arrives split under the limit, in order, with nothing lost', async () => {
    const client = server.getClient(BIG_TOKEN, { chatId: 41, userId: 41 });
    await client.sendCommand(client.makeCommand('/sources'));
    const parts = await until(() => {
      const m = server.storage.botMessages.filter((u) => u.botToken === BIG_TOKEN && String(u.message.chat_id) === '41');
      return m.length >= 2 ? m.map((u) => (u.message as unknown as BotMessage).text) : undefined;
    }, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    const all = server.storage.botMessages.filter((u) => u.botToken === BIG_TOKEN && String(u.message.chat_id) === '41').map((u) => (u.message as unknown as BotMessage).text);
    expect(all.length).toBe(parts.length);
    for (const p of all) expect(p.length).toBeLessThanOrEqual(4096);
    // Every title once, in the order of the source list (corpus order).
    const joined = all.join('\n');
    const order = big.engine.documents.map((d) => d.title).filter((title) => TITLES.includes(title));
    expect(order).toHaveLength(TITLES.length);
    let at = -1;
    for (const title of order) {
      const i = joined.indexOf(title);
      expect(i, title).toBeGreaterThan(at);
      expect(joined.indexOf(title, i + 1), `${title} once`).toBe(-1);
      at = i;
    }
  });
});

describe('Telegram channel (webhook)', () => {
  let hook: RunningChannel;
  let route: HttpRoute;
  const SECRET = 'hook_secret-123';

  beforeAll(async () => {
    const hookConfig = {
      ...config,
      telegram: { token: HOOK_TOKEN, apiRoot: server.config.apiURL, webhookUrl: 'https://bot.example.org/tg/hook', webhookSecret: SECRET },
    };
    hook = await telegramChannel.start({ config: hookConfig, logger: t.logger, engine: t.engine, chat });
    route = hook.routes[0]!;
  });

  afterAll(async () => {
    await hook?.stop();
  });

  const update = (id: number, text: string) =>
    JSON.stringify({
      update_id: id,
      message: { message_id: id, date: Math.floor(Date.now() / 1000), text, from: { id: 21, is_bot: false, first_name: 'u' }, chat: { id: 21, type: 'private', first_name: 'u' } },
    });
  const req = (body: string, headers: Record<string, string>) => ({ method: 'POST', path: '/tg/hook', headers, query: {}, body, ip: '127.0.0.1' });

  it('registers the webhook with its secret and serves POST on the URL path', () => {
    expect(hook.summary).toBe('Telegram：已启用（Webhook，@TestNameBot）');
    expect(hook.routes).toHaveLength(1);
    expect(route.method).toBe('POST');
    expect(route.path).toBe('/tg/hook');
    const registered = (server as unknown as { webhooks: Record<string, { url: string; secret_token?: string }> }).webhooks[HOOK_TOKEN];
    expect(registered?.url).toBe('https://bot.example.org/tg/hook');
    expect(registered?.secret_token).toBe(SECRET);
  });

  it('refuses calls without the secret header, rejects bad bodies, answers a real update once', async () => {
    expect((await route.handle(req(update(1, '城选计划是什么？'), {}))).status).toBe(403);
    expect((await route.handle(req(update(1, '城选计划是什么？'), { 'x-telegram-bot-api-secret-token': 'wrong' }))).status).toBe(403);
    expect((await route.handle(req('{not json', { 'x-telegram-bot-api-secret-token': SECRET }))).status).toBe(400);

    const ok = await route.handle(req(update(5001, '城选计划是什么？'), { 'x-telegram-bot-api-secret-token': SECRET }));
    expect(ok.status).toBe(200);
    // Telegram re-sends an update it thinks was lost: handled once only.
    expect((await route.handle(req(update(5001, '城选计划是什么？'), { 'x-telegram-bot-api-secret-token': SECRET }))).status).toBe(200);
    const client = server.getClient(HOOK_TOKEN, { chatId: 21, userId: 21, timeout: 10_000 });
    const [m] = await replies(client);
    expect(m!.parse_mode).toBe('HTML');
    expect(m!.text).toContain('城选计划');
    await new Promise((r) => setTimeout(r, 300));
    expect(server.storage.botMessages.filter((u) => u.botToken === HOOK_TOKEN)).toHaveLength(1);
  });

  it('webhook mode without a secret fails at start-up with E_CONFIG', async () => {
    const bad = loadConfig({ ...{ TELEGRAM_BOT_TOKEN: HOOK_TOKEN, TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg/hook' }, LOG_LEVEL: 'silent' });
    const err = await telegramChannel.start({ config: bad, logger: t.logger, engine: t.engine, chat }).catch((e: unknown) => e);
    expect(isPolicybotError(err, 'E_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('TELEGRAM_WEBHOOK_SECRET');
  });

  it('a bad token is a clear E_CONFIG error that does not reveal the token', async () => {
    const unreachable = { ...config, telegram: { ...config.telegram, apiRoot: 'http://127.0.0.1:9' } };
    const err = await telegramChannel.start({ config: unreachable, logger: t.logger, engine: t.engine, chat }).catch((e: unknown) => e);
    expect(isPolicybotError(err, 'E_CONFIG')).toBe(true);
    expect(String((err as Error).message)).not.toContain(TOKEN.split(':')[1]);
    expect(String((err as { userMessage: string }).userMessage)).not.toContain(TOKEN.split(':')[1]);
  });
});
