import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToBlocks, loadHtml } from '../src/ingest/load-html.ts';
import { buildDocument } from '../src/ingest/document.ts';

const DIR = join(import.meta.dirname, '..', 'corpus', 'guangzhou');
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');
const load = (name: string) => loadHtml(read(name), `guangzhou/${name}`);

const F18 = '18_广州就业见习基地管理办法_穗人社规字2019-6号.html';
const F18B = '18b_广东高校毕业生就业创业扶持政策清单_2026.html';
const F19 = '19_广州失业保险常见问题解答_2025-11版.html';

/** Site chrome that must never reach a block (navigation, toolbars, share/QR widgets, footers, related lists). */
const NAV_TEXT = [
  '首页', '网站地图', '扫一扫在手机打开当前页', '分享到', '分享文章到', '上一篇', '下一篇', '主办单位', '承办单位', 'ICP备',
  '公网安备', '网站标识码', '返回顶部', '回到顶部', '关闭窗口', '关闭本页', '打印本页', '打印页面', '浏览次数', '字体大小',
  '浏览字号', '当前位置', '您当前所在的位置', '相关附件', '相关新闻', '相关文件下载', '搜索热词', '版权所有', '政策解读',
  '发表时间', '信息来源', '文章来源', 'NFCMS', 'function(', 'var ', '$(',
];
const NAV_LINES = new Set(['分享', '打印', '关闭', '搜索', '取消']);

function expectNoNav(blocks: string[]): void {
  for (const b of blocks) {
    for (const n of NAV_TEXT) expect(b, `nav text 「${n}」`).not.toContain(n);
    expect(NAV_LINES.has(b), `nav line 「${b}」`).toBe(false);
    expect(b).toBe(b.trim());
    expect(b).not.toBe('');
    expect(b).not.toMatch(/\u00a0|\u200b|\u200c|\u200d|\ufeff/);
  }
}

function expectRange(n: number, expected: number): void {
  expect(n).toBeGreaterThanOrEqual(Math.floor(expected * 0.9));
  expect(n).toBeLessThanOrEqual(Math.ceil(expected * 1.1));
}

describe('loadHtml on 18b 广东省高校毕业生就业创业扶持政策清单', () => {
  const r = load(F18B);

  it('reads the page metadata', () => {
    expect(r.title).toBe('广东省高校毕业生就业创业扶持政策清单');
    expect(r.date).toBe('2026-08-03');
    expect(r.issuer).toBe('广东省人力资源和社会保障厅'); // ContentSource 「广东省人力资源和社会保障厅官网」
    expect(r.sourceUrl).toBe('https://www.gz.gov.cn/zwfw/zxfw/jyfw/content/post_10949160.html');
    expect(r.kind).toBe('policy');
    expect(r.docNumber).toBeNull();
    expect(r.region).toBeNull();
    expect(r.meta).toMatchObject({ ColumnType: '工作动态', SiteName: '广州市人民政府门户网站' });
  });

  it('extracts the policy list paragraph by paragraph, in reading order', () => {
    expectRange(r.blocks.length, 80); // 80 non-empty <p> in #zoomcon
    expect(r.blocks[0]).toBe('为促进高校毕业生高质量充分就业，广东人社部门推出面向单位和毕业生的就业创业扶持政策清单，哪些政策适合你？一文了解！');
    expect(r.blocks).toContain('一、小微企业社保补贴');
    expect(r.blocks).toContain('补贴标准为：珠三角地区每年最高6000元，其他地区每年最高4000元。补贴期限累计不超过3年。补贴对象向登记注册地人力资源社会保障部门提出补贴申请。首次补贴申请应于相关创业主体登记注册之日起3年内提出。');
    expect(r.blocks).toContain('网址：https://ggfw.hrss.gd.gov.cn/OUPX/#/matterHandling');
    expect(r.blocks.indexOf('面向单位的扶持政策')).toBeLessThan(r.blocks.indexOf('面向毕业生的扶持政策'));
    expect(r.blocks.at(-1)).toBe('公共就业人才服务机构为高校毕业生提供免费的就业政策法规咨询、就业失业登记、职业指导、创业指导、职业介绍、就业见习、人事档案管理等公共就业创业服务。');
  });

  it('keeps no navigation, toolbar, QR or footer text', () => {
    expectNoNav(r.blocks);
    expect(r.blocks).not.toContain(r.title); // the page headline is metadata, not a paragraph
  });
});

describe('loadHtml on 19 广州市失业保险常见问题解答', () => {
  const r = load(F19);

  it('reads the page metadata', () => {
    expect(r.title).toBe('广州市失业保险常见问题解答（2025年11月版）');
    expect(r.date).toBe('2025-12-05');
    expect(r.issuer).toBe('广州市人力资源和社会保障局');
    expect(r.sourceUrl).toBe('https://www.gz.gov.cn/zwfw/zxfw/sbfw/content/post_10582009.html');
    expect(r.kind).toBe('faq');
    expect(r.docNumber).toBeNull();
  });

  it('extracts questions and answers as separate blocks, punctuation untouched', () => {
    expectRange(r.blocks.length, 70);
    expect(r.blocks[0]).toBe('一、领取失业保险金需要符合什么条件？');
    expect(r.blocks).toContain('失业保险金按照本市最低工资标准的百分之九十按月计发。目前发放标准为每月2250元。');
    expect(r.blocks).toContain('（一）失业前用人单位和本人已经缴纳失业保险费累计满一年，或者不满一年但本人有失业保险金领取期限的。');
    expect(r.blocks).toContain('十、领取失业金期间死亡，遗属可以申请丧葬补助金和抚恤金吗？能领多少钱？');
    expect(r.blocks.find((b) => b.startsWith('失业人员在领取失业保险金期间死亡的,遗属'))).toBeDefined(); // half-width commas kept
    expect(r.blocks.at(-1)).toBe('3.可通过www.12333.gov.cn全国人社政务服务平台在线申请。');
  });

  it('keeps no navigation, toolbar, QR or footer text', () => {
    expectNoNav(r.blocks);
  });
});

describe('loadHtml on 18 广州市就业见习基地管理办法 (穗人社规字〔2019〕6号)', () => {
  const r = load(F18);

  it('prefers the attribute table (文号, 发布机关) over ContentSource 「本网」', () => {
    expect(r.title).toBe('广州市人力资源和社会保障局广州市财政局关于印发广州市就业见习基地管理办法的通知');
    expect(r.docNumber).toBe('穗人社规字〔2019〕6号');
    expect(r.issuer).toBe('广州市人力资源和社会保障局');
    expect(r.date).toBe('2019-10-16');
    expect(r.kind).toBe('policy');
    expect(r.sourceUrl).toBe('https://www.gz.gov.cn/gfxwj/sbmgfxwj/gzsrlzyhshbzj/content/post_5487925.html');
    expect(r.meta).toMatchObject({ 统一编号: 'GZ0320190148', 实施日期: '2019年10月16日', 失效日期: '2024年10月15日' });
  });

  it('keeps the whole document including the appended form tables', () => {
    expectRange(r.blocks.length, 167);
    expect(r.blocks[0]).toBe('穗人社规字〔2019〕6号');
    expect(r.blocks).toContain('第一章 总则');
    expect(r.blocks.find((b) => b.startsWith('第一条 为加强本市就业见习基地管理'))).toBeDefined();
    expect(r.blocks).toContain('第二十一条 上述所需资金从市级就业补助资金中安排。');
    // table rows as `cell | cell`, empty form cells dropped
    expect(r.blocks).toContain('单位组织机构代码 | 工商注册号');
    expect(r.blocks).toContain('序号 | 姓名 | 身份证号码 | 毕业院校 | 毕业时间 | 专业 | 见习起始时间 | 见习结束 时间 | 实际见习 天数 | 补贴金额');
    expect(r.blocks).toContain('附表6'); // in a sibling <div> that Readability alone drops
  });

  it('keeps no navigation, related-policy list or footer text', () => {
    expectNoNav(r.blocks);
  });
});

describe('loadHtml over all Guangzhou pages', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.html')).sort();

  const CITY = '市人力资源社会保障局'; // ContentSource 「市人力资源社会保障局 社保中心」: first organisation kept
  const expected: Record<string, { date: string; issuer: string; kind: string | null; blocks: number }> = {
    '15_创业担保贷款常见问题_2025.html': { date: '2025-11-18', issuer: CITY, kind: 'faq', blocks: 24 },
    '16_一次性创业补贴_市人社局.html': { date: '2025-04-08', issuer: CITY, kind: null, blocks: 40 },
    [F18]: { date: '2019-10-16', issuer: '广州市人力资源和社会保障局', kind: 'policy', blocks: 167 },
    [F18B]: { date: '2026-08-03', issuer: '广东省人力资源和社会保障厅', kind: 'policy', blocks: 80 },
    [F19]: { date: '2025-12-05', issuer: '广州市人力资源和社会保障局', kind: 'faq', blocks: 70 },
    '20_广州劳动仲裁网上申请流程_市人社局.html': { date: '2022-05-06', issuer: '广州市人力资源和社会保障局', kind: null, blocks: 9 },
    '21_灵活就业人员参加养老保险简介_市人社局.html': { date: '2021-08-05', issuer: '市人社局', kind: 'faq', blocks: 24 },
    '23_企业职工基本养老金申领详解_2025.html': { date: '2025-08-21', issuer: CITY, kind: 'faq', blocks: 56 },
    '24_养老保险待遇资格认证通告_2025.html': { date: '2025-03-31', issuer: CITY, kind: 'policy', blocks: 20 },
    '25_企业基本养老保险转移问答_2025.html': { date: '2025-10-15', issuer: '广州市人力资源和社会保障局', kind: 'faq', blocks: 28 },
    '25b_社保费补缴相关政策指引_2026.html': { date: '2026-02-12', issuer: CITY, kind: 'faq', blocks: 19 },
  };

  it('covers the 11 bundled pages', () => {
    expect(files).toEqual(Object.keys(expected).sort());
  });

  it.each(files)('%s: title, date, issuer, url, ≥3 clean blocks', (file) => {
    const r = load(file);
    const want = expected[file]!;
    expect(r.title).toBeTruthy();
    expect(r.title).not.toMatch(/网站$|门户网站|-\s*$/);
    expect(r.date).toBe(want.date);
    expect(r.kind).toBe(want.kind);
    expect(r.issuer).toBe(want.issuer);
    // only 18 has a 文号; numbers cited inside the text (21: 粤人社规〔2020〕30号文) are not the document's
    expect(r.docNumber).toBe(file === F18 ? '穗人社规字〔2019〕6号' : null);
    expect(r.sourceUrl).toMatch(/^https?:\/\/\S+\/content\/post_\d+\.html$/);
    expect(r.region).toBeNull();
    expect(r.blocks.length).toBeGreaterThanOrEqual(3);
    expectRange(r.blocks.length, want.blocks);
    expectNoNav(r.blocks);
  });

  // 16 is the city bureau's policy reposted on the 越秀区 site (SiteName 广州市越秀区人民政府门户网站).
  it('gives a city body\'s policy reposted on a district site the city as its region (16)', () => {
    const file = '16_一次性创业补贴_市人社局.html';
    const doc = buildDocument(`guangzhou/${file}`, Buffer.from(read(file)), load(file));
    expect(doc.region).toBe('广州市');
    expect(doc.issuer).toBe('广州市人力资源社会保障局');
  });

  it('keeps attachment links listed in the body (24 资格认证通告)', () => {
    const r = load('24_养老保险待遇资格认证通告_2025.html');
    expect(r.blocks).toContain('2.广州市社保服务银行网点.xlsx');
    expect(r.blocks.at(-1)).toBe('2025年3月27日');
  });

  it('drops the page headline Readability keeps above the article (25 问答课堂)', () => {
    const r = load('25_企业基本养老保险转移问答_2025.html');
    expect(r.blocks[0]).toBe('一、什么情况需要办理企业职工基本养老保险转移？');
  });

  it('is fast: all pages in well under 2 s', () => {
    const raws = files.map(read);
    const t0 = performance.now();
    for (const [i, raw] of raws.entries()) loadHtml(raw, files[i]!);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('loadHtml on broken or empty HTML', () => {
  it('survives a page truncated in the middle of the content', () => {
    const raw = read(F19);
    const cut = raw.slice(0, raw.indexOf('十、领取失业金期间死亡') + 5);
    const r = loadHtml(cut, 'cut.html');
    expect(r.title).toBe('广州市失业保险常见问题解答（2025年11月版）');
    expect(r.date).toBe('2025-12-05');
    expect(r.blocks.length).toBeGreaterThan(30);
    expect(r.blocks).toContain('失业保险金按照本市最低工资标准的百分之九十按月计发。目前发放标准为每月2250元。');
    expectNoNav(r.blocks);
  });

  it('returns no blocks for a page cut off before its content', () => {
    for (const name of [F18B, F19, '15_创业担保贷款常见问题_2025.html', '20_广州劳动仲裁网上申请流程_市人社局.html']) {
      const raw = read(name);
      const r = loadHtml(raw.slice(0, raw.search(/id="(?:zoomcon|info_cont)"|class="newsMain"/) - 30), name);
      expect(r.title).toBeTruthy();
      expect(r.blocks, name).toEqual([]);
    }
  });

  it('handles unclosed tags and drops scripts and styles inside the content', () => {
    const html =
      '<html><head><title>测试页面 - 某某市人民政府门户网站</title></head><body><div id="zoomcon"><p>第一段<b>粗体' +
      '<p>第二段<script>document.write("EVIL")</script><div><p>第三段 <style>p{color:red}</style>内容<table><tr><td>甲<td>乙';
    const r = loadHtml(html, 'broken.html');
    expect(r.title).toBe('测试页面');
    // A two-cell row of a table reads as label and value, as in Word tables.
    expect(r.blocks).toEqual(['第一段粗体', '第二段', '第三段 内容', '甲：乙']);
    expect(r.blocks.join('\n')).not.toMatch(/EVIL|color/);
  });

  it('returns blocks: [] for files without text, never throws', () => {
    expect(loadHtml('', 'empty.html').blocks).toEqual([]);
    expect(loadHtml('<html><body><div><img src="a.png"><script>var a = "x";</script></div></body></html>', 'img.html').blocks).toEqual([]);
    expect(() => loadHtml('<<<>>> </div></p> <td> &amp;&#xZZ; <html', 'garbage.html')).not.toThrow();
    expect(() => loadHtml('<html><head><meta name="PubDate" content="not a date"></head>', 'head.html')).not.toThrow();
  });
});

describe('loadHtml metadata fallbacks', () => {
  const shell = (head: string, body: string): string => `<!DOCTYPE html><html><head>${head}</head><body>${body}</body></html>`;
  const body = '<div class="article-content"><p>粤人社规〔2021〕5号</p><p>关于做好某项工作的通知</p><p>各地级以上市人力资源社会保障局：为做好某项工作，现通知如下。</p></div>';

  it('og:title, article:published_time, canonical link, 文号 on the first line', () => {
    const r = loadHtml(
      shell(
        '<meta property="og:title" content="关于做好某项工作的通知"><meta property="article:published_time" content="2021-03-04T08:00:00+08:00">' +
          '<link rel="canonical" href="https://hrss.gd.gov.cn/a/post_1.html"><title>别的标题 - 广东省人力资源和社会保障厅网站</title>',
        body,
      ),
      'og.html',
    );
    expect(r).toMatchObject({
      title: '关于做好某项工作的通知', date: '2021-03-04', sourceUrl: 'https://hrss.gd.gov.cn/a/post_1.html',
      docNumber: '粤人社规〔2021〕5号', kind: 'policy',
    });
    expect(r.blocks[0]).toBe('粤人社规〔2021〕5号');
  });

  it('<title> without the site suffix, then <h1>; publishdate and og:url; 索引号 table into meta', () => {
    const table =
      '<table class="xxgk"><tr><td>索引号：</td><td>007482532/2024-01234</td><td>发文机关：</td><td>广东省人力资源和社会保障厅</td></tr>' +
      '<tr><td>发文字号：</td><td>粤人社函〔2024〕12号</td><td>成文日期：</td><td>2024年1月5日</td></tr></table>';
    const r = loadHtml(
      shell(
        '<title>某某问答 - 广州市人民政府门户网站</title><meta name="publishdate" content="2024/01/09"><meta property="og:url" content="https://x.gov.cn/b.html">',
        table + body,
      ),
      'title.html',
    );
    expect(r).toMatchObject({
      title: '某某问答', date: '2024-01-05', issuer: '广东省人力资源和社会保障厅', docNumber: '粤人社函〔2024〕12号',
      sourceUrl: 'https://x.gov.cn/b.html', kind: 'faq',
    });
    expect(r.meta['索引号']).toBe('007482532/2024-01234');
    expect(r.blocks.join('\n')).not.toContain('索引号');

    const h1 = loadHtml(shell('', `<h1>标题一</h1>${body}`), 'h1.html');
    expect(h1.title).toBe('标题一');
    expect(h1.date).toBeNull();
    expect(h1.issuer).toBeNull();
  });
});

describe('loadHtml with YAML front matter', () => {
  const page =
    '<html><head><meta name="ArticleTitle" content="页面标题"><meta name="PubDate" content="2023-01-01 10:00:00">' +
    '<meta name="ContentSource" content="本网"><meta name="SiteName" content="某某市人民政府门户网站"></head>' +
    '<body><div id="zoomcon"><p>正文第一段，内容足够长，用于抽取。</p><p>正文第二段。</p></div></body></html>';

  it('front matter fields win over page metadata', () => {
    const raw =
      '\n---\ntitle: 前置标题\ndate: 2024-05-06\nsource: 某某局\nsource_url: https://x.gov.cn/a.html\nkind: policy\n' +
      'region: 广州市\ndoc_number: 穗人社规字〔2024〕1号\ncategories:\n - 新媒体\nthumbnail: https://x/y.png\n---\n' + page;
    const r = loadHtml(raw, 'fm.html');
    expect(r).toMatchObject({
      title: '前置标题', date: '2024-05-06', issuer: '某某局', sourceUrl: 'https://x.gov.cn/a.html', kind: 'policy',
      region: '广州市', docNumber: '穗人社规字〔2024〕1号',
    });
    expect(r.meta.categories).toBe('新媒体');
    expect(r.meta.thumbnail).toBeUndefined();
    expect(r.blocks).toEqual(['正文第一段，内容足够长，用于抽取。', '正文第二段。']);
  });

  it('without front matter, 本网 maps to the site owner', () => {
    const r = loadHtml(page, 'page.html');
    expect(r).toMatchObject({ title: '页面标题', date: '2023-01-01', issuer: '某某市人民政府', kind: null, region: null });
  });

  it('parses an RFC 2822 date and a fragment body', () => {
    const raw = "---\ntitle: '新闻标题'\nauthor: 趣头条\ndate: Mon, 03 Jan 2022 13:49:33 GMT\n---\n<div><p>新闻正文。</p></div>";
    const r = loadHtml(raw, 'news.txt');
    expect(r).toMatchObject({ title: '新闻标题', issuer: '趣头条', date: '2022-01-03', blocks: ['新闻正文。'] });
  });
});

describe('htmlToBlocks', () => {
  it('turns a news-repost fragment into clean blocks', () => {
    const html =
      '<div>   \n<p><strong>信网1月3日讯</strong>(通讯员 王栋 记者 杜杲燃)近期，由青岛市互联网行业党委指导的&ldquo;聚才筑梦&rdquo;推介会&nbsp;举办。</p>' +
      '<p><img src="https://static.example.com/a.jpeg" alt="现场图片"></p><p><strong>小标题</strong></p>' +
      '<p>第一行<br>第二行<br/><br/>  第三行  </p><script>alert("x")</script><style>.a{color:red}</style>' +
      '<p>\u200b零宽\u200b字符\u00a0与\u3000全角空格</p><p>&nbsp;</p><ul><li>条目一</li><li>条目二</li></ul>' +
      '<h3>（一）标题</h3><table><tr><th>项目</th><th>标准</th></tr><tr><td colspan="2">说明</td></tr></table></div>';
    expect(htmlToBlocks(html)).toEqual([
      '信网1月3日讯(通讯员 王栋 记者 杜杲燃)近期，由青岛市互联网行业党委指导的“聚才筑梦”推介会 举办。',
      '小标题',
      '第一行',
      '第二行',
      '第三行',
      '零宽字符 与\u3000全角空格',
      '条目一',
      '条目二',
      '（一）标题',
      '项目：标准',
      '说明',
    ]);
  });

  it('returns [] for empty or image-only fragments', () => {
    expect(htmlToBlocks('')).toEqual([]);
    expect(htmlToBlocks('<p><img src="a.png"></p><p>&nbsp;</p>')).toEqual([]);
  });

  it('handles the bundled corpus/000 repost body', () => {
    const raw = readFileSync(join(import.meta.dirname, '..', 'corpus', '000_06c4dfd579610a51.txt'), 'utf8');
    const blocks = htmlToBlocks(raw.slice(raw.indexOf('<div>')));
    expect(blocks[0]).toMatch(/^信网1月3日讯\(通讯员 王栋 记者 杜杲燃\)近期/);
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(blocks.every((b) => b === b.trim() && b !== '' && !b.includes('<'))).toBe(true);
  });
});

describe('HTML tables read like Word and spreadsheet tables', () => {
  it('an 办事指南 of labels and values gives one labelled part per row, a table with a header row names each cell', () => {
    const html =
      '<html><body><div class="article-content"><h1>洛阳市失业保险金申领办事指南</h1><table>' +
      '<tr><td>事项名称</td><td>失业保险金申领</td></tr>' +
      '<tr><td>受理条件</td><td>失业前用人单位和本人已按规定参加失业保险，累计缴费满1年；非因本人意愿中断就业。</td></tr>' +
      '<tr><td>申请材料</td><td><p>1.本人居民身份证或社会保障卡；</p><p>2.解除或终止劳动关系证明。</p></td></tr>' +
      '<tr><td>咨询电话</td><td>0379-63212345（工作日上午8:30—12:00）</td></tr>' +
      '</table><p>补贴项目如下：</p><table><thead><tr><th>补贴项目</th><th>补贴对象</th><th>补贴标准</th></tr></thead><tbody>' +
      '<tr><td>一次性创业补贴</td><td>首次创业的高校毕业生</td><td>每户5000元</td></tr>' +
      '<tr><td>创业租金补贴</td><td>租用场地创业的</td><td></td></tr>' +
      '</tbody></table></div></body></html>';
    const r = loadHtml(html, 'luoyang.html');
    expect(r.blocks).toContain('事项名称：失业保险金申领');
    expect(r.blocks).toContain('申请材料：1.本人居民身份证或社会保障卡； 2.解除或终止劳动关系证明。');
    expect(r.blocks).toContain('咨询电话：0379-63212345（工作日上午8:30—12:00）');
    expect(r.blocks).toContain('补贴项目：一次性创业补贴；补贴对象：首次创业的高校毕业生；补贴标准：每户5000元');
    expect(r.blocks).toContain('补贴项目：创业租金补贴；补贴对象：租用场地创业的');
  });
});

describe('loadHtml on a two-column 办事指南 page', () => {
  const page =
    '<html><head><title>一次性创业补贴申领_办事指南</title></head><body><div class="wrap">' +
    '<div class="left"><ul><li><a href="/a">个人办事</a></li><li><a href="/b">单位办事</a></li><li><a href="/c">就业创业</a></li></ul></div>' +
    '<div class="right"><h1>一次性创业补贴申领</h1><dl>' +
    '<dt>补贴标准</dt><dd>每户补贴5000元。</dd>' +
    '<dt>申请材料：</dt><dd>1.申请表；<br>2.营业执照复印件。</dd>' +
    '<dt>办理时限</dt><dd>20个工作日</dd>' +
    '<dt>个体工商户在经营期间变更经营者的，还能再申请吗？</dt><dd>不能。</dd>' +
    '</dl><ul><li><a href="/f1">附件1：一次性创业补贴申请表.docx</a></li><li><a href="/f2">附件2：承诺书.docx</a></li><li>附件3：说明</li></ul></div></div></body></html>';
  const blocks = loadHtml(page, 'guide.html').blocks;

  it('reads each field of a definition list as 「label：value」, its lines kept together', () => {
    expect(blocks).toContain('补贴标准：每户补贴5000元。');
    expect(blocks).toContain('申请材料：1.申请表； 2.营业执照复印件。');
    expect(blocks).toContain('办理时限：20个工作日');
    // A question as a term is no label: it stays a block of its own, its answer after it.
    expect(blocks.slice(blocks.indexOf('个体工商户在经营期间变更经营者的，还能再申请吗？'))[1]).toBe('不能。');
  });

  it('drops a side menu of short links, keeps a list of attachments', () => {
    for (const menu of ['个人办事', '单位办事', '就业创业']) expect(blocks).not.toContain(menu);
    expect(blocks).toContain('附件1：一次性创业补贴申请表.docx');
  });
});

describe('headings by markup', () => {
  it('an unnumbered <h3> heads the paragraphs after it', () => {
    const html = '<html><head><title>测试市就业见习问答</title></head><body><div class="article-content"><h2>就业见习政策</h2><p>为方便高校毕业生了解见习政策，整理如下。</p><h3>报名条件</h3><p>离校2年内未就业的高校毕业生均可报名。</p><h3>补贴标准</h3><p>每人每月2080元。</p></div></body></html>';
    const doc = buildDocument('t.html', Buffer.from(html), loadHtml(html, 't.html'));
    const at = (t: string) => doc.paragraphs.find((p) => p.text === t);
    expect(at('报名条件')?.isHeading).toBe(true);
    expect(at('离校2年内未就业的高校毕业生均可报名。')?.headingPath.at(-1)).toBe('报名条件');
    expect(at('每人每月2080元。')?.headingPath.at(-1)).toBe('补贴标准');
  });
});

describe('a table with cells that span rows and columns', () => {
  it('a cell spanning rows stands in each row, so every row keeps its policy and its district', () => {
    const html = '<html><head><title>测试市创业担保贷款政策一览表</title></head><body><div class="article-content"><table>' +
      '<tr><th>地区</th><th>受理窗口</th><th>咨询电话</th></tr>' +
      '<tr><td rowspan="2">中心城区</td><td>市中区就业创业服务中心</td><td>0833-2137560</td></tr>' +
      '<tr><td>高新区社会事业局</td><td>0833-2596143</td></tr>' +
      '<tr><td colspan="2">各县就业服务中心</td><td>0833-12333</td></tr>' +
      '</table></div></body></html>';
    const blocks = loadHtml(html, 't.html').blocks;
    const row = blocks.find((b) => b.includes('高新区社会事业局'));
    expect(row).toContain('地区：中心城区');
    expect(row).toContain('咨询电话：0833-2596143');
    expect(blocks.find((b) => b.includes('各县就业服务中心'))).toContain('咨询电话：0833-12333');
  });
});
