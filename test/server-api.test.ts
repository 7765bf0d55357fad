import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerSchema } from '../src/answer/contract.ts';
import { createChatCore } from '../src/chat/core.ts';
import type { HttpRequest, HttpRoute } from '../src/chat/channel.ts';
import { isPolicybotError } from '../src/errors.ts';
import { buildServer, type PolicybotServer } from '../src/server/app.ts';
import { escapeHtml, html, raw } from '../src/server/html.ts';
import { startServer, type ListeningServer } from '../src/server/start.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';

const PUBLIC = 'https://policybot.example.test/pb';
const XSS_FILE = 'zz-xss-test.md';
const XSS_DOC = `---
title: 测试文件<script>alert(1)</script>
issuer: 测试机关<b>粗体</b>
date: 2025-01-01
url: javascript:alert(1)
---
# 一、总则

本段包含<script>alert(1)</script>脚本标记和 "引号" & 符号，应当原样显示为文字。

本办法执行至2025年12月31日。
`;

/** Routes a channel would add: they must see the exact bytes that were sent. */
const seen: HttpRequest[] = [];
const channelRoutes: HttpRoute[] = [
  {
    method: 'POST',
    path: '/hook/test',
    async handle(req) {
      seen.push(req);
      return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8', 'x-echo-length': String(req.body.length) }, body: `<ok>${req.body.length}</ok>` };
    },
  },
  {
    method: 'GET',
    path: '/hook/test',
    async handle(req) {
      return { status: 200, body: req.query.echostr ?? '' };
    },
  },
];

let t: TestEngine;
let chat: ReturnType<typeof createChatCore>;
let srv: PolicybotServer;
let listening: ListeningServer;
let base: string;

async function post(path: string, body: string, contentType = 'application/json', url = base) {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

beforeAll(async () => {
  t = await testEngine({ PUBLIC_BASE_URL: PUBLIC }, { files: { [XSS_FILE]: XSS_DOC } });
  chat = createChatCore({ config: t.config, logger: t.logger, engine: t.engine });
  srv = await buildServer({ config: t.config, logger: t.logger, engine: t.engine, chat, routes: channelRoutes });
  listening = await startServer(srv.app, { host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${listening.port}`;
});

afterAll(async () => {
  await listening?.close();
  await chat?.close();
  t?.cleanup();
});

describe('POST /api/ask', () => {
  it('returns the ask --json contract, citations linking under PUBLIC_BASE_URL', async () => {
    const question = '创业担保贷款的额度是多少？';
    const res = await post('/api/ask', JSON.stringify({ question }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const answer = AnswerSchema.parse(await res.json());
    expect(answer.abstained).toBe(false);
    expect(answer.citations.length).toBeGreaterThan(0);
    for (const c of answer.citations) expect(c.url.startsWith(`${PUBLIC}/docs/`)).toBe(true);
    // Same answer as the engine gives directly (what `ask --json` prints), timings aside.
    const direct = await t.engine.ask(question);
    expect({ ...answer, timingsMs: null }).toEqual({ ...direct, timingsMs: null });
  });

  it('passes the region on', async () => {
    const res = await post('/api/ask', JSON.stringify({ question: '灵活就业人员的社会保险补贴给哪些人？', region: '广州市' }));
    const answer = AnswerSchema.parse(await res.json());
    expect(answer).toEqual({ ...(await t.engine.ask('灵活就业人员的社会保险补贴给哪些人？', { region: '广州市' })), timingsMs: answer.timingsMs });
  });

  it('bad JSON → 400 with a clear Chinese and English message', async () => {
    const res = await post('/api/ask', '{"question": "社保');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('E_BAD_JSON');
    expect(body.error.message).toContain('JSON');
    expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('a missing or mistyped field → 400 naming the field', async () => {
    const res = await post('/api/ask', JSON.stringify({ q: '社保' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('E_BAD_INPUT');
    expect(body.error.message).toContain('question');
  });

  it('an over-long question → 400 saying how long it may be', async () => {
    const res = await post('/api/ask', JSON.stringify({ question: '社保补贴'.repeat(150) }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('E_BAD_QUESTION');
    expect(body.error.message).toContain('问题太长了（600字）');
    expect(body.error.message).toContain('500');
  });

  it('a body over 16 KB → 413', async () => {
    const res = await post('/api/ask', JSON.stringify({ question: '长'.repeat(20_000) }));
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('E_TOO_LARGE');
    expect(body.error.message).toContain('16 KB');
  });

  it('a form post instead of JSON → 415 with a hint', async () => {
    const res = await post('/api/ask', 'question=x', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('application/json');
  });
});

describe('POST /api/chat and /api/feedback', () => {
  const sessionId = 'test-session-0123456789';

  it('answers through the chat core and stores feedback in its SQLite state', async () => {
    const res = await post('/api/chat', JSON.stringify({ question: '领取失业保险金需要满足什么条件？', sessionId }));
    expect(res.status).toBe(200);
    const { reply } = (await res.json()) as { reply: { kind: string; text: string; answerId: string; citations: { url: string }[] } };
    expect(reply.kind).toBe('answer');
    expect(reply.text).toMatch(/\[1\]/);
    expect(reply.answerId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(reply.citations[0]!.url.startsWith(PUBLIC)).toBe(true);

    const fb = await post('/api/feedback', JSON.stringify({ answerId: reply.answerId, vote: 'down', sessionId }));
    expect(fb.status).toBe(200);
    expect(await fb.json()).toEqual({ ok: true });
    const rows = await chat.store.listFeedback(reply.answerId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'web', userId: sessionId, vote: 'down' });
  });

  it('counts one vote per answer from the person it was given to: other session ids cannot stuff the ballot', async () => {
    const res = await post('/api/chat', JSON.stringify({ question: '失业保险金能领多久？', sessionId }));
    const { reply } = (await res.json()) as { reply: { answerId: string } };
    expect((await post('/api/feedback', JSON.stringify({ answerId: reply.answerId, vote: 'up', sessionId }))).status).toBe(200);
    expect((await post('/api/feedback', JSON.stringify({ answerId: reply.answerId, vote: 'down', sessionId }))).status).toBe(200);
    const strangers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => post('/api/feedback', JSON.stringify({ answerId: reply.answerId, vote: 'up', sessionId: `other-session-${i}-0123456789` }))),
    );
    for (const s of strangers) {
      expect(s.status).toBe(403);
      expect(((await s.json()) as { error: { message: string } }).error.message).toContain('只能评价');
    }
    const rows = await chat.store.listFeedback(reply.answerId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: sessionId, vote: 'down' });
  });

  it('rejects a malformed session id and an unknown answer id clearly', async () => {
    const bad = await post('/api/chat', JSON.stringify({ question: '社保', sessionId: '<x>' }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('sessionId');
    const unknown = await post('/api/feedback', JSON.stringify({ answerId: 'AAAAAAAAAAAAAAAA', vote: 'up', sessionId }));
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('找不到这条回答');
    const vote = await post('/api/feedback', JSON.stringify({ answerId: 'AAAAAAAAAAAAAAAA', vote: 'meh', sessionId }));
    expect(vote.status).toBe(400);
  });
});

describe('documents', () => {
  it('GET /api/docs lists every document with its metadata', async () => {
    const res = await fetch(`${base}/api/docs`);
    const { documents } = (await res.json()) as { documents: Array<Record<string, unknown>> };
    expect(documents).toHaveLength(t.engine.documents.length);
    const first = t.engine.documents[0]!;
    expect(documents[0]).toEqual({
      docId: first.docId,
      title: first.title,
      issuer: first.issuer,
      date: first.date,
      docNumber: first.docNumber,
      region: first.region,
      kind: first.kind,
      sourceUrl: first.sourceUrl,
      paragraphCount: first.paragraphs.length,
    });
  });

  it('GET /api/docs/:docId gives the paragraphs; unknown → 404 JSON', async () => {
    const doc = t.engine.documents[1]!;
    const res = await fetch(`${base}/api/docs/${encodeURIComponent(doc.docId)}`);
    const body = (await res.json()) as { paragraphs: Array<{ id: string; text: string; headingPath: string[] }> };
    expect(body.paragraphs.map((p) => p.id)).toEqual(doc.paragraphs.map((p) => p.id));
    expect(body.paragraphs[3]).toMatchObject({ text: doc.paragraphs[3]!.text, headingPath: doc.paragraphs[3]!.headingPath });

    const missing = await fetch(`${base}/api/docs/no-such-doc`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/json/);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('E_NOT_FOUND');
  });

  it('GET /docs/:docId shows metadata and every paragraph under its own id', async () => {
    const answer = await t.engine.ask('创业担保贷款的额度是多少？');
    const c = answer.citations[0]!;
    const res = await fetch(`${base}/docs/${encodeURIComponent(c.docId)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    const doc = t.engine.document(c.docId)!;
    for (const p of doc.paragraphs) expect(page).toContain(`id="${p.id}"`);
    expect(page).toContain(`id="${c.paragraphId}"`);
    if (doc.issuer) expect(page).toContain('发文机关');
    expect(page).toContain('static/viewer.js');
    expect(page).toContain('name="viewport"');
  });

  it('corpus text is escaped: a <script> in a document renders as text; javascript: URLs are not links', async () => {
    const doc = t.engine.documents.find((d) => d.file === XSS_FILE)!;
    expect(doc).toBeTruthy();
    const page = await (await fetch(`${base}/docs/${encodeURIComponent(doc.docId)}`)).text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<b>粗体');
    expect(page).toContain('本段包含&lt;script&gt;alert(1)&lt;/script&gt;脚本标记和 &quot;引号&quot; &amp; 符号');
    expect(page).toContain('测试文件&lt;script&gt;');
    expect(page).not.toMatch(/href="javascript:/i);
    // Its measures ended on 2025-12-31 (TODAY is pinned to 2026-11-22): the DATED notice shows.
    expect(page).toContain('执行期限至2025-12-31，现已到期');
    // The only scripts are our own static files.
    expect([...page.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="../static/viewer.js" defer>']);
  });

  it('an old document gets the two-year notice', async () => {
    const old = t.engine.documents.find((d) => d.kind !== 'law' && d.date && d.date < '2024-11' && !d.validUntil)!;
    expect(old).toBeTruthy();
    const page = await (await fetch(`${base}/docs/${encodeURIComponent(old.docId)}`)).text();
    expect(page).toContain('已超过两年');
  });

  it('unknown docId → a Chinese 404 page, never a stack', async () => {
    const res = await fetch(`${base}/docs/nope-${'x'.repeat(10)}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('没有找到这份政策文件');
    expect(page).not.toMatch(/at .*\.ts:\d+/);
    const other = await fetch(`${base}/no/such/page`, { headers: { accept: 'text/html' } });
    expect(other.status).toBe(404);
    expect(await other.text()).toContain('页面不存在');
  });
});

describe('the web chat page', () => {
  it('GET / is a Chinese page with examples, phone viewport and its script', async () => {
    const res = await fetch(`${base}/`);
    const page = await res.text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('name="viewport"');
    expect(page).toContain('class="chip"');
    expect(page).toContain('<script src="static/app.js" defer>');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const js = await fetch(`${base}/static/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).not.toContain('innerHTML');
    expect((await fetch(`${base}/static/..%2Fapp.ts`)).status).toBe(404);
  });
});

describe('channel routes', () => {
  it('are mounted and receive the raw body (XML and JSON alike)', async () => {
    const xml = '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Content><![CDATA[社保 & 补贴]]></Content></xml>';
    const res = await post('/hook/test', xml, 'text/xml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(res.headers.get('x-echo-length')).toBe(String(xml.length));
    const json = '{"update_id": 1,  "message": {"text": "社保"}}';
    await post('/hook/test?token=abc', json, 'application/json');
    expect(seen.map((r) => r.body)).toEqual([xml, json]);
    expect(seen[1]!.query).toEqual({ token: 'abc' });
    expect(seen[1]!.path).toBe('/hook/test');
    expect(seen[1]!.headers['content-type']).toBe('application/json');
    const get = await fetch(`${base}/hook/test?echostr=hello`);
    expect(await get.text()).toBe('hello');
  });
});

describe('health and metrics', () => {
  it('/healthz reports the index and embedder', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(await res.json()).toEqual({
      status: 'ok',
      indexLoaded: true,
      embedder: t.engine.embedder.id,
      semantic: false,
      corpusHash: t.engine.manifest.corpusHash,
      // The version folder that answers, so a roll-out across replicas can be watched.
      indexVersion: t.engine.manifest.version,
      builtAt: t.engine.manifest.builtAt,
      documents: t.engine.manifest.counts.documents,
      pid: process.pid,
    });
    expect(t.engine.manifest.version).toMatch(/^\d{8}-\d+-[0-9a-f]{8}$/);
  });

  it('/metrics counts the requests made, answer latency and abstentions', async () => {
    const metric = async (name: string, labels: string) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const okBefore = await metric('policybot_http_requests_total', 'route="/api/ask",method="POST",status="200"');
    const badBefore = await metric('policybot_http_requests_total', 'route="/api/ask",method="POST",status="400"');
    const abstBefore = await metric('policybot_abstentions_total', 'endpoint="ask"');
    const histBefore = await metric('policybot_answer_duration_seconds_count', 'endpoint="ask"');
    await post('/api/ask', JSON.stringify({ question: '创业担保贷款的额度是多少？' }));
    await post('/api/ask', JSON.stringify({ question: '今天天气怎么样？' }));
    await post('/api/ask', 'not json');
    expect(await metric('policybot_http_requests_total', 'route="/api/ask",method="POST",status="200"')).toBe(okBefore + 2);
    expect(await metric('policybot_http_requests_total', 'route="/api/ask",method="POST",status="400"')).toBe(badBefore + 1);
    expect(await metric('policybot_abstentions_total', 'endpoint="ask"')).toBe(abstBefore + 1);
    expect(await metric('policybot_answer_duration_seconds_count', 'endpoint="ask"')).toBe(histBefore + 2);
    expect(await metric('policybot_errors_total', 'code="E_BAD_JSON"')).toBeGreaterThanOrEqual(1);
  });
});

describe('rate limit and CORS', () => {
  let other: ListeningServer;
  let otherBase: string;
  const ORIGIN = 'https://app.example.test';

  beforeAll(async () => {
    const config = { ...t.config, server: { ...t.config.server, rateLimitPerMinute: 3, corsOrigin: ORIGIN } };
    const s = await buildServer({ config, logger: t.logger, engine: t.engine, chat });
    other = await startServer(s.app, { host: '127.0.0.1', port: 0 });
    otherBase = `http://127.0.0.1:${other.port}`;
  });
  afterAll(async () => {
    await other?.close();
  });

  it('the fourth API call in a minute gets 429 with a Chinese message; pages and health are not limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post('/api/ask', JSON.stringify({ question: '社保补贴' }), 'application/json', otherBase)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await post('/api/ask', JSON.stringify({ question: '社保补贴' }), 'application/json', otherBase);
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('E_RATE_LIMIT');
    expect(body.error.message).toContain('太频繁');
    expect((await fetch(`${otherBase}/healthz`)).status).toBe(200);
    expect((await fetch(`${otherBase}/`)).status).toBe(200);
  });

  it('/api/check shares the API budget: no second allowance next to /api/ask', async () => {
    const config = { ...t.config, server: { ...t.config.server, rateLimitPerMinute: 3 } };
    const s = await buildServer({ config, logger: t.logger, engine: t.engine, chat });
    const srv = await startServer(s.app, { host: '127.0.0.1', port: 0 });
    try {
      const call = (p: string, body: unknown) =>
        fetch(`http://127.0.0.1:${srv.port}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);
      const statuses = [await call('/api/ask', { question: '社保补贴' }), await call('/api/ask', { question: '社保补贴' }), await call('/api/check', { region: '广州市' }), await call('/api/check', { region: '广州市' })];
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await srv.close();
    }
  });

  it('a client cannot dodge the limit with X-Forwarded-For (no proxy is trusted by default)', async () => {
    const config = { ...t.config, server: { ...t.config.server, rateLimitPerMinute: 2 } };
    expect(config.server.trustProxy).toBe(false);
    const s = await buildServer({ config, logger: t.logger, engine: t.engine, chat });
    const srv = await startServer(s.app, { host: '127.0.0.1', port: 0 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`http://127.0.0.1:${srv.port}/api/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i + 1}` },
          body: JSON.stringify({ question: '社保补贴' }),
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 429, 429]);
    } finally {
      await srv.close();
    }
  });

  it('CORS: off by default; with CORS_ORIGIN only that origin is allowed', async () => {
    const plain = await fetch(`${base}/api/docs`, { headers: { origin: ORIGIN } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await fetch(`${otherBase}/healthz`, { headers: { origin: ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const foreign = await fetch(`${otherBase}/healthz`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${otherBase}/api/ask`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });
});

describe('startServer', () => {
  it('a port in use → E_CONFIG telling to set PORT', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const s = await buildServer({ config: t.config, logger: t.logger, engine: t.engine, chat });
    try {
      await startServer(s.app, { host: '127.0.0.1', port });
      expect.unreachable('listen should fail');
    } catch (err) {
      expect(isPolicybotError(err, 'E_CONFIG')).toBe(true);
      if (isPolicybotError(err)) {
        expect(err.userMessage).toContain(`端口 ${port} 已被占用`);
        expect(err.userMessage).toContain('PORT');
      }
    } finally {
      await s.app.close();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('html template', () => {
  it('escapes every interpolation unless it is already safe markup', () => {
    const attr = '" onmouseover="alert(1)';
    const items = ['<b>', '&amp;'];
    const out = html`<p title="${attr}">${items.map((i) => html`<i>${i}</i>`)}${raw('<br>')}${null}${false}${0}</p>`.value;
    expect(out).toBe('<p title="&quot; onmouseover=&quot;alert(1)"><i>&lt;b&gt;</i><i>&amp;amp;</i><br>0</p>');
    expect(escapeHtml(`<'&">`)).toBe('&lt;&#39;&amp;&quot;&gt;');
  });
});
