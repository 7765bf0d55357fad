import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createChatCore } from '../src/chat/core.ts';
import { buildServer } from '../src/server/app.ts';
import { startServer, type ListeningServer } from '../src/server/start.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { freePort } from './helpers/net.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts');
const DEV_SET = path.join(import.meta.dirname, '..', '..', 'shared', 'eval', 'dev.jsonl');
const XSS_FILE = 'zz-browser-xss.md';

/** The first answerable question of the shared dev set, or a known one when the set is absent. */
function devQuestion(): string {
  if (fs.existsSync(DEV_SET)) {
    for (const line of fs.readFileSync(DEV_SET, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const item = JSON.parse(line) as { q?: string; gold?: string[]; abstain?: boolean };
      if (item.q && item.gold?.length && !item.abstain) return item.q;
    }
  }
  return '创业担保贷款的额度是多少？';
}

/** Page problems a person would not see but that break things: script errors, CSP violations. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return problems;
}

/** Types a question into the web chat, sends it, and waits for a reply that cites sources. */
async function askInPage(page: Page, question: string) {
  await page.fill('#question', question);
  await page.click('#send');
  const answer = page.locator('.msg.bot').last();
  await answer.locator('a.cite').first().waitFor({ timeout: 15_000 });
  return answer;
}

/** How far the page scrolls sideways (0 or less: it fits the screen). */
function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe.skipIf(!HAS_CHROMIUM)(`web chat in a real browser${HAS_CHROMIUM ? '' : ` (skipped: ${CHROMIUM} is not installed; .ci/run installs Debian's chromium)`}`, () => {
  let t: TestEngine;
  let chat: ReturnType<typeof createChatCore>;
  let server: ListeningServer;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await testEngine(
      { PUBLIC_BASE_URL: base },
      { files: { [XSS_FILE]: '---\ntitle: 脚本测试\n---\n第一段<script>alert(1)</script><img src=x onerror=alert(2)>结束。\n' } },
    );
    chat = createChatCore({ config: t.config, logger: t.logger, engine: t.engine });
    const { app } = await buildServer({ config: t.config, logger: t.logger, engine: t.engine, chat });
    server = await startServer(app, { host: '127.0.0.1', port });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await chat?.close();
    t?.cleanup();
  });

  it('a refusal shows the closest provisions under their label, as links, and says how the question was read', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems = watch(page);
    await page.goto(`${base}/`);
    await page.fill('#question', '我在北京，上个月被公司裁了，北京现在失业金每个月发多少钱？');
    await page.click('#send');
    const reply = page.locator('.msg.bot').last();
    await reply.locator('.related-heading').waitFor({ timeout: 15_000 });
    await expect(reply.locator('.related-heading').textContent()).resolves.toBe('相关规定（不是对您问题的直接回答）');
    await expect(reply.locator('.sources.related li a.source-link').count()).resolves.toBeGreaterThan(0);
    await expect(reply.locator('.text').textContent()).resolves.toContain('北京市');
    // A refusal cites nothing: no [n] markers in its text.
    await expect(reply.locator('a.cite').count()).resolves.toBe(0);
    const answer = await askInPage(page, '刚在广州被公司裁了，失业金现在一个月到底能领多少？急');
    await expect(answer.locator('.understood').textContent()).resolves.toContain('失业保险金');
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-chat-related-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps the conversation across a reload and Back, and 清空对话 clears it', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems = watch(page);
    await page.goto(`${base}/`);
    const answer = await askInPage(page, '创业担保贷款的额度是多少？');
    const text = await answer.locator('.text').textContent();
    // The whole new answer is scrolled into view above the sticky question box (the scroll is smooth:
    // it is measured once it has settled).
    const gap = async () => {
      const box = await answer.boundingBox();
      const form = await page.locator('#ask-form').boundingBox();
      return form!.y + 1 - (box!.y + box!.height);
    };
    await expect.poll(gap, { timeout: 3000 }).toBeGreaterThanOrEqual(0);
    await page.reload();
    await expect(page.locator('.msg.user').last().textContent()).resolves.toBe('创业担保贷款的额度是多少？');
    await expect(page.locator('.msg.bot .text').last().textContent()).resolves.toBe(text);
    // Open a document, come Back: still there.
    await page.goto(await page.locator('.msg.bot a.source-link').first().getAttribute('href') as string);
    await page.goBack();
    await expect(page.locator('.msg.bot .text').last().textContent()).resolves.toBe(text);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-chat-history-phone.png'), fullPage: true });
    await page.click('#clear');
    await expect(page.locator('#chat .msg').count()).resolves.toBe(0);
    await page.reload();
    await expect(page.locator('#chat .msg').count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('/check ends in result cards with tappable 查看原文 links, on a phone without sideways scroll', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems = watch(page);
    await page.goto(`${base}/`);
    await page.fill('#question', '我今年毕业，在广州跑外卖');
    await page.click('#send');
    await page.locator('.msg.bot').last().waitFor({ timeout: 15_000 });
    await page.fill('#question', '/check');
    await page.click('#send');
    for (let i = 0; i < 10 && (await page.locator('.check-results').count()) === 0; i++) {
      const options = page.locator('.msg.bot').last().locator('button.choice:not([disabled])');
      await options.first().waitFor({ timeout: 15_000 });
      const n = await options.count();
      // The last option before 跳过 / 重新开始 (or 查看不符合).
      await options.nth(Math.max(0, n - 3)).click();
      await page.waitForTimeout(200);
    }
    const results = page.locator('.check-results').last();
    await results.waitFor({ timeout: 15_000 });
    await expect(results.locator('.check-facts').textContent()).resolves.toContain('根据您说的');
    await expect(results.locator('.check-card').count()).resolves.toBeGreaterThan(0);
    const link = results.locator('a.check-link').first();
    await expect(link.getAttribute('href')).resolves.toMatch(new RegExp(`^${base}/docs/[^#]+#p\\d+$`));
    const overflow = await sidewaysScroll(page);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-check-cards-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('/measures filters by kind and searches, as a form', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems = watch(page);
    await page.goto(`${base}/measures`);
    const all = await page.locator('ul.measures li').count();
    await page.selectOption('select[name="kind"]', 'loan');
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL(/kind=loan/);
    const loans = await page.locator('ul.measures li').count();
    expect(loans).toBe(t.engine.measures.filter((m) => m.kind === 'loan').length);
    expect(loans).toBeLessThan(all);
    await expect(page.locator('.card').first().textContent()).resolves.toMatch(/筛选出 \d+ 项（共 \d+ 项）/);
    const overflow = await sidewaysScroll(page);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'measures-filter-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('suggests next questions the documents answer, and 👎 asks for a reason', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watch(page);
    await page.goto(`${base}/`);
    const answer = await askInPage(page, '创业担保贷款的额度是多少？');
    const chips = answer.locator('.suggestions .suggestion');
    const n = await chips.count();
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(3);
    const suggestion = (await chips.first().textContent())!;
    // 复制 puts the answer and its sources on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await answer.locator('button.copy').click();
    await answer.locator('.feedback-status', { hasText: '已复制' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain((await answer.locator('.text').textContent())!.slice(0, 20));
    expect(copied).toMatch(/来源：\n\[1\] 《.+》.*http/);
    // 👎 → a reason → stored with the vote.
    await answer.locator('button.vote-down').click();
    await answer.locator('.why button', { hasText: '没回答我的问题' }).click();
    await answer.locator('.feedback-status', { hasText: '谢谢您的反馈' }).waitFor();
    expect((await chat.store.listFeedback()).some((r) => r.vote === 'down' && r.comment === '没回答我的问题')).toBe(true);
    // The suggestion is sent as a follow-up about the same topic, and answered with citations.
    await chips.first().click();
    await expect(page.locator('.msg.user').last().textContent()).resolves.toBe(suggestion);
    const next = page.locator('.msg.bot').nth(1);
    await next.locator('a.cite').first().waitFor({ timeout: 15_000 });
    await expect(next.locator('.understood').textContent()).resolves.toContain('创业担保贷款');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('asks, shows a cited answer, and a citation opens the document at the highlighted paragraph', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watch(page);
    await page.goto(`${base}/`);
    await expect(page.locator('.chip').count()).resolves.toBeGreaterThan(0);

    const question = devQuestion();
    const answer = await askInPage(page, question);
    await expect(page.locator('.msg.user').last().textContent()).resolves.toBe(question);
    await expect(answer.locator('.sources li').count()).resolves.toBeGreaterThan(0);
    await expect(answer.locator('.sources li').first().textContent()).resolves.toMatch(/^\[1\] 《.+》/);
    // Warnings of the answer (REGION / DATED / NEWS) are shown, one notice each.
    const expected = await t.engine.ask(question);
    await expect(answer.locator('.warnings .notice').count()).resolves.toBe(expected.warnings.length);
    await expect(answer.locator('.sources li').count()).resolves.toBe(expected.citations.length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-chat-desktop.png'), fullPage: true });

    // 👍 goes to /api/feedback and lands in the chat store.
    await answer.locator('button.vote-up').click();
    await answer.locator('.feedback-status', { hasText: '谢谢您的反馈' }).waitFor();
    const fb = await chat.store.listFeedback();
    expect(fb.some((r) => r.channel === 'web' && r.vote === 'up')).toBe(true);

    const cite = answer.locator('a.cite').first();
    const href = await cite.getAttribute('href');
    expect(href).toMatch(new RegExp(`^${base}/docs/[^#]+#p\\d+$`));
    // Tapping [1] previews the cited paragraph inline, with a link to the whole document.
    await cite.click();
    const preview = answer.locator('.preview');
    await preview.waitFor();
    await expect(preview.locator('.preview-text').textContent()).resolves.toBe(expected.citations[0]!.text);
    await expect(preview.locator('a.preview-full').getAttribute('href')).resolves.toBe(href);
    expect(page.url()).toBe(`${base}/`);
    await cite.click();
    await expect(answer.locator('.preview').count()).resolves.toBe(0);
    await page.goto(href!);
    await page.waitForURL(/\/docs\/[^#]+#p\d+$/);
    const id = decodeURIComponent(new URL(page.url()).hash.slice(1));
    const para = page.locator(`[id="${id}"]`);
    await expect(para.getAttribute('class')).resolves.toContain('is-target');
    // Highlighted by the :target style (not the default transparent background).
    const bg = await para.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe('rgb(255, 243, 176)');
    // Scrolled into view.
    const box = await para.boundingBox();
    const viewport = page.viewportSize()!;
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(viewport.height);
    // The text shown is the document's paragraph.
    const doc = t.engine.document(decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!))!;
    const paragraphText = doc.paragraphs.find((p) => p.id === id)!.text;
    await expect(para.textContent()).resolves.toContain(paragraphText);
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-desktop.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('works on a phone: example chip, no sideways scrolling, readable viewer', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${base}/`);
    await page.locator('.chip').first().click();
    const answer = page.locator('.msg.bot').last();
    await answer.locator('.text').waitFor({ timeout: 15_000 });
    await expect(answer.textContent()).resolves.toMatch(/\S/);
    const overflow = await sidewaysScroll(page);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-chat-phone.png'), fullPage: true });

    const cite = answer.locator('a.cite').first();
    if ((await cite.count()) > 0) {
      // A tap previews the paragraph in the chat; its 查看全文 link opens the viewer at it.
      await cite.tap();
      const full = answer.locator('.preview a.preview-full');
      await full.waitFor();
      const overflowPreview = await sidewaysScroll(page);
      expect(overflowPreview).toBeLessThanOrEqual(0);
      await page.goto((await full.getAttribute('href'))!);
      await page.waitForURL(/#p\d+$/);
      const id = decodeURIComponent(new URL(page.url()).hash.slice(1));
      const box = await page.locator(`[id="${id}"]`).boundingBox();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeLessThan(844);
      await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-phone.png') });
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('policy text with markup is shown as text and runs nothing', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    const doc = t.engine.documents.find((d) => d.file === XSS_FILE)!;
    await page.goto(`${base}/docs/${encodeURIComponent(doc.docId)}#${doc.paragraphs[0]!.id}`);
    await expect(page.locator(`[id="${doc.paragraphs[0]!.id}"]`).textContent()).resolves.toContain('<script>alert(1)</script><img src=x onerror=alert(2)>');
    await expect(page.locator('.doc-body img').count()).resolves.toBe(0);
    await page.waitForTimeout(200);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a server error is shown politely in the chat', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    // Over the 16 KB body limit: the API answers 413 with a message, and the page shows it.
    await page.evaluate(() => {
      const box = document.getElementById('question') as HTMLTextAreaElement;
      box.removeAttribute('maxlength');
      box.value = '长'.repeat(20_000);
    });
    await page.click('#send');
    const err = page.locator('.msg.error').last();
    await err.waitFor({ timeout: 10_000 });
    await expect(err.textContent()).resolves.toContain('请求内容太大');
    await page.close();
  });
});
