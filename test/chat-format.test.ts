import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { createChatCore } from '../src/chat/core.ts';
import { openChatStore } from '../src/chat/store.ts';
import { renderPlain, renderTelegramHtml } from '../src/chat/format.ts';
import type { ChatCore, ChatReply } from '../src/chat/types.ts';

let t: TestEngine;
let core: ChatCore;
let answer: ChatReply;

beforeAll(async () => {
  t = await testEngine();
  core = createChatCore({ config: t.config, logger: t.logger, engine: t.engine, store: openChatStore(':memory:') });
  // A question about 城阳区 that cites documents with issuer, date and 文号 and carries warnings.
  answer = (await core.handleMessage({
    channel: 'telegram',
    userId: 'u',
    chatId: 'c',
    text: '城阳区离校未就业高校毕业生有什么支持？',
    kind: 'text',
    isGroup: false,
    mentioned: false,
  }))!;
}, 120_000);

afterAll(() => t.cleanup());

/** A long answer: the real body repeated until it is far beyond one Telegram message. */
function longReply(base: ChatReply, times: number): ChatReply {
  return { ...base, text: Array.from({ length: times }, () => base.text).join('\n\n') };
}

/** Balanced, complete tags and entities in one Telegram HTML message. */
function expectWellFormed(html: string): void {
  const opens = html.match(/<a href="[^"]*">/g) ?? [];
  const closes = html.match(/<\/a>/g) ?? [];
  expect(opens.length).toBe(closes.length);
  expect((html.match(/<b>/g) ?? []).length).toBe((html.match(/<\/b>/g) ?? []).length);
  // No stray < or > outside the tags we emit, and no cut entity.
  expect(html.replace(/<a href="[^"]*">|<\/a>|<\/?b>/g, '')).not.toMatch(/[<>]/);
  expect(html).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
}

describe('renderTelegramHtml', () => {
  it('links [n] markers to the cited paragraphs and lists the sources with their links', () => {
    expect(answer.kind).toBe('answer');
    const [first, ...rest] = renderTelegramHtml(answer);
    const html = first!;
    expect(rest).toEqual([]);
    const c1 = answer.citations[0]!;
    expect(c1.url).toMatch(/\/docs\/[^#]+#p\d+$/);
    expect(html).toContain(`<a href="${c1.url}">[1]</a>`);
    // Each source names its paragraph, so sources of one document differ.
    expect(html).toContain(`<a href="${c1.url}">${c1.title} · ${c1.label}</a>（${c1.issuer}，${c1.date}，${c1.docNumber}）`);
    // Body first, then warnings, then sources.
    const w = answer.warnings[0]!;
    expect(html.indexOf('⚠️')).toBeGreaterThan(html.indexOf('[1]</a>'));
    expect(html).toContain(w.message.slice(0, 10));
    expect(html.indexOf('<b>来源</b>')).toBeGreaterThan(html.lastIndexOf('⚠️'));
    expectWellFormed(html!);
  });

  it('escapes user text: a <script> given as a region is shown, not interpreted', async () => {
    const r = (await core.handleMessage({ channel: 'telegram', userId: 'x', chatId: 'x', text: '/region <script>alert("x&y")</script>', kind: 'text', isGroup: false, mentioned: false }))!;
    const html = renderTelegramHtml(r).join('\n');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;');
    expectWellFormed(html);
  });

  it('escapes corpus text and titles too', () => {
    const c = { ...answer.citations[0]!, title: '关于<b>"补贴"</b> & 其他', issuer: 'A&B', label: '第<一>条' };
    const r: ChatReply = { ...answer, text: 'x < y & [1] > z', citations: [c], warnings: [] };
    const [html] = renderTelegramHtml(r);
    expect(html).toContain(`x &lt; y &amp; <a href="${c.url}">[1]</a> &gt; z`);
    expect(html).toContain('关于&lt;b&gt;&quot;补贴&quot;&lt;/b&gt; &amp; 其他 · 第&lt;一&gt;条</a>（A&amp;B，');
    expectWellFormed(html!);
  });

  it('a long answer splits under 4096 characters at paragraph boundaries without breaking a link', () => {
    const r = longReply(answer, 40);
    const messages = renderTelegramHtml(r);
    expect(messages.length).toBeGreaterThan(2);
    for (const m of messages) {
      expect(m.length).toBeLessThan(4096);
      expectWellFormed(m);
    }
    // Nothing lost: every marker link of the body and every source appears.
    const all = messages.join('\n\n');
    const markerCount = (r.text.match(/\[\d+\]/g) ?? []).length;
    expect((all.match(/">\[\d+\]<\/a>/g) ?? []).length).toBe(markerCount);
    for (const c of answer.citations) expect(all).toContain(`<a href="${c.url}">${c.title} · ${c.label}</a>`);
    // Splits fall only on blank lines between paragraphs: joining the messages gives back the unsplit text.
    expect(messages.join('\n\n')).toBe(renderTelegramHtml(r, { maxChars: 1e9 })[0]);
  });

  it('a reply without citations is just escaped text', () => {
    const r: ChatReply = { kind: 'command', text: '1 < 2', answer: null, citations: [], warnings: [], buttons: [], answerId: null };
    expect(renderTelegramHtml(r)).toEqual(['1 &lt; 2']);
  });
});

describe('splitting a list with links', () => {
  it('never puts an item\'s link at the top of the next part (Telegram)', () => {
    const items = Array.from({ length: 40 }, (_, i) => `• 补贴措施第${i + 1}项：每人每月${300 + i}元\n  http://localhost:3000/docs/doc-${i}#p${i + 3}`);
    const reply: ChatReply = { kind: 'command', text: items.join('\n'), answer: null, citations: [], warnings: [], buttons: [], answerId: null };
    const parts = renderTelegramHtml(reply, { maxChars: 500 });
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(p.trimStart()).not.toMatch(/^https?:/);
    expect(parts.join('\n').match(/docs\/doc-/g)).toHaveLength(40);
  });
});

describe('renderPlain', () => {
  it('gives a list with a link per item (the /check results) short numbered links, the addresses once at the end', () => {
    const text = ['【可以申请】2项', '• 一次性创业补贴：5000元', '  http://localhost:3000/docs/a#p3', '• 创业担保贷款：最高30万元', '  http://localhost:3000/docs/b#p7', '【还需确认】1项', '• 场地租金补贴', '  http://localhost:3000/docs/a#p3'].join('\n');
    const reply: ChatReply = { kind: 'command', text, answer: null, citations: [], warnings: [], buttons: [], answerId: null };
    const out = renderPlain(reply).join('\n');
    expect(out).toContain('• 一次性创业补贴：5000元 〔1〕');
    expect(out).toContain('• 创业担保贷款：最高30万元 〔2〕');
    // The same paragraph keeps its number.
    expect(out).toContain('• 场地租金补贴 〔1〕');
    expect(out).toMatch(/链接：\n〔1〕http:\/\/localhost:3000\/docs\/a#p3\n〔2〕http:\/\/localhost:3000\/docs\/b#p7$/);
    expect(out.match(/docs\/a#p3/g)).toHaveLength(1);
  });

  it('body, then ⚠️ warnings, then numbered sources with metadata and links', () => {
    const [text, ...rest] = renderPlain(answer, { maxChars: 10_000 });
    expect(rest).toEqual([]);
    const c1 = answer.citations[0]!;
    expect(text!.startsWith(answer.text.trim())).toBe(true);
    const warnAt = text!.indexOf(`⚠️ ${answer.warnings[0]!.message}`);
    expect(warnAt).toBeGreaterThan(answer.text.length - 5);
    const src = `[1] ${c1.title} · ${c1.label}（${c1.issuer}，${c1.date}，${c1.docNumber}）\n${c1.url}`;
    expect(text!.indexOf(src)).toBeGreaterThan(warnAt);
  });

  it('splits below maxChars at line boundaries and never inside a URL', () => {
    for (const max of [120, 300, 600]) {
      const messages = renderPlain(longReply(answer, 3), { maxChars: max });
      expect(messages.length).toBeGreaterThan(1);
      for (const m of messages) expect(m.length).toBeLessThanOrEqual(max);
      const urls = messages.join('\n').match(/https?:\/\/\S+/g) ?? [];
      expect(urls.length).toBe(answer.citations.length);
      for (const u of urls) expect(answer.citations.map((c) => c.url)).toContain(u);
    }
  });
});
