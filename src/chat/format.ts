import { escapeHtml } from '../text/escape-html.ts';
import { RELATED_HEADING, type Citation } from '../answer/contract.ts';
import type { ChatReply } from './types.ts';

/**
 * The one place replies are turned into channel text. Every adapter renders through here so a
 * citation looks the same everywhere: body with [n] markers, then ⚠️ warnings, then the numbered
 * sources `[n] 标题（发文机关，日期，文号）` with their paragraph links.
 *
 * Long replies are split into several messages. Splitting works on tokens — single characters
 * of text, and atomic pieces (a URL, an HTML link) that are never cut — preferring paragraph,
 * then line boundaries.
 */

/** 「标题 · 第十七条」: the document and which of its paragraphs. */
export function sourceName(c: Pick<Citation, 'title' | 'label'>): string {
  return c.label ? `${c.title} · ${c.label}` : c.title;
}

/** 「按“广州 失业保险金 申请材料”查找」 when the question was rewritten. */
export function understoodLine(reply: ChatReply): string | null {
  return reply.answer?.understood ? `🔎 按${reply.answer.understood}查找` : null;
}

/** `（发文机关，日期，文号）`, leaving out what is unknown; empty when nothing is known. */
export function sourceMeta(c: Pick<Citation, 'issuer' | 'date' | 'docNumber'>): string {
  const parts = [c.issuer, c.date, c.docNumber].filter((p): p is string => !!p && p.trim() !== '');
  return parts.length ? `（${parts.join('，')}）` : '';
}

/** Plain text for channels without markup (WeChat, Official Account, SMS-like). */
export function renderPlain(reply: ChatReply, opts: { maxChars?: number } = {}): string[] {
  const max = opts.maxChars ?? 2000;
  const toks: Tok[] = [];
  const para = (text: string) => {
    if (toks.length) toks.push({ s: '\n\n', brk: 2 });
    pushPlain(toks, text);
  };
  const understood = understoodLine(reply);
  if (understood) para(understood);
  // A list with a link per item (the /check results): short numbered links, the addresses at the end.
  const { body, links } = reply.kind === 'command' ? numberLinkLines(reply.text.trim()) : { body: reply.text.trim(), links: [] };
  if (body) para(body);
  for (const w of reply.warnings) para(`⚠️ ${w.message}`);
  if (links.length) {
    para('链接：');
    links.forEach((url, i) => {
      toks.push({ s: '\n', brk: 1 });
      pushPlain(toks, `〔${i + 1}〕`);
      toks.push({ s: url, brk: 0 });
    });
  }
  const list = (heading: string, cs: readonly Citation[]) => {
    para(heading);
    for (const c of cs) {
      toks.push({ s: '\n\n', brk: 2 });
      pushPlain(toks, `[${c.n}] ${sourceName(c)}${sourceMeta(c)}`);
      toks.push({ s: '\n', brk: 1 });
      toks.push({ s: c.url, brk: 0 });
    }
  };
  if (reply.citations.length) list('来源：', reply.citations);
  const related = reply.answer?.related ?? [];
  if (related.length) list(`${RELATED_HEADING}：`, related);
  return pack(toks, max);
}

/**
 * Lines that hold only a link (「  http://…/docs/x#p3」 under each item) become a marker 〔n〕 on the line above,
 * and the links are listed once at the end: a chat without link buttons stays readable. Only for two or more.
 */
export function numberLinkLines(text: string): { body: string; links: string[] } {
  const lines = text.split('\n');
  const isLink = (l: string) => /^\s*https?:\/\/\S+\s*$/u.test(l);
  if (lines.filter(isLink).length < 2) return { body: text, links: [] };
  const out: string[] = [];
  const links: string[] = [];
  for (const line of lines) {
    if (isLink(line) && out.length) {
      const url = line.trim();
      let n = links.indexOf(url);
      if (n < 0) n = links.push(url) - 1;
      out[out.length - 1] += ` 〔${n + 1}〕`;
    } else out.push(line);
  }
  return { body: out.join('\n'), links };
}

/** Telegram's limit is 4096 characters per message; stay a little below it. */
export const TELEGRAM_MAX_CHARS = 4000;

/** Telegram HTML parse mode: every piece of user or corpus text escaped, citations as links. */
export function renderTelegramHtml(reply: ChatReply, opts: { maxChars?: number } = {}): string[] {
  const max = opts.maxChars ?? TELEGRAM_MAX_CHARS;
  const byN = new Map(reply.citations.map((c) => [c.n, c]));
  const toks: Tok[] = [];
  const sep = () => {
    if (toks.length) toks.push({ s: '\n\n', brk: 2 });
  };
  const understood = understoodLine(reply);
  if (understood) pushHtmlText(toks, understood);
  if (reply.text.trim()) {
    sep();
    // [n] markers become links to the cited paragraph; other text is escaped character by character.
    const body = reply.text.trim();
    const re = /\[(\d+)\]/g;
    let last = 0;
    for (const m of body.matchAll(re)) {
      pushHtmlText(toks, body.slice(last, m.index));
      const c = byN.get(Number(m[1]));
      if (c) toks.push({ s: `<a href="${escapeHtml(c.url)}">[${c.n}]</a>`, brk: 0 });
      else pushHtmlText(toks, m[0]);
      last = m.index + m[0].length;
    }
    pushHtmlText(toks, body.slice(last));
  }
  for (const w of reply.warnings) {
    sep();
    pushHtmlText(toks, `⚠️ ${w.message}`);
  }
  const list = (heading: string, cs: readonly Citation[]) => {
    sep();
    toks.push({ s: `<b>${escapeHtml(heading)}</b>`, brk: 0 });
    for (const c of cs) {
      toks.push({ s: '\n\n', brk: 2 });
      pushHtmlText(toks, `[${c.n}] `);
      toks.push({ s: `<a href="${escapeHtml(c.url)}">`, brk: 0, open: true });
      pushHtmlText(toks, sourceName(c));
      toks.push({ s: '</a>', brk: 0, close: true });
      pushHtmlText(toks, sourceMeta(c));
    }
  };
  if (reply.citations.length) list('来源', reply.citations);
  const related = reply.answer?.related ?? [];
  if (related.length) list(RELATED_HEADING, related);
  return pack(glueTags(toks), max);
}

interface Tok {
  s: string;
  /** A break opportunity after this token: 2 paragraph, 1 line, 0 none. */
  brk: 0 | 1 | 2;
  open?: boolean;
  close?: boolean;
}

const URL_RE = /https?:\/\/[^\s）)」』，。、；]+/gu;

/** Text as one token per character, except URLs, which stay whole. */
function pushPlain(toks: Tok[], text: string): void {
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    pushChars(toks, text.slice(last, m.index), (c) => c);
    toks.push({ s: m[0], brk: 0 });
    last = m.index + m[0].length;
  }
  pushChars(toks, text.slice(last), (c) => c);
}

function pushHtmlText(toks: Tok[], text: string): void {
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    pushChars(toks, text.slice(last, m.index), escapeHtml);
    toks.push({ s: escapeHtml(m[0]), brk: 0 });
    last = m.index + m[0].length;
  }
  pushChars(toks, text.slice(last), escapeHtml);
}

function pushChars(toks: Tok[], text: string, esc: (c: string) => string): void {
  // Iterate by code point so an emoji's surrogate pair is never split.
  for (const ch of text) toks.push({ s: esc(ch), brk: ch === '\n' ? 1 : 0 });
}

/** Merges an opening tag, its text and its closing tag into one token so no split can fall inside. */
function glueTags(toks: Tok[]): Tok[] {
  const out: Tok[] = [];
  let open: string | null = null;
  for (const t of toks) {
    if (t.open) open = t.s;
    else if (open !== null) {
      open += t.s;
      if (t.close) {
        out.push({ s: open, brk: 0 });
        open = null;
      }
    } else out.push(t);
  }
  if (open !== null) out.push({ s: open, brk: 0 });
  return out;
}

/**
 * Greedy packing: fill a message up to `max`, then cut at the last paragraph break if that
 * leaves the message at least half full, else at the last line break, else at the last
 * paragraph break, else between two tokens. A single token longer than `max` (a huge URL)
 * goes alone rather than being cut.
 */
/** A line that is only a link stays with the line above it (an item and its link are never split apart). */
function glueLinkLines(toks: Tok[]): void {
  for (let i = 0; i < toks.length; i++) {
    if (!/^https?:\/\//.test(toks[i]!.s)) continue;
    let j = i - 1;
    while (j >= 0 && toks[j]!.s === ' ') j--;
    if (j >= 0 && toks[j]!.s === '\n') toks[j]!.brk = 0;
  }
}

function pack(toks: Tok[], max: number): string[] {
  glueLinkLines(toks);
  const out: string[] = [];
  let start = 0;
  while (start < toks.length) {
    let len = 0;
    let lastPara = -1;
    let lastLine = -1;
    let paraLen = 0;
    let i = start;
    while (i < toks.length && len + toks[i]!.s.length <= max) {
      len += toks[i]!.s.length;
      if (toks[i]!.brk === 2) {
        lastPara = i;
        paraLen = len;
      } else if (toks[i]!.brk === 1) lastLine = i;
      i++;
    }
    let end: number;
    if (i >= toks.length) end = toks.length;
    else if (lastPara >= 0 && paraLen >= max / 2) end = lastPara + 1;
    else if (lastLine >= 0 || lastPara >= 0) end = Math.max(lastLine, lastPara) + 1;
    else end = Math.max(i, start + 1);
    const text = toks
      .slice(start, end)
      .map((t) => t.s)
      .join('')
      .trim();
    if (text) out.push(text);
    start = end;
  }
  return out;
}
