import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../src/text/lexicon.ts';
import { answerKindOf, stripNoise, understand } from '../src/understand/message.ts';
import { buildQuery, namedBenefits } from '../src/retrieve/query.ts';
import { normalizeForMatch } from '../src/text/normalize.ts';
import { askedPeriod, statesFigure } from '../src/retrieve/figures.ts';
import { openingQuestion } from '../src/retrieve/hybrid.ts';

const lexicon = loadLexicon();

describe('the lexicon is data', () => {
  it('a rule 「…的，X可以Y」 answers a yes/no question even with its subject between condition and verdict', () => {
    const offers = (t: string) => lexicon.kind('yesno').offers.some((re) => re.test(normalizeForMatch(t)));
    expect(offers('个人死亡的，个人账户余额可以继承')).toBe(true);
    expect(offers('个人账户实行社会统筹与个人账户相结合')).toBe(false);
  });

  it('a labelled part says what kind of answer it gives (申请材料 → materials, 补贴标准为 → amount, 申领渠道 → where and how)', () => {
    const kinds = (t: string) => [...lexicon.labelKinds(normalizeForMatch(t))].sort();
    expect(kinds('（三）申请材料：身份证、营业执照（申请12000元标准的提供）')).toEqual(['materials']);
    expect(kinds('补贴标准为：每户一次性给予8000元')).toEqual(['amount']);
    expect(kinds('2.创业担保贷款额度：个人最高30万元')).toEqual(['amount']);
    expect(kinds('申领渠道：“云南人社”APP在线申请')).toEqual(['procedure', 'where']);
    expect(kinds('特别提醒：请按时申报')).toEqual([]);
    expect(kinds('失业保险金按月发放，标准为每月1854元')).toEqual([]);
  });

  it('a sum a person gets answers 「多少钱」, a statistic (累计发放1.2亿元) does not', async () => {
    const { offersKindOf } = await import('../src/retrieve/offers.ts');
    const offers = (t: string) => offersKindOf(lexicon, normalizeForMatch(t), 'amount');
    expect(offers('今年累计发放创业担保贷款1.2亿元，扶持返乡创业436人')).toBe(false);
    expect(offers('给予一次性创业补贴5000元')).toBe(true);
    expect(offers('今年累计发放创业担保贷款1.2亿元，对首次创业的给予一次性创业补贴5000元')).toBe(true);
  });

  it('「创业资助有多少」 asks for a sum; 「会咋样」 for the consequence', () => {
    expect(answerKindOf('一次性创业资助有多少', lexicon)).toBe('amount');
    expect(answerKindOf('要是不说一直领着会咋样', lexicon)).toBe('consequence');
  });

  it('the name of an attachment (附件：1. …申请表) is not content', async () => {
    const { namesAttachment } = await import('../src/retrieve/hybrid.ts');
    expect(namesAttachment('1. 宝鸡市灵活就业人员社会保险补贴申请表')).toBe(true);
    expect(namesAttachment('4. 《宝鸡市灵活就业人员社会保险补贴和公益性岗位管理办法》全文')).toBe(true);
    // An attachment linked as a file keeps its extension in the page text.
    expect(namesAttachment('2.珠山区城镇公益性岗位报名登记表.docx')).toBe(true);
    expect(namesAttachment('1.珠山区2025年城镇公益性岗位需求表.xlsx')).toBe(true);
    expect(namesAttachment('附件：《失业保险待遇申请表》')).toBe(true);
    expect(namesAttachment('申请人须填写《灵活就业人员社会保险补贴申请表》，并提交身份证。')).toBe(false);
    expect(namesAttachment('补贴标准：每户5000元')).toBe(false);
  });

  it('only the list after 「附件：」 is a list of attachments; a materials list that names forms is content', async () => {
    const { inAttachmentList } = await import('../src/retrieve/hybrid.ts');
    const para = (id: string, text: string) => ({ id, text, headingPath: [] as string[], isHeading: false });
    const doc = {
      paragraphs: [para('p1', '申请材料：'), para('p2', '1. 灵活就业人员社会保险补贴申请表'), para('p3', '附件：'), para('p4', '1. 宝鸡市灵活就业人员社会保险补贴申请表'), para('p5', '2. 宝鸡市公益性岗位补贴申报花名册')],
    };
    const d = doc as unknown as Parameters<typeof inAttachmentList>[0];
    expect(inAttachmentList(d, doc.paragraphs[1] as never)).toBe(false);
    expect(inAttachmentList(d, doc.paragraphs[3] as never)).toBe(true);
    expect(inAttachmentList(d, doc.paragraphs[4] as never)).toBe(true);
  });

  it('a house number answers 「在哪」, a document number 〔2022〕5号 does not', () => {
    const offers = (t: string) => lexicon.kind('where').offers.some((re) => re.test(normalizeForMatch(t)));
    expect(offers('原《通知》（宁人社规〔2022〕5号）同时废止')).toBe(false);
    expect(offers('请到成贤街118号一楼办理')).toBe(true);
  });

  it('a period or a frequency answers 「多久」; an age in 周岁 does not', () => {
    const offers = (t: string) => lexicon.kind('duration').offers.some((re) => re.test(normalizeForMatch(t)));
    expect(offers('每月至少举办1次综合性招聘活动')).toBe(true);
    expect(offers('见习期限一般为3个月至6个月')).toBe(true);
    expect(offers('劳动者年满十六周岁，可以通过人力资源服务机构求职')).toBe(false);
  });

  it('maps everyday words to the documents’ terms (被裁 → 失业, 跑外卖 → 灵活就业, 老板 → 用人单位)', () => {
    const names = (t: string) => lexicon.findConcepts(normalizeForMatch(t)).map((h) => h.concept.name);
    expect(names('上个月被裁了')).toContain('失业');
    expect(names('我在广州跑外卖')).toContain('灵活就业');
    expect(names('老板不给交社保')).toEqual(expect.arrayContaining(['用人单位', '欠缴社保']));
    expect(names('失业金能领多少')).toContain('失业保险金');
    // 户口 is how people say 户籍 (a role word: it widens the search, it is not a topic).
    expect(names('见习对户口有要求吗')).toContain('户籍');
  });

  it('an operator folder adds concepts and forms, and a broken file is a clear E_CONFIG error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-lex-'));
    fs.writeFileSync(path.join(dir, 'local.yml'), 'family: 本地\nconcepts:\n  - name: 失业保险金\n    formal: [失业保险金]\n    everyday: [失业救助款]\n  - name: 稳岗红包\n    formal: [稳岗红包]\n');
    const extended = loadLexicon([dir]);
    expect(extended.findConcepts('失业救助款').map((h) => h.concept.name)).toContain('失业保险金');
    expect(extended.conceptByName('稳岗红包')).toBeDefined();
    expect(extended.id).not.toBe(lexicon.id);
    // …and its own dialect words (dialect.yml).
    const local = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-lex-'));
    fs.writeFileSync(path.join(local, 'dialect.yml'), 'dialect:\n  几大钱: 多少钱\n');
    expect(loadLexicon([local]).correct('失业金一个月几大钱')).toBe('失业金一个月多少钱');
    expect(lexicon.correct('失业金一个月几大钱')).toBe('失业金一个月几大钱');
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-lex-bad-'));
    fs.writeFileSync(path.join(bad, 'x.yml'), 'family: x\nconcepts: nope\n');
    expect(() => loadLexicon([bad])).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => loadLexicon([path.join(bad, 'missing')])).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});

describe('reading a chat message', () => {
  it('politeness and urgency go, words that contain them stay (急 but not 急诊)', () => {
    expect(stripNoise(normalizeForMatch('麻烦问下失业金咋领，急，在线等，谢谢'), lexicon)).not.toMatch(/麻烦|在线等|谢谢|急/);
    expect(stripNoise(normalizeForMatch('要不要去急诊'), lexicon)).toContain('急诊');
  });

  it('a narrative message has one ask; the story is background, the kind is the sum', () => {
    const u = understand('我在长沙天心区上班，上个月被公司裁了，想问下天心那边失业金现在一个月能拿多少钱？', lexicon);
    expect(u.asks).toHaveLength(1);
    expect(u.asks[0]!.kind).toBe('amount');
    expect(u.asks[0]!.concepts.map((h) => h.concept.name)).toContain('失业保险金');
    expect(u.background).toContain('裁');
    expect(u.places).toEqual(['长沙市天心区']);
  });

  it('two questions in one message are two asks with their own kinds', () => {
    const u = understand('听说找工作能领个求职补贴？能给多少钱，找谁申请啊', lexicon);
    expect(u.asks.map((a) => a.kind)).toEqual(['yesno', 'amount', 'where']);
  });

  it('homophone typos of the domain’s words are put right before reading (补帖 → 补贴, 营叶执照 → 营业执照), other words stay', () => {
    const u = understand('我开店营叶执照办了一年，能领创业补帖吗', lexicon);
    expect(u.asks[0]!.text).toContain('补贴');
    expect(u.asks[0]!.text + u.background).toContain('营业执照');
    expect(lexicon.correct('求值的过程')).toBe('求值的过程');
  });

  it('「不用跑腿」 is about trips to an office, a 跑腿小哥 works flexibly', () => {
    const names = (q: string) => understand(q, lexicon).concepts.map((h) => h.concept.name);
    expect(names('创业补贴可以不跑腿手机上弄吗')).not.toContain('灵活就业');
    expect(names('我是跑腿小哥，社保自己交')).toContain('灵活就业');
  });

  it('「多久」 and 「多长」 ask: a second clause with them is an ask of its own', () => {
    const u = understand('在宜昌开了个小店，一次性创业补贴能给多少？办下来要多久', lexicon);
    expect(u.asks.map((a) => a.kind)).toEqual(['amount', 'duration']);
  });

  it('an ask that names no topic takes the topic of the message', () => {
    const u = understand('刚被公司裁了，失业金一个月能领多少？是按什么算出来的', lexicon);
    expect(u.asks).toHaveLength(2);
    expect(u.asks[1]!.concepts.filter((h) => h.concept.topic)).toEqual([]);
    expect(u.asks[1]!.inherited.map((h) => h.concept.name)).toContain('失业保险金');
  });

  it('a later ask that ends on 「领」 without saying what is about the benefit asked before, even when it names other topics', () => {
    const u = understand('被公司辞退了，失业金一个月能拿多少，要交够几年社保才能领', lexicon);
    expect(u.asks).toHaveLength(2);
    expect(u.asks[1]!.concepts.some((h) => h.concept.topic)).toBe(true);
    expect(u.asks[1]!.inherited.map((h) => h.concept.name)).toContain('失业保险金');
    // It names what it is about: nothing is borrowed from the ask before.
    const named = understand('创业补贴能给多少，创业担保贷款怎么申请', lexicon);
    expect(named.asks).toHaveLength(2);
    expect(named.asks[1]!.inherited).toEqual([]);
  });

  it('a clause before the ask that names a topic and tells no story says what the ask is about', () => {
    const u = understand('广州灵活就业交养老保险，每个月最低交多少钱', lexicon);
    expect(u.asks).toHaveLength(1);
    expect(u.asks[0]!.near).toContain('灵活就业');
    // A story before the ask stays background.
    const story = understand('我去年在广州交了养老保险，每个月最低交多少钱', lexicon);
    expect(story.asks[0]!.near).toBeUndefined();
  });

  it('「几」 that means "a few" does not make a clause a question', () => {
    const u = understand('以前在老家交过几年社保，现在来广州上班了，老家的养老保险能转过来吗？', lexicon);
    expect(u.asks).toHaveLength(1);
    expect(u.asks[0]!.kind).toBe('yesno');
    expect(u.background).toContain('几年');
  });

  it('a cue with a question word decides the kind (能贷几年 asks for a duration)', () => {
    expect(answerKindOf('创业担保贷款能贷几年', lexicon)).toBe('duration');
    expect(answerKindOf('要带啥材料', lexicon)).toBe('materials');
    expect(answerKindOf('去哪里办', lexicon)).toBe('where');
    expect(answerKindOf('一个月给多少钱', lexicon)).toBe('amount');
  });

  it('a cue written with 怎么 is also recognised when asked with 咋 or 如何', () => {
    expect(answerKindOf('具体咋操作', lexicon)).toBe('procedure');
    expect(answerKindOf('具体如何操作', lexicon)).toBe('procedure');
  });

  it('a question about the document itself (哪个部门发的, 文号) asks for its particulars, not for a place or a number', () => {
    expect(answerKindOf('城阳区稳就业实施意见是哪个部门发的', lexicon)).toBeNull();
    expect(answerKindOf('这个文件的文号是多少', lexicon)).toBeNull();
    expect(answerKindOf('去哪个部门办', lexicon)).toBe('where');
  });

  it('employment policy as a whole is a topic of its own (「城阳区就业政策不懂，打哪个电话问」)', () => {
    const names = lexicon.findConcepts(normalizeForMatch('城阳区就业政策不懂，打哪个电话问')).map((h) => h.concept);
    expect(names.some((c) => c.name === '就业政策' && c.topic)).toBe(true);
    expect(lexicon.labelKinds(normalizeForMatch('政策咨询部门：青岛市城阳区人力资源和社会保障局'))).toContain('where');
  });

  it('of two overlapping cues the one that ends with the unit decides (能领多少个月 asks for a duration)', () => {
    expect(answerKindOf('最长能领多少个月失业金', lexicon)).toBe('duration');
    expect(answerKindOf('社保要交多少年才能退休', lexicon)).toBe('duration');
    expect(answerKindOf('失业金能领多少钱', lexicon)).toBe('amount');
    expect(answerKindOf('一个月能领多少', lexicon)).toBe('amount');
  });

  it('「有什么后果吗」 asks for the consequence, and 「没做过什么认证」 is a statement, not an ask', () => {
    expect(answerKindOf('会有什么后果吗', lexicon)).toBe('consequence');
    expect(answerKindOf('申请有什么材料要带吗', lexicon)).toBe('materials');
    expect(answerKindOf('有什么补贴吗', lexicon)).toBe('yesno');
    const u = understand('我爸在广州领退休金，一直没做过什么资格认证，会有什么后果吗', lexicon);
    expect(u.asks.map((a) => [a.text, a.kind])).toEqual([['会有什么后果吗', 'consequence']]);
    expect(understand('有没有什么补贴，我是应届生', lexicon).asks).toHaveLength(1);
    // 没 … 什么 with a modal between asks: 「没有工作能领什么补贴」.
    expect(understand('我没跟平台签过什么合同，没有工作能领什么补贴', lexicon).asks.map((a) => a.text)).toEqual(['没有工作能领什么补贴']);
  });

  it('「有啥事也不跟家里说」 is a statement (啥…也不: whatever), and a lead-in before a colon is not part of the ask', () => {
    const u = understand('他性子闷，有啥事也不跟家里说。我姨特别担心他受伤，急着让我问问：见习单位是不是必须给见习的人买意外保险？', lexicon);
    expect(u.asks.map((a) => a.text)).toEqual(['见习单位是不是必须给见习的人买意外保险']);
    expect(understand('他什么都不懂，失业金怎么领？', lexicon).asks.map((a) => a.text)).toEqual(['失业金怎么领']);
    // 为什么都不…, 怎么都不… still ask.
    expect(understand('公司为什么都不给我交社保', lexicon).asks).toHaveLength(1);
    expect(understand('公司为什么都不给我交社保', lexicon).asks[0]!.text).toContain('为什么');
  });

  it('a district name several cities share is read as the one the corpus serves', () => {
    expect(understand('俺们铁西区那个厂黄了，失业金一个月多少？', lexicon).places).toEqual([]);
    const served = (name: string) => name.startsWith('鞍山市') || name === '辽宁省鞍山市';
    expect(understand('俺们铁西区那个厂黄了，失业金一个月多少？', lexicon, null, { servedPlace: served }).places).toEqual(['鞍山市铁西区']);
  });

  it('an ask that names no topic takes the topic of the ask before it, not the story’s other topics', () => {
    const u = understand('厂子黄了，房贷每月还得还。听说能领失业金？一个月能给多少钱？', lexicon);
    const second = u.asks[1]!;
    expect(second.inherited.map((h) => h.concept.name)).toContain('失业保险金');
    expect(second.inherited.map((h) => h.concept.name).join(',')).not.toMatch(/贷款/);
  });

  it('dialect question words are read as the Mandarin they mean (dialect.yml)', () => {
    const kind = (q: string) => understand(q, lexicon).asks.map((a) => a.kind);
    expect(kind('失业金一个月可以攞几多钱？')).toEqual(['amount']);
    expect(kind('社保卡补办要等几耐？')).toEqual(['duration']);
    expect(kind('灵活就业社保补贴喺边度办？')).toEqual(['where']);
    expect(kind('门诊能报好多嘛？')).toEqual(['amount']);
    // 「好多」 after 花了 is "a lot": the statement stays a statement, the ask is the last clause.
    expect(understand('我花了好多钱看病，医保能报销吗？', lexicon).asks.map((a) => a.text)).toEqual(['医保能报销吗']);
  });

  it('「…哪办」 asks where, even when jieba cuts 去哪 across words (线下|去|哪办)', () => {
    expect(answerKindOf('太原这个社保补贴线下去哪办啊', lexicon)).toBe('where');
    expect(answerKindOf('就业困难证明哪开', lexicon)).toBe('where');
  });

  it('in a yes/no question 几/什么 are indefinites, and 「哪些…」 asks for what its object names', () => {
    // 「替我上几天班」 is a few days, not a question about how long.
    expect(answerKindOf('能不能找亲戚替我去上几天班', lexicon)).toBe('yesno');
    expect(answerKindOf('失业金能领多久', lexicon)).toBe('duration');
    expect(answerKindOf('办领养老金要准备哪些材料', lexicon)).toBe('materials');
    expect(answerKindOf('申请要符合哪些条件', lexicon)).toBe('who');
    expect(answerKindOf('公益性岗位有哪些', lexicon)).toBe('what');
    // Asking whether something exists asks for it.
    expect(answerKindOf('有没有电话可以问进度的', lexicon)).toBe('where');
    expect(answerKindOf('还有没有别的钱可以领', lexicon)).toBe('yesno');
  });

  it('a place one came back from is not the place asked about; home before 去 is', () => {
    expect(understand('从广东打工回来想在仁怀开个小店，有一次性创业补贴吗？', lexicon).places).toEqual(['遵义市仁怀市']);
    expect(understand('想从仁怀去浙江打工，路费有补贴吗？', lexicon).places).toContain('遵义市仁怀市');
  });

  it('a cue counts as words, not inside a word (「发多少」 is not in 「要开发多少个」)', () => {
    expect(answerKindOf('山东今年公益岗一共要开发多少个', lexicon)).toBe('number');
    expect(answerKindOf('失业金一个月能领多少', lexicon)).toBe('amount');
    // 多久 asks as much as 多少: a materials word before it does not make it a materials question.
    expect(answerKindOf('材料交上去多久能出结果', lexicon)).toBe('duration');
  });

  it('「开着呢」 states, and an ask without a topic takes the words of the ask before it, not its cues', () => {
    const u = understand('我在合肥开了个小店，执照去年办的，一直开着呢。听说有个一次性创业补贴，能给多少钱？', lexicon);
    expect(u.asks).toHaveLength(1);
    expect(u.asks[0]!.kind).toBe('amount');
    const v = understand('在昆明参加技能培训，培训那段时间有没有生活费？一天给多少', lexicon);
    expect(v.asks).toHaveLength(2);
    expect(v.asks[1]!.near).toContain('生活费');
    expect(v.asks[1]!.near).not.toContain('有没有');
  });

  it('background words weigh less than the ask’s; formal terms of the ask’s concepts are searched', () => {
    const u = understand('我在工地干了大半年，失业金怎么领？', lexicon);
    const q = buildQuery(u.asks[0]!, u, lexicon);
    const weight = (w: string) => q.terms.find((t) => t.term === w)?.weight ?? 0;
    expect(weight('工地')).toBeLessThan(weight('失业金'));
    expect(q.lexical.words.get('失业保险金')).toBeGreaterThan(0);
    expect(q.kind).toBe('procedure');
    // The story's words are searched, its character bigrams are not (the ask's are).
    expect(q.lexical.words.get('工地')).toBeGreaterThan(0);
    expect(q.lexical.bigrams.has('工地')).toBe(false);
    expect(q.lexical.bigrams.has('失业')).toBe(true);
  });

  it('two cities of one province are 省内, of two provinces 跨省; districts of one city, ordinary words and 香港 are neither', () => {
    const rel = (q: string) => understand(q, lexicon).placeRelation;
    expect(rel('从深圳跳槽到广州，养老保险要不要办转移手续啊')).toBe('same-province');
    expect(rel('我在湖南交了五年社保，现在来广州上班了，养老保险能转过来不？')).toBe('other-province');
    expect(rel('城阳区和市北区哪个的政策好')).toBeNull();
    expect(rel('城阳区今年要新建几个就享家乐业服务站？')).toBeNull();
    expect(rel('我爸在广州领养老金，搬到香港了能在香港认证吗')).toBeNull();
    const u = understand('从深圳跳槽到广州，养老保险要不要办转移手续啊', lexicon);
    expect(buildQuery(u.asks[0]!, u, lexicon).lexical.words.get('省内')).toBeGreaterThan(0);
    const one = understand('在广州交养老保险要转移吗', lexicon);
    expect(buildQuery(one.asks[0]!, one, lexicon).lexical.words.has('省内')).toBe(false);
  });

  it('an adverb inside a phrase does not hide it (包工头直接跑路 is 包工头跑路), a phrase that holds one keeps it', () => {
    const topics = (q: string) => understand(q, lexicon).concepts.filter((h) => h.concept.topic).map((h) => h.concept.name);
    expect(topics('包工头直接跑路了，钱能要回来吗')).toContain('拖欠工资');
    expect(topics('工资一直拖着不发怎么办')).toContain('拖欠工资');
    expect(stripNoise(normalizeForMatch('老板压根没给我交社保'), lexicon)).toBe('老板没给我交社保');
  });
});

describe('benefits a message names', () => {
  it('「租房补贴」 names a benefit; 「来领补贴」「去申请补贴」 are acts, 「那个补贴」 refers back', () => {
    const names = (q: string) => namedBenefits(normalizeForMatch(q), lexicon).map((b) => b.name);
    expect(names('有没有租房补贴')).toContain('租房补贴');
    expect(names('找人冒名顶替来领补贴会怎样')).toEqual([]);
    expect(names('我想去申请补贴')).toEqual([]);
    expect(names('那个补贴还有吗')).toEqual([]);
    expect(names('社保是自己交的，这个有没有补贴?')).toEqual([]);
  });

  it('「政府还给补贴不」「能发补贴吗」 ask whether one is given; they name none', () => {
    const names = (q: string) => namedBenefits(normalizeForMatch(q), lexicon).map((b) => b.name);
    expect(names('补交的那些年政府还给补贴不？')).toEqual([]);
    expect(names('这种情况能发补贴吗')).toEqual([]);
    expect(names('深圳有没有安家补贴')).toContain('安家补贴');
  });
});

describe('everyday words of the fifth lexicon pass', () => {
  it('name the concepts documents write (城乡居民养老, 乙肝, 坐牢, 边干边培训, 请假多了, 假证明, 厂子黄了, 白交了)', () => {
    const names = (q: string) => understand(q, lexicon).concepts.map((h) => h.concept.name);
    expect(names('咸阳城乡居民养老每年几号能交')).toEqual(expect.arrayContaining(['城乡居民基本养老保险', '缴费']));
    expect(names('我是乙肝小三阳，公司不要我')).toContain('乙肝歧视');
    expect(names('老板故意不发工资会不会坐牢')).toContain('拖欠工资');
    expect(names('企业边干边培训给钱的政策')).toContain('以工代训');
    expect(names('公益岗请假多了会扣钱吗')).toContain('缺勤');
    expect(names('找人弄张假证明去申请')).toContain('退还追回');
    expect(names('厂子黄了能领失业金吗')).toContain('失业');
    expect(names('户口迁走了是不是就白交了')).toContain('缴费权益保留');
    expect(names('去区里办人才绿卡要预约吗')).toContain('人才服务');
  });

  it('「交几个点」 asks for a rate, 「一年能领几回」 for a number of times; 「这和法吗」 is read as 合法', () => {
    expect(understand('失业保险个人要交几个点？', lexicon).asks[0]!.kind).toBe('number');
    const times = understand('技能培训补贴一年最多能领几回', lexicon);
    expect(buildQuery(times.asks[0]!, times, lexicon).quantities.some((q) => q.asked && q.spec.name === '次数')).toBe(true);
    expect(understand('公司不要我，这和法吗', lexicon).asks[0]!.norm).toContain('合法');
  });
});

describe('everyday words of the sixth lexicon pass', () => {
  it('name the concepts documents write (压了手, 在家养伤, 猝死, 被欠, 农村的养老, 最低那档, 月嫂, 考了个证)', () => {
    const names = (q: string) => understand(q, lexicon).concepts.map((h) => h.concept.name);
    expect(names('在厂里被冲床压了手，鉴定是十级伤残')).toContain('工伤保险');
    expect(names('我受伤在家养着，工资还照发吗')).toContain('停工留薪期');
    expect(names('我爸值夜班突然脑溢血走了，算不算工伤')).toContain('视同工伤');
    expect(names('在饭店打工被欠了俩月工资')).toContain('拖欠工资');
    expect(names('想交那个农村的养老，最低那档交多少')).toEqual(expect.arrayContaining(['城乡居民基本养老保险', '缴费档次']));
    expect(names('想出来学做月嫂，有补贴吗')).toContain('家政服务');
    expect(names('学完考了个证能补多少')).toContain('职业技能等级');
  });

  it('「有一笔补贴」 refers to a benefit, it names none; pinyin left by the input method is read (butie → 补贴), and 合铜 as 合同', () => {
    expect(namedBenefits('听说退伍的找到工作有一笔补贴', lexicon).map((b) => b.name)).toEqual([]);
    expect(namedBenefits('听人讲有一笔奖励钱', lexicon).map((b) => b.name)).toEqual([]);
    expect(understand('现在才去申请培训butie还赶得及吗', lexicon).asks[0]!.norm).toContain('补贴');
    expect(understand('打工没签合铜能投诉不', lexicon).asks[0]!.norm).toContain('合同');
  });
});

describe('everyday words of the seventh lexicon pass', () => {
  it('name what rules say (两边都交 → 重复参保, 停交 → 停保, 在国外 → 境外), and homophone typos of domain words are put right', () => {
    const names = (q: string) => understand(q, lexicon).concepts.map((h) => h.concept.name);
    expect(names('中间有几个月两边都交了社保，钱咋算')).toContain('重复参保');
    expect(names('退休了社保要去停交吗')).toContain('停保');
    expect(names('我爸人在国外，养老金认证咋弄')).toEqual(expect.arrayContaining(['境外居住', '资格认证']));
    expect(names('我老公还有经营贷没还完，能贷创业担保贷款吗')).toContain('其他贷款');
    expect(names('邻居说我可以去办个困难证')).toContain('就业困难人员认定');
    expect(names('人走了养老金还照样打到卡上')).toContain('退还追回');
    expect(names('法院判了一年半要进去坐牢，失业金还能领吗')).toContain('服刑');
    const norm = (q: string) => understand(q, lexicon).norm;
    expect(norm('我在广州领那个是业金，每个月要干啥')).toContain('失业金');
    expect(norm('想在网上申请劳动中裁，在越省事里搜什么')).toMatch(/劳动仲裁.*粤省事/u);
    expect(norm('失也保险个人交多少')).toContain('失业保险');
    expect(norm('养老金每年都要做任证吗')).toContain('认证');
  });
});

describe('a 的 put between the words of a phrase', () => {
  it('still names the concept (被征地的农民 → 被征地农民, 初级的证 → 初级证), and a form that holds 的 is matched as written', () => {
    const names = (q: string) => understand(q, lexicon).concepts.map((h) => h.concept.name);
    expect(names('听说被征地的农民交养老保险有补贴')).toContain('被征地农民养老保障');
    expect(names('考了个初级的证能补多少')).toContain('职业技能等级');
    expect(names('我是农村的，想交养老保险')).toContain('农民工');
    expect(names('我的社保卡丢了')).toContain('社会保障卡');
  });
});

describe('a space typed where a comma would be', () => {
  it('splits two long runs of Chinese into clauses (two asks), not a string of keywords', () => {
    const asks = (q: string) => understand(q, lexicon).asks.map((a) => a.kind);
    expect(asks('想问下广州的就业见习一般要见习多长时间 见习这段时间单位每个月给的生活补贴最少不能低于多少')).toEqual(['duration', 'amount']);
    expect(asks('广州 失业金 多少')).toEqual(['amount']);
    // A topic typed before its question is no clause of its own (a follow-up reads 「创业担保贷款 需要什么材料」).
    expect(understand('创业担保贷款 需要什么材料？', lexicon).asks.map((a) => a.norm)).toEqual(['创业担保贷款 需要什么材料']);
  });
});

describe('asking where, and whom to call', () => {
  it('「咨询电话多少」 asks for a phone, not a number; 人社/社保局 put a message in the domain without naming a topic', () => {
    const u = understand('潍坊人社咨询电话多少？', lexicon);
    expect(u.asks.map((a) => a.kind)).toEqual(['where']);
    const office = u.concepts.find((h) => h.concept.name === '人社部门');
    expect(office?.concept.generic).toBe(true);
  });

  it('「有电话可以问吗」 asks for the phone (a clause opening with 有 asks whether it exists), a quantity stated as 0515-88120652', () => {
    const u = understand('盐城那个企业招人边干边培训给钱的政策，有电话可以问吗', lexicon);
    expect(u.asks.map((a) => a.kind)).toEqual(['where']);
    const q = buildQuery(u.asks[0]!, u, lexicon);
    const phone = q.quantities.find((x) => x.spec.name === '电话号码');
    expect(phone?.asked).toBe(true);
    expect(phone && phone.spec.states.test('市就业管理中心（以工代训）：0515-88120652')).toBe(true);
  });
});

describe('the figure a question asks for', () => {
  it('a bare 多少 asks for a sum when the clause it is about names money (「那个失地农民的补贴，每个月能有多少」)', () => {
    const kinds = (q: string) => understand(q, lexicon).asks.map((a) => a.kind);
    expect(kinds('那个失地农民的补贴，每个月能有多少啊')).toEqual(['amount']);
    expect(kinds('我们村里的公益岗，一共能有多少')).toEqual(['number']);
  });


  it('laws state sums in Chinese numerals: 「处三千元以上三万元以下的罚款」 is a sum, 三元里 is a place', () => {
    expect(statesFigure('由县级以上人民政府人力资源社会保障部门责令改正，处三千元以上三万元以下的罚款。', '罚多少')).toBe(true);
    expect(statesFigure('不得超过在校学习时间的百分之三十', '实习比例是多少')).toBe(true);
    expect(statesFigure('地址：三元里大道', '罚多少')).toBe(false);
    expect(statesFigure('全额补贴用人单位实际缴纳的社会保险费', '补多少')).toBe(true);
  });

  it('a period in the story is not the period asked: 「招聘说月薪8千 … 罚多少」 asks for a fine', () => {
    expect(askedPeriod(normalizeForMatch('网上招聘说月薪8千包吃住，人去了发现是假的，这种公司会不会被罚 罚多少'))).toBeNull();
    expect(askedPeriod(normalizeForMatch('刚被裁了，失业金现在一个月到底能领多少？'))).not.toBeNull();
    // 「一月领多少」 is per month; 「一月份」 is January.
    expect(askedPeriod(normalizeForMatch('厂里干了5年被辞了，桂林失业金一月领多少？'))).not.toBeNull();
    expect(askedPeriod(normalizeForMatch('我一月份被辞的，失业金能领多少？'))).toBeNull();
  });
});

describe('an FAQ question that opens the paragraph answering it', () => {
  it('is read as that paragraph\'s question (its kind is the kind the paragraph answers)', () => {
    expect(openingQuestion('4.补贴能领多长时间？就业困难人员的补贴期限最长不超过3年。')).toBe('补贴能领多长时间？');
    expect(openingQuestion('问：失业金怎么领？答：登录网上服务平台申领。')).toBe('失业金怎么领？');
    expect(openingQuestion('（二）哪些人可以报名？离校2年内未就业的高校毕业生。')).toBe('哪些人可以报名？');
    // A statement, or a question with nothing after it, is not one.
    expect(openingQuestion('补贴期限最长不超过3年。你知道吗？')).toBeNull();
    expect(openingQuestion('补贴能领多长时间？')).toBeNull();
    expect(answerKindOf(normalizeForMatch(openingQuestion('4.补贴能领多长时间？就业困难人员…')!), lexicon)).toBe('duration');
  });
});

describe('a paragraph that lists its items inline', () => {
  it('is one list though an item ends with a full stop; a numbered sentence that does not go on the list stays apart', async () => {
    const { joinInlineList, splitSentences } = await import('../src/text/sentences.ts');
    const text = '申请材料：1.申请表一式两份；2.身份证原件及复印件；3.就业创业证。4.灵活就业情况承诺书。审核通过后按季发放。';
    expect(joinInlineList(splitSentences(text))).toEqual([
      '申请材料：1.申请表一式两份；2.身份证原件及复印件；3.就业创业证；4.灵活就业情况承诺书。',
      '审核通过后按季发放。',
    ]);
    expect(joinInlineList(['补贴期限为3年。', '2.其他事项另行通知。'])).toEqual(['补贴期限为3年。', '2.其他事项另行通知。']);
  });
});

describe('a domain word typed in pinyin', () => {
  it('is put in characters when it reads like one lexicon term; app names and ambiguous runs stay', () => {
    const raw = (q: string) => understand(q, lexicon).raw;
    expect(raw('那个chuangye贷款要不要找人担保啊？')).toContain('创业贷款');
    expect(raw('我的shebao断了三个月')).toContain('社保');
    expect(raw('用什么APP申请，登录wifi后怎么弄')).toContain('APP');
    expect(raw('用什么APP申请，登录wifi后怎么弄')).toContain('wifi');
  });
});

describe('everyday names of the session-23 lexicon entries', () => {
  const names = (q: string) => understand(q, lexicon).concepts.map((h) => h.concept.name);
  it('name the concept documents write formally', () => {
    expect(names('领失业金期间物价涨了，有物价补贴吗')).toContain('价格临时补贴');
    expect(names('我爸被电动车撞了，司机撞完就走了，医药费谁出')).toContain('第三人责任');
    expect(names('找到工作了没跟社保说，失业金还在领')).toContain('退还追回');
    expect(names('夏天在工地干活有没有高温补贴')).toContain('高温津贴');
    expect(names('研究生来这边工作，买房有补贴吗')).toContain('购房补贴');
  });

  it('a who-ask also searches the words documents define coverage with (是指, 所称, as the tokenizer cuts them)', async () => {
    const { analyzeNormalized } = await import('../src/text/tokenize.ts');
    const u = understand('就业见习人员是哪些人？', lexicon);
    const q = buildQuery(u.asks[0]!, u, lexicon);
    const expected = ['是指', '所称'].flatMap((w) => analyzeNormalized(w).words);
    expect(expected.length).toBeGreaterThan(0);
    expect([...q.lexical.words.keys()]).toEqual(expect.arrayContaining(expected));
  });
});

describe('the story told before a yes/no ask', () => {
  it('weighs more than before an ask for a figure: whether one can is decided by what one did', () => {
    const story = '我在广州开了三年小饭馆，自己去把营业执照注销了';
    const weight = (ask: string) => {
      const u = understand(`${story}。${ask}`, lexicon);
      return buildQuery(u.asks[0]!, u, lexicon).lexical.words.get('注销') ?? 0;
    };
    expect(weight('这种情况还能领失业金吗？')).toBeGreaterThan(weight('失业金一个月能领多少钱？'));
  });
});
