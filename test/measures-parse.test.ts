import { describe, expect, it } from 'vitest';
import { parseAmounts, amountInYuan } from '../src/measures/amounts.ts';
import { findGroups, graduateWindows, groupsOf } from '../src/measures/groups.ts';
import { ageCondition, conditionsOf } from '../src/measures/conditions.ts';
import { findNames, headingName, normaliseName } from '../src/measures/names.ts';

// Every sentence below is quoted from the bundled corpus (file and paragraph in the comment).

describe('amounts', () => {
  it('每人每年不高于100元 (003 p19): a yearly per-person cap', () => {
    const [a, ...rest] = parseAmounts('对依托新业态平台开展经营活动的灵活就业人员或单位,按照每人每年不高于100元标准给予意外伤害保险补贴。');
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ value: 100, unit: '元', per: ['person', 'year'], isCap: true });
  });

  it('每人每月300元 and the 2/3 cap of one\'s own contributions (18b p33)', () => {
    const got = parseAmounts('按每人每月300元标准给予补贴，有条件的地市可适当提高但最高不超过其本人实际缴费额的2/3，补贴期限最长不超过3年。');
    expect(got.map((a) => [a.value, a.unit, a.isCap])).toEqual([
      [300, '元', false],
      [66.67, '%', true],
    ]);
    expect(got[0]!.per).toEqual(['person', 'month']);
  });

  it('loan caps in 万元, the 110% of the sum and the 50% interest subsidy; repeated 30万元 counted once (18b p63–64)', () => {
    const text =
      '个人创业担保贷款额度最高30万元，贷款期限不超过3年，创业带动3人以上就业的借款人，个人最高贷款额度可提高至60万元；对符合个人创业担保贷款条件的借款人合伙经营或创办企业的，可根据合伙创业人数适当提高贷款额度，最高不超过符合条件的个人创业担保贷款额度上限（30万元）之和的110%，且贷款总额不超过小微企业创业担保贷款额度上限（500万元）。\n创业担保贷款利率不超过LPR+50BP，贷款期限内，财政部门对符合条件的贷款按实际利率的50%给予财政贴息。';
    const got = parseAmounts(text);
    expect(got.map((a) => `${amountInYuan(a)}${a.unit === '%' ? '%' : '元'}`)).toEqual(['300000元', '600000元', '110%', '5000000元', '50%']);
    expect(got[0]!.isCap).toBe(true);
    expect(got[4]!.text).toContain('按实际利率的50%给予财政贴息');
  });

  it('不超过4%的优惠贷款利率 and 最高不超过3000万元 (003 p26)', () => {
    const got = parseAmounts('对吸纳就业人数多、稳岗效果好、用工规范的小微企业,按规定给予不超过4%的优惠贷款利率,单户授信额度最高不超过3000万元。');
    expect(got.map((a) => [a.value, a.unit, a.isCap])).toEqual([
      [4, '%', true],
      [3000, '万元', true],
    ]);
    expect(got[0]!.text).toContain('优惠贷款利率');
  });

  it('全额补贴…社会保险费 is 100% (003 p25)', () => {
    expect(parseAmounts('小微企业招用毕业年度高校毕业生的,全额补贴用人单位实际缴纳的社会保险费(不包括个人应缴纳部分)。')).toEqual([
      expect.objectContaining({ value: 100, unit: '%' }),
    ]);
  });

  it('minimums and targets are not amounts: 不低于当地最低工资80% (18b p11), 就业率达到55% (003 p30), 人数的15% (18b p75)', () => {
    expect(parseAmounts('且每月按不低于当地最低工资80%的标准对见习人员支付工作补贴的，可按规定享受就业见习补贴。')).toEqual([]);
    expect(parseAmounts('确保就业年龄段持证残疾人就业率达到55%以上,保障残疾人就业增收。')).toEqual([]);
    expect(parseAmounts('招聘数量不低于当年退役大学生士兵人数的15%。')).toEqual([]);
  });

  it('per-person rates in one clause do not leak into the next (18b p77)', () => {
    const got = parseAmounts('生活补贴每人每月3600元，每人每年1000元的交通补贴。');
    expect(got.map((a) => a.per)).toEqual([
      ['person', 'month'],
      ['person', 'year'],
    ]);
  });
});

describe('groups and graduate windows', () => {
  it('毕业年度 and 离校2年内未就业 graduates, 就业困难人员, flexible employment (003 p19)', () => {
    const s = '对就业困难人员、毕业年度高校毕业生、离校2年内未就业高校毕业生实现灵活就业的,按规定给予社会保险补贴。';
    expect(groupsOf(s, 'individual')).toEqual(['就业困难人员', '高校毕业生', '灵活就业人员']);
    expect(graduateWindows(s)).toEqual([
      { kind: 'graduation_year', years: null, unemployedSinceLeaving: false },
      { kind: 'years', years: 2, unemployedSinceLeaving: true },
    ]);
  });

  it('毕业2年内 and 毕业5年内 (18b p4, p52); 在校大学生 is not a graduate', () => {
    expect(graduateWindows('小微企业招用毕业2年内高校毕业生')).toEqual([{ kind: 'years', years: 2, unemployedSinceLeaving: false }]);
    expect(graduateWindows('在校大学生及毕业5年内高校毕业生在广东省创办')).toEqual([{ kind: 'years', years: 5, unemployedSinceLeaving: false }]);
    expect(findGroups('在校大学生及高校毕业生').map((m) => m.groups[0])).toEqual(['在校大学生', '高校毕业生']);
  });

  it('大学生士兵 are veterans; a yardstick group (享受…高校毕业生同等待遇) is not targeted (18b p74)', () => {
    expect(groupsOf('应征地为广东的大学生士兵，退役2年内在广东省内各类企业就业、自主创业、落户、公共就业人才服务等方面享受在基层工作高校毕业生同等政策待遇。', 'individual')).toEqual(['退役军人']);
  });

  it('就业困难残疾人 is both; an employer measure for any employer lists 用人单位 (003 p30)', () => {
    expect(groupsOf('全面落实用人单位安置就业困难残疾人稳岗补贴等政策', 'employer')).toEqual(['就业困难人员', '残疾人', '用人单位']);
  });

  it('小微企业 founded by the claimant is not a target of an individual measure, but is of an employer one (18b p52, p20)', () => {
    const s = '在校大学生及毕业5年内高校毕业生在广东省创办登记注册3年内的小微企业、个体工商户';
    expect(groupsOf(s, 'individual')).not.toContain('小微企业');
    expect(groupsOf(s, 'employer')).toContain('小微企业');
  });
});

describe('conditions', () => {
  it('age limits by sex: 女性不超过55周岁、男性不超过60周岁 (15 创业担保贷款常见问题)', () => {
    expect(ageCondition('1.提交贷款申请时女性不超过55周岁、男性不超过60周岁；', 'p9')).toMatchObject({ type: 'age', maxFemale: 55, maxMale: 60, min: null });
  });

  it('an age range (16—24岁失业青年, 18b p11); a minimum by sex is left untyped (年满50周岁)', () => {
    expect(ageCondition('组织毕业2年内高校毕业生或16—24岁失业青年参加就业见习', 'p11')).toMatchObject({ min: 16, maxMale: 24, maxFemale: 24 });
    expect(ageCondition('灵活就业人员在我省首次参保时男已年满50周岁、女已年满40周岁的', 'p1')).toBeNull();
  });

  it('contract length, months of contributions, employment form and registration (18b p37, p33)', () => {
    const c37 = conditionsOf(
      '毕业2年内普通高等学校、职业学校、技工院校毕业生到粤东粤西粤北地区用人单位就业（入编机关事业单位的除外），签订1年以上劳动合同并按规定缴纳6个月以上社会保险费的，按博士每人10000元、硕士每人7000元、其他每人5000元标准给予补贴。',
      'p37',
      { recipient: 'individual', groups: ['高校毕业生'] },
    );
    expect(c37).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'contract', minYears: 1 }),
        expect.objectContaining({ type: 'contributions', minMonths: 6 }),
        expect.objectContaining({ type: 'employment', forms: ['employed'] }),
        expect.objectContaining({ type: 'region', region: '粤东粤西粤北地区' }),
        expect.objectContaining({ type: 'group', groups: ['高校毕业生'], graduateWindow: { kind: 'years', years: 2, unemployedSinceLeaving: false } }),
      ]),
    );
    const c33 = conditionsOf('毕业2年内高校毕业生，向公共就业人才服务机构以灵活就业类型登记就业并以灵活就业人员身份参加企业职工养老保险和职工医疗保险的', 'p33', {
      recipient: 'individual',
      groups: ['高校毕业生'],
    });
    expect(c33).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'employment', forms: ['flexible'] }), expect.objectContaining({ type: 'registration', what: '就业登记' })]));
    for (const c of [...c37, ...c33]) expect(c.text.length).toBeGreaterThan(0);
  });

  it('business age: 登记注册3年内 and 登记注册满12个月 (18b p52)', () => {
    const c = conditionsOf('在广东省创办登记注册3年内的小微企业，并担任该主体法定代表人，登记注册满12个月，申请补贴前6个月正常经营且有不少于1名员工按规定缴纳社会保险费', 'p52', {
      recipient: 'individual',
      groups: [],
    });
    expect(c).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'business_age', maxYears: 3, minMonths: 12 }),
        expect.objectContaining({ type: 'employees', min: 1 }),
        expect.objectContaining({ type: 'region', region: '广东省' }),
      ]),
    );
  });
});

describe('names', () => {
  it('finds the name after the verb and outside book titles', () => {
    expect(findNames('按照每人每年不高于100元标准给予意外伤害保险补贴。').map((n) => n.raw)).toEqual(['意外伤害保险补贴']);
    expect(findNames('落实失业保险稳岗返还、技能提升补贴等政策,').map((n) => n.raw)).toEqual(['失业保险稳岗返还', '技能提升补贴']);
    expect(findNames('参加《广东省职业技能提升补贴（指导）标准目录（2025年版）》内职业（工种）培训')).toEqual([]);
    expect(findNames('加大对各项稳就业促发展资金的保障力度,各部门要加强就业补助资金使用全过程监督管理')).toEqual([]);
    expect(findNames('按规定给予不超过4%的优惠贷款利率')).toEqual([]);
  });

  it('normalises 社保 → 社会保险 and names the flexible-employment subsidy', () => {
    expect(headingName('一、灵活就业社保补贴')).toBe('灵活就业社会保险补贴');
    expect(normaliseName('社会保险补贴', '对就业困难人员…实现灵活就业的,按规定给予社会保险补贴')).toBe('灵活就业社会保险补贴');
    expect(normaliseName('技能提升补贴')).toBe('职业技能提升补贴');
    expect(normaliseName('用人单位安置就业困难残疾人稳岗补贴')).toBe('安置就业困难残疾人稳岗补贴');
  });
});
