import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { useLexicon } from '../src/index/build.ts';
import { buildQuery } from '../src/retrieve/query.ts';
import { understand } from '../src/understand/message.ts';
import { otherSubjectTest } from '../src/answer/subject.ts';
import { normalizeForMatch } from '../src/text/normalize.ts';

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
        // An FAQ whose answer goes on in a second paragraph under its question.
        'zz-faq-two-paragraphs.md':
          '---\ntitle: 九江市工伤保险常见问题解答\nissuer: 九江市人力资源和社会保障局\ndate: 2026-05-01\nregion: 江西省九江市\nkind: faq\n---\n' +
          '## 问：上班时受了伤，由谁来申请工伤认定？有没有时间限制？\n\n' +
          '答：职工发生事故伤害的，所在单位应当自事故伤害发生之日起30日内提出工伤认定申请。\n\n' +
          '用人单位未按规定提出申请的，受伤职工或者其近亲属可以在事故伤害发生之日起1年内直接提出申请。\n\n' +
          '## 问：工伤认定到哪里办？\n\n答：到九江市人力资源和社会保障局工伤保险科办理，咨询电话：0792-8561234。\n',
        // A notice whose measures have labelled parts; the materials part mentions a sum in passing.
        'zz-labelled-notice.md':
          '---\ntitle: 银川市关于2026年度创业补贴申领工作的公告\nissuer: 银川市人力资源和社会保障局\ndate: 2026-03-01\nregion: 宁夏回族自治区银川市\n---\n' +
          '## 一、一次性创业补贴\n\n补贴对象：首次创办小微企业或个体工商户，在我市登记注册满6个月且正常经营的高校毕业生、退役军人、登记失业人员。\n\n' +
          '补贴标准：每户一次性给予8000元；带动3人以上就业并为其缴纳社会保险的，每户给予12000元。\n\n' +
          '申请材料：身份证、营业执照、经营场所租赁合同、《银川市一次性创业补贴申请表》、带动就业人员名册及社保缴费记录（申请12000元标准的提供）。\n\n' +
          '办理地点：银川市民大厅二楼人社窗口，咨询电话：0951-6012345。\n',
        // An FAQ where the death benefits' rule names 失业保险金 more often than the answer on the benefit itself.
        'zz-unemployment-amounts.md':
          '---\ntitle: 鹤壁市失业保险待遇常见问题\nissuer: 鹤壁市人力资源和社会保障局\ndate: 2026-04-01\nregion: 河南省鹤壁市\nkind: faq\n---\n' +
          '## 问：失业人员在领取失业保险金期间死亡的，家属能领什么？\n\n' +
          '答：丧葬补助金按照失业人员死亡时失业保险金领取地上年度在岗职工月平均工资的三倍计发，抚恤金按照失业人员死亡时失业保险金领取地每月失业保险金标准的10倍计发。\n\n' +
          '## 问：失业保险金的标准是多少？\n\n答：按照本市最低工资标准的90%计发，每月1710元。\n',
        // A notice whose sentence that names the benefit most states no date; the next one does.
        'zz-payment-day.md':
          '---\ntitle: 双鸭山市失业保险金发放有关事项的通知\nissuer: 双鸭山市社会保险事业中心\ndate: 2026-05-01\nregion: 黑龙江省双鸭山市\n---\n' +
          '失业保险金每个月按月发放，每个月领取失业保险金前应当先完成当月的失业保险金资格核对。经办机构每月10日前将核对通过的款项发放至本人社会保障卡。\n',
        // A guide whose items open with their own short titles.
        'zz-titled-items.md':
          '---\ntitle: 鹤岗市失业保险金申领指南\nissuer: 鹤岗市人力资源和社会保障局\ndate: 2026-04-01\nregion: 黑龙江省鹤岗市\n---\n' +
          '五、经办方式\n\n（一）线上办理。失业人员可通过“龙江人社”APP或鹤岗人社微信公众号申领失业保险金，无需提交纸质材料。\n\n' +
          '（二）线下办理。失业人员可到户籍所在地社区（村）公共服务站或市社会保险事业中心服务大厅办理。\n',
        // Tiers by years of contributions, and an age bound among other rules of a programme.
        'zz-tiers.md':
          '---\ntitle: 鄂州市失业保险待遇问答\nissuer: 鄂州市人力资源和社会保障局\ndate: 2026-06-01\nregion: 湖北省鄂州市\n---\n' +
          '## 一、失业保险金领取期限\n\n失业保险金领取期限根据失业前累计缴费时间确定：\n\n' +
          '1. 累计缴费满1年不满5年的，领取期限最长为12个月；\n2. 累计缴费满5年不满10年的，领取期限最长为18个月；\n3. 累计缴费10年以上的，领取期限最长为24个月。\n',
        // A notice whose phone line has digits and whose last line says until when it applies.
        'zz-validity.md':
          '---\ntitle: 鹤壁市稳就业若干措施\nissuer: 鹤壁市人民政府\ndate: 2026-01-10\nregion: 河南省鹤壁市\n---\n' +
          '一、对吸纳高校毕业生的小微企业给予一次性吸纳就业补贴。\n\n' +
          '政策咨询：鹤壁市稳就业工作专班，电话0392-3311234。\n\n' +
          '本措施自印发之日起施行，有效期至2027年12月31日。\n',
        // A rule that names the topic without a figure, and the figure in another article.
        'zz-rates.md':
          '---\ntitle: 濮阳市失业保险办法\nissuer: 濮阳市人民政府\ndate: 2026-02-01\nregion: 河南省濮阳市\n---\n' +
          '第五条 失业保险费由用人单位和职工个人共同缴纳，职工个人缴纳的部分由用人单位从其工资中代扣代缴。\n\n' +
          '第六条 用人单位按照本单位工资总额的1.5%缴纳，职工按照本人工资的0.5%缴纳。\n',
        'zz-public-jobs.md':
          '---\ntitle: 鄂州市公益性岗位管理问答\nissuer: 鄂州市人力资源和社会保障局\ndate: 2026-06-01\nregion: 湖北省鄂州市\n---\n' +
          '## 公益性岗位\n\n公益性岗位优先安置大龄失业人员、零就业家庭成员和残疾人，上岗人员首次上岗时男性不超过55周岁、女性不超过45周岁。' +
          '在岗人员无正当理由连续旷工超过10个工作日的，应当退出公益性岗位。以虚假材料骗取公益性岗位补贴的，追回全部补贴资金。\n',
        // A short guide whose body is its steps, then a reminder that also says 申请.
        'zz-steps-only.md':
          '---\ntitle: 鹤岗市劳动人事争议仲裁网上申请流程\nissuer: 鹤岗市劳动人事争议仲裁院\ndate: 2026-06-01\nregion: 黑龙江省鹤岗市\n---\n' +
          '1.打开“龙江人社”APP，进入调解仲裁专区\n\n2.实名认证后选择“仲裁申请”\n\n3.填写申请人、被申请人信息和仲裁请求\n\n4.上传证据材料后提交申请\n\n' +
          '温馨提示：网上申请仲裁后，请留意短信通知，审核通过后5个工作日内到仲裁院窗口递交纸质材料。\n',
        // A city's phone written in running text, not under a label (the 银川 notice labels its own).
        'zz-contact-prose.md':
          '---\ntitle: 安阳市灵活就业社会保险补贴申领办法\nissuer: 安阳市人力资源和社会保障局\ndate: 2026-05-01\nregion: 河南省安阳市\n---\n' +
          '第十二条 补贴按季申领，每季度结束后次月1日至20日提出申请。\n\n' +
          '第十三条 有疑问的，可拨打安阳市人社服务热线0372-12333。\n',
        // …and another city's labelled contact part, which matches the words of such a question better.
        'zz-contact-labelled.md':
          '---\ntitle: 吴忠市稳就业政策清单\nissuer: 吴忠市人力资源和社会保障局\ndate: 2026-05-01\nregion: 宁夏回族自治区吴忠市\n---\n' +
          '## 一、灵活就业社会保险补贴\n\n政策咨询部门：吴忠市人力资源和社会保障局；政策咨询电话：0953-2012345。\n',
        // A short article whose every sentence reads as a condition; only the last names the measure asked about.
        'zz-article-preamble.md':
          '---\ntitle: 鹤岗市就业促进条例\nissuer: 鹤岗市人民代表大会常务委员会\ndate: 2026-03-01\nregion: 黑龙江省鹤岗市\n---\n' +
          '第九条 县级以上人民政府应当鼓励退役人员创办小微企业。退役人员首次领取营业执照并正常经营一年以上的，按照规定享受一次性创业扶持金。\n',
        // A yes/no decided by the story: the general conditions, and the exclusion the story matches.
        'zz-story-yesno.md':
          '---\ntitle: 铜陵市失业保险待遇问答\nissuer: 铜陵市人力资源和社会保障局\ndate: 2026-05-01\nregion: 安徽省铜陵市\n---\n' +
          '## 失业保险金\n\n失业人员同时符合以下条件的，可以申领失业保险金：失业前所在单位和本人累计缴费满1年；非因本人意愿中断就业；已办理失业登记并有求职要求。\n\n' +
          '以个人身份参保的个体工商户业主，经营困难自行办理营业执照注销的，不属于非因本人意愿中断就业，不能申领失业保险金。\n\n' +
          '领取失业保险金期间，由失业保险基金代缴职工基本医疗保险费。\n\n' +
          '## 还能领失业金吗\n\n失业人员在领取失业保险金期间重新就业的，停止领取失业保险金；再次失业的，可以继续领取上次应领而尚未领取的失业保险金。\n',
        // A guide whose reminders are one heading's list, one of them stating a period about something else.
        'zz-guide-reminders.txt':
          '眉山市工伤认定申请办事指南\n发布单位：眉山市人力资源和社会保障局 更新日期：2026-03-01\n\n' +
          '一、办理时限\n\n承诺时限：受理之日起35个工作日内作出认定决定。\n\n' +
          '二、温馨提示\n\n1. 单位不及时申请的，职工本人可在1年内自行申请工伤认定。\n\n2. 请妥善保存第一次就医的病历和票据。\n\n' +
          '3. 工伤认定结论作出后需要评定伤残等级的，另行申请劳动能力鉴定。\n\n4. 工伤认定不处理工伤待遇纠纷，待遇争议可申请仲裁。\n',
        // An FAQ whose questions open the paragraphs that answer them (no heading of their own); no 购房补贴.
        'zz-inline-faq.txt':
          '承德市灵活就业人员社会保险补贴政策问答\n发布单位：承德市人力资源和社会保障局 发布日期：2026-04-01\n\n' +
          '1.哪些人可以享受灵活就业社会保险补贴？补贴对象为在承德市灵活就业并以个人身份参保的就业困难人员和离校2年内未就业的高校毕业生。\n\n' +
          '2.补贴能领多长时间？就业困难人员的补贴期限最长不超过3年；离校2年内未就业高校毕业生的补贴期限最长不超过2年。\n\n' +
          '3.怎么申请？每半年申报一次，申请人可在“承德人社”公众号在线申报。\n',
      },
    },
  );
}, 120_000);
afterAll(() => t?.cleanup());

/** An answer's first sentence, as a user reads it. */
const firstOf = (answer: string): string => answer.split(/(?<=[。！？])/u)[0]!;

describe('labelled parts of a notice (补贴标准：… 申请材料：…)', () => {
  it('「有多少」 is answered from the part labelled with the sum, not from the materials that mention one', async () => {
    const a = await t.engine.ask('在银川刚开了个奶茶店，营业执照办了快7个月，我是退役军人，一次性创业补贴有多少？');
    expect(a.abstained).toBe(false);
    const first = firstOf(a.answer);
    expect(first).toContain('每户一次性给予8000元');
    expect(first).not.toContain('申请材料');
  });

  it('clauses the notice joins with 「；」 stay one sentence, cited once', async () => {
    const a = await t.engine.ask('银川的一次性创业补贴能给多少钱？');
    expect(firstOf(a.answer)).toContain('每户一次性给予8000元；带动3人以上就业');
    expect(a.answer).not.toContain('8000元。[1]');
  });

  it('the part labelled with what is asked is the first source, however short', async () => {
    const a = await t.engine.ask('银川的一次性创业补贴能给多少钱？');
    expect(a.citations[0]?.text).toContain('每户一次性给予8000元');
    const where = await t.engine.ask('银川一次性创业补贴去哪办，电话多少');
    expect(where.citations.slice(0, 2).map((c) => c.text).join('')).toContain('0951-6012345');
  });
});

describe('a sum asked for a province', () => {
  it('is answered by the figure a city of that province states, cited as that city\'s', async () => {
    const a = await t.engine.ask('我在宁夏读的大学，退役后开了个小店，一次性创业补贴能给多少钱？');
    expect(a.abstained).toBe(false);
    expect(a.answer).toContain('8000元');
    expect(a.citations[0]?.title).toContain('银川');
  });
});

describe('where to go, whom to call', () => {
  it('「安阳人社局的政策咨询电话」 is answered with 安阳\'s number, not another city\'s labelled one', async () => {
    const a = await t.engine.ask('安阳人社局的政策咨询电话是多少？在线等');
    expect(a.abstained).toBe(false);
    expect(firstOf(a.answer)).toContain('0372-12333');
    expect(a.answer).not.toContain('0953-2012345');
    expect(a.answer).not.toContain('0532-58659939');
  });
});

describe('a phone asked for a place whose documents state none', () => {
  it('is refused, saying what was looked for, rather than answered with another city\'s number', async () => {
    // The corpus has a 山东省 law and 青岛 documents, none of 潍坊 with a number.
    const a = await t.engine.ask('潍坊人社局的咨询电话是多少？');
    expect(a.abstained).toBe(true);
    expect(a.answer).toContain('潍坊市');
    expect(a.answer).toContain('联系电话');
    expect(a.answer).not.toMatch(/0532-58659939|0372-12333|0953-2012345|0951-6012345/u);
  });
});

describe('an FAQ answer in several paragraphs', () => {
  it('is one passage: the paragraph that goes on is cited with the one that opens the answer', async () => {
    const a = await t.engine.ask('在九江厂里上班手被机器压伤了，单位一直拖着不给报工伤，我能自己去申请吗？最晚什么时候之前得去？');
    expect(a.abstained).toBe(false);
    const cited = a.citations.find((c) => c.text.includes('1年内直接提出申请'));
    expect(cited).toBeDefined();
    expect(cited!.text).toContain('所在单位应当自事故伤害发生之日起30日内');
  });
});

describe('worked cases in FAQ answers', () => {
  it('the first sentence states the rule, not the story of 王女士', async () => {
    const a = await t.engine.ask('测试市我办了个体户营业执照，还能领灵活就业社保补贴吗');
    expect(a.abstained).toBe(false);
    const first = firstOf(a.answer);
    expect(first).toContain('不再按灵活就业人员享受');
    expect(first).not.toContain('王女士');
  });
});

describe('a sentence about another benefit', () => {
  it('「失业金一个月能领多少」 is not answered by how 丧葬补助金 is computed', async () => {
    const a = await t.engine.ask('在鹤壁被公司裁了，失业保险金一个月能领多少钱？');
    expect(a.abstained).toBe(false);
    const first = firstOf(a.answer);
    expect(first).toContain('每月1710元');
    expect(first).not.toContain('丧葬补助金');
  });
});

describe('what a sentence is about (subject.ts)', () => {
  const lexicon = useLexicon([]);
  const other = otherSubjectTest((n) => lexicon.findConcepts(n), lexicon.phrases.benefitNouns);
  const query = (q: string) => {
    const u = understand(q, lexicon, null);
    return buildQuery(u.asks[0]!, u, lexicon);
  };
  it('a sentence opening with a benefit of another family is about that benefit', () => {
    expect(other(query('失业金一个月能领多少'), normalizeForMatch('丧葬补助金按照当地月平均工资的三倍计发。'))).toBe(true);
    expect(other(query('失业金一个月能领多少'), normalizeForMatch('失业保险金按照最低工资标准的90%计发。'))).toBe(false);
  });
  it('a sentence that grants another benefit of the same family, when the question names its own, is about that one', () => {
    expect(other(query('我被裁了，失业金一个月能领多少钱'), normalizeForMatch('领取失业保险金期满仍未就业的失业人员，按每人每月1000元发放失业补助金。'))).toBe(true);
    expect(other(query('交了7年，失业金最多能领几个月'), normalizeForMatch('累计缴纳失业保险费不满1年的失业人员，可申领一次性生活补助，最多不超过11个月。'))).toBe(true);
    expect(other(query('失业补助金一个月多少'), normalizeForMatch('领取失业保险金期满仍未就业的失业人员，按每人每月1000元发放失业补助金。'))).toBe(false);
    expect(other(query('创业有什么补贴'), normalizeForMatch('一次性创业补贴每户5000元。'))).toBe(false);
  });
  it('a part of the programme asked about, or a sentence opening otherwise, is not', () => {
    expect(other(query('三支一扶一个月多少钱'), normalizeForMatch('生活补贴每人每月3600元。'))).toBe(false);
    expect(other(query('失业金一个月能领多少'), normalizeForMatch('按照本市最低工资标准的90%计发，每月1710元。'))).toBe(false);
  });
});

describe('items that open with their own title', () => {
  it('「（一）线上办理。…」 is quoted as one statement: the first sentence is not the bare title', async () => {
    const a = await t.engine.ask('鹤岗领失业金，手机上用哪个APP申请？');
    expect(a.abstained).toBe(false);
    const first = firstOf(a.answer);
    expect(first).toContain('龙江人社');
  });
});

describe('a question after one fact', () => {
  it('opens with the sentence that states the figure (「每月几号发」 → 每月10日前)', async () => {
    const a = await t.engine.ask('双鸭山的失业保险金每个月几号发？');
    expect(a.abstained).toBe(false);
    const first = firstOf(a.answer);
    expect(first).toContain('10日前');
  });
});

describe('quantities asked and stated (quantity.ts)', () => {
  it('「交了7年…能领几个月」 leads with the tier that holds 7 years', async () => {
    const a = await t.engine.ask('我在鄂州交了7年失业保险，公司倒闭了，失业金最多能领几个月？');
    expect(a.abstained).toBe(false);
    expect(firstOf(a.answer)).toContain('18个月');
  });
  it('「我妈今年47岁…还能去吗」 is answered with the age bound, not another rule of the programme', async () => {
    const a = await t.engine.ask('我妈今年47岁，一直没工作，鄂州的公益性岗位她还能去吗？');
    expect(a.abstained).toBe(false);
    expect(firstOf(a.answer)).toContain('45周岁');
  });
});

describe('a quantity asked that no document states (abstain.ts asked-quantity)', () => {
  it('「超过多少岁就不能领」 is refused when no provision on the topic states an age, with what was looked for', async () => {
    const a = await t.engine.ask('领失业金有年龄限制吗，超过多少岁就不能领了？');
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.answer).toContain('失业保险金');
    expect(a.answer).toContain('年龄');
  });
  it('a sum asked (no place named) that no provision on the topic states is refused too', async () => {
    const a = await t.engine.ask('听说有个个人养老金账户，每年最多能存多少钱？');
    expect(a.abstained).toBe(true);
    expect(a.answer).toContain('金额');
    const b = await t.engine.ask('领失业金期间的医保，一个月要自己交多少钱？');
    expect(b.abstained).toBe(false);
  });
  it('the same topic asked for a quantity the documents state is answered', async () => {
    const a = await t.engine.ask('鄂州失业金最多能领几个月？');
    expect(a.abstained).toBe(false);
    expect(a.answer).toMatch(/\d+个月/u);
  });
});

describe('answers that give what was asked', () => {
  it('a label over 「符合条件的创业者」 says nothing about who qualifies: the conditions lead', async () => {
    const a = await t.engine.ask('广州创业租金补贴适用于哪些人员？');
    expect(a.abstained).toBe(false);
    expect(firstOf(a.answer)).not.toContain('符合条件的创业者');
  });
  it('「到什么时候截止」 opens with the date, not with a phone number that also has digits', async () => {
    const a = await t.engine.ask('鹤壁这个稳就业的措施到什么时候截止？');
    expect(a.abstained).toBe(false);
    expect(firstOf(a.answer)).toContain('2027年12月31日');
  });
  it('of sentences a short article scores alike, the one naming the measure asked about leads, not the article\'s preamble', async () => {
    const a = await t.engine.ask('我退伍回来想在鹤岗开个小超市，那个一次性创业扶持金得满足啥条件才能拿？');
    expect(a.abstained).toBe(false);
    expect(firstOf(a.answer)).toContain('正常经营一年以上');
  });
  it('「各交多少」 gets the sentence with the figure even when a sentence without one covers more of the words', async () => {
    const a = await t.engine.ask('濮阳失业保险单位和个人各交多少？');
    expect(a.abstained).toBe(false);
    expect(a.answer).toMatch(/\d+(?:\.\d+)?%/u);
  });
});

describe('a short guide whose body is a list of steps', () => {
  it('「怎么申请」 is answered with the steps, introduced by the title, not with the reminder after them', async () => {
    const a = await t.engine.ask('鹤岗劳动仲裁网上怎么申请？');
    expect(firstOf(a.answer)).toContain('打开“龙江人社”APP');
    expect(firstOf(a.answer)).toContain('提交申请');
  });
});

describe('a benefit that no document of the place names (购房补贴, 高温补贴)', () => {
  it('「有没有高温补贴」 is refused, not answered with the job\'s rules', async () => {
    const a = await t.engine.ask('我在鄂州做公益岗扫大街，夏天这么热，公益岗有没有高温补贴？');
    expect(a.abstained).toBe(true);
    expect(a.answer).not.toContain('旷工');
  });

  it('「买房有补贴吗」 is refused rather than answered with another subsidy', async () => {
    const a = await t.engine.ask('研究生毕业去承德工作，买房有补贴吗，能补多少？');
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
  });
});

describe('a yes/no decided by the story told', () => {
  it('「自己把执照注销了，这种情况还能领失业金吗」 is answered with the exclusion the story matches', async () => {
    const a = await t.engine.ask('我在铜陵开了三年小饭馆，一直自己交着社保，今年生意做不下去，就自己跑去把营业执照注销了，这种情况还能领失业金吗？');
    expect(a.abstained).toBe(false);
    expect(firstOf(a.answer)).toContain('营业执照注销');
  });
});

describe('a guide with a list of reminders', () => {
  it('「多久出结论」 is answered by the time limit, not by a reminder that states a period about something else', async () => {
    const a = await t.engine.ask('眉山工伤认定交上去以后，一般多久能出结论？');
    expect(a.abstained).toBe(false);
    expect(firstOf(a.answer)).toContain('35个工作日');
  });
});
