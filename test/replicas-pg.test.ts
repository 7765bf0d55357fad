import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { createChatCore } from '../src/chat/core.ts';
import type { ChatCore, ChatReply } from '../src/chat/types.ts';
import { RATE_LIMIT_TEXT } from '../src/chat/commands.ts';
import { buildServer } from '../src/server/app.ts';
import { startServer, type ListeningServer } from '../src/server/start.ts';
import { createMpRoutes, PENDING_TEXT } from '../bots/wechat-mp/handler.ts';
import { mpSignature } from '../bots/wechat-mp/signature.ts';
import { cdata } from '../bots/wechat-mp/xml.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { freePort } from './helpers/net.ts';
import { postgresMissing, startPostgres, type TestPostgres } from './helpers/postgres.ts';
import { waitFor } from './helpers/wait.ts';

/**
 * Two server instances (each its own chat core and HTTP server, as two processes behind a load
 * balancer would be) on one PostgreSQL database: a conversation started on one continues on the
 * other, a 公众号 retry that reaches the other gets the same reply without asking a core again,
 * and the chat's rate limits count the messages of both.
 */
const missing = postgresMissing();
if (missing) console.warn(`[replicas-pg] skipped: ${missing}`);

const TOKEN = 'replicaTestToken1';
const OA = 'gh_0123456789ab';

interface Instance {
  name: string;
  base: string;
  core: ReturnType<typeof createChatCore>;
  /** Messages that reached this instance's core from the 公众号 handler. */
  mpCalls: number;
  /** Delay before this instance's core answers a 公众号 message (to be caught mid-answer). */
  mpDelayMs: number;
  close(): Promise<void>;
}

async function startInstance(t: TestEngine, name: string): Promise<Instance> {
  const core = createChatCore({ config: t.config, logger: t.logger, engine: t.engine });
  const inst: Instance = { name, base: '', core, mpCalls: 0, mpDelayMs: 0, close: async () => undefined };
  // What the 公众号 handler sees: the real core, with its calls counted.
  const counted: ChatCore = {
    async handleMessage(msg) {
      inst.mpCalls++;
      if (inst.mpDelayMs) await new Promise((r) => setTimeout(r, inst.mpDelayMs));
      return core.handleMessage(msg);
    },
    handleCallback: (input) => core.handleCallback(input),
    recordFeedback: (input) => core.recordFeedback(input),
    markProcessed: (channel, id) => core.markProcessed(channel, id),
    getReply: (channel, id) => core.getReply(channel, id),
    saveReply: (input) => core.saveReply(input),
    close: () => core.close(),
  };
  const mp = createMpRoutes({ config: t.config, logger: t.logger, chat: counted, replyWithinMs: 1500 });
  const srv = await buildServer({ config: t.config, logger: t.logger, engine: t.engine, chat: core, routes: [...mp] });
  const listening: ListeningServer = await startServer(srv.app, { host: '127.0.0.1', port: 0 });
  inst.base = `http://127.0.0.1:${listening.port}`;
  inst.close = async () => {
    await mp.drain();
    await listening.close();
    await core.close();
  };
  return inst;
}

async function chat(inst: Instance, sessionId: string, question: string): Promise<ChatReply> {
  const res = await fetch(`${inst.base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question, sessionId }) });
  expect(res.status, `${inst.name}: ${question}`).toBe(200);
  return ((await res.json()) as { reply: ChatReply }).reply;
}

let nonceSeq = 0;
async function mpPost(inst: Instance, xml: string): Promise<{ status: number; content: string | null; body: string }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(5_000_000 + ++nonceSeq);
  const qs = new URLSearchParams({ signature: mpSignature(TOKEN, timestamp, nonce), timestamp, nonce, openid: 'o' });
  const res = await fetch(`${inst.base}/wechat-mp?${qs}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
  const body = await res.text();
  const parsed = new XMLParser({ parseTagValue: false, processEntities: false }).parse(body) as { xml?: { Content?: string } };
  return { status: res.status, content: parsed.xml?.Content ?? null, body };
}

function mpText(from: string, content: string, msgId: string): string {
  return (
    `<xml><ToUserName>${cdata(OA)}</ToUserName><FromUserName>${cdata(from)}</FromUserName>` +
    `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(content)}</Content><MsgId>${msgId}</MsgId></xml>`
  );
}

describe.skipIf(missing !== null)(`two instances on one PostgreSQL database${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let server: TestPostgres;
  let t: TestEngine;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    server = await startPostgres();
    const url = await server.createDatabase();
    t = await testEngine({ DATABASE_URL: url, WECHAT_MP_TOKEN: TOKEN, CHAT_RATE_LIMIT_PER_MINUTE: '3' });
    // Both start at once: the migrations run once, under the advisory lock.
    [a, b] = await Promise.all([startInstance(t, 'A'), startInstance(t, 'B')]);
    await Promise.all([a.core.store.ready(), b.core.store.ready()]);
  }, 120_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
    t?.cleanup();
  });

  it('both report a healthy PostgreSQL store', async () => {
    for (const inst of [a, b]) {
      expect(inst.core.store.kind).toBe('postgres');
      const health = (await (await fetch(`${inst.base}/healthz`)).json()) as { status: string; store?: string };
      expect(health.status, inst.name).toBe('ok');
    }
    expect(await a.core.store.schemaVersion()).toBe(3);
  });

  it('a conversation started on A continues on B: 「那需要什么材料？」 is a follow-up of the question asked on A', async () => {
    const session = 'replica-conversation-01';
    const first = await chat(a, session, '失业保险金怎么领取？');
    expect(first.kind).toBe('answer');
    const followUp = await chat(b, session, '那需要什么材料？');
    expect(followUp.answer!.question).toBe('失业保险金 需要什么材料？');
    expect(followUp.kind).toBe('answer');
    expect(followUp.citations.some((c) => c.text.includes('社会保障卡'))).toBe(true);
    // The same words from a conversation B has never seen are not a follow-up of anything.
    const stranger = await chat(b, 'replica-conversation-02', '那需要什么材料？');
    expect(stranger.answer?.question ?? '').not.toContain('失业保险金');
    // An answer given on A is rated on B (only from its own conversation), and A sees the vote.
    const vote = await fetch(`${b.base}/api/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answerId: first.answerId, vote: 'up', sessionId: session }),
    });
    expect(vote.status).toBe(200);
    expect((await a.core.store.listFeedback(first.answerId!)).map((f) => f.vote)).toEqual(['up']);
  });

  it('a region set on A applies on B, and a /check dialogue started on A is answered on B', async () => {
    const session = 'replica-region-000001';
    expect((await chat(a, session, '/region 城阳区')).text).toContain('青岛市城阳区');
    expect((await chat(b, session, '/region')).text).toContain('青岛市城阳区');
    const check = await chat(a, 'replica-check-0000001', '/check');
    expect(check.text).toMatch(/\n1[.、．]/);
    const next = await chat(b, 'replica-check-0000001', '1');
    // B knows the pending question: 「1」 is its answer, not a policy question or a stale press.
    expect(next.kind).toBe('command');
    expect(next.text).toContain('已记下');
  });

  it('a 公众号 retry of the same MsgId that reaches B gets A\'s reply without asking a core again', async () => {
    const body = mpText('oReplicaUser1', '创业担保贷款的期限是多长？', '7100000000000000001');
    const first = await mpPost(a, body);
    expect(first.status).toBe(200);
    expect(first.content).toMatch(/#p\d+/);
    const retry = await mpPost(b, body);
    expect(retry.content).toBe(first.content);
    expect(a.mpCalls + b.mpCalls).toBe(1);
  });

  it('a retry that reaches B while A is still answering gets 正在查询; a later retry gets the finished reply', async () => {
    a.mpDelayMs = 2500;
    const before = a.mpCalls + b.mpCalls;
    try {
      const body = mpText('oReplicaUser2', '灵活就业人员的社会保险补贴给哪些人？', '7100000000000000002');
      const [first, early] = await Promise.all([mpPost(a, body), new Promise((r) => setTimeout(r, 200)).then(() => mpPost(b, body))]);
      expect(first.content).toBe(PENDING_TEXT);
      expect(early.content).toBe(PENDING_TEXT);
      // A finishes and keeps its reply; the platform's next retry (on B) gets it.
      await new Promise((r) => setTimeout(r, 1500));
      const late = await mpPost(b, body);
      expect(late.content).toMatch(/#p\d+/);
      expect(a.mpCalls + b.mpCalls - before).toBe(1);
    } finally {
      a.mpDelayMs = 0;
    }
  });

  it('limits are shared: with CHAT_RATE_LIMIT_PER_MINUTE=3, the 4th message in a minute is refused whichever instance gets it', async () => {
    // The counters are per clock minute: keep the five messages inside one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 200));
    const session = 'replica-rate-limit-01';
    const replies = [];
    for (const inst of [a, b, a, b, a]) replies.push(await chat(inst, session, '/help'));
    expect(replies.slice(0, 3).map((r) => r.kind)).toEqual(['command', 'command', 'command']);
    expect(replies[3]!.text).toBe(RATE_LIMIT_TEXT);
    expect(replies[4]!.text).toBe(RATE_LIMIT_TEXT);
    // Another person is not limited by it.
    expect((await chat(b, 'replica-rate-limit-02', '/help')).kind).toBe('command');
  }, 90_000);

  it('a platform message id processed on A is a duplicate on B (Telegram redeliveries too)', async () => {
    expect(await a.core.markProcessed('telegram', 'update:4242')).toBe(true);
    expect(await b.core.markProcessed('telegram', 'update:4242')).toBe(false);
  });

  it('/forget on B deletes what A stored', async () => {
    const session = 'replica-forget-000001';
    await chat(a, session, '失业保险金怎么领取？');
    const forgot = await chat(b, session, '/forget');
    expect(forgot.text).toContain('已删除');
    expect(await a.core.store.getUser('web', session)).toBeNull();
  });
});

describe.skipIf(missing !== null)(`a database that comes up after the instance started${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let server: TestPostgres | null = null;
  let t: TestEngine;
  let inst: Instance;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    t = await testEngine({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/policybot_late`, WECHAT_MP_TOKEN: TOKEN });
    inst = await startInstance(t, 'late');
  }, 120_000);

  afterAll(async () => {
    await inst?.close();
    await server?.stop();
    t?.cleanup();
  });

  it('answers without storing while it is down, then migrates and stores once it is reachable', async () => {
    const down = await chat(inst, 'replica-late-db-00001', '失业保险金怎么领取？');
    expect(down.kind).toBe('answer');
    expect(down.answerId).toBeNull();
    expect(((await (await fetch(`${inst.base}/healthz`)).json()) as { status: string }).status).toBe('degraded');

    server = await startPostgres({ port });
    await server.createDatabase('policybot_late');
    // The store tries the database again a few seconds after a failure.
    const up = await waitFor(async () => {
      const r = await chat(inst, 'replica-late-db-00001', '失业保险金怎么领取？');
      return r.answerId ? r : undefined;
    }, 20_000, 500);
    expect(up.kind).toBe('answer');
    expect(await inst.core.store.schemaVersion()).toBe(3);
    expect((await inst.core.store.getAnswer(up.answerId!))?.question).toBe('失业保险金怎么领取？');
  }, 60_000);
});
