import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine, type TestEngine } from './helpers/engine.ts';

/** An FAQ answer that states a rule and then a worked case about a named person: the rule leads. */
let t: TestEngine;
beforeAll(async () => {
  t = await testEngine(
    {},
    {
      files: {
        'zz-case-faq.md':
          '---\ntitle: 测试市灵活就业社会保险补贴常见问题\nissuer: 测试市人力资源和社会保障局\ndate: 2026-09-01\nregion: 全国\n---\n' +
          '一、灵活就业人员办理了个体工商户营业执照，还能享受灵活就业社会保险补贴吗？\n' +
          '王女士办理了个体工商户营业执照后申请补贴，经审核，王女士已属于自主创业，不能再按灵活就业人员享受社会保险补贴。已办理个体工商户营业执照的，不再按灵活就业人员享受灵活就业社会保险补贴。\n',
      },
    },
  );
}, 120_000);
afterAll(() => t?.cleanup());

describe('worked cases in FAQ answers', () => {
  it('the first sentence states the rule, not the story of 王女士', async () => {
    const a = await t.engine.ask('测试市我办了个体户营业执照，还能领灵活就业社保补贴吗');
    expect(a.abstained).toBe(false);
    const first = a.answer.split(/(?<=[。！？])/u)[0]!;
    expect(first).toContain('不再按灵活就业人员享受');
    expect(first).not.toContain('王女士');
  });
});
