import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { createChatCore } from '../src/chat/core.ts';
import { openChatStore } from '../src/chat/store.ts';
import type { HttpRequest, HttpResponse, HttpRoute } from '../src/chat/channel.ts';
import type { ChatCore } from '../src/chat/types.ts';
import type { Config } from '../src/config.ts';
import { createMpRoutes, MORE_HINT, NO_MORE_TEXT, PENDING_TEXT, type MpHandlerOptions } from '../bots/wechat-mp/handler.ts';
import { wechatMpChannel } from '../bots/wechat-mp/index.ts';
import { mpSignature } from '../bots/wechat-mp/signature.ts';
import { cdata, textReplyXml } from '../bots/wechat-mp/xml.ts';
import { buildServer } from '../src/server/app.ts';

const TOKEN = 'policybotTestToken1';
const OA = 'gh_0123456789ab';
const QUESTION_HTTP = '创业担保贷款的期限是多长？';

let t: TestEngine;
let config: Config;
let core: ChatCore & { close(): Promise<void> };

/** Counts the messages that reach the core (the platform retries must not add any). */
function counting(inner: ChatCore, delayMs = 0): ChatCore & { calls: number } {
  const wrapped = {
    calls: 0,
    async handleMessage(msg: Parameters<ChatCore['handleMessage']>[0]) {
      wrapped.calls++;
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return inner.handleMessage(msg);
    },
    handleCallback: inner.handleCallback.bind(inner),
    recordFeedback: inner.recordFeedback.bind(inner),
    markProcessed: inner.markProcessed.bind(inner),
    close: inner.close.bind(inner),
  };
  return wrapped;
}

function routes(chat: ChatCore, extra: Partial<MpHandlerOptions> = {}): { get: HttpRoute; post: HttpRoute; drain: () => Promise<void> } {
  const rs = createMpRoutes({ config, logger: t.logger, chat, ...extra });
  return { get: rs.find((r) => r.method === 'GET')!, post: rs.find((r) => r.method === 'POST')!, drain: rs.drain };
}

let nonceSeq = 0;
function signedQuery(token = TOKEN, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  const nonce = String(1000000 + ++nonceSeq);
  return { signature: mpSignature(token, timestamp, nonce), timestamp, nonce, openid: 'oUser' };
}

function request(method: 'GET' | 'POST', query: Record<string, string>, body = ''): HttpRequest {
  return { method, path: '/wechat-mp', headers: { 'content-type': 'text/xml' }, query, body, ip: '127.0.0.1' };
}

let msgSeq = 7000000000000000000n;
/** A message as the platform sends it (CDATA-wrapped strings, 64-bit MsgId). */
function incomingXml(fields: { from: string; type: string; msgId?: string | null; [k: string]: string | null | undefined }): string {
  const { from, type, msgId, ...rest } = fields;
  const id = msgId === undefined ? String(++msgSeq) : msgId;
  const extra = Object.entries(rest)
    .map(([k, v]) => `<${k}>${cdata(v ?? '')}</${k}>`)
    .join('');
  return (
    `<xml><ToUserName>${cdata(OA)}</ToUserName><FromUserName>${cdata(from)}</FromUserName>` +
    `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata(type)}</MsgType>${extra}` +
    (id ? `<MsgId>${id}</MsgId>` : '') +
    '</xml>'
  );
}

const parser = new XMLParser({ parseTagValue: false, processEntities: false });
function replyOf(res: HttpResponse): { ToUserName: string; FromUserName: string; CreateTime: string; MsgType: string; Content: string } {
  expect(res.status).toBe(200);
  expect(res.headers?.['content-type']).toMatch(/xml/);
  return (parser.parse(res.body) as { xml: ReturnType<typeof replyOf> }).xml;
}

async function post(route: HttpRoute, body: string): Promise<HttpResponse> {
  return route.handle(request('POST', signedQuery(), body));
}

beforeAll(async () => {
  t = await testEngine({ WECHAT_MP_TOKEN: TOKEN, PUBLIC_BASE_URL: 'https://bot.example.cn' });
  config = t.config;
  core = createChatCore({ config, logger: t.logger, engine: t.engine });
}, 60_000);

afterAll(async () => {
  await core?.close();
  t?.cleanup();
});

describe('公众号 URL verification (GET)', () => {
  it('echoes echostr for a correct signature', async () => {
    const { get } = routes(core);
    const res = await get.handle(request('GET', { ...signedQuery(), echostr: '5837397520951471712' }));
    expect(res.status).toBe(200);
    expect(res.body).toBe('5837397520951471712');
  });

  it('refuses a wrong token, a tampered timestamp and missing parameters', async () => {
    const { get } = routes(core);
    const wrong = await get.handle(request('GET', { ...signedQuery('someOtherToken'), echostr: 'x1' }));
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
    expect(wrong.body).not.toContain('x1');
    const q = signedQuery();
    const tampered = await get.handle(request('GET', { ...q, timestamp: String(Number(q['timestamp']) + 1), echostr: 'x2' }));
    expect(tampered.status).toBe(403);
    const missing = await get.handle(request('GET', { echostr: 'x3' }));
    expect(missing.status).toBe(403);
    // A correctly signed verification an hour old is refused too.
    const stale = await get.handle(request('GET', { ...signedQuery(TOKEN, String(Math.floor(Date.now() / 1000) - 3600)), echostr: 'x4' }));
    expect(stale.status).toBe(403);
  });
});

describe('公众号 messages (POST)', () => {
  it('answers a dev-set question with a passive XML reply citing paragraphs', async () => {
    const chat = counting(core);
    const { post: route } = routes(chat);
    const res = await post(route, incomingXml({ from: 'oUserA', type: 'text', Content: '新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？' }));
    const xml = replyOf(res);
    expect(xml.ToUserName).toBe('oUserA');
    expect(xml.FromUserName).toBe(OA);
    expect(xml.MsgType).toBe('text');
    expect(Math.abs(Number(xml.CreateTime) - Date.now() / 1000)).toBeLessThan(10);
    expect(xml.Content).toContain('100元');
    expect(xml.Content).toMatch(/\[1\]/);
    expect(xml.Content).toMatch(/https:\/\/bot\.example\.cn\/docs\/[^\s#]+#p\d+/);
    expect(Buffer.byteLength(xml.Content)).toBeLessThanOrEqual(2048);
    expect(chat.calls).toBe(1);
  });

  it('rejects a POST with a bad or stale signature without asking the core', async () => {
    const chat = counting(core);
    const { post: route } = routes(chat);
    const body = incomingXml({ from: 'oUserB', type: 'text', Content: '失业保险金怎么领取？' });
    const bad = await route.handle(request('POST', signedQuery('wrongToken'), body));
    expect(bad.status).toBe(403);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const stale = await route.handle(request('POST', signedQuery(TOKEN, old), body));
    expect(stale.status).toBe(403);
    expect(chat.calls).toBe(0);
  });

  it('processes a retried MsgId once and sends the same reply', async () => {
    const chat = counting(core);
    const { post: route } = routes(chat);
    const body = incomingXml({ from: 'oUserC', type: 'text', Content: '灵活就业人员的社会保险补贴给哪些人？', msgId: '6998877665544332211' });
    const first = replyOf(await post(route, body));
    const second = replyOf(await post(route, body));
    const third = replyOf(await post(route, body));
    expect(chat.calls).toBe(1);
    expect(second.Content).toBe(first.Content);
    expect(third.Content).toBe(first.Content);
    expect(first.Content).toMatch(/#p\d+/);
  });

  it('refuses a signed URL replayed with another body; the platform retry (same nonce, same body) still gets its reply', async () => {
    const chat = counting(core);
    const { post: route } = routes(chat);
    const q = signedQuery();
    const body = incomingXml({ from: 'oUserR', type: 'text', Content: '失业保险金怎么领取？' });
    const first = replyOf(await route.handle(request('POST', q, body)));
    const retry = replyOf(await route.handle(request('POST', q, body)));
    expect(retry.Content).toBe(first.Content);
    const forged = await route.handle(request('POST', q, incomingXml({ from: 'oAttacker', type: 'text', Content: '创业担保贷款的额度是多少？' })));
    expect(forged.status).toBe(403);
    expect(chat.calls).toBe(1);
  });

  it('keys duplicates by sender and MsgId: another user with the same MsgId gets an answer of their own', async () => {
    const chat = counting(core);
    const { post: route } = routes(chat);
    const id = '6998877665544339999';
    const x = replyOf(await post(route, incomingXml({ from: 'oUserX', type: 'text', Content: '创业担保贷款的额度是多少？', msgId: id })));
    const y = replyOf(await post(route, incomingXml({ from: 'oUserY', type: 'text', Content: '失业保险金怎么领取？', msgId: id })));
    expect(y.ToUserName).toBe('oUserY');
    expect(y.Content).not.toBe(x.Content);
    expect(chat.calls).toBe(2);
  });

  it('does not answer a MsgId again after a restart (processed ids are stored)', async () => {
    const chat = counting(core);
    const body = incomingXml({ from: 'oUserD', type: 'text', Content: '创业担保贷款的期限是多长？', msgId: '6998877665544330001' });
    replyOf(await post(routes(chat).post, body));
    // A fresh handler has no memory of the reply; the store still knows the id.
    const again = await post(routes(chat).post, body);
    expect(again.body).toBe('success');
    expect(chat.calls).toBe(1);
  });

  it('a retry after a restart gets the reply kept in the chat store, without asking the core again', async () => {
    const chat = counting(core);
    // The real core's kept replies (the counting wrapper above leaves them out).
    const keeping: ChatCore = { ...chat, handleMessage: (m) => chat.handleMessage(m), getReply: core.getReply!.bind(core), saveReply: core.saveReply!.bind(core) };
    const body = incomingXml({ from: 'oUserK', type: 'text', Content: '创业担保贷款的期限是多长？', msgId: '6998877665544330002' });
    const first = replyOf(await post(routes(keeping).post, body));
    // Let the reply be kept (it is written after the reply goes out).
    await new Promise((r) => setTimeout(r, 100));
    const again = replyOf(await post(routes(keeping).post, body));
    expect(again.Content).toBe(first.Content);
    expect(chat.calls).toBe(1);
  });

  it('answers 400 to a malformed body', async () => {
    const { post: route } = routes(core);
    for (const body of ['<xml><ToUserName>oops</xml>', 'not xml at all', '', '<other><a>1</a></other>']) {
      const res = await post(route, body);
      expect(res.status, body).toBe(400);
    }
    const dtd = await post(route, '<!DOCTYPE xml [<!ENTITY a "b">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><MsgType>text</MsgType></xml>');
    expect(dtd.status).toBe(400);
  });

  it('welcomes a new follower and ignores unsubscribe', async () => {
    const { post: route } = routes(core);
    const welcome = replyOf(await post(route, incomingXml({ from: 'oUserE', type: 'event', msgId: null, Event: 'subscribe' })));
    expect(welcome.ToUserName).toBe('oUserE');
    expect(welcome.Content).toContain('人社政策问答助手');
    const bye = await post(route, incomingXml({ from: 'oUserE', type: 'event', msgId: null, Event: 'unsubscribe' }));
    expect(bye.status).toBe(200);
    expect(bye.body).toBe('success');
  });

  it('tells the sender of an image that only text is supported; unknown types get no reply', async () => {
    const { post: route } = routes(core);
    const img = replyOf(await post(route, incomingXml({ from: 'oUserF', type: 'image', PicUrl: 'http://mmbiz.qpic.cn/x', MediaId: 'm1' })));
    expect(img.Content).toContain('目前只支持文字提问');
    const odd = await post(route, incomingXml({ from: 'oUserF', type: 'miniprogrampage', Title: 'x' }));
    expect(odd.body).toBe('success');
  });

  it('sends a long reply in parts: the first with the 更多 hint, the rest on 「更多」', async () => {
    const { post: route } = routes(core);
    const first = replyOf(await post(route, incomingXml({ from: 'oUserG', type: 'text', Content: '/sources' })));
    expect(first.Content.endsWith(MORE_HINT)).toBe(true);
    expect(Buffer.byteLength(first.Content)).toBeLessThanOrEqual(2048);
    const parts = [first.Content.slice(0, -MORE_HINT.length)];
    for (let i = 0; i < 10; i++) {
      const next = replyOf(await post(route, incomingXml({ from: 'oUserG', type: 'text', Content: '更多' })));
      expect(Buffer.byteLength(next.Content)).toBeLessThanOrEqual(2048);
      if (!next.Content.endsWith(MORE_HINT)) {
        parts.push(next.Content);
        break;
      }
      parts.push(next.Content.slice(0, -MORE_HINT.length));
    }
    expect(parts.length).toBeGreaterThan(1);
    const all = parts.join('\n');
    // Every document the engine knows is listed once the parts are put together.
    for (const d of t.engine.documents) expect(all).toContain(d.title);
    const done = replyOf(await post(route, incomingXml({ from: 'oUserG', type: 'text', Content: '更多' })));
    expect(done.Content).toBe(NO_MORE_TEXT);
  });

  it('「更多」 that reaches another instance on the same store continues the same long answer', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-mp-pages-'));
    const file = path.join(dir, 'chat.sqlite');
    const a = createChatCore({ config: { ...config, worker: 1 }, logger: t.logger, engine: t.engine, store: openChatStore(file) });
    const b = createChatCore({ config: { ...config, worker: 2 }, logger: t.logger, engine: t.engine, store: openChatStore(file) });
    const ra = routes(a);
    const rb = routes(b);
    try {
      const first = replyOf(await post(ra.post, incomingXml({ from: 'oUserP', type: 'text', Content: '/sources' })));
      expect(first.Content.endsWith(MORE_HINT)).toBe(true);
      await ra.drain();
      const second = replyOf(await post(rb.post, incomingXml({ from: 'oUserP', type: 'text', Content: '更多' })));
      expect(second.Content).not.toBe(NO_MORE_TEXT);
      // The page after the first, not the first again.
      expect(second.Content).not.toBe(first.Content);
      expect(t.engine.documents.some((d) => second.Content.includes(d.title))).toBe(true);
      await rb.drain();
      // And back on the first instance, the page after that (not the one it still has in memory).
      const third = replyOf(await post(ra.post, incomingXml({ from: 'oUserP', type: 'text', Content: '更多' })));
      expect(third.Content).not.toBe(second.Content);
    } finally {
      await a.close();
      await b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replies 正在查询 within the deadline and gives the finished answer when the question is resent', async () => {
    const slow = counting(core, 400);
    const { post: route } = routes(slow, { replyWithinMs: 100 });
    const q = '创业担保贷款财政贴息多少？';
    const started = Date.now();
    const first = replyOf(await post(route, incomingXml({ from: 'oUserH', type: 'text', Content: q })));
    expect(Date.now() - started).toBeLessThan(350);
    expect(first.Content).toBe(PENDING_TEXT);
    await new Promise((r) => setTimeout(r, 600));
    const resent = replyOf(await post(route, incomingXml({ from: 'oUserH', type: 'text', Content: q })));
    expect(resent.Content).toMatch(/#p\d+/);
    expect(slow.calls).toBe(1);
  });

  it('stopping waits for an answer still being produced after its 正在查询 reply', async () => {
    const slow = counting(core, 400);
    const { post: route, drain } = routes(slow, { replyWithinMs: 50 });
    const first = replyOf(await post(route, incomingXml({ from: 'oUserD', type: 'text', Content: '失业保险金怎么领取？' })));
    expect(first.Content).toBe(PENDING_TEXT);
    let finished = false;
    const stopped = drain().then(() => (finished = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(finished).toBe(false);
    await stopped;
    expect(finished).toBe(true);
  });

  it('keeps CDATA intact when the content contains "]]>"', () => {
    const content = '条件：a]]>b <xml> & ]]]]> 结束';
    const xml = textReplyXml({ ToUserName: OA, FromUserName: 'oUserI' }, content);
    const parsed = (new XMLParser({ parseTagValue: false, processEntities: false }).parse(xml) as { xml: { Content: string; ToUserName: string } }).xml;
    expect(parsed.Content).toBe(content);
    expect(parsed.ToUserName).toBe('oUserI');
  });
});

describe('公众号 channel module', () => {
  it('is configured by WECHAT_MP_TOKEN and mounts GET and POST at the path', async () => {
    expect(wechatMpChannel.isConfigured(config)).toBe(true);
    expect(wechatMpChannel.isConfigured({ ...config, wechatMp: { ...config.wechatMp, token: null } })).toBe(false);
    expect(wechatMpChannel.howToEnable).toContain('WECHAT_MP_TOKEN');
    const running = await wechatMpChannel.start({ config, logger: t.logger, engine: t.engine, chat: core });
    expect(running.summary).toContain('https://bot.example.cn/wechat-mp');
    expect(running.summary).not.toContain(TOKEN);
    expect(running.routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /wechat-mp', 'POST /wechat-mp']);
    await running.stop();
  });
});

describe('公众号 through the web server (real HTTP)', () => {
  it('verifies the URL and answers a text message over HTTP', async () => {
    const running = await wechatMpChannel.start({ config, logger: t.logger, engine: t.engine, chat: core });
    const { app } = await buildServer({ config, logger: t.logger, engine: t.engine, chat: core, routes: running.routes });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const q = new URLSearchParams({ ...signedQuery(), echostr: '1234567890123' });
      const echo = await fetch(`${base}/wechat-mp?${q}`);
      expect(echo.status).toBe(200);
      expect(await echo.text()).toBe('1234567890123');

      const body = incomingXml({ from: 'oUserHttp', type: 'text', Content: QUESTION_HTTP });
      const res = await fetch(`${base}/wechat-mp?${new URLSearchParams(signedQuery())}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body,
      });
      expect(res.status).toBe(200);
      const xml = replyOf({ status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? '' }, body: await res.text() });
      expect(xml.ToUserName).toBe('oUserHttp');
      expect(xml.Content).toMatch(/\/docs\/[^\s#]+#p\d+/);

      const forged = await fetch(`${base}/wechat-mp?${new URLSearchParams(signedQuery('forged'))}`, { method: 'POST', body });
      expect(forged.status).toBe(403);

      // Malformed XML is a 4xx, and the server keeps serving: the next message is answered.
      const broken = await fetch(`${base}/wechat-mp?${new URLSearchParams(signedQuery())}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: '<xml><ToUserName><![CDATA[gh_x]]></ToUserName><MsgType>text</Ms',
      });
      expect(broken.status).toBeGreaterThanOrEqual(400);
      expect(broken.status).toBeLessThan(500);
      const again = await fetch(`${base}/wechat-mp?${new URLSearchParams(signedQuery())}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: incomingXml({ from: 'oUserHttp2', type: 'text', Content: QUESTION_HTTP }),
      });
      expect(again.status).toBe(200);
      expect(replyOf({ status: again.status, headers: { 'content-type': again.headers.get('content-type') ?? '' }, body: await again.text() }).ToUserName).toBe('oUserHttp2');
    } finally {
      await app.close();
      await running.stop();
    }
  });
});
