import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.ts';
import type { CheckResult } from '../src/eligibility/index.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { testServer, type TestServer } from './helpers/server.ts';
import { CATALOG, GD_FLEX } from './fixtures/profiles/catalog.ts';

/**
 * POST /api/check over real HTTP, on a real engine whose catalog is the hand-built one
 * (so the verdicts are known); the real extracted catalog is covered in eligibility-e2e.
 */
let t: TestEngine;
let s: TestServer;
let base: string;

async function post(body: string, contentType = 'application/json') {
  return fetch(`${base}/api/check`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

beforeAll(async () => {
  t = await testEngine();
  const engine: Engine = Object.assign({}, t.engine, { measures: CATALOG });
  s = await testServer(t, { engine });
  base = s.base;
});

afterAll(async () => {
  await s?.close();
  t?.cleanup();
});

describe('POST /api/check', () => {
  it('returns {results, nextQuestion} for a profile', async () => {
    const res = await post(JSON.stringify({ region: '广州市', identities: ['高校毕业生'], graduationDate: '2025-06', employment: 'flexible', today: '2026-03-01' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as CheckResult;
    expect(Object.keys(body).sort()).toEqual(['nextQuestion', 'results']);
    const flex = body.results.find((r) => r.measureId === GD_FLEX.id)!;
    expect(flex).toMatchObject({ name: '灵活就业社会保险补贴', status: 'eligible', amount: '每人每月300元，补贴期限最长不超过3年', region: '广东省', docId: '18b-2026-1bcb9f55', paragraphId: 'p33' });
    expect(Object.keys(flex).sort()).toEqual(['amount', 'conditions', 'docId', 'measureId', 'name', 'paragraphId', 'region', 'status', 'url']);
    for (const c of flex.conditions) expect(Object.keys(c).sort()).toEqual(['status', 'text', 'url']);
  });

  it('defaults today to the configured date (TODAY=2026-11-22): a mid-2024 graduate is past 毕业2年内', async () => {
    const body = (await (await post(JSON.stringify({ region: '广州市', identities: ['高校毕业生'], graduationDate: '2024-06', employment: 'flexible' }))).json()) as CheckResult;
    // 2024-06 → 2026-11 is 29 months: out of 毕业2年内.
    expect(body.results.find((r) => r.measureId === GD_FLEX.id)!.status).toBe('not_eligible');
  });

  it('asks the next question when a fact is missing', async () => {
    const body = (await (await post(JSON.stringify({ region: '广州市', identities: ['高校毕业生'], employment: 'flexible' }))).json()) as CheckResult;
    expect(body.nextQuestion?.field).toBe('graduationDate');
    expect(body.nextQuestion?.options.length).toBeGreaterThan(2);
  });

  it('answers a bad profile with 400 and a Chinese message naming the field', async () => {
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ region: '火星' }), /没有找到地区「火星」/],
      [JSON.stringify({ graduationDate: '去年' }), /毕业时间 graduationDate/],
      [JSON.stringify({ identities: '高校毕业生' }), /身份 identities/],
      [JSON.stringify([1, 2]), /JSON 对象/],
      [JSON.stringify({ foo: 1 }), /不认识的字段「foo」/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      const err = (await res.json()) as { error: { code: string; message: string } };
      expect(err.error.code).toBe('E_BAD_INPUT');
      expect(err.error.message).toMatch(message);
    }
    const notJson = await post('{region:', 'application/json');
    expect(notJson.status).toBe(400);
  });
});
