import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatCore } from '../src/chat/core.ts';
import { buildServer } from '../src/server/app.ts';
import { openChatStore, type ChatStore } from '../src/chat/store.ts';
import { guardStore } from '../src/chat/store-guard.ts';
import { configSecrets } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { testServer, type TestServer } from './helpers/server.ts';

/**
 * A failing chat store never eats an answer: a DATA_DIR that cannot be created still serves the web,
 * the API and answers (health says degraded); writes failing mid-run (disk full) still answer, without
 * feedback buttons, counted in /metrics.
 */
const Q = '失业保险金怎么领取？';

describe('a DATA_DIR that cannot be created', () => {
  let t: TestEngine;
  let s: TestServer;
  beforeAll(async () => {
    const blocker = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ro-'));
    fs.writeFileSync(path.join(blocker, 'not-a-dir'), 'x');
    // A path under a regular file: mkdir fails (ENOTDIR), even for root.
    t = await testEngine({ DATA_DIR: path.join(blocker, 'not-a-dir', 'data') });
    s = await testServer(t);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    t?.cleanup();
  });

  it('starts anyway: health is degraded and says why, questions are answered, the viewer serves', async () => {
    const health = (await (await fetch(`${s.base}/healthz`)).json()) as { status: string; store?: string };
    expect(health.status).toBe('degraded');
    expect(health.store).toContain('DATA_DIR');
    const res = await fetch(`${s.base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: Q, sessionId: 'ro-session-000001' }) });
    expect(res.status).toBe(200);
    const { reply } = (await res.json()) as { reply: { kind: string; citations: unknown[] } };
    expect(reply.kind).toBe('answer');
    expect(reply.citations.length).toBeGreaterThan(0);
    const doc = t.engine.documents[0]!;
    expect((await fetch(`${s.base}/docs/${doc.docId}`)).status).toBe(200);
  });
});

describe('store writes failing while running (disk full)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await testEngine();
  }, 60_000);
  afterAll(() => t?.cleanup());

  it('answers without storing, without feedback buttons, and counts the failures', async () => {
    const real = openChatStore(':memory:');
    let full = false;
    const disk: ChatStore = new Proxy(real, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (full && /^(saveAnswer|updateUser|logUnanswered|addFeedback|setCheckState|markProcessed)$/.test(String(prop))) throw new Error('database or disk is full');
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const chat = createChatCore({ config: t.config, logger: t.logger, engine: t.engine, store: disk });
    const ok = await chat.handleMessage({ channel: 'web', userId: 'u1', chatId: 'u1', text: Q, kind: 'text', isGroup: false, mentioned: true });
    expect(ok?.buttons.flat().some((b) => b.kind === 'callback')).toBe(true);
    expect(chat.health!().problem).toBeNull();
    full = true;
    const r = await chat.handleMessage({ channel: 'web', userId: 'u1', chatId: 'u1', text: Q, kind: 'text', isGroup: false, mentioned: true });
    expect(r?.kind).toBe('answer');
    expect(r?.text).toBe(ok?.text);
    expect(r?.answerId).toBeNull();
    expect(r?.buttons.flat().some((b) => b.kind === 'callback')).toBe(false);
    const h = chat.health!();
    expect(h.problem).toContain('写入失败');
    expect(h.errors).toBeGreaterThanOrEqual(1);

    const server = await buildServer({ config: t.config, logger: t.logger, engine: t.engine, chat, routes: [] });
    try {
      expect(await server.metrics.registry.metrics()).toMatch(/policybot_store_errors_total [1-9]/);
    } finally {
      await server.app.close();
      await chat.close();
    }
  });
});

describe('a PostgreSQL database that is down at start (DATABASE_URL)', () => {
  const PASSWORD = 'n0tLogged-s3cret';
  let t: TestEngine;
  let s: TestServer;
  let logs: string;
  beforeAll(async () => {
    // A loopback port nothing listens on: connections are refused at once.
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    t = await testEngine({ DATABASE_URL: `postgres://policybot:${PASSWORD}@127.0.0.1:${port}/policybot` });
    logs = '';
    const logger = createLogger('info', configSecrets(t.config), { write: (line: string) => void (logs += line) });
    s = await testServer({ ...t, logger });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    t?.cleanup();
  });

  it('starts degraded (health says the database cannot be reached), answers anyway, and never shows the password', async () => {
    const res = await fetch(`${s.base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: Q, sessionId: 'pg-down-session-0001' }) });
    expect(res.status).toBe(200);
    const { reply } = (await res.json()) as { reply: { kind: string; citations: unknown[]; answerId: string | null } };
    expect(reply.kind).toBe('answer');
    expect(reply.citations.length).toBeGreaterThan(0);
    expect(reply.answerId).toBeNull();
    const health = (await (await fetch(`${s.base}/healthz`)).json()) as { status: string; store?: string; storeErrors?: number };
    expect(health.status).toBe('degraded');
    expect(health.store).toContain('无法连接对话记录数据库');
    expect(health.store).toContain('127.0.0.1');
    expect(health.storeErrors).toBeGreaterThan(0);
    expect(JSON.stringify(health)).not.toContain(PASSWORD);
    expect(logs).toContain('chat store');
    expect(logs).not.toContain(PASSWORD);
  });
});

describe('the store guard', () => {
  it('reports a failing store until calls succeed again for a while', async () => {
    let clock = 0;
    let failing = true;
    const real = openChatStore(':memory:');
    const flaky: ChatStore = { ...real, getUser: (c, u) => (failing ? Promise.reject(new Error('connection refused')) : real.getUser(c, u)) };
    const { store, health } = guardStore(flaky, createLogger('silent'), null, { clock: () => clock });
    expect(await store.getUser('web', 'u')).toBeNull();
    expect(health().problem).toContain('connection refused');
    failing = false;
    clock += 1000;
    await store.getUser('web', 'u');
    expect(health().problem).not.toBeNull();
    clock += 30_000;
    await store.getUser('web', 'u');
    expect(health()).toEqual({ problem: null, errors: 1 });
    await real.close();
  });
});
