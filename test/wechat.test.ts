import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBox } from 'file-box';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { waitFor } from './helpers/wait.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { createChatCore } from '../src/chat/core.ts';
import type { ChatCore } from '../src/chat/types.ts';
import { startWechaty, type RunningWechaty } from '../bots/wechat/bot.ts';
import { wechatChannel } from '../bots/wechat/index.ts';

/**
 * A real Wechaty bot on wechaty-puppet-mock: contacts and rooms are simulated by the mocker,
 * messages travel through Wechaty's own event pipeline, and the bot's replies come back as
 * messages said by the logged-in user.
 */
const QUESTION = '新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？';
const MAX_CHARS = 300;

let t: TestEngine;
let core: ChatCore;
let running: RunningWechaty;
let mocker: mock.Mocker;
let botUser: mock.ContactMock;
const printed: string[] = [];

interface Sent {
  to: string;
  text: string;
}
/** Everything the bot said, in order. */
const sent: Sent[] = [];


/** The replies sent to `conversationId` after index `from`, once `count` of them have arrived. */
async function repliesTo(conversationId: string, from: number, count = 1): Promise<string[]> {
  return waitFor(() => {
    const got = sent.slice(from).filter((s) => s.to === conversationId);
    return got.length >= count ? got.map((s) => s.text) : undefined;
  });
}

/** Waits until the bot has been quiet for `ms` (no new message sent). */
async function settle(ms = 400): Promise<void> {
  let n = -1;
  while (n !== sent.length) {
    n = sent.length;
    await new Promise((r) => setTimeout(r, ms));
  }
}

beforeAll(async () => {
  t = await testEngine({ WECHATY_PUPPET: 'wechaty-puppet-mock', PUBLIC_BASE_URL: 'https://bot.example.cn', CHAT_RATE_LIMIT_PER_MINUTE: '100' });
  core = createChatCore({ config: t.config, logger: t.logger, engine: t.engine });
  mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  running = await startWechaty(
    { config: t.config, logger: t.logger, engine: t.engine, chat: core },
    { puppet, maxChars: MAX_CHARS, partDelayMs: 0, print: (s) => printed.push(s) },
  );
  botUser = mocker.createContact({ name: '政策助手' });
  // What the bot says comes back through Wechaty as its own ("self") messages.
  running.bot.on('message', (m) => {
    if (!m.self()) return;
    sent.push({ to: m.room()?.id ?? m.listener()?.id ?? '?', text: m.text() });
  });
  mocker.scan('https://login.weixin.qq.com/l/policybot-test', 2);
  mocker.login(botUser);
  await waitFor(() => (running.bot.isLoggedIn ? true : undefined));
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await core?.close();
  t?.cleanup();
});

describe('WeChat via Wechaty (puppet-mock)', () => {
  it('prints the login QR code and a login line', async () => {
    await waitFor(() => (printed.some((p) => p.includes('微信已登录')) ? true : undefined));
    const all = printed.join('\n');
    expect(all).toContain('policybot-test');
    // qrcode-terminal's small mode draws with half-block characters.
    expect(all).toMatch(/[▀▄█]/);
    expect(all).toContain('微信已登录：政策助手');
  });

  it('answers a contact with the cited paragraphs as links', async () => {
    const alice = mocker.createContact({ name: 'Alice' });
    const from = sent.length;
    alice.say(QUESTION).to(botUser);
    const replies = await repliesTo(alice.id, from, 1);
    const all = replies.join('\n');
    expect(all).toContain('100元');
    expect(all).toMatch(/\[1\]/);
    expect(all).toMatch(/https:\/\/bot\.example\.cn\/docs\/[^\s#]+#p\d+/);
  });

  it('splits a long answer into parts under the limit, in order', async () => {
    const bob = mocker.createContact({ name: 'Bob' });
    const from = sent.length;
    bob.say('灵活就业人员的社会保险补贴给哪些人？').to(botUser);
    await repliesTo(bob.id, from, 2);
    await settle();
    const parts = sent.slice(from).filter((s) => s.to === bob.id).map((s) => s.text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_CHARS);
    // The source list comes last: the final part carries a paragraph link.
    expect(parts.at(-1)).toMatch(/\/docs\/[^\s#]+#p\d+/);
    expect(parts[0]).not.toMatch(/^来源/);
  });

  it('tells a contact who sends an image that only text is supported', async () => {
    const carol = mocker.createContact({ name: 'Carol' });
    const from = sent.length;
    carol.say(FileBox.fromBase64(Buffer.from('fake-png').toString('base64'), 'photo.png')).to(botUser);
    const [reply] = await repliesTo(carol.id, from, 1);
    expect(reply).toContain('目前只支持文字提问');
  });

  it('ignores its own messages', async () => {
    const dave = mocker.createContact({ name: 'Dave' });
    const from = sent.length;
    botUser.say(QUESTION).to(dave);
    await settle();
    // Only the message the bot itself said; no answer to it.
    expect(sent.slice(from).map((s) => s.text)).toEqual([QUESTION]);
  });

  it('in a group, ignores a question without @mention and answers one that mentions it, @-ing the asker', async () => {
    const erin = mocker.createContact({ name: 'Erin' });
    const frank = mocker.createContact({ name: 'Frank' });
    const room = mocker.createRoom({ topic: '就业交流群', memberIdList: [botUser.id, erin.id, frank.id] });
    const from = sent.length;
    erin.say(QUESTION).to(room);
    await settle();
    expect(sent.slice(from).filter((s) => s.to === room.id)).toEqual([]);

    frank.say(`@政策助手\u2005${QUESTION}`, [botUser]).to(room);
    const replies = await repliesTo(room.id, from, 1);
    expect(replies[0]).toMatch(/^@Frank[\s\u2005]/);
    const all = replies.join('\n');
    expect(all).toContain('100元');
    expect(all).toMatch(/#p\d+/);
  });

  it('is configured by WECHATY_PUPPET', () => {
    expect(wechatChannel.isConfigured(t.config)).toBe(true);
    expect(wechatChannel.isConfigured({ ...t.config, wechaty: { ...t.config.wechaty, puppet: null } })).toBe(false);
    expect(wechatChannel.howToEnable).toContain('WECHATY_PUPPET');
    expect(running.summary).toContain('wechaty-puppet-mock');
  });

  it('refuses a puppet that is not installed, or not a package name, with a clear message', async () => {
    const ctxFor = (puppet: string) => ({
      config: { ...t.config, wechaty: { ...t.config.wechaty, puppet } },
      logger: t.logger,
      engine: t.engine,
      chat: core,
    });
    await expect(wechatChannel.start(ctxFor('wechaty-puppet-does-not-exist'))).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringContaining('npm install wechaty-puppet-does-not-exist'),
    });
    await expect(wechatChannel.start(ctxFor('../../etc/passwd'))).rejects.toMatchObject({ code: 'E_CONFIG' });
  });
});
