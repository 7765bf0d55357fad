import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { createChatCore } from '../src/chat/core.ts';
import { openChatStore } from '../src/chat/store.ts';
import type { HttpRoute } from '../src/chat/channel.ts';
import { langchainModel } from '../src/llm/langchain.ts';
import { withLanguageModel, type ModelEngine } from '../src/llm/model-engine.ts';
import { createMpRoutes, LATER_HINT, LATER_PENDING_TEXT } from '../bots/wechat-mp/handler.ts';
import { mpSignature } from '../bots/wechat-mp/signature.ts';
import { cdata } from '../bots/wechat-mp/xml.ts';
import { fakeLlm, firstSentence, isRewrite, type FakeLlm } from './helpers/fake-llm.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { testServer, type TestServer } from './helpers/server.ts';

/**
 * Time budgets per channel with a language model on: the 公众号's passive reply stays extractive
 * (5-second window) and offers the model's answer on 「更多」; the web streams the model's draft
 * as server-sent events and ends with the verified reply.
 */
const TOKEN = 'policybotTestToken1';
const Q = '失业保险金怎么领取？';
const PLAIN = '简单说，';

let t: TestEngine;
let llm: FakeLlm;
let engine: ModelEngine;
let phraseDelayMs = 0;

const firstOf = firstSentence;

beforeAll(async () => {
  t = await testEngine({ WECHAT_MP_TOKEN: TOKEN });
  llm = await fakeLlm((req) => (isRewrite(req) ? { text: '{"queries":[]}' } : { text: `${PLAIN}${firstOf(req)}[1]。` }));
  const model = await langchainModel({ provider: 'openai', baseUrl: `${llm.url}/v1`, apiKey: 'sk-test-0123456789abcdef', model: 'test-model', timeoutMs: 5000 });
  // A slow phrasing call: the model's answer cannot fit the 公众号's window.
  const slow = { ...model, complete: async (...a: Parameters<typeof model.complete>) => {
    if (!isRewriteMessages(a[0])) await new Promise((r) => setTimeout(r, phraseDelayMs));
    return model.complete(...a);
  } };
  engine = withLanguageModel(t.engine, slow, t.logger, []);
}, 60_000);
afterAll(async () => {
  await llm?.close();
  t?.cleanup();
});

const isRewriteMessages = (m: Array<{ role: string; content: string }>) => m.some((x) => x.role === 'system' && x.content.includes('检索语句'));

describe('公众号 with a language model', () => {
  let seq = 8000000000000000000n;
  const parser = new XMLParser({ parseTagValue: false, processEntities: false });
  const send = async (route: HttpRoute, text: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const body = `<xml><ToUserName>${cdata('gh_0123456789ab')}</ToUserName><FromUserName>${cdata('oLlmUser')}</FromUserName><CreateTime>${timestamp}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(text)}</Content><MsgId>${String(++seq)}</MsgId></xml>`;
    const t0 = Date.now();
    const res = await route.handle({ method: 'POST', path: '/wechat-mp', headers: { 'content-type': 'text/xml' }, query: { signature: mpSignature(TOKEN, timestamp, nonce), timestamp, nonce, openid: 'oLlmUser' }, body, ip: '127.0.0.1' });
    return { ms: Date.now() - t0, content: (parser.parse(res.body) as { xml: { Content: string } }).xml.Content };
  };

  it('replies inside the window with the documents’ sentences, and gives the model’s answer on 「更多」', async () => {
    phraseDelayMs = 1500;
    const chat = createChatCore({ config: t.config, logger: t.logger, engine });
    const post = createMpRoutes({ config: t.config, logger: t.logger, chat, replyWithinMs: 4500 }).find((r) => r.method === 'POST')!;
    try {
      const first = await send(post, Q);
      expect(first.ms).toBeLessThan(1500);
      expect(first.content).not.toContain(PLAIN);
      expect(first.content).toContain(LATER_HINT.trim());
      const more = await send(post, '更多');
      expect(more.content).toContain(PLAIN);
      expect(more.content).not.toContain(LATER_PENDING_TEXT);
    } finally {
      await chat.close();
      phraseDelayMs = 0;
    }
  });
});

describe('公众号 with a language model, on two server processes sharing one store', () => {
  it('「更多」 that reaches the other process gets the model’s answer the first one prepared', async () => {
    phraseDelayMs = 1500;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-later-'));
    const file = path.join(dir, 'chat.sqlite');
    // Two workers of `start --workers 2`: one SQLite file, each with its own handle and memory.
    const chatA = createChatCore({ config: { ...t.config, worker: 1 }, logger: t.logger, engine, store: openChatStore(file) });
    const chatB = createChatCore({ config: { ...t.config, worker: 2 }, logger: t.logger, engine, store: openChatStore(file) });
    const postA = createMpRoutes({ config: t.config, logger: t.logger, chat: chatA, replyWithinMs: 4500 }).find((r) => r.method === 'POST')!;
    const postB = createMpRoutes({ config: t.config, logger: t.logger, chat: chatB, replyWithinMs: 4500 }).find((r) => r.method === 'POST')!;
    const parser = new XMLParser({ parseTagValue: false, processEntities: false });
    let id = 9100000000000000000n;
    const send = async (route: HttpRoute, text: string) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = String(Math.floor(Math.random() * 1e9));
      const body = `<xml><ToUserName>${cdata('gh_0123456789ab')}</ToUserName><FromUserName>${cdata('oTwoProc')}</FromUserName><CreateTime>${timestamp}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(text)}</Content><MsgId>${String(++id)}</MsgId></xml>`;
      const res = await route.handle({ method: 'POST', path: '/wechat-mp', headers: { 'content-type': 'text/xml' }, query: { signature: mpSignature(TOKEN, timestamp, nonce), timestamp, nonce, openid: 'oTwoProc' }, body, ip: '127.0.0.1' });
      return (parser.parse(res.body) as { xml: { Content: string } }).xml.Content;
    };
    try {
      const first = await send(postA, Q);
      expect(first).not.toContain(PLAIN);
      expect(first).toContain(LATER_HINT.trim());
      const more = await send(postB, '更多');
      expect(more).toContain(PLAIN);
      // Handed out once: 「更多」 again, on either process, has nothing more.
      expect(await send(postA, '更多')).not.toContain(PLAIN);
    } finally {
      await chatA.close();
      await chatB.close();
      phraseDelayMs = 0;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('the web chat with a language model', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer(t, { engine });
  });
  afterAll(async () => s?.close());

  it('streams the draft as token events, then sends the verified reply', async () => {
    const res = await fetch(`${s.base}/api/chat/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: Q, sessionId: 'llm-web-session-0001' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = (await res.text()).split('\n\n').filter(Boolean).map((e) => ({ name: /^event: (.*)$/m.exec(e)![1], data: JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as Record<string, unknown> }));
    const tokens = events.filter((e) => e.name === 'token').map((e) => e.data['t'] as string);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toContain(PLAIN);
    const last = events.at(-1)!;
    expect(last.name).toBe('reply');
    const reply = last.data['reply'] as { kind: string; text: string; answer: { generatedBy: string } };
    expect(reply.kind).toBe('answer');
    expect(reply.text).toContain(PLAIN);
    expect(reply.answer.generatedBy).toBe('openai:test-model');
  });

  it('tells the page to stream (and says who writes the answers) only when a model is on', async () => {
    const on = await (await fetch(`${s.base}/`)).text();
    expect(on).toContain('data-stream="1"');
    expect(on).toContain('大模型');
    const plain = await testServer(t);
    try {
      const off = await (await fetch(`${plain.base}/`)).text();
      expect(off).not.toContain('data-stream');
      expect(off).toContain('每句回答都摘自政策原文');
    } finally {
      await plain.close();
    }
  });
});
