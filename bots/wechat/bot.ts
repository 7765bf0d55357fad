import fs from 'node:fs';
import path from 'node:path';
import qrcodeTerminal from 'qrcode-terminal';
import { WechatyBuilder, ScanStatus, types, log as wechatyLog, qrcodeValueToImageUrl } from 'wechaty';
import type { Wechaty, Message as MessageInterface } from 'wechaty';
import type { ChannelContext, RunningChannel, IncomingMessage, MessageKind } from '../../src/index.ts';
import { scrubSecrets, renderPlain, errorMessage, isPolicybotError } from '../../src/index.ts';
import { loadPuppet, type WechatyPuppet } from './puppet.ts';

/**
 * WeChat through Wechaty. One bot per process: private chats are answered, group chats only
 * when the bot is @-mentioned (and the reply @-mentions the asker).
 */
export const ERROR_TEXT = '抱歉，服务暂时出错，请稍后再试。';

/** WeChat cuts long text messages; stay well below its ~2000-character limit. */
export const DEFAULT_MAX_CHARS = 1800;

/** Room replies start with 「@name 」, which counts towards the limit. */
const MENTION_ALLOWANCE = 40;

/** Messages older than this at start-up are backlog the puppet re-delivers; they are not answered. */
const BACKLOG_GRACE_MS = 60_000;

const ERROR_LOG_INTERVAL_MS = 60_000;

export interface WechatyStartOptions {
  /** A ready puppet instance (tests pass wechaty-puppet-mock); otherwise WECHATY_PUPPET is loaded. */
  puppet?: WechatyPuppet;
  maxChars?: number;
  /** Pause between the parts of a long reply, so WeChat keeps them in order and does not throttle. */
  partDelayMs?: number;
  /** Where the login QR code and login/logout lines go (the terminal). */
  print?: (text: string) => void;
}

export interface RunningWechaty extends RunningChannel {
  bot: Wechaty;
}

function kindOf(type: types.Message): MessageKind | null {
  switch (type) {
    case types.Message.Text:
      return 'text';
    case types.Message.Image:
      return 'image';
    case types.Message.Audio:
      return 'voice';
    case types.Message.Video:
      return 'video';
    case types.Message.Attachment:
      return 'file';
    case types.Message.Emoticon:
      return 'sticker';
    // System notices, recalls and unparsed messages are not addressed to the bot.
    case types.Message.Unknown:
    case types.Message.Recalled:
    case types.Message.GroupNote:
      return null;
    default:
      return 'other';
  }
}

/**
 * Wechaty's own logger (brolog) is global, chatty and prints outside our redaction: at `info` and
 * above the puppet service logs its token (「constructor() token: …」, discovery URLs with the
 * token in them). It is kept at `error` at most, whatever the app's level.
 */
function quietWechaty(level: string): void {
  wechatyLog.level(level === 'silent' || level === 'fatal' ? 'silent' : 'error');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startWechaty(ctx: ChannelContext, opts: WechatyStartOptions = {}): Promise<RunningWechaty> {
  const { config, chat } = ctx;
  const log = ctx.logger.child({ channel: 'wechat' });
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const partDelayMs = opts.partDelayMs ?? 300;
  const print = opts.print ?? ((text: string) => process.stderr.write(`${text}\n`));
  quietWechaty(config.logLevel);

  const puppet = opts.puppet ?? (await loadPuppet(config));
  // The memory card keeps the login session between restarts; it lives with the other state.
  fs.mkdirSync(config.chat.dataDir, { recursive: true });
  const bot = WechatyBuilder.build({ name: path.resolve(config.chat.dataDir, `wechaty-${config.wechaty.name}`), puppet });
  const startedAt = Date.now();

  bot.on('scan', (qrcode, status) => {
    if (status === ScanStatus.Waiting || status === ScanStatus.Timeout) {
      qrcodeTerminal.generate(qrcode, { small: true }, (art) => print(art));
      print(`用微信扫码登录（或在浏览器打开）：${qrcodeValueToImageUrl(qrcode)}`);
    } else {
      log.info({ status: ScanStatus[status] }, 'wechat: scan status');
    }
  });
  bot.on('login', (user) => {
    print(`微信已登录：${user.name()}`);
    log.info('wechat: logged in');
  });
  bot.on('logout', (user, reason) => {
    print(`微信已退出登录：${user.name()}${reason ? `（${reason}）` : ''}`);
    log.warn('wechat: logged out');
  });
  // Puppets retry on their own and re-emit the same error many times a second (e.g. no network):
  // log each distinct error at most once a minute, as one line, with how often it repeated.
  const token = config.wechaty.puppetToken;
  // A puppet-service error may echo its endpoint or token; never let the token reach the logs.
  const hideToken = (text: string) => scrubSecrets(token ? text.replaceAll(token, '[redacted]') : text);
  const lastLogged = new Map<string, { at: number; suppressed: number }>();
  bot.on('error', (err) => {
    const message = hideToken(errorMessage(err)).slice(0, 300);
    const seen = lastLogged.get(message);
    const t = Date.now();
    if (seen && t - seen.at < ERROR_LOG_INTERVAL_MS) {
      seen.suppressed++;
      return;
    }
    if (lastLogged.size > 100) lastLogged.clear();
    lastLogged.set(message, { at: t, suppressed: 0 });
    log.error({ error: message, repeatedSinceLastLog: seen?.suppressed ?? 0 }, 'wechat: Wechaty error');
  });

  async function send(msg: MessageInterface, parts: string[]): Promise<void> {
    const room = msg.room();
    const talker = msg.talker();
    for (const [i, part] of parts.entries()) {
      if (i > 0 && partDelayMs > 0) await sleep(partDelayMs);
      // In a group the first part @-mentions the asker, so they see which question it answers.
      if (room) await (i === 0 ? room.say(part, talker) : room.say(part));
      else await talker.say(part);
    }
  }

  async function onMessage(msg: MessageInterface): Promise<void> {
    if (msg.self()) return;
    if (msg.date().getTime() < startedAt - BACKLOG_GRACE_MS) return;
    const kind = kindOf(msg.type());
    if (!kind) return;
    const talker = msg.talker();
    if (talker.type() === types.Contact.Official) return;
    const room = msg.room();
    const mentioned = room ? await msg.mentionSelf() : true;
    // Groups: only questions addressed to the bot (no reading along, no replies to chatter).
    if (room && !mentioned) return;

    let text: string | null = null;
    if (kind === 'text') text = room ? await textWithoutMention(msg) : msg.text();
    const incoming: IncomingMessage = {
      channel: 'wechat',
      userId: talker.id,
      chatId: room ? room.id : talker.id,
      text,
      kind,
      isGroup: Boolean(room),
      mentioned,
      messageId: msg.id,
    };
    let parts: string[];
    try {
      const reply = await chat.handleMessage(incoming);
      if (!reply) return;
      parts = renderPlain(reply, { maxChars: room ? maxChars - MENTION_ALLOWANCE : maxChars }).filter((p: string) => p.trim());
    } catch (err) {
      log.error({ err }, 'wechat: answering failed');
      parts = [isPolicybotError(err) ? err.userMessage : ERROR_TEXT];
    }
    await send(msg, parts);
  }

  bot.on('message', (msg) => {
    onMessage(msg).catch((err: unknown) => {
      // A failed send (network, logged out) must not stop the bot.
      log.error({ err }, 'wechat: handling a message failed');
    });
  });

  try {
    await bot.start();
  } catch (err) {
    log.error({ err }, 'wechat: Wechaty did not start');
    throw err;
  }

  const puppetName = config.wechaty.puppet ?? 'custom puppet';
  return {
    bot,
    summary: `微信（Wechaty）：${puppetName}${bot.isLoggedIn ? '，已登录' : '，扫码登录二维码见终端'}`,
    routes: [],
    stop: async () => {
      await bot.stop();
    },
  };
}

/** The question without the leading/trailing 「@bot」. */
async function textWithoutMention(msg: MessageInterface): Promise<string> {
  try {
    return await msg.mentionText();
  } catch {
    // mentionText needs room member data some puppets lack; strip 「@name 」 prefixes by hand.
    return msg.text().replace(/^(@[^\s\u2005]+[\s\u2005]*)+/, '').trim();
  }
}
