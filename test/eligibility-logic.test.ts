import { describe, expect, it } from 'vitest';
import { buildDocument } from '../src/ingest/document.ts';
import { extractFromDocument } from '../src/measures/extract.ts';
import { evaluateMeasure } from '../src/eligibility/evaluate.ts';
import { parseProfile, type ProfileInput } from '../src/eligibility/profile.ts';
import type { Measure } from '../src/measures/types.ts';

/**
 * Condition logic on a small 荆门 policy list written for this test (a shape the bundled corpus has not):
 * nested groups are all-of (a graduate who is also from a 低保 family), parallel groups any-of, list
 * alternatives any-of, and durations (经营6个月以上, 参保满12个月) checked against the person's dates.
 */
const BLOCKS = [
  '荆门市就业创业补贴政策清单',
  '发布单位：荆门市人力资源和社会保障局',
  '一、求职创业补贴',
  '对毕业年度内低保家庭、零就业家庭的高校毕业生，给予每人2000元一次性求职创业补贴。',
  '二、一次性创业补贴',
  '对首次创办小微企业或个体工商户，正常经营6个月以上的高校毕业生、退役军人，给予5000元一次性创业补贴。',
  '三、灵活就业社会保险补贴',
  '就业困难人员以灵活就业方式就业，参保满12个月的，按每人每月300元给予社会保险补贴。',
];
const doc = buildDocument('jingmen.txt', Buffer.from(BLOCKS.join('\n')), {
  title: BLOCKS[0]!, issuer: null, docNumber: null, date: '2025-03-01', sourceUrl: null, kind: 'policy', region: null, meta: {}, blocks: BLOCKS,
});
const measures = extractFromDocument(doc).map((m) => ({ ...m, url: `http://localhost/docs/${doc.docId}#${m.paragraphId}` }));
const measure = (name: string): Measure => {
  const m = measures.find((x) => x.name === name);
  expect(m, name).toBeDefined();
  return m!;
};
const TODAY = new Date('2026-11-22');
const verdict = (name: string, p: ProfileInput) => evaluateMeasure(measure(name), parseProfile({ region: '荆门市', identitiesComplete: true, ...p }, TODAY)).status;

describe('condition logic', () => {
  it('reads 「低保家庭、零就业家庭的高校毕业生」 as a graduate AND one of the two, not either of the three', () => {
    expect(verdict('求职创业补贴', { graduationDate: '2026-06', identities: ['高校毕业生'] })).toBe('not_eligible');
    expect(verdict('求职创业补贴', { graduationDate: '2026-06', identities: ['高校毕业生', '零就业家庭'] })).toBe('eligible');
    expect(verdict('求职创业补贴', { identities: ['低保家庭'] })).toBe('not_eligible');
  });

  it('keeps parallel groups as alternatives (高校毕业生、退役军人) and checks how long the business has run', () => {
    // A graduation date makes one a 高校毕业生: only the graduates have one.
    const founder = (identities: NonNullable<ProfileInput['identities']>, registered: string) =>
      verdict('一次性创业补贴', { identities, employment: 'self_employed', businessRegisteredDate: registered, ...(identities.includes('高校毕业生') ? { graduationDate: '2024-06' } : {}) });
    expect(founder(['退役军人'], '2025-12')).toBe('eligible');
    expect(founder(['高校毕业生'], '2025-12')).toBe('eligible');
    // Four months of business: 「正常经营6个月以上」 is not met.
    expect(founder(['高校毕业生'], '2026-07')).toBe('not_eligible');
    expect(founder(['农民工'], '2025-12')).toBe('not_eligible');
  });

  it('checks months of contributions (参保满12个月)', () => {
    const flexible = (months: number) => verdict('灵活就业社会保险补贴', { identities: ['就业困难人员'], employment: 'flexible', contributionMonths: months });
    expect(flexible(14)).toBe('eligible');
    expect(flexible(8)).toBe('not_eligible');
  });
});
