import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { testServer, type TestServer } from './helpers/server.ts';

/** The measures catalog page, /measures, on the real extracted catalog. */
let t: TestEngine;
let s: TestServer;

beforeAll(async () => {
  t = await testEngine();
  s = await testServer(t);
});

afterAll(async () => {
  await s?.close();
  t?.cleanup();
});

const get = async (path: string) => {
  const res = await fetch(`${s.base}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};

describe('GET /measures', () => {
  it('lists the measures with a link to each source paragraph', async () => {
    const r = await get('/measures');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/text\/html/);
    const flex = t.engine.measures.find((m) => m.docId.startsWith('18b') && m.name === '灵活就业社会保险补贴');
    expect(flex, 'the 18b flexible-employment subsidy is in the catalog').toBeDefined();
    expect(r.body).toContain('灵活就业社会保险补贴');
    expect(r.body).toContain(`href="docs/${flex!.docId}#${flex!.paragraphId}"`);
    expect(r.body).toContain('每人每月300元');
  });

  it('marks a measure whose end date has passed', async () => {
    const expired = t.engine.measures.find((m) => m.validUntil && m.validUntil < '2026-11-22');
    expect(expired).toBeDefined();
    const r = await get('/measures');
    expect(r.body).toContain(`已到期（${expired!.validUntil}）`);
  });

  it('filters by region with nesting: 广州市 keeps 广东省 measures, 市北区 drops 城阳区 ones', async () => {
    const gz = await get(`/measures?region=${encodeURIComponent('广州市')}`);
    expect(gz.body).toContain('广东省高校毕业生就业创业扶持政策清单');
    expect(gz.body).not.toContain('城阳区稳定和扩大就业');
    const sb = await get(`/measures?region=${encodeURIComponent('青岛市市北区')}`);
    expect(sb.status).toBe(200);
    expect(sb.body).not.toContain('城阳区稳定和扩大就业');
  });

  it('searches and filters by target group, kind and validity, saying how many of how many', async () => {
    const count = (body: string) => (body.match(/<li id="/g) ?? []).length;
    const all = await get('/measures');
    const loans = await get('/measures?kind=loan');
    expect(count(loans.body)).toBe(t.engine.measures.filter((m) => m.kind === 'loan').length);
    expect(count(loans.body)).toBeLessThan(count(all.body));
    expect(loans.body).toMatch(/筛选出 \d+ 项（共 \d+ 项）/);
    expect(loans.body).toContain('<option value="loan" selected>');
    const grads = await get(`/measures?group=${encodeURIComponent('高校毕业生')}&active=1`);
    expect(count(grads.body)).toBe(t.engine.measures.filter((m) => m.groups.includes('高校毕业生') && (m.validUntil === null || m.validUntil >= '2026-11-22')).length);
    expect(grads.body).not.toContain('已到期');
    const search = await get(`/measures?q=${encodeURIComponent('见习')}`);
    expect(count(search.body)).toBeGreaterThan(0);
    for (const name of [...search.body.matchAll(/<li id="[^"]*"><strong>([^<]+)<\/strong>/g)].map((m) => m[1]!)) {
      const m = t.engine.measures.find((x) => x.name === name)!;
      expect(`${m.name}${m.sourceText}${m.docTitle}`).toContain('见习');
    }
    const none = await get(`/measures?q=${encodeURIComponent('不存在的词汇组合')}`);
    expect(none.body).toContain('没有找到符合条件的措施');
  });

  it('answers an unknown region with a 400 page in Chinese, the input escaped', async () => {
    const r = await get(`/measures?region=${encodeURIComponent('<b>火星</b>')}`);
    expect(r.status).toBe(400);
    expect(r.body).toContain('不认识地区');
    expect(r.body).not.toContain('<b>火星</b>');
  });
});
