import { describe, expect, it } from 'vitest';
import { buildDocument } from '../src/ingest/document.ts';
import { parseAmounts } from '../src/measures/amounts.ts';
import { extractFromDocument } from '../src/measures/extract.ts';

/**
 * Shapes of documents of other provinces (issue 13): a 明白卡 of unnumbered records, an FAQ whose answer
 * does not repeat the name, an inline list after the name, a higher tier, mutual exclusions and worked
 * examples inside a paragraph. Small invented documents; the development set has the fuller ones.
 */
const extract = (blocks: string[], kind: 'policy' | 'faq' = 'policy') =>
  extractFromDocument(
    buildDocument('t.txt', Buffer.from(blocks.join('\n')), { title: blocks[0]!, issuer: null, docNumber: null, date: '2025-05-01', sourceUrl: null, kind, region: '兰州市', meta: {}, blocks }),
  );

describe('document shapes', () => {
  it('a 明白卡 record (政策名称：X then its labelled lines) is one measure; an award and a service record are none', () => {
    const got = extract([
      '兰州市就业政策明白卡',
      '政策名称：一次性求职补贴',
      '补贴对象：毕业学年内的低保家庭高校毕业生。',
      '补贴标准：每人一次性补贴2000元。',
      '申请渠道：所在高校就业指导中心。',
      '政策名称：创业孵化基地奖补',
      '补贴对象：经认定的创业孵化基地。',
      '补贴标准：给予一次性奖补10万元。',
      '政策名称：职业介绍服务',
      '补贴对象：有就业意愿的劳动者。',
    ]);
    expect(got.map((m) => m.name)).toEqual(['一次性求职补贴']);
    expect(got[0]).toMatchObject({ groups: expect.arrayContaining(['高校毕业生', '低保家庭']), parts: { process: '所在高校就业指导中心。' } });
    expect(got[0]!.amounts.map((a) => a.value)).toEqual([2000]);
  });

  it('an FAQ answer that does not repeat the name adds its groups to the measure the question names', () => {
    const got = extract(
      [
        '兰州市创业政策问答',
        '问一：创业担保贷款最多能贷多少？',
        '答：个人创业担保贷款最高30万元。',
        '问二：哪些人可以申请个人创业担保贷款？',
        '答：城镇登记失业人员、退役军人、高校毕业生在本市创业的，可以申请。',
        '问三：一次性创业补贴和创业担保贷款能同时享受吗？',
        '答：可以，两项政策条件不同。',
      ],
      'faq',
    );
    expect(got.map((m) => m.name)).toEqual(['创业担保贷款']);
    expect(got[0]!.groups).toEqual(expect.arrayContaining(['登记失业人员', '退役军人', '高校毕业生']));
  });

  it('an FAQ’s yes to a question naming one measure offers it, a question that points back (该补贴) gives its amount, a no offers nothing', () => {
    const got = extract(
      [
        '兰州市就业创业政策问答',
        '问：我是2023年毕业的大学生，开了一家奶茶店，能申请一次性创业补贴吗？',
        '答：可以申请。该补贴面向在本市首次创办小微企业或从事个体经营的高校毕业生。',
        '问：该补贴能拿多少钱？',
        '答：每户一次性给予5000元，同一人员只能享受一次。',
        '问：我已经退休了，还能领灵活就业社会保险补贴吗？',
        '答：不能。达到法定退休年龄的人员不再享受。',
      ],
      'faq',
    );
    expect(got.map((m) => m.name)).toEqual(['一次性创业补贴']);
    expect(got[0]!.amounts.map((a) => a.value)).toEqual([5000]);
  });

  it('an article titled by a name (「第七条 职业技能培训补贴。」) is that measure throughout; 「一是…」 is no part of a name', () => {
    const got = extract([
      '若干措施',
      '第七条 职业技能培训补贴。登记失业人员参加职业技能培训，取得职业技能等级证书的，按初级800元、中级1200元给予培训补贴。',
      '第九条 税收优惠。一是退役士兵创业税收优惠：自主就业退役士兵从事个体经营的，按每户每年20000元为限额扣减税费。',
    ]);
    expect(got.find((m) => m.name === '职业技能培训补贴')!.amounts.map((a) => a.value)).toEqual([800, 1200]);
    expect(got.map((m) => m.name)).toContain('退役士兵创业税收优惠');
    expect(got.some((m) => m.name.startsWith('一是'))).toBe(false);
  });

  it('an inline list after the name (…标准为每户5000元：A；B；C。) is the measure’s alternatives', () => {
    const [m] = extract(['通知', '一、创业扶持', '在本市首次创办个体工商户并正常经营满6个月，同时符合以下条件之一的人员，可申请一次性创业补贴，标准为每户5000元：毕业5年内高校毕业生；退役军人；返乡创业农民工。']);
    expect(m!.groups).toEqual(expect.arrayContaining(['高校毕业生', '退役军人', '农民工']));
    expect(m!.conditions.filter((c) => c.list === 'any').map((c) => c.type)).toEqual(['group', 'group', 'group']);
    expect(m!.conditions.find((c) => c.type === 'business_age')).toMatchObject({ minMonths: 6 });
  });

  it('a higher tier (其中，符合以下条件之一的，补贴标准提高到…) gives an amount, not a condition', () => {
    const [m] = extract(['通知', '一、创业扶持', '4.对在本市首次创业、正常经营1年以上的创业者，给予一次性创业补贴1万元。其中，符合以下条件之一的，补贴标准提高到1.5万元：（1）创业者为退役军人；（2）创业者为脱贫人口。']);
    expect(m!.amounts.map((a) => a.value)).toEqual([1, 1.5]);
    expect(m!.groups).not.toContain('退役军人');
    expect(m!.conditions.some((c) => c.type === 'group')).toBe(false);
  });

  it('「X与Y不重复享受」 names no measure; a worked example inside a paragraph gives no amount', () => {
    const got = extract(['通知', '一、支持企业', '对招用离校2年内未就业高校毕业生的企业，按每人1500元给予一次性扩岗补助。例如，某企业招用3人，可获补助4500元。', '二、其他', '一次性扩岗补助与一次性吸纳就业补贴不重复享受。']);
    expect(got.map((m) => m.name)).toEqual(['一次性扩岗补助']);
    expect(got[0]!.amounts.map((a) => a.value)).toEqual([1500]);
    expect(parseAmounts('上年度裁员率不高于参保职工总数的20%，按实际缴纳失业保险费的60%返还。').map((a) => a.value)).toEqual([60]);
  });

  it('items named in brackets (一、【一次性创业补贴】) are measures with their labelled amounts; a cap (每户企业累计补贴…) is not one', () => {
    const got = extract([
      '兰州市就业创业政策清单',
      '一、【一次性创业补贴】',
      '政策内容：对首次创业并正常经营满6个月的人员，给予一次性创业补贴。',
      '补贴标准：每户补贴5000元。',
      '二、【一次性吸纳就业补贴】',
      '政策内容：对招用登记失业人员的小微企业给予一次性吸纳就业补贴。',
      '补贴标准：按每招用1人补贴1000元，每户企业累计补贴不超过10万元。',
    ]);
    expect(got.map((m) => m.name)).toEqual(['一次性创业补贴', '一次性吸纳就业补贴']);
    expect(got[0]!.amounts.map((a) => a.value)).toEqual([5000]);
    expect(got[1]!.amounts.map((a) => `${a.value}${a.unit}`)).toEqual(['1000元', '10万元']);
  });

  it('a post and its subsidy named in one row are one measure; a measure already claimed (已由其他单位申领过…) names none', () => {
    const got = extract([
      '兰州市就业扶持项目目录',
      '序号｜项目｜对象｜标准',
      '1｜公益性岗位补贴｜经认定通过市场渠道难以实现就业的本市就业困难人员｜每人每月1700元',
      '同一人员已由其他单位申领过一次性吸纳就业补贴的，不予补贴。',
    ]);
    expect(got.map((m) => m.name)).toEqual(['公益性岗位补贴']);
  });

  it('「X，同时来自A、B或C之一的」 is X and one of A, B, C; 「注册个体工商户或小微企业」 does not require a small enterprise', () => {
    const [m] = extract(['兰州市促进就业若干措施', '对毕业年度内的高校毕业生，同时来自低保家庭、零就业家庭或本人为残疾人之一的，发放一次性求职创业补贴，每人1000元。']);
    const groups = m!.conditions.filter((c) => c.type === 'group').map((c) => (c as { groups: string[] }).groups);
    expect(groups).toEqual([['高校毕业生'], expect.arrayContaining(['低保家庭', '零就业家庭', '残疾人'])]);
    const [n] = extract(['兰州市创业扶持办法', '登记失业人员在我市注册个体工商户或小微企业，且正常经营6个月以上的，可申领一次性创业补贴5000元。']);
    expect(n!.conditions.map((c) => c.type)).not.toContain('enterprise_size');
  });
});

