import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProfile, type CheckResult, type MeasureResult } from '../src/eligibility/index.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { runCli } from './helpers/cli.ts';

/**
 * The checker on the real catalog the extractor builds from the corpus (TODAY = 2026-11-22),
 * through the library and through `policybot check`.
 */
const PROFILES = path.join(import.meta.dirname, 'fixtures', 'profiles');
const profile = (name: string) => JSON.parse(fs.readFileSync(path.join(PROFILES, name), 'utf8')) as Record<string, unknown>;

let t: TestEngine;
beforeAll(async () => {
  t = await testEngine();
});
afterAll(() => t?.cleanup());

function find(r: CheckResult, idPrefix: string, name: string): MeasureResult {
  const m = r.results.find((x) => x.measureId.startsWith(idPrefix) && x.name === name);
  if (!m) throw new Error(`no ${name} at ${idPrefix}: ${r.results.map((x) => x.measureId).join(', ')}`);
  return m;
}

describe('eligibility on the extracted catalog', () => {
  it('a 2025 graduate in flexible employment in 广州: 灵活就业社保补贴 eligible, 300元/月 for up to 3 years', () => {
    const r = checkProfile(t.engine, profile('graduate-2025-guangzhou.json'));
    const flex = find(r, '18b-2026-1bcb9f55#p33', '灵活就业社会保险补贴');
    expect(flex.status).toBe('eligible');
    expect(flex.amount).toContain('每人每月300元');
    expect(flex.amount).toContain('不超过3年');
    expect(flex.url).toMatch(/\/docs\/18b-2026-1bcb9f55#p33$/);
    for (const c of flex.conditions) expect(c.url).toMatch(/\/docs\/18b-2026-1bcb9f55#p\d+$/);
  });

  it('the same person three years later: not eligible, the graduate window named as the failing condition', () => {
    const r = checkProfile(t.engine, { ...profile('graduate-2025-guangzhou.json'), today: '2028-09-01' });
    const flex = find(r, '18b-2026-1bcb9f55#p33', '灵活就业社会保险补贴');
    expect(flex.status).toBe('not_eligible');
    expect(flex.conditions.find((c) => c.status === 'not_met')!.text).toContain('毕业2年内高校毕业生');
  });

  it('a Chengyang small enterprise hiring a graduate: the employer social-insurance subsidy of 003 p25', () => {
    const r = checkProfile(t.engine, profile('employer-chengyang.json'));
    const sub = find(r, '003-364ccae54bd3fdc8#p25', '小微企业社会保险补贴');
    expect(sub.status).toBe('eligible');
    expect(sub.amount).toContain('全额补贴');
    // The Guangdong employer subsidy is 其他地区 for a Chengyang employer.
    expect(find(r, '18b-2026-1bcb9f55#p4', '小微企业社会保险补贴').conditions[0]!.text).toBe('其他地区（本措施适用于广东省）');
  });

  it('the measure that ran until 2025-12-31 is expired at the configured date, never eligible', () => {
    const r = checkProfile(t.engine, { region: '青岛市城阳区', identities: ['高校毕业生'], graduationDate: '2025-07', employment: 'flexible' });
    const expired = r.results.filter((x) => x.status === 'expired');
    expect(expired.map((x) => x.measureId)).toContain('003-364ccae54bd3fdc8#p25:重点群体就业创业税收优惠');
    expect(expired.every((x) => x.conditions.some((c) => c.text === '执行期限至2025年12月31日' && c.status === 'not_met'))).toBe(true);
    expect(r.results.at(-1)!.status).toBe('expired');
  });

  it('missing graduation date: the graduate measures are unknown and the next question asks for it', () => {
    const rest = profile('graduate-2025-guangzhou.json');
    delete rest.graduationDate;
    const r = checkProfile(t.engine, rest);
    expect(find(r, '18b-2026-1bcb9f55#p33', '灵活就业社会保险补贴').status).toBe('unknown');
    expect(r.nextQuestion?.field).toBe('graduationDate');
  });
});

describe('policybot check', () => {
  const run = (argv: string[]) =>
    runCli([...argv, '--corpus', t.config.corpusDir, '--index', t.config.indexDir], {
      EMBEDDER: 'hashed',
      LOG_LEVEL: 'silent',
      TODAY: '2026-11-22',
      DATA_DIR: path.join(t.root, 'data'),
    });


  it('--json prints {results, nextQuestion}', async () => {
    const r = await run(['check', '--profile', path.join(PROFILES, 'graduate-2025-guangzhou.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as CheckResult;
    expect(find(body, '18b-2026-1bcb9f55#p33', '灵活就业社会保险补贴').status).toBe('eligible');
  });

  it('prints the results grouped, with amount, key condition and link', async () => {
    const r = await run(['check', '--profile', path.join(PROFILES, 'graduate-2025-guangzhou.json')]);
    expect(r.code, r.stderr).toBe(0);
    const eligible = r.stdout.slice(r.stdout.indexOf('【可以申请】'), r.stdout.indexOf('【还需确认】'));
    expect(eligible).toContain('• 灵活就业社会保险补贴（广东省）：按每人每月300元');
    expect(eligible).toMatch(/条件：「毕业2年内高校毕业生[^」]*」— 符合/);
    expect(eligible).toContain('/docs/18b-2026-1bcb9f55#p33');
    expect(r.stdout).toContain('【不符合】');
    expect(r.stdout).toMatch(/另有\d+项属于其他地区/);
  });

  it('a bad profile exits 2 with a Chinese message; a missing file too', async () => {
    const bad = await run(['check', '--profile', path.join(PROFILES, 'bad-region.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('没有找到地区「火星」');
    const missing = await run(['check', '--profile', path.join(PROFILES, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('读不到个人情况文件');
  });
});
