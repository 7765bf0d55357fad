import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/ingest/load-corpus.ts';
import { docIdFor } from '../src/ingest/document.ts';
import { loadText } from '../src/ingest/load-text.ts';
import { buildDocument } from '../src/ingest/document.ts';
import { chunkDocument } from '../src/chunk/chunk.ts';
import type { PolicyDocument } from '../src/types.ts';

const CORPUS = path.join(import.meta.dirname, '..', 'corpus');

let docs: PolicyDocument[];
const byPrefix = (prefix: string): PolicyDocument => {
  const d = docs.find((x) => x.file.startsWith(prefix));
  if (!d) throw new Error(`no document ${prefix} in ${docs.map((x) => x.file).join(', ')}`);
  return d;
};

beforeAll(async () => {
  const res = await loadCorpus(CORPUS);
  expect(res.problems).toEqual([]);
  docs = res.documents;
});

describe('seed 003: metadata table', () => {
  it('takes issuer, number, date, kind, region and title from the table and text', () => {
    const d = byPrefix('003_');
    expect(d.issuer).toBe('青岛市城阳区人民政府办公室');
    expect(d.docNumber).toBe('青城政办发〔2024〕13号');
    expect(d.date).toBe('2024-07-16');
    expect(d.kind).toBe('policy');
    expect(d.region).toBe('青岛市城阳区');
    expect(d.title).toBe('城阳区稳定和扩大就业助推经济社会高质量发展工作实施意见');
    expect(d.meta['政策咨询电话']).toBe('0532-58659939');
  });

  it('keeps the table out of the paragraphs and assigns heading paths', () => {
    const d = byPrefix('003_');
    for (const p of d.paragraphs) expect(p.text).not.toMatch(/\|/);
    const p = d.paragraphs.find((x) => x.text.includes('意外伤害保险补贴'));
    expect(p).toBeDefined();
    expect(p!.headingPath).toEqual(['二、目标任务', '(一)加快培育新的就业增长点']);
    expect(p!.isHeading).toBe(false);
    expect(d.paragraphs.map((x) => x.id)).toEqual(d.paragraphs.map((_, i) => `p${i + 1}`));
  });
});

describe('seed 000: front matter with a leading blank line and an HTML body', () => {
  it('reads title, date and kind from the front matter', () => {
    const d = byPrefix('000_');
    expect(d.title).toBe('市北坚持促发展惠民生结合 擦亮人社便民服务暖招牌');
    expect(d.date).toBe('2022-01-03');
    expect(d.kind).toBe('news');
  });

  it('strips the markup and the front matter from the paragraphs', () => {
    const d = byPrefix('000_');
    expect(d.paragraphs.length).toBeGreaterThan(5);
    for (const p of d.paragraphs) {
      expect(p.text).not.toContain('<p>');
      expect(p.text).not.toMatch(/<\/?[a-z]+[\s>]/i);
      expect(p.text).not.toContain('headimg');
      expect(p.text).not.toContain('thumbnail');
    }
    expect(d.paragraphs.some((p) => p.text.includes('市北区坚持促发展和惠民生相结合'))).toBe(true);
  });
});

describe('seed 002: front matter and trailing links', () => {
  it('takes the source URL from the trailing <http://…> link and drops the navigation links', () => {
    const d = byPrefix('002_');
    expect(d.title).toBe('确保年内实现城镇新增就业110万人以上');
    expect(d.sourceUrl).toBe('http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202205132378495857');
    for (const p of d.paragraphs) {
      expect(p.text).not.toContain('返回首页');
      expect(p.text).not.toContain('返回青岛财经日报');
      expect(p.text).not.toMatch(/https?:\/\//);
    }
    expect(d.issuer).toBe('青岛财经日报');
  });
});

describe('seeds 001 and 004: plain text with sidecar metadata', () => {
  it('001 applies the sidecar issuer, date and kind', () => {
    const d = byPrefix('001_');
    expect(d.issuer).toBe('青岛日报');
    expect(d.date).toBe('2022-11');
    expect(d.kind).toBe('news');
    expect(d.paragraphs.some((p) => p.text.includes('33.88万人'))).toBe(true);
  });

  it('004 takes its title and year-only date from the sidecar', () => {
    const d = byPrefix('004_');
    expect(d.title).toBe('长沙市天心区人社局民生工作系列报道（红网，2023年）');
    expect(d.issuer).toBe('红网');
    expect(d.kind).toBe('news');
    // The sidecar says `date: 2023`: a year, not 1 January.
    expect(d.date).toBe('2023');
  });
});

describe('markdown law: 社会保险法', () => {
  it('reads title, kind, region and issuer', () => {
    const d = byPrefix('laws/社会保险法');
    expect(d.title).toBe('中华人民共和国社会保险法');
    expect(d.kind).toBe('law');
    expect(d.region).toBe('全国');
    expect(d.issuer).toBe('全国人民代表大会常务委员会');
    expect(d.date).toBe('2018-12-29');
  });

  it('puts articles under their chapter and continuations under their article', () => {
    const d = byPrefix('laws/社会保险法');
    const chapter = d.paragraphs.find((p) => p.text === '第一章 总则');
    expect(chapter?.isHeading).toBe(true);
    const art1 = d.paragraphs.find((p) => p.text.startsWith('第一条'));
    expect(art1?.headingPath).toEqual(['第一章 总则']);
    const articles = d.paragraphs.filter((p) => /^第[一二三四五六七八九十百零]+条/.test(p.text));
    expect(articles.length).toBeGreaterThan(90);
    for (const a of articles) {
      expect(a.headingPath.length).toBeGreaterThan(0);
      expect(a.headingPath[0]).toMatch(/^第[一二三四五六七八九十]+章/);
    }
    // 第四条 has a second paragraph; it carries the article label in its path.
    const i = d.paragraphs.findIndex((p) => p.text.startsWith('第四条'));
    const cont = d.paragraphs[i + 1]!;
    expect(cont.text).toBe('个人依法享受社会保险待遇，有权监督本单位为其缴费情况。');
    expect(cont.headingPath).toEqual(['第一章 总则', '第四条']);
    // No markdown markers or the info block leak into paragraphs.
    for (const p of d.paragraphs) {
      expect(p.text).not.toMatch(/^#/);
      expect(p.text).not.toContain('INFO END');
    }
    expect(d.meta['沿革']).toContain('2010年10月28日');
  });
});

describe('traditional Chinese input', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-trad-'));
    fs.writeFileSync(
      path.join(dir, 'trad.txt'),
      '失業保險金申領辦法\n\n失業人員符合條件的，可以申請領取失業保險金。失業保險金按月發放，標準由省級人民政府確定。\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ingests it and keeps the displayed text traditional', async () => {
    const { documents, problems } = await loadCorpus(dir);
    expect(problems).toEqual([]);
    expect(documents).toHaveLength(1);
    const d = documents[0]!;
    const all = d.paragraphs.map((p) => p.text).join('\n');
    expect(`${d.title}\n${all}`).toContain('失業保險金');
    expect(all).toContain('可以申請領取失業保險金');
    expect(all).not.toContain('失业保险金');
  });
});

describe('stable ids', () => {
  it('loading the corpus twice gives identical document, paragraph and chunk ids', async () => {
    const again = (await loadCorpus(CORPUS)).documents;
    const ids = (ds: PolicyDocument[]) =>
      ds.map((d) => ({ docId: d.docId, paragraphs: d.paragraphs.map((p) => p.id), chunks: chunkDocument(d).map((c) => c.id), hash: d.contentHash }));
    expect(ids(again)).toEqual(ids(docs));
    const docIds = docs.map((d) => d.docId);
    expect(new Set(docIds).size).toBe(docIds.length);
    const chunkIds = docs.flatMap((d) => chunkDocument(d).map((c) => c.id));
    expect(new Set(chunkIds).size).toBe(chunkIds.length);
    for (const d of docs) for (const c of chunkDocument(d)) expect(c.id).toMatch(new RegExp(`^${d.docId}#p\\d+(~\\d+)?$`));
  });

  it('docIdFor is deterministic and URL-safe', () => {
    const paths = [
      '003_364ccae54bd3fdc8.txt',
      'laws/社会保险法(2018-12-29).md',
      'guangzhou/19_广州失业保险常见问题解答_2025-11版.html',
      '全中文.txt',
      'a b/c d?#&.txt',
      'Readme Notes.md',
    ];
    for (const p of paths) {
      const id = docIdFor(p);
      expect(docIdFor(p)).toBe(id);
      expect(id).toMatch(/^[a-z0-9][a-z0-9._-]*$/i);
      expect(encodeURIComponent(id)).toBe(id);
    }
    expect(docIdFor('003_364ccae54bd3fdc8.txt')).toBe('003-364ccae54bd3fdc8');
    // Different files never share an id, even when their ASCII parts match.
    expect(docIdFor('laws/北京市就业援助规定.md')).not.toBe(docIdFor('laws/山东省就业促进条例.md'));
    expect(docIdFor('a/x.txt')).not.toBe(docIdFor('b/x.txt'));
  });

  it('loadText is a pure function of its input', () => {
    const raw = fs.readFileSync(path.join(CORPUS, '003_364ccae54bd3fdc8.txt'), 'utf8');
    expect(loadText(raw, '003.txt')).toEqual(loadText(raw, '003.txt'));
  });
});

describe('a region written with its province in the front matter', () => {
  it('is read as the place itself (「甘肃省兰州市」 → 兰州市), so questions about 兰州 prefer the document', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-region-'));
    fs.writeFileSync(path.join(dir, 'lz.md'), '---\ntitle: 兰州市失业保险待遇申领经办规程\nregion: 甘肃省兰州市\n---\n\n第四条 失业保险金现行标准为每月1854元。\n');
    fs.writeFileSync(path.join(dir, 'nm.md'), '---\ntitle: 呼和浩特市稳就业措施\nregion: 内蒙古自治区呼和浩特市\n---\n\n新增城镇就业4.6万人。\n');
    const { documents } = await loadCorpus(dir);
    expect(Object.fromEntries(documents.map((d) => [d.file, d.region]))).toEqual({ 'lz.md': '兰州市', 'nm.md': '呼和浩特市' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('tables written in plain text', () => {
  it('a table pasted with tabs (or full-width bars) becomes rows that keep their column headers', () => {
    const raw = ['宜昌市就业政策清单', '序号\t政策名称\t支持标准', '1\t技能提升补贴\t初级1000元；中级1500元', '2\t一次性创业补贴\t每户8000元', '', '序号｜项目｜标准', '1｜公益性岗位补贴｜每人每月1700元'].join('\n');
    const blocks = loadText(raw, 't.txt').blocks;
    expect(blocks).toContain('序号：1；政策名称：技能提升补贴；支持标准：初级1000元；中级1500元');
    expect(blocks).toContain('序号：1；项目：公益性岗位补贴；标准：每人每月1700元');
    // A line with one tab is text, not a table.
    expect(loadText('标题\n说明\t一段话', 't.txt').blocks.join('\n')).not.toContain('：');
  });
  it('a Markdown table that breaks lines inside its cells with <br> stays a Markdown table (the file is not read as HTML)', () => {
    const raw = [
      '# 鹤岗市培训补贴一览表',
      '',
      '| 补贴项目 | 补贴标准 | 申请材料 |',
      '|---|---|---|',
      '| 技能培训补贴 | 初级工每人1500元<br>中级工每人2100元 | 身份证<br/>职业技能等级证书 |',
      '| 稳岗奖励 | 一次性奖励1000元 | 身份证<br>劳动合同 |',
      '',
      '注：以虚假材料骗取补贴的，追回全部资金。',
    ].join('\n');
    const blocks = loadText(raw, 'hg.md').blocks;
    expect(blocks).toContain('补贴项目：技能培训补贴；补贴标准：初级工每人1500元 中级工每人2100元；申请材料：身份证 职业技能等级证书');
    expect(blocks).toContain('补贴项目：稳岗奖励；补贴标准：一次性奖励1000元；申请材料：身份证 劳动合同');
    // The note after the table is a paragraph of its own.
    expect(blocks).toContain('注：以虚假材料骗取补贴的，追回全部资金。');
    expect(blocks.join('\n')).not.toMatch(/<br|\|/u);
  });
});

describe('headings and lists by markup, and by the marks notices use', () => {
  const paths = (raw: string, file: string) => {
    const doc = buildDocument(file, Buffer.from(raw), loadText(raw, file));
    return new Map(doc.paragraphs.map((p) => [p.text, { path: p.headingPath, heading: Boolean(p.isHeading) }]));
  };

  it('Markdown ## / ### headings head what follows, numbered or not', () => {
    const raw = '# 蚌埠失业保险金办事攻略\n\n## 办理步骤\n\n### 第一步：拿到离职证明\n\n离职时请单位出具解除劳动合同证明书。\n\n## 能领多少\n\n标准：每人每月1863元\n';
    const p = paths(raw, 'bb.md');
    expect(p.get('办理步骤')?.heading).toBe(true);
    expect(p.get('离职时请单位出具解除劳动合同证明书。')?.path).toEqual(['办理步骤', '第一步：拿到离职证明']);
    expect(p.get('标准：每人每月1863元')?.path).toEqual(['能领多少']);
  });

  it('a Markdown bullet list stays under the lead-in before it', () => {
    const raw = '# 攻略\n\n## 第三步：提交申领\n\n需要准备：\n\n- 本人身份证\n- 本人社会保障卡\n\n温馨提示：请在60日内申领。\n';
    const p = paths(raw, 'bb.md');
    expect(p.get('• 本人身份证')?.path).toEqual(['第三步：提交申领', '需要准备：']);
    expect(p.get('• 本人社会保障卡')?.path).toEqual(['第三步：提交申领', '需要准备：']);
    expect(p.get('温馨提示：请在60日内申领。')?.path).toEqual(['第三步：提交申领']);
  });

  it('a line that is only 【名称】 or ★ 名称 is a heading; 【补贴标准】 opening a sentence is a labelled part', () => {
    const raw = '测试告示\n\n【岗位设置】\n\n本次共开发46个岗位。\n\n★ 哪些情况不能领\n\n▲ 已办理退休手续的\n\n▲ 登记为个体工商户业主且雇工3人以上的\n\n【补贴标准】取得初级证书的补贴1000元。\n';
    const p = paths(raw, 'notice.txt');
    expect(p.get('【岗位设置】')?.heading).toBe(true);
    expect(p.get('本次共开发46个岗位。')?.path).toEqual(['【岗位设置】']);
    expect(p.get('▲ 登记为个体工商户业主且雇工3人以上的')?.path).toEqual(['★ 哪些情况不能领']);
    expect(p.get('【补贴标准】取得初级证书的补贴1000元。')?.heading).toBe(false);
  });
});
