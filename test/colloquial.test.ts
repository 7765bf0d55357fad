import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { sharedSetOr } from './helpers/bundled.ts';
import { createChatCore } from '../src/chat/core.ts';
import { openChatStore } from '../src/chat/store.ts';
import { renderPlain, renderTelegramHtml } from '../src/chat/format.ts';
import type { ChatCore, ChatReply } from '../src/chat/types.ts';
import { AnswerSchema, RELATED_HEADING, type Answer } from '../src/answer/contract.ts';
import { firstSentences, parseEvalFile, runItems, summarize, type EvalReport } from '../src/eval/evaluate.ts';
import { foldForCompare } from '../src/text/normalize.ts';

/**
 * How job seekers really write: long narratives, two questions in one message, follow-ups.
 * colloquial.jsonl is the realistic set the abstention model is calibrated on (not held out);
 * the floor below guards against regressions, it is not a generalisation figure.
 */
const FILE = sharedSetOr('colloquial.jsonl', 'colloquial-train.jsonl');
/**
 * Regression floor at the 0.9 (measured 0.956 on colloquial.jsonl on 2026-12-02, 0.867 on the
 * fallback set): calibration data, so not a generalisation figure — the blind sets are reported by
 * `npm run eval`, never floored here.
 */
const HIT_FLOOR = FILE.endsWith('colloquial.jsonl') ? 0.9 : 0.8;

let t: TestEngine;
let report: EvalReport;

beforeAll(async () => {
  t = await testEngine();
  report = summarize(await runItems(t.engine, parseEvalFile(fs.readFileSync(FILE, 'utf8'), path.basename(FILE)), 3), 3);
}, 180_000);

afterAll(() => t.cleanup());

const has = (text: string, gold: string) => foldForCompare(text).includes(foldForCompare(gold));

function wellFormed(a: Answer): void {
  expect(() => AnswerSchema.parse(JSON.parse(JSON.stringify(a)))).not.toThrow();
  // Every [n] in the text is a citation of the answer.
  for (const m of a.answer.matchAll(/\[(\d+)\]/g)) expect(a.citations.some((c) => c.n === Number(m[1]))).toBe(true);
}

describe(`colloquial questions (${path.basename(FILE)})`, () => {
  it(`hit@3 ≥ ${HIT_FLOOR}, and no off-topic message is answered`, () => {
    expect(report.hitAtK, JSON.stringify(report.misses.slice(0, 5))).toBeGreaterThanOrEqual(HIT_FLOOR);
    // Every off-topic message refused (the weather one that mentions a job interview, 「要出门面试，带不带伞」, too).
    expect(report.abstentionOfftopic.correct).toBe(report.abstentionOfftopic.expected);
  });

  it('refuses most in-domain questions no document answers, and almost never refuses an answerable one', () => {
    expect(report.abstentionIndomain.accuracy).toBeGreaterThanOrEqual(0.5);
    expect(report.falseAbstentions).toBeLessThanOrEqual(Math.ceil(report.answerable * 0.05));
  });
});

describe('long and chatty messages', () => {
  it('a narrative with urgency is answered, and the first sentence gives the sum asked for', async () => {
    const a = await t.engine.ask('刚在广州被公司裁了，心里很慌。失业金现在一个月到底能领多少？急，在线等，谢谢');
    wellFormed(a);
    expect(a.abstained).toBe(false);
    expect(has(firstSentences(a)[0]!, '2250元')).toBe(true);
    // A one-fact question gets a short body.
    expect(a.answer.replace(/\[\d+\]/g, '').length).toBeLessThanOrEqual(150);
    expect(a.understood).toContain('失业保险金');
  });

  it('two questions in one message: one part each, each with its own citations, numbered once', async () => {
    const a = await t.engine.ask('我在广州跑外卖，想自己交养老保险。按什么比例交？去哪里办参保？');
    wellFormed(a);
    expect(a.parts).toHaveLength(2);
    for (const p of a.parts!) {
      expect(p.abstained).toBe(false);
      expect(p.citations.length).toBeGreaterThan(0);
      for (const c of p.citations) expect(a.citations).toContainEqual(c);
    }
    expect(a.answer).toMatch(/^①/u);
    expect(a.answer).toContain('②');
    expect(a.citations.some((c) => has(c.text, '灵活就业人员的缴费比例为20%'))).toBe(true);
    expect(a.parts![1]!.citations.some((c) => has(c.text, '税务机关'))).toBe(true);
  });

  it('sources of one document name their paragraphs, and a document gets at most one warning of each kind', async () => {
    const a = await t.engine.ask('城阳区对招用高校毕业生的小微企业有什么社保补贴？对灵活就业的毕业生呢？');
    const byDoc = new Map<string, string[]>();
    for (const c of a.citations) byDoc.set(c.docId, [...(byDoc.get(c.docId) ?? []), c.label]);
    for (const labels of byDoc.values()) expect(labels.every((l) => l.length > 0)).toBe(true);
    for (const code of ['DATED', 'NEWS'] as const) {
      const ws = a.warnings.filter((w) => w.code === code);
      const docs = ws.map((w) => a.citations.find((c) => w.message.includes(`[${c.n}]`))?.docId);
      expect(new Set(docs).size).toBe(docs.length);
    }
  });
});

describe('refusals on topic, with related provisions', () => {
  it('a task (写个爬虫抓招聘网站的数据) is refused even when it names something in the domain, and says what the bot does', async () => {
    const a = await t.engine.ask('帮我写个python爬虫，抓一下招聘网站上的数据');
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.answer).toContain('不能帮您写代码');
    // Also when the task is all the message names.
    expect((await t.engine.ask('帮我写个python爬虫')).answer).toContain('不能帮您写代码');
    // A request about the domain that is a question stays answered.
    const q = await t.engine.ask('广州灵活就业社保补贴怎么申请？');
    expect(q.abstained).toBe(false);
  });

  it('a topic no document covers (公积金) is refused and says what was looked for', async () => {
    const a = await t.engine.ask('我在广州交了三年住房公积金，现在辞职回老家了，公积金能一次性全取出来吗？');
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.answer).toContain('住房公积金');
    // …and who handles it: the 住房公积金 hotline, not the 人社 one.
    expect(a.answer).toContain('12329');
  });

  it('off-topic chat gets no related provisions', async () => {
    const a = await t.engine.ask('家里有块五花肉，红烧肉怎么做才不腻？');
    expect(a.abstained).toBe(true);
    expect(a.related).toEqual([]);
  });

  it('a figure for a place no document of that place states: refused, the closest provisions shown under their label on every channel', async () => {
    const core = createChatCore({ config: t.config, logger: t.logger, engine: t.engine, store: openChatStore(':memory:') });
    const r = (await core.handleMessage({ channel: 'wechat', userId: 'w', chatId: 'w', text: '北京现在失业金每个月发多少钱？', kind: 'text', isGroup: false, mentioned: false }))!;
    expect(r.kind).toBe('abstain');
    expect(r.answer!.citations).toEqual([]);
    expect(r.answer!.answer).toContain('北京市');
    const related = r.answer!.related;
    expect(related.length).toBeGreaterThan(0);
    const plain = renderPlain(r).join('\n');
    expect(plain).toContain(RELATED_HEADING);
    expect(plain).toContain(related[0]!.url);
    expect(renderTelegramHtml(r).join('\n')).toContain(RELATED_HEADING);
    await core.close();
  });
});

describe('a benefit asked for a place', () => {
  // The corpus mentions 住房补贴 only in a 青岛 report; no 广东 or national document names it.
  it('is refused when no document of that place (or one containing it) names the benefit in any form', async () => {
    const a = await t.engine.ask('我是本科应届生想去深圳工作，深圳对新引进的毕业生有没有租房补贴？一次给多少钱');
    expect(a.abstained).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.answer).toContain('深圳市');
    expect(a.answer).toContain('租房补贴');
  });

  // 004 (长沙天心区) writes 「人才租房和生活补贴」: the name with another benefit coordinated before its noun.
  it('is answered when that place writes the benefit with another coordinated before its noun', async () => {
    const a = await t.engine.ask('我是硕士毕业，打算去长沙天心区工作，那边有没有人才租房补贴、生活补贴？');
    expect(a.abstained).toBe(false);
    expect(a.citations.some((c) => has(c.text, '人才租房和生活补贴'))).toBe(true);
  });

  it('a question that names only 「补贴」 is in the domain: answered from the place’s documents, not refused for naming no measure', async () => {
    const a = await t.engine.ask('广州这边的补贴一般去哪里申请？');
    expect(a.abstained).toBe(false);
    expect(a.citations.length).toBeGreaterThan(0);
    // Another department's subsidy is still not a 人社 matter.
    const car = await t.engine.ask('新能源汽车补贴还有吗');
    expect(car.abstained).toBe(true);
  });

  it('a benefit no document names, qualified by a word the corpus never uses, is refused as a topic not covered', async () => {
    const a = await t.engine.ask('我在广州养了两只猫，政府有没有宠物补贴？');
    expect(a.abstained).toBe(true);
    expect(a.answer).toContain('宠物补贴');
  });
});

describe('follow-ups in context', () => {
  let core: ChatCore;
  const say = async (text: string, userId = 'f1'): Promise<ChatReply> =>
    (await core.handleMessage({ channel: 'telegram', userId, chatId: userId, text, kind: 'text', isGroup: false, mentioned: false }))!;

  beforeAll(() => {
    core = createChatCore({ config: t.config, logger: t.logger, engine: t.engine, store: openChatStore(':memory:') });
  });
  afterAll(() => core.close());

  it('「那需要什么材料？」 after a question about amounts does not repeat the amounts answer', async () => {
    const first = await say('创业担保贷款的额度是多少？');
    expect(first.kind).toBe('answer');
    const second = await say('那需要什么材料？');
    expect(second.answer!.question).toBe('创业担保贷款 需要什么材料？');
    expect(second.text).not.toBe(first.text);
    expect(second.answer!.understood).toContain('创业担保贷款');
    // These documents state no materials for the loan: the reply says so instead of answering something else.
    expect(second.kind).toBe('abstain');
    expect(second.text).toContain('没有写明');
    expect(renderPlain(second).join('\n')).toContain('🔎 按“创业担保贷款 申请材料”查找');
  });

  it('a follow-up after a long message asks about its topic, not the glued message', async () => {
    await say('我在广州跑外卖，没单位，社保能补吗', 'f2');
    const r = await say('那需要什么材料？', 'f2');
    expect(r.answer!.question.length).toBeLessThan(30);
    expect(r.answer!.question).toContain('灵活就业');
    expect(r.answer!.question).toMatch(/ 需要什么材料？$/u);
  });

  it('「这个补贴要什么材料？」 refers to the subsidy just asked about', async () => {
    await say('灵活就业社保补贴给哪些人？', 'f4');
    const r = await say('这个补贴要什么材料？', 'f4');
    expect(r.answer!.question).toContain('灵活就业社会保险补贴');
    expect(r.answer!.question).toMatch(/ 这个补贴要什么材料？$/u);
  });

  it('a follow-up whose answer the documents do state is answered (失业保险金 → 材料)', async () => {
    await say('失业保险金怎么领取？', 'f3');
    const r = await say('需要什么材料？', 'f3');
    expect(r.kind).toBe('answer');
    expect(r.citations.some((c) => c.text.includes('社会保障卡'))).toBe(true);
  });
});
