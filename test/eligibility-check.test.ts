import { describe, expect, it } from 'vitest';
import { checkEligibility, type CheckResult } from '../src/eligibility/check.ts';
import { amountText } from '../src/eligibility/evaluate.ts';
import { parseProfile, type ProfileInput } from '../src/eligibility/profile.ts';
import { isPolicybotError } from '../src/errors.ts';
import type { Measure } from '../src/measures/types.ts';
import { CATALOG, CY_ACCIDENT, CY_EMPLOYER, CY_FLEX, CY_TAX, GD_FLEX, GD_JOBSEEK, GD_SMALL_BIZ, GZ_LOAN } from './fixtures/profiles/catalog.ts';

/** 职业技能提升补贴 (003 p26) as extracted: named, but no condition stated with it. */
const CY_ACCIDENT_BARE: Measure = { ...CY_ACCIDENT, id: '003-364ccae54bd3fdc8#p26:职业技能提升补贴', name: '职业技能提升补贴', paragraphId: 'p26', url: 'http://localhost:3000/docs/003-364ccae54bd3fdc8#p26', conditions: [], amounts: [] };

const CLOCK = new Date('2026-11-22T00:00:00Z');

function check(input: ProfileInput, measures: Measure[] = CATALOG): CheckResult {
  return checkEligibility(measures, parseProfile(input, CLOCK));
}

function result(r: CheckResult, m: Measure) {
  const found = r.results.find((x) => x.measureId === m.id);
  if (!found) throw new Error(`no result for ${m.id}`);
  return found;
}

describe('checkEligibility on the Guangdong graduate list (18b)', () => {
  const graduate2025 = { region: '广州市', identities: ['高校毕业生'], graduationDate: '2025-06', employment: 'flexible' };

  it('a 2025 graduate in flexible employment in 广州 gets 灵活就业社保补贴: 300元/月 for up to 3 years', () => {
    const r = check({ ...graduate2025, today: '2026-03-01' });
    const flex = result(r, GD_FLEX);
    expect(flex.status).toBe('eligible');
    expect(flex.amount).toBe('每人每月300元，补贴期限最长不超过3年');
    expect(flex.region).toBe('广东省');
    expect(flex.url).toBe('http://localhost:3000/docs/18b-2026-1bcb9f55#p33');
    // Every condition is quoted, checked and linked to its paragraph.
    expect(flex.conditions).toEqual([
      { text: '适用地区：广东省', status: 'met', url: flex.url },
      { text: '毕业2年内高校毕业生', status: 'met', url: flex.url },
      { text: expect.stringContaining('以灵活就业类型登记就业'), status: 'met', url: flex.url },
    ]);
    // Eligible measures come first.
    expect(r.results[0]!.status).toBe('eligible');
  });

  it('the same person three years after graduating is not eligible, and the failing condition is named', () => {
    const r = check({ ...graduate2025, today: '2028-09-01' });
    const flex = result(r, GD_FLEX);
    expect(flex.status).toBe('not_eligible');
    const failing = flex.conditions.filter((c) => c.status === 'not_met');
    expect(failing.map((c) => c.text)).toEqual(['毕业2年内高校毕业生']);
  });

  it('毕业2年内 is counted in months: 24 months after graduating is in, 25 is out', () => {
    expect(result(check({ ...graduate2025, today: '2027-06-30' }), GD_FLEX).status).toBe('eligible');
    expect(result(check({ ...graduate2025, today: '2027-07-01' }), GD_FLEX).status).toBe('not_eligible');
  });

  it('毕业学年: a student graduating later this year counts, last year’s graduate does not', () => {
    const base = { region: '广州市', identities: ['高校毕业生', '低保家庭'], employment: 'unemployed', today: '2026-03-01' };
    expect(result(check({ ...base, graduationDate: '2026-07' }), GD_JOBSEEK).status).toBe('eligible');
    const last = result(check({ ...base, graduationDate: '2025-07' }), GD_JOBSEEK);
    expect(last.status).toBe('not_eligible');
    expect(last.conditions.find((c) => c.status === 'not_met')!.text).toContain('毕业学年学生');
    // The family condition is quoted from its own paragraph (p42), with that paragraph's link.
    expect(last.conditions.find((c) => c.text.includes('低保家庭'))!.url).toBe('http://localhost:3000/docs/18b-2026-1bcb9f55#p42');
  });

  it('a graduate whose graduation date is missing gets unknown, and the next question asks for it', () => {
    const r = check({ region: '广州市', identities: ['高校毕业生'], employment: 'flexible', today: '2026-03-01' });
    const flex = result(r, GD_FLEX);
    expect(flex.status).toBe('unknown');
    expect(flex.conditions.find((c) => c.status === 'unknown')!.text).toBe('毕业2年内高校毕业生');
    expect(r.nextQuestion?.field).toBe('graduationDate');
    expect(r.nextQuestion?.prompt).toMatch(/毕业/);
    expect(r.nextQuestion?.options.map((o) => o.label)).toContain('2025年');
    // Answering with an option settles it.
    const opt = r.nextQuestion!.options.find((o) => o.label === '2025年')!;
    const after = check({ region: '广州市', identities: ['高校毕业生'], employment: 'flexible', today: '2026-03-01', graduationDate: opt.value as string });
    expect(result(after, GD_FLEX).status).toBe('eligible');
  });
});

describe('checkEligibility on the Chengyang policy (003)', () => {
  it('a Chengyang 小微企业 hiring a graduate gets the employer social-insurance subsidy', () => {
    const r = check({ region: '青岛市城阳区', employment: 'employer', identities: ['小微企业'], hiring: ['高校毕业生'], today: '2025-03-01' });
    const sub = result(r, CY_EMPLOYER);
    expect(sub.status).toBe('eligible');
    expect(sub.amount).toContain('全额补贴用人单位实际缴纳的社会保险费');
    expect(sub.conditions.map((c) => c.text)).toEqual(['适用地区：青岛市城阳区', '申请对象：用人单位', '小微企业', '招用毕业年度高校毕业生和离校2年内未就业高校毕业生']);
    // The Guangdong employer subsidy is shown only as 其他地区.
    const gd = result(r, GD_SMALL_BIZ);
    expect(gd.status).toBe('not_eligible');
    expect(gd.conditions).toEqual([{ text: '其他地区（本措施适用于广东省）', status: 'not_met', url: GD_SMALL_BIZ.url }]);
  });

  it('a job seeker is not the applicant of an employer measure', () => {
    const r = check({ region: '青岛市城阳区', employment: 'flexible', identities: ['高校毕业生'], graduationDate: '2025-07', today: '2025-09-01' });
    const sub = result(r, CY_EMPLOYER);
    expect(sub.status).toBe('not_eligible');
    expect(sub.conditions.find((c) => c.status === 'not_met')!.text).toBe('申请对象：用人单位');
    expect(result(r, CY_FLEX).status).toBe('eligible');
  });

  it('毕业年度 或 离校2年内未就业: after the graduation year, a graduate who has taken a job fails it', () => {
    // In the graduation year itself 毕业年度 holds, whatever the job.
    const sameYear = check({ region: '青岛市城阳区', identities: ['高校毕业生'], graduationDate: '2025-07', employment: 'employed', today: '2025-09-01' });
    expect(result(sameYear, CY_FLEX).conditions.find((c) => c.text.startsWith('就业困难人员'))!.status).toBe('met');
    // The next year only 离校2年内未就业 could apply: a job since leaving rules it out; no job keeps it.
    const withFlex = check({ region: '青岛市城阳区', identities: ['高校毕业生'], graduationDate: '2025-07', employment: 'flexible', today: '2026-03-01' });
    expect(result(withFlex, CY_FLEX).status).toBe('eligible');
    const r = check({ region: '青岛市城阳区', identities: ['高校毕业生'], graduationDate: '2025-07', employment: 'employed', today: '2026-03-01' });
    const flex = result(r, CY_FLEX);
    expect(flex.status).toBe('not_eligible');
    expect(flex.conditions.filter((c) => c.status === 'not_met').map((c) => c.text)).toEqual(['就业困难人员、毕业年度高校毕业生、离校2年内未就业高校毕业生', '实现灵活就业的']);
  });

  it('a measure whose end date has passed is expired, never eligible, and sorts last', () => {
    const profile = { region: '青岛市城阳区', identities: ['高校毕业生'], graduationDate: '2025-07', employment: 'flexible' };
    expect(result(check({ ...profile, today: '2025-12-31' }), CY_TAX).status).toBe('eligible');
    const r = check({ ...profile, today: '2026-01-01' });
    const tax = result(r, CY_TAX);
    expect(tax.status).toBe('expired');
    // Its conditions are still shown: only the stated end date fails.
    expect(tax.conditions.filter((c) => c.status !== 'met')).toEqual([{ text: '执行期限至2025年12月31日', status: 'not_met', url: CY_TAX.url }]);
    expect(r.results.at(-1)!.measureId).toBe(CY_TAX.id);
  });
});

describe('regions nest', () => {
  it('a 广东省 measure applies to a user in 广州市 (and in 广州市天河区)', () => {
    for (const region of ['广州市', '广州市天河区', '广东省']) {
      const flex = result(check({ region, identities: ['高校毕业生'], graduationDate: '2025-06', employment: 'flexible', today: '2026-03-01' }), GD_FLEX);
      expect(flex.status, region).toBe('eligible');
    }
  });

  it('a 城阳区 measure does not apply in 市北区 or 广州市: shown as 其他地区', () => {
    for (const region of ['青岛市市北区', '广州市']) {
      const r = check({ region, identities: ['高校毕业生'], graduationDate: '2025-07', employment: 'flexible', today: '2025-09-01' });
      const flex = result(r, CY_FLEX);
      expect(flex.status, region).toBe('not_eligible');
      expect(flex.conditions).toEqual([{ text: '其他地区（本措施适用于青岛市城阳区）', status: 'not_met', url: CY_FLEX.url }]);
    }
  });

  it('a user who only says 青岛 may be in 城阳区: unknown, and the next question asks the district', () => {
    const r = check({ region: '青岛', identities: ['高校毕业生'], graduationDate: '2025-07', employment: 'flexible', today: '2025-09-01' });
    expect(result(r, CY_FLEX).status).toBe('unknown');
    expect(result(r, CY_FLEX).conditions[0]).toEqual({ text: '适用地区：青岛市城阳区', status: 'unknown', url: CY_FLEX.url });
    expect(r.nextQuestion?.field).toBe('region');
    expect(r.nextQuestion?.options.map((o) => o.label)).toEqual(['青岛市城阳区', '青岛市的其他区县']);
    const other = check({ region: r.nextQuestion!.options[1]!.value as string, identities: ['高校毕业生'], graduationDate: '2025-07', employment: 'flexible', today: '2025-09-01' });
    expect(result(other, CY_FLEX).status).toBe('not_eligible');
  });

  it('without a region, regional measures stay unknown on the region condition', () => {
    const r = check({ identities: ['高校毕业生'], graduationDate: '2025-06', employment: 'flexible', today: '2026-03-01' });
    const flex = result(r, GD_FLEX);
    expect(flex.status).toBe('unknown');
    expect(flex.conditions.filter((c) => c.status === 'unknown').map((c) => c.text)).toEqual(['适用地区：广东省']);
    expect(r.nextQuestion?.field).toBe('region');
  });
});

describe('age limits by sex (创业担保贷款: 女性不超过55周岁、男性不超过60周岁)', () => {
  const base = { region: '广州市', identities: ['登记失业人员'], employment: 'unemployed', age: 57, today: '2026-03-01' };

  it('a 57-year-old man qualifies, a 57-year-old woman does not', () => {
    expect(result(check({ ...base, sex: 'male' }), GZ_LOAN).status).toBe('eligible');
    const woman = result(check({ ...base, sex: '女' }), GZ_LOAN);
    expect(woman.status).toBe('not_eligible');
    const failing = woman.conditions.find((c) => c.status === 'not_met')!;
    expect(failing.text).toBe('提交贷款申请时女性不超过55周岁、男性不超过60周岁');
    expect(failing.url).toBe('http://localhost:3000/docs/15-2025-eb4f4c57#p12');
  });

  it('sex unknown: decided when both limits agree, asked when they differ', () => {
    expect(result(check({ ...base, age: 50 }), GZ_LOAN).status).toBe('eligible');
    expect(result(check({ ...base, age: 61 }), GZ_LOAN).status).toBe('not_eligible');
    const r = check(base);
    expect(result(r, GZ_LOAN).status).toBe('unknown');
    expect(r.nextQuestion).toEqual({ field: 'sex', prompt: '您的性别是？', options: [{ label: '男', value: 'male' }, { label: '女', value: 'female' }] });
  });
});

describe('determinism and order', () => {
  const profile = { region: '广州市', identities: ['高校毕业生'], employment: 'flexible', today: '2026-03-01' };

  it('the same profile gives the same output, whatever the catalog order', () => {
    const a = check(profile);
    const b = check(profile, [...CATALOG].reverse());
    expect(b).toEqual(a);
    expect(JSON.stringify(check(profile))).toBe(JSON.stringify(a));
  });

  it('results sort eligible, unknown, not_eligible, expired; newer documents first within a status', () => {
    const r = check({ region: '青岛市城阳区', identities: ['高校毕业生'], graduationDate: '2025-07', employment: 'flexible', today: '2026-01-01' });
    const rank = { eligible: 0, unknown: 1, not_eligible: 2, expired: 3 };
    const ranks = r.results.map((x) => rank[x.status]);
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    const notEligible = r.results.filter((x) => x.status === 'not_eligible').map((x) => x.docId);
    // 广东 (2026-08-03) before 广州 15 (2025-11-18).
    expect(notEligible.indexOf('18b-2026-1bcb9f55')).toBeLessThan(notEligible.indexOf('15-2025-eb4f4c57'));
  });

  it('the next question is null when no answer would change a verdict', () => {
    const r = check({ region: '广州市', identities: ['高校毕业生'], graduationDate: '2025-06', employment: 'flexible', age: 23, sex: 'female', today: '2026-03-01' }, [GD_FLEX, GZ_LOAN]);
    expect(r.results.map((x) => x.status)).toEqual(['eligible', 'eligible']);
    expect(r.nextQuestion).toBeNull();
  });
});

describe('parseProfile', () => {
  function error(input: unknown): string {
    try {
      parseProfile(input, CLOCK);
    } catch (err) {
      if (isPolicybotError(err, 'E_BAD_INPUT')) return err.userMessage;
      throw err;
    }
    throw new Error('expected E_BAD_INPUT');
  }

  it('resolves regions as people write them and defaults today to the clock', () => {
    const p = parseProfile({ region: '城阳区', graduationDate: '2025-6', sex: '男', employment: '灵活就业' }, CLOCK);
    expect(p).toMatchObject({ region: '青岛市城阳区', graduationDate: '2025-06', sex: 'male', employment: 'flexible', today: '2026-11-22', identitiesComplete: false });
    expect(parseProfile({ identities: [] }, CLOCK).identitiesComplete).toBe(true);
  });

  it('rejects bad profiles with a Chinese message naming the field', () => {
    expect(error([])).toMatch(/JSON 对象/);
    expect(error({ region: '火星' })).toMatch(/没有找到地区「火星」/);
    expect(error({ graduationDate: 'last year' })).toMatch(/毕业时间.*2025-06/);
    expect(error({ identities: ['大学生'] })).toMatch(/「大学生」不是可识别的人群/);
    expect(error({ employment: 'retired' })).toMatch(/就业状态/);
    expect(error({ today: '2026-13-01' })).toMatch(/日期 today/);
    expect(error({ age: -3 })).toMatch(/年龄 age/);
    expect(error({ name: '张三' })).toMatch(/不认识的字段「name」/);
  });
});

describe('alternatives and measures without readable conditions', () => {
  // 广州 一次性创业资助 (16 p2): 「符合以下条件之一」 followed by list items ②, ③ in their own paragraphs.
  const STARTUP_GZ: Measure = {
    ...GZ_LOAN,
    id: '16-ea1e5d14#p2:一次性创业资助',
    name: '一次性创业资助',
    docId: '16-ea1e5d14',
    region: '广州市',
    paragraphId: 'p2',
    url: 'http://localhost:3000/docs/16-ea1e5d14#p2',
    groups: ['退役军人', '登记失业人员'],
    conditions: [
      { type: 'employment', forms: ['self_employed'], text: '（1）初创企业的法定代表人或个体户经营者（女性不超过55周岁、男性不超过60周岁）符合以下条件之一', paragraphId: 'p3' },
      { type: 'group', groups: ['退役军人'], graduateWindow: null, text: '②军转干部、退役军人', paragraphId: 'p5' },
      { type: 'group', groups: ['登记失业人员', '就业困难人员', '脱贫人口'], graduateWindow: null, text: '③登记失业人员、就业困难人员、本省脱贫人口', paragraphId: 'p6' },
      { type: 'registration', what: '失业登记', text: '③登记失业人员、就业困难人员、本省脱贫人口', paragraphId: 'p6' },
    ],
    amounts: [{ text: '10000元', value: 10000, unit: '元', per: ['once'], isCap: false }],
    duration: null,
  };

  it('list items after 「符合以下条件之一」 are alternatives: one of them is enough', () => {
    const r = check({ region: '广州市', identities: ['退役军人'], employment: 'self_employed', today: '2026-03-01' }, [STARTUP_GZ]);
    const m = r.results[0]!;
    expect(m.status).toBe('eligible');
    expect(m.conditions.map((c) => [c.text, c.status])).toEqual([
      ['适用地区：广州市', 'met'],
      ['（1）初创企业的法定代表人或个体户经营者（女性不超过55周岁、男性不超过60周岁）符合以下条件之一', 'met'],
      ['符合以下之一：「②军转干部、退役军人」「③登记失业人员、就业困难人员、本省脱贫人口」', 'met'],
    ]);
    expect(m.conditions[2]!.url).toBe('http://localhost:3000/docs/16-ea1e5d14#p5');
    // Neither alternative: not eligible.
    expect(check({ region: '广州市', identities: ['农民工'], employment: 'self_employed', today: '2026-03-01' }, [STARTUP_GZ]).results[0]!.status).toBe('not_eligible');
  });

  it('a measure with no readable condition is never eligible by default', () => {
    const bare: Measure = { ...CY_ACCIDENT_BARE };
    const r = check({ region: '青岛市城阳区', identities: [], employment: 'flexible', today: '2025-03-01' }, [bare]);
    expect(r.results[0]!.status).toBe('unknown');
    expect(r.results[0]!.conditions.at(-1)).toEqual({ text: '原文没有写明可以逐条核对的申请条件，请查看原文', status: 'unknown', url: bare.url });
    // Nothing to ask would settle it.
    expect(r.nextQuestion).toBeNull();
  });
});

describe('requirements no profile states', () => {
  // 18b p78: 「服务期满考核合格的“三支一扶”高校毕业生，继续在基层单位工作满1年以上，可申请代偿…」
  const SANZHI: Measure = {
    ...GD_FLEX,
    id: '18b-2026-1bcb9f55#p78:学费代偿',
    name: '“三支一扶”学费代偿',
    paragraphId: 'p78',
    url: 'http://localhost:3000/docs/18b-2026-1bcb9f55#p78',
    conditions: [{ type: 'group', groups: ['高校毕业生'], graduateWindow: null, text: '服务期满考核合格的“三支一扶”高校毕业生', paragraphId: 'p78' }],
  };

  it('being a graduate does not meet 「服务期满考核合格的“三支一扶”高校毕业生」: unknown, not eligible', () => {
    const r = check({ region: '广州市', identities: ['高校毕业生'], graduationDate: '2025-06', employment: 'flexible', today: '2026-03-01' }, [SANZHI]);
    expect(r.results[0]!.status).toBe('unknown');
    expect(r.results[0]!.conditions.find((c) => c.text.includes('三支一扶'))!.status).toBe('unknown');
  });

  it('someone who is not a graduate still fails it', () => {
    const r = check({ region: '广州市', identities: ['农民工'], employment: 'flexible', today: '2026-03-01' }, [SANZHI]);
    expect(r.results[0]!.status).toBe('not_eligible');
  });
});

describe('minimum ages by sex (「男年满50周岁、女年满40周岁」)', () => {
  const OLDER: Measure = {
    ...GZ_LOAN,
    id: 'x#p1:大龄补贴',
    name: '大龄就业补贴',
    conditions: [{ type: 'age', min: 40, minMale: 50, minFemale: 40, maxMale: null, maxFemale: null, text: '男年满50周岁、女年满40周岁', paragraphId: 'p1' }],
  };
  const base = { region: '广州市', identities: ['登记失业人员'], employment: 'unemployed', today: '2026-03-01' };
  const ageStatus = (extra: Record<string, unknown>) => result(check({ ...base, ...extra }, [OLDER]), OLDER).conditions.find((c) => c.text.startsWith('男年满'))!.status;

  it('a 45-year-old man is below his limit, a 45-year-old woman is above hers', () => {
    expect(ageStatus({ age: 45, sex: 'male' })).toBe('not_met');
    expect(ageStatus({ age: 45, sex: 'female' })).toBe('met');
  });

  it('sex unknown: below both fails, above both passes, in between is asked', () => {
    expect(ageStatus({ age: 35 })).toBe('not_met');
    expect(ageStatus({ age: 55 })).toBe('met');
    expect(ageStatus({ age: 45 })).toBe('unknown');
  });
});

describe('the amount shown with a measure', () => {
  const withAmounts = (texts: string[]): Measure => ({
    ...GD_JOBSEEK,
    amounts: texts.map((text) => ({ text, value: 1, unit: '元', per: ['once'], isCap: false })),
    duration: null,
  });

  it('says a figure once when a longer statement of the same rule repeats it', () => {
    const m = withAmounts(['每人10000元', '博士每人10000元、硕士每人7000元、其他每人5000元']);
    expect(amountText(m)).toBe('博士每人10000元、硕士每人7000元、其他每人5000元');
  });

  it('joins two clipped pieces of one sentence instead of showing both', () => {
    const m = withAmounts(['按博士每人10000元、硕士每人7000元', '…士每人10000元、硕士每人7000元、其他每人5000元']);
    expect(amountText(m)).toBe('按博士每人10000元、硕士每人7000元、其他每人5000元');
  });

  it('keeps different figures that only share a unit', () => {
    const m = withAmounts(['每人最高可补贴300元', '每人最高可补贴1200元']);
    expect(amountText(m)).toBe('每人最高可补贴300元，每人最高可补贴1200元');
  });
});
