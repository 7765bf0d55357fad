import { Telegraf } from 'telegraf';
import type { Message, MessageEntity, UserFromGetMe } from 'telegraf/types';
import type { Logger, ChatCore, IncomingMessage, MessageKind } from '../../src/index.ts';
import { toTelegramMessages } from './render.ts';

/**
 * The Telegraf instance and its two handlers: messages go through the chat core and come back
 * as HTML with an inline keyboard; 👍/👎 presses go to `ChatCore.handleCallback`. Nothing here
 * decides what to answer — that is the core's job, identical on every channel.
 */
export interface BotOptions {
  token: string;
  apiRoot: string | null;
  chat: ChatCore;
  logger: Logger;
}

/** Telegram shows "typing…" for about 5 s; renew it while an answer is being prepared. */
const TYPING_EVERY_MS = 4000;

export function createBot(opts: BotOptions): Telegraf {
  const { chat, logger } = opts;
  const bot = new Telegraf(opts.token, {
    telegram: opts.apiRoot ? { apiRoot: opts.apiRoot } : {},
    // The core has its own timeout per message; this only guards against a stuck send.
    handlerTimeout: 120_000,
  });

  bot.on('message', async (ctx) => {
    const msg = ctx.message;
    const isGroup = msg.chat.type !== 'private';
    const incoming: IncomingMessage = {
      channel: 'telegram',
      userId: String(msg.from?.id ?? msg.chat.id),
      chatId: String(msg.chat.id),
      // The core strips a leading or trailing @mention; ours may also sit mid-sentence.
      text: 'text' in msg ? (isGroup ? withoutOwnMention(msg.text, ctx.botInfo.username) : msg.text) : null,
      kind: messageKind(msg),
      isGroup,
      mentioned: !isGroup || addressedToBot(msg, ctx.botInfo),
      messageId: String(msg.message_id),
    };
    // In groups, stay silent before even showing "typing" when the message is not for us.
    if (isGroup && !incoming.mentioned) return;

    const typing = () => {
      ctx.sendChatAction('typing').catch((err: unknown) => logger.debug({ err }, 'sendChatAction failed'));
    };
    typing();
    const timer = setInterval(typing, TYPING_EVERY_MS);
    let reply;
    try {
      reply = await chat.handleMessage(incoming);
    } finally {
      clearInterval(timer);
    }
    if (!reply) return;
    for (const m of toTelegramMessages(reply)) {
      await ctx.sendMessage(m.html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(isGroup ? { reply_parameters: { message_id: msg.message_id, allow_sending_without_reply: true } } : {}),
        ...(m.keyboard ? { reply_markup: m.keyboard } : {}),
      });
    }
  });

  bot.on('callback_query', async (ctx) => {
    const q = ctx.callbackQuery;
    const data = 'data' in q ? q.data : '';
    const reply = await chat.handleCallback({
      channel: 'telegram',
      userId: String(q.from.id),
      chatId: String(q.message?.chat.id ?? q.from.id),
      data,
    });
    if (reply.buttons.length) {
      // A dialogue step (the subsidy check): the next question or the results go as a message with its keyboard.
      await ctx.answerCbQuery();
      for (const m of toTelegramMessages(reply)) {
        await ctx.sendMessage(m.html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(m.keyboard ? { reply_markup: m.keyboard } : {}) });
      }
      return;
    }
    // The answer shows as a small notice over the chat; no new message clutters the conversation.
    await ctx.answerCbQuery(reply.text);
  });

  // One bad update (a network hiccup while sending, a blocked user) must never stop the bot.
  // The update itself is not logged: it holds the user's message.
  bot.catch((err, ctx) => {
    logger.error({ err, updateId: ctx.update.update_id, updateType: ctx.updateType }, 'telegram update failed');
  });
  return bot;
}

export function messageKind(msg: Message): MessageKind {
  if ('sticker' in msg) return 'sticker';
  if ('photo' in msg) return 'image';
  if ('voice' in msg || 'audio' in msg) return 'voice';
  if ('video' in msg || 'video_note' in msg || 'animation' in msg) return 'video';
  if ('document' in msg) return 'file';
  if ('text' in msg) return 'text';
  return 'other';
}

/**
 * In a group the bot answers only what is meant for it: an @mention of the bot, a reply to one
 * of its messages, or a command (one addressed to another bot, /help@other_bot, is not ours).
 */
export function addressedToBot(msg: Message, me: UserFromGetMe): boolean {
  const username = me.username.toLowerCase();
  if ('reply_to_message' in msg && msg.reply_to_message?.from?.id === me.id) return true;
  if (!('text' in msg)) return false;
  const entities: MessageEntity[] = msg.entities ?? [];
  for (const e of entities) {
    const part = msg.text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === 'mention' && part === `@${username}`) return true;
    if (e.type === 'text_mention' && e.user.id === me.id) return true;
    if (e.type === 'bot_command' && e.offset === 0) {
      const at = part.indexOf('@');
      return at < 0 || part.slice(at + 1) === username;
    }
  }
  // Clients do not always send entities (and test servers never do): fall back to the text.
  const text = msg.text.toLowerCase();
  if (new RegExp(`@${username}(?![a-z0-9_])`).test(text)) return true;
  const cmd = /^\/[a-z_]+(?:@([a-z0-9_]+))?/.exec(text);
  return !!cmd && (!cmd[1] || cmd[1] === username);
}

function withoutOwnMention(text: string, username: string): string {
  const escaped = username.replace(/[^A-Za-z0-9_]/g, '');
  return text.replace(new RegExp(`@${escaped}(?![A-Za-z0-9_])`, 'gi'), ' ').replace(/\s{2,}/g, ' ').trim();
}
