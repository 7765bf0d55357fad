import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../src/engine.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { readIndex } from '../src/index/store.ts';
import { AnswerSchema, type Answer } from '../src/answer/contract.ts';
import type { PolicyDocument } from '../src/types.ts';
import { copyBundled } from './helpers/bundled.ts';

const logger = createLogger('silent');
const DOC_003 = '003-364ccae54bd3fdc8';

let root: string;
let engine: Engine;
let docs: Map<string, PolicyDocument>;

const envFor = (today: string) => ({
  EMBEDDER: 'hashed',
  CORPUS_DIR: path.join(root, 'corpus'),
  INDEX_DIR: path.join(root, 'index'),
  TODAY: today,
});

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-answer-'));
  copyBundled(root);
  engine = await openEngine(loadConfig(envFor('2026-11-22'), process.cwd()), { logger });
  docs = new Map(readIndex(path.join(root, 'index')).documents.map((d) => [d.docId, d]));
}, 60_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const ANSWERABLE = [
  '新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？',
  '城阳区对离校未就业高校毕业生有什么支持？',
  '城选计划是什么？',
  '天心区处理了多少起劳动人事争议案件？',
  '失业保险金怎么领取？',
  '山东6月底前要完成多少个公益性岗位开发？',
];

function expectWellFormed(a: Answer): void {
  expect(() => AnswerSchema.parse(JSON.parse(JSON.stringify(a)))).not.toThrow();
  expect(a.abstained).toBe(false);
  expect(a.citations.length).toBeGreaterThan(0);
  expect(a.answer).toContain('[1]');
  expect(a.answer.length).toBeLessThanOrEqual(350);
  const ns = a.citations.map((c) => c.n);
  expect(ns).toEqual(ns.map((_, i) => i + 1));
  for (const m of a.answer.matchAll(/\[(\d+)\]/g)) expect(ns, `marker ${m[0]} in ${a.answer}`).toContain(Number(m[1]));
  for (const c of a.citations) {
    expect(a.answer, `citation [${c.n}] is used in the answer`).toContain(`[${c.n}]`);
    const m = /^http:\/\/localhost:3000\/docs\/([^#/]+)#(p\d+)$/.exec(c.url);
    expect(m, c.url).not.toBeNull();
    expect(decodeURIComponent(m![1]!)).toBe(c.docId);
    expect(m![2]).toBe(c.paragraphId);
    const doc = docs.get(c.docId);
    expect(doc, c.docId).toBeDefined();
    const p = doc!.paragraphs.find((x) => x.id === c.paragraphId);
    expect(p, `${c.docId}#${c.paragraphId}`).toBeDefined();
    expect(p!.text).toContain(c.text.replace(/…+$/, '').slice(0, 20));
    expect(c.title).toBe(doc!.title);
    expect(c.date).toBe(doc!.date);
    expect(c.kind).toBe(doc!.kind);
  }
  for (const w of a.warnings) {
    for (const m of w.message.matchAll(/\[(\d+)\]/g)) expect(ns).toContain(Number(m[1]));
  }
}

describe('JSON contract and citations', () => {
  it.each(ANSWERABLE)('%s', async (q) => {
    const a = await engine.ask(q);
    expect(a.question).toBe(q);
    expectWellFormed(a);
  });

  it('cites the 003 paragraph with the accident-insurance subsidy standard', async () => {
    const a = await engine.ask('新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？');
    expectWellFormed(a);
    const hit = a.citations.find((c) => c.docId === DOC_003 && docs.get(c.docId)!.paragraphs.find((p) => p.id === c.paragraphId)!.text.includes('每人每年不高于100元'));
    expect(hit, JSON.stringify(a.citations.map((c) => c.url))).toBeDefined();
    expect(a.answer).toContain('每人每年不高于100元');
    expect(hit!.issuer).toBe('青岛市城阳区人民政府办公室');
    expect(hit!.docNumber).toBe('青城政办发〔2024〕13号');
  });
});

describe('document particulars', () => {
  // 18's 文号 is in the page's metadata, not in any paragraph.
  it('answers a 文号 question from the document metadata, citing that document', async () => {
    const a = await engine.ask('广州就业见习基地管理办法的文号是多少？');
    expectWellFormed(a);
    expect(a.answer.startsWith('《广州市人力资源和社会保障局广州市财政局关于印发广州市就业见习基地管理办法的通知》的发文字号：穗人社规字〔2019〕6号。[1]')).toBe(true);
    expect(a.citations[0]!.docNumber).toBe('穗人社规字〔2019〕6号');
  });

  it('「什么时候发的」 asks for a document’s date, 「失业金每个月什么时候发」 for the pay day', async () => {
    const a = await engine.ask('广州失业保险常见问题解答是什么时候发布的？');
    expect(a.answer).toMatch(/的发布日期：/);
    const b = await engine.ask('广州失业金每个月什么时候发？');
    expect(b.abstained).toBe(false);
    expect(b.answer).not.toMatch(/的发布日期：/);
    expect(b.answer).toContain('次月15日前');
  });

  it('names the issuing body once, without repeating the metadata line', async () => {
    const a = await engine.ask('城阳区稳就业实施意见是哪个部门发的？');
    expectWellFormed(a);
    expect(a.answer).toContain('的发文机关：青岛市城阳区人民政府办公室。[1]');
    expect(a.answer.split('青岛市城阳区人民政府办公室').length).toBe(2);
    // Cited to the paragraph that states it (003's 发文机关 line), so the link shows where it is written.
    const doc = docs.get(a.citations[0]!.docId)!;
    expect(doc.paragraphs.find((p) => p.id === a.citations[0]!.paragraphId)!.text).toContain('青岛市城阳区人民政府办公室');
  });
});

describe('lists', () => {
  // 「符合以下3个条件之一，可申请一次性求职补贴…」 is useless without the three conditions under it.
  it('quotes the items a lead-in clause announces, and cites the lead-in paragraph', async () => {
    const a = await engine.ask('毕业学年学生申请一次性求职补贴要符合哪些条件？');
    expectWellFormed(a);
    const lead = a.citations.find((c) => /以下3个条件之一/.test(c.text));
    expect(lead, a.answer).toBeDefined();
    for (const item of ['（1）', '（2）', '（3）']) {
      expect(lead!.text).toContain(item);
      expect(a.answer).toContain(item);
    }
    expect(a.answer).toContain('持证残疾人');
  });

  it('keeps a nested sub-list in the citation but out of the short answer', async () => {
    const a = await engine.ask('领取失业保险金需要满足什么条件？');
    expectWellFormed(a);
    const faq = a.citations.find((c) => c.text.startsWith('失业人员同时符合下列条件的'));
    expect(faq, a.answer).toBeDefined();
    expect(faq!.text).toContain('1.劳动合同期满或终止');
    expect(a.answer).toMatch(/（一）[^[]+（二）[^[]+（三）/);
    expect(a.answer).not.toContain('1.劳动合同期满或终止');
  });
});

describe('abstention', () => {
  it.each([
    ['北京公积金怎么提取？', '12329'],
    ['个人所得税专项附加扣除怎么填', '12366'],
  ])('%s → refused, pointing to the office that handles it (%s), not to 12333', async (q, hotline) => {
    const a = await engine.ask(q);
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.answer).toContain(hotline);
    expect(a.answer).not.toContain('12333');
  });

  it('an ask with no topic of its own after one refused for its topic is refused too (公积金…要办什么手续)', async () => {
    const a = await engine.ask('我在广州交了三年住房公积金，现在辞职回老家了，公积金能一次性全取出来吗？要办什么手续');
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.answer).toContain('12329');
    // An ask that names its own topic is still answered: 「…公积金能取吗？失业金怎么领？」
    const b = await engine.ask('公积金能一次性全取出来吗？广州失业金怎么领？');
    expect(b.abstained).toBe(false);
    expect(b.parts?.map((p) => p.abstained)).toEqual([true, false]);
  });

  it.each(['写首诗', '给我讲个笑话', 'How do I apply for a US visa?'])('%s → abstains with the hotline', async (q) => {
    const a = await engine.ask(q);
    expect(() => AnswerSchema.parse(a)).not.toThrow();
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.warnings).toEqual([]);
    expect(a.answer).toContain('12333');
    expect(a.answer).not.toMatch(/\[\d+\]/);
  });

  it('two asks of one message do not open with the same sentence', async () => {
    for (const q of ['我之前在广州一家公司干了两年，公司一直没给我交社保，现在还能补吗？是我自己去办还是公司办？', '我在北京，连续失业一年多了，能不能认定成就业困难人员？要去哪申请啊？']) {
      const a = await engine.ask(q);
      const parts = (a.parts ?? []).filter((p) => !p.abstained);
      expect(parts.length, q).toBe(2);
      const first = parts.map((p) => p.answer.split(/(?<=[。？！])/u)[0]!.replace(/\[\d+\]/gu, ''));
      expect(first[0], q).not.toBe(first[1]);
    }
  });

  it('a question in English is asked to be put in Chinese', async () => {
    const a = await engine.ask('How do I apply for unemployment benefits?');
    expect(a.abstained).toBe(true);
    expect(a.answer).toContain('请用中文提问');
    expect((await engine.ask('北京公积金怎么提取？')).answer).not.toContain('请用中文提问');
  });

  it.each(['😀😀', '', '   ', '？？？', '7', '2024'])('%j → no answer, no citations', async (q) => {
    const a = await engine.ask(q);
    expect(() => AnswerSchema.parse(a)).not.toThrow();
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.answer.length).toBeGreaterThan(0);
  });

  it('rejects a question over 500 characters with E_BAD_QUESTION', async () => {
    const q = '灵活就业人员社会保险补贴'.repeat(42).slice(0, 501);
    expect(q).toHaveLength(501);
    await expect(engine.ask(q)).rejects.toMatchObject({ name: 'PolicybotError', code: 'E_BAD_QUESTION' });
    // 500 is still allowed.
    await expect(engine.ask(q.slice(0, 500))).resolves.toHaveProperty('question');
  });
});

describe('warnings', () => {
  it('news sources get a NEWS warning', async () => {
    const a = await engine.ask('天心区处理了多少起劳动人事争议案件？');
    expectWellFormed(a);
    expect(a.answer).toContain('666起');
    expect(a.citations.some((c) => c.kind === 'news')).toBe(true);
    expect(a.warnings.map((w) => w.code)).toContain('NEWS');
  });

  it('a 2024-07-16 document is DATED on 2026-11-22 but not on 2024-08-01', async () => {
    const q = '新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？';
    const a = await engine.ask(q);
    const n = a.citations.find((c) => c.date === '2024-07-16')?.n;
    expect(n).toBeDefined();
    const dated = a.warnings.filter((w) => w.code === 'DATED');
    expect(dated.some((w) => w.message.includes(`[${n}]`))).toBe(true);

    const early = await openEngine(loadConfig(envFor('2024-08-01'), process.cwd()), { logger });
    const b = await early.ask(q);
    expect(b.citations.map((c) => c.url)).toEqual(a.citations.map((c) => c.url));
    expect(b.warnings.filter((w) => w.code === 'DATED')).toEqual([]);
  });

  it('answering a 市北区 question from a 城阳区 policy gets a REGION warning', async () => {
    const a = await engine.ask('市北区的灵活就业人员意外伤害保险补贴给哪些人？');
    expectWellFormed(a);
    const c = a.citations.find((x) => x.docId === DOC_003);
    expect(c).toBeDefined();
    const region = a.warnings.filter((w) => w.code === 'REGION');
    expect(region.some((w) => w.message.includes(`[${c!.n}]`) && w.message.includes('市北区'))).toBe(true);
  });

  it('a 市北区 figure that only a 城阳区 policy states is refused, with that policy shown as related, not as the answer', async () => {
    const a = await engine.ask('市北区灵活就业人员意外伤害保险补贴标准是多少？');
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.answer).toContain('市北区');
    expect(a.answer).toContain('12333');
    expect(a.related.some((r) => r.docId === DOC_003 && r.text.includes('100元'))).toBe(true);
    expect(() => AnswerSchema.parse(JSON.parse(JSON.stringify(a)))).not.toThrow();
  });

  it('a refused figure names the topics of the whole message that were looked for, not only the ask\'s own word', async () => {
    const a = await engine.ask('市北区灵活就业人员，意外伤害保险补贴一个月交多少钱？');
    expect(a.abstained).toBe(true);
    expect(a.answer).toMatch(/市北区关于「[^」]*灵活就业[^」]*」的具体金额或标准/u);
  });

  it('a policy from the region asked about gets no REGION warning for it', async () => {
    const a = await engine.ask('城阳区灵活就业人员意外伤害保险补贴标准是多少？');
    expectWellFormed(a);
    const c = a.citations.find((x) => x.docId === DOC_003);
    expect(c).toBeDefined();
    expect(a.warnings.filter((w) => w.code === 'REGION' && w.message.includes(`[${c!.n}]`))).toEqual([]);
  });
});
