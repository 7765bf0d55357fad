import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { ChatReply } from '../../src/index.ts';
import { renderTelegramHtml } from '../../src/index.ts';

/**
 * A ChatReply as Telegram messages: HTML texts (rendering shared with every channel in
 * src/chat/format.ts) and the inline keyboard, which goes on the last message.
 */
export interface TelegramMessage {
  html: string;
  keyboard: InlineKeyboardMarkup | null;
}

export function toTelegramMessages(reply: ChatReply): TelegramMessage[] {
  const texts = renderTelegramHtml(reply).map((html) => (reply.kind === 'command' ? linkLines(html) : html));
  const keyboard = inlineKeyboard(reply);
  return texts.map((html, i) => ({ html, keyboard: i === texts.length - 1 ? keyboard : null }));
}

/**
 * A line that is only a link (the /check results put one under each item) becomes a tappable 「查看原文」:
 * Telegram does not link every address by itself (not localhost, not a bare host), and a short word reads better.
 * The address is already escaped by the shared HTML rendering, so it goes into the attribute as it is.
 */
export function linkLines(html: string): string {
  return html.replace(/^([ \t]*)(https?:\/\/[^\s<>"]+)[ \t]*$/gmu, '$1<a href="$2">查看原文</a>');
}

/**
 * Telegram refuses a whole message when one URL button points at a host it cannot reach
 * (localhost, private addresses), so such source buttons are left out; the links stay in the text.
 */
export function inlineKeyboard(reply: ChatReply): InlineKeyboardMarkup | null {
  const rows: InlineKeyboardButton[][] = [];
  for (const row of reply.buttons) {
    const out: InlineKeyboardButton[] = [];
    for (const b of row) {
      if (b.kind === 'url') {
        if (isPublicUrl(b.url)) out.push({ text: b.label, url: b.url });
      } else out.push({ text: b.label, callback_data: b.data });
    }
    if (out.length) rows.push(out);
  }
  return rows.length ? { inline_keyboard: rows } : null;
}

export function isPublicUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  const h = u.hostname.replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h === '::1' || h === '0.0.0.0') return false;
  // Private and loopback IPv4 ranges.
  return !/^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)/.test(h);
}
