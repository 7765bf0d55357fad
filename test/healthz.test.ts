import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { testServer, type TestServer } from './helpers/server.ts';

/**
 * /healthz tells a load balancer the truth: when the loaded index can no longer answer (every
 * question errors), it fails with 503 instead of reporting ok while users get 500s; once answers
 * go out again it recovers. A bad question is the asker's problem and does not count.
 */
describe('/healthz when questions cannot be answered', () => {
  let t: TestEngine;
  let s: TestServer;
  beforeAll(async () => {
    t = await testEngine();
    s = await testServer(t);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    t?.cleanup();
  });

  const ask = (question: string) =>
    fetch(`${s.base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
  const health = async () => {
    const res = await fetch(`${s.base}/healthz`);
    return { status: res.status, body: (await res.json()) as { status: string; answering?: string } };
  };

  it('is ok, then 503 "down" while every answer fails, then ok again after an answer goes out', async () => {
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok' } });

    const retriever = t.engine.retriever;
    const original = retriever.retrieveWide.bind(retriever);
    retriever.retrieveWide = () => Promise.reject(new RangeError('Invalid typed array length'));
    try {
      for (let i = 0; i < 3; i++) expect((await ask('失业保险金怎么领取？')).status).toBe(500);
      const down = await health();
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('down');
      expect(down.body.answering).toContain('RangeError');
    } finally {
      retriever.retrieveWide = original;
    }

    expect((await ask('失业保险金怎么领取？')).status).toBe(200);
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('does not fail for questions that are the asker’s fault', async () => {
    for (let i = 0; i < 4; i++) expect((await ask('问'.repeat(2000))).status).toBe(400);
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
