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

/**
 * List lead-ins, alternatives no profile states, inclusions in parentheses and the document's own region,
 * on a small 兰州 办事指南 written for this test.
 */
const GUIDE = [
  '兰州市就业补贴办事指南',
  '发布单位：兰州市人力资源和社会保障局',
  '一、灵活就业社会保险补贴',
  '办理对象：以灵活就业方式就业的就业困难人员和离校2年内未就业高校毕业生。',
  '申请条件：申请人须同时符合以下全部条件：',
  '（1）属于经认定的就业困难人员，或离校2年内未就业的高校毕业生；',
  '（2）已办理灵活就业登记；',
  '（3）以灵活就业人员身份缴纳基本养老保险费，且连续缴费满3个月。',
  '补贴标准：每人每月最高不超过300元。',
  '二、求职创业补贴',
  '办理对象：毕业年度内低保家庭、残疾及获得国家助学贷款的高校毕业生。',
  '补贴标准：每人一次性补贴1500元。',
  '三、大龄人员社会保险补贴',
  '办理对象：经认定的就业困难人员（含女性年满40周岁、男性年满50周岁的大龄失业人员）实现灵活就业的。',
  '补贴标准：每人每月200元。',
  '四、创业场所租金补贴',
  '办理对象：在本市创办个体工商户的返乡创业农民工，且正常经营满6个月。',
  '补贴标准：每户每年最高1万元。',
];
const guide = buildDocument('lanzhou.txt', Buffer.from(GUIDE.join('\n')), {
  title: GUIDE[0]!, issuer: null, docNumber: null, date: '2025-03-01', sourceUrl: null, kind: 'policy', region: null, meta: {}, blocks: GUIDE,
});
const guideMeasures = extractFromDocument(guide).map((m) => ({ ...m, url: `http://localhost/docs/${guide.docId}#${m.paragraphId}` }));
const inGuide = (name: string, p: ProfileInput) => {
  const m = guideMeasures.find((x) => x.name === name);
  expect(m, name).toBeDefined();
  return evaluateMeasure(m!, parseProfile({ region: '兰州市', identitiesComplete: true, ...p }, TODAY));
};

describe('condition logic of lists and alternatives', () => {
  it('「同时符合以下全部条件」: every item is required, so a registered graduate still needs the months of contributions', () => {
    const graduate = (months: number) => inGuide('灵活就业社会保险补贴', { identities: [], graduationDate: '2025-06', employment: 'flexible', contributionMonths: months }).status;
    expect(graduate(6)).toBe('eligible');
    // The items are not read as either-or (「符合以下之一」): each is its own condition.
    const r = inGuide('灵活就业社会保险补贴', { identities: [], graduationDate: '2025-06', employment: 'flexible', contributionMonths: 6 });
    expect(r.conditions.some((c) => c.text.startsWith('符合以下之一'))).toBe(false);
    expect(r.conditions.filter((c) => /^（[123]）/.test(c.text))).toHaveLength(2);
    expect(graduate(2)).toBe('not_eligible');
    // Out of the graduate window and not 就业困难人员: item (1) fails although the registration item holds.
    expect(inGuide('灵活就业社会保险补贴', { identities: [], graduationDate: '2020-06', employment: 'flexible', contributionMonths: 6 }).status).toBe('not_eligible');
  });

  it('an alternative no profile states (获得国家助学贷款) makes a graduate of no listed group unknown, not refused', () => {
    expect(inGuide('求职创业补贴', { identities: [], graduationDate: '2026-06' }).status).toBe('unknown');
    expect(inGuide('求职创业补贴', { graduationDate: '2026-06', identities: ['低保家庭'] }).status).toBe('eligible');
    expect(inGuide('求职创业补贴', { identities: ['低保家庭'] }).status).toBe('not_eligible');
  });

  it('what a parenthesis includes (（含女性年满40周岁…）) is an example of the group, not an age limit', () => {
    const r = inGuide('大龄人员社会保险补贴', { identities: ['就业困难人员', '残疾人'], age: 30, sex: 'male', employment: 'flexible' });
    expect(r.status).toBe('eligible');
    expect(guideMeasures.find((m) => m.name === '大龄人员社会保险补贴')!.conditions.some((c) => c.type === 'age')).toBe(false);
  });

  it('「在本市创办」 is the document’s own region, not a place a person could fail to be in', () => {
    const founder = (months: number) => inGuide('创业场所租金补贴', { identities: ['农民工'], employment: 'self_employed', businessRegisteredDate: `2026-${String(11 - months).padStart(2, '0')}` }).status;
    expect(founder(8)).toBe('eligible');
    expect(founder(3)).toBe('not_eligible');
  });
});

describe('ages and durations as documents write them', () => {
  const one = (sentence: string) => {
    const blocks = ['某市补贴清单', '一、一次性创业补贴', sentence, '二、创业担保贷款', '符合条件的个人创业者可申请最高30万元的创业担保贷款。'];
    const d = buildDocument('age.txt', Buffer.from(blocks.join('\n')), {
      title: blocks[0]!, issuer: null, docNumber: null, date: '2025-03-01', sourceUrl: null, kind: 'policy', region: null, meta: {}, blocks,
    });
    return extractFromDocument(d).find((m) => m.name === '一次性创业补贴')!;
  };
  const ageOf = (sentence: string) => one(sentence).conditions.find((c) => c.type === 'age');

  it('reads 「35周岁以下」「不超过35周岁」 as a maximum for everyone and 「45周岁以上」 as a minimum', () => {
    expect(ageOf('对35周岁以下的高校毕业生首次创业的，给予5000元一次性创业补贴。')).toMatchObject({ min: null, maxMale: 35, maxFemale: 35 });
    expect(ageOf('对年龄不超过35周岁的高校毕业生首次创业的，给予5000元一次性创业补贴。')).toMatchObject({ maxMale: 35, maxFemale: 35 });
    expect(ageOf('对45周岁以上的登记失业人员首次创业的，给予5000元一次性创业补贴。')).toMatchObject({ min: 45, maxMale: null });
  });

  it('reads 「女性50周岁以上、男性60周岁以上」 as minimums by sex, not maximums', () => {
    expect(ageOf('对女性40周岁以上、男性50周岁以上的登记失业人员首次创业的，给予5000元一次性创业补贴。')).toMatchObject({ minFemale: 40, minMale: 50, maxMale: null, maxFemale: null });
  });

  it('reads 「正常经营满半年」 as six months of business', () => {
    expect(one('对首次创办小微企业且正常经营满半年的高校毕业生，给予5000元一次性创业补贴。').conditions.find((c) => c.type === 'business_age')).toMatchObject({ minMonths: 6 });
  });
});
