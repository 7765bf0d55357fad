import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bm25Index, type Bm25Hit, type FieldedTokens, type WeightedTerms } from '../src/index/bm25.ts';
import { readIndex, type IndexData } from '../src/index/store.ts';
import { contextOf } from '../src/chunk/context.ts';
import { analyze, type Analysis } from '../src/text/tokenize.ts';
import { splitSentences } from '../src/text/sentences.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { rng } from '../src/bench/synthetic-corpus.ts';

/**
 * REFERENCE ONLY: the exhaustive BM25 the pruned search replaced, kept verbatim in spirit
 * (a Map of every chunk sharing a term, sorted whole). The property tests hold the MaxScore
 * search in src/index to it: same chunks, same order, same scores.
 */
type Field = keyof FieldedTokens;
const FIELDS: Field[] = ['words', 'bigrams', 'context'];
const WEIGHTS: Record<Field, number> = { words: 1, bigrams: 0.5, context: 0.35 };
const K1 = 1.2;
const B = 0.6;
const MIN_LENGTH_RATIO = 0.5;

class ReferenceBm25 {
  private readonly fields = {} as Record<Field, { postings: Map<string, number[]>; lengths: number[]; avgLength: number }>;
  constructor(private readonly docs: FieldedTokens[]) {
    for (const f of FIELDS) {
      const postings = new Map<string, number[]>();
      const lengths: number[] = [];
      docs.forEach((d, i) => {
        const tf = new Map<string, number>();
        for (const t of d[f]) tf.set(t, (tf.get(t) ?? 0) + 1);
        lengths.push(d[f].length);
        for (const [t, n] of tf) {
          let list = postings.get(t);
          if (!list) postings.set(t, (list = []));
          list.push(i, n);
        }
      });
      this.fields[f] = { postings, lengths, avgLength: lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length) };
    }
  }

  docFreq(f: Field, term: string): number {
    return (this.fields[f].postings.get(term)?.length ?? 0) / 2;
  }

  terms(f: Field): string[] {
    return [...this.fields[f].postings.keys()];
  }

  searchExhaustive(query: Analysis | WeightedTerms, limit: number): Bm25Hit[] {
    const scores = new Map<number, number>();
    const weighted: WeightedTerms =
      query.words instanceof Map ? (query as WeightedTerms) : { words: ones((query as Analysis).words), bigrams: ones((query as Analysis).bigrams) };
    const queryTerms: Record<Field, Map<string, number>> = { words: weighted.words, bigrams: weighted.bigrams, context: weighted.words };
    for (const f of FIELDS) {
      const { postings, lengths, avgLength } = this.fields[f];
      for (const [term, weight] of queryTerms[f]) {
        const list = postings.get(term);
        if (!list || weight <= 0) continue;
        const n = this.docFreq(f, term);
        const idf = Math.log(1 + (this.docs.length - n + 0.5) / (n + 0.5)) * WEIGHTS[f] * weight;
        for (let j = 0; j < list.length; j += 2) {
          const doc = list[j]!;
          const tf = list[j + 1]!;
          const len = Math.max(lengths[doc]!, avgLength * MIN_LENGTH_RATIO);
          const norm = tf + K1 * (1 - B + (B * len) / (avgLength || 1));
          scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (K1 + 1)) / norm);
        }
      }
    }
    return [...scores.entries()]
      .map(([index, score]) => ({ index, score }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, limit);
  }
}

function ones(xs: string[]): Map<string, number> {
  return new Map(xs.map((x) => [x, 1]));
}

/** Same chunks in the same order, and each score within 1e-9 of the reference's (relative). */
function expectSame(got: Bm25Hit[], want: Bm25Hit[], label: string): void {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  const same = got.length === want.length && got.every((h, i) => h.index === want[i]!.index && close(h.score, want[i]!.score));
  // expect() only on a difference: thousands of comparisons per test stay fast.
  if (!same) expect(got, label).toEqual(want);
}

/** Questions of the kinds people ask (written for this test, not taken from an eval set). */
const QUESTIONS = [
  '失业保险金怎么领取？',
  '灵活就业人员社保补贴申请条件',
  '创业担保贷款最多能贷多少',
  '高校毕业生就业见习补贴标准是多少',
  '我在工地干了半年，老板不给交社保怎么办？',
  '就业困难人员怎么认定',
  '职业技能培训补贴怎么申请，需要什么材料',
  '工伤保险待遇有哪些',
  '公益性岗位补贴发多久',
  '农民工返乡创业有什么扶持政策',
  '社会保险费的缴费基数怎么定',
  '一次性吸纳就业补贴给谁',
  '养老保险断缴了能补吗',
  '劳动合同到期不续签有没有经济补偿',
  '见习期间的生活补助谁来发',
  '跑外卖的能参加工伤保险吗',
  '退役军人就业有什么优惠',
  '残疾人就业有哪些补贴',
  '稳岗返还的条件',
  '就业',
  'how do I apply',
];

let te: TestEngine;
let data: IndexData;
let reference: ReferenceBm25;
let realQueries: Array<{ label: string; query: WeightedTerms | Analysis }>;
/** The stored index as loaded, and the same postings searched in small windows, so MaxScore's skipping runs on this small corpus. */
let indexes: Array<{ name: string; index: Bm25Index }>;

beforeAll(async () => {
  te = await testEngine();
  data = readIndex(te.config.indexDir);
  const docs = new Map(data.documents.map((d) => [d.docId, d]));
  // The chunks' fields as index/build.ts derives them, so the reference is built independently of the stored postings.
  const fielded: FieldedTokens[] = data.chunks.map((c) => {
    const a = analyze(c.text);
    return { words: a.words, bigrams: a.bigrams, context: analyze(contextOf(docs.get(c.docId), c)).words };
  });
  reference = new ReferenceBm25(fielded);
  indexes = [
    { name: 'stored', index: data.lexical },
    { name: 'window 64', index: data.lexical.withSearchWindow(64) },
    { name: 'window 256', index: data.lexical.withSearchWindow(256) },
  ];
  realQueries = [];
  for (const q of QUESTIONS) {
    const inspection = await te.engine.inspect(q);
    inspection.asks.forEach((a, i) => realQueries.push({ label: `${q} (ask ${i})`, query: a.query.lexical }));
    realQueries.push({ label: `${q} (analysed)`, query: analyze(q) });
  }
  // Sentences of chunks as queries: long queries that share many terms with the corpus.
  const rand = rng(16);
  for (let i = 0; i < 150; i++) {
    const chunk = data.chunks[Math.floor(rand() * data.chunks.length)]!;
    const sentences = splitSentences(chunk.text);
    const s = sentences[Math.floor(rand() * sentences.length)] ?? chunk.text;
    realQueries.push({ label: `sentence of ${chunk.id}`, query: analyze(s) });
  }
}, 120_000);

afterAll(() => te?.cleanup());

describe('pruned BM25 equals the exhaustive search on the bundled corpus', () => {
  it('the stored index holds the postings an independent build gives', () => {
    expect(data.lexical.size).toBe(data.chunks.length);
    for (const f of FIELDS) {
      const terms = reference.terms(f);
      expect(terms.length).toBeGreaterThan(100);
      for (const t of terms) expect(data.lexical.docFreq(f, t), `${f}:${t}`).toBe(reference.docFreq(f, t));
    }
    expect(data.lexical.docFreq('words', '这个词不在语料里')).toBe(0);
  });

  it('real queries (the engine’s weighted asks, analysed questions, chunk sentences) at k = 1, 3, 80, 500', () => {
    expect(realQueries.length).toBeGreaterThan(150);
    for (const { label, query } of realQueries) {
      for (const k of [1, 3, 80, 500]) {
        const want = reference.searchExhaustive(query, k);
        for (const { name, index } of indexes) expectSame(index.search(query, k), want, `${name}: ${label} k=${k}`);
      }
    }
  });

  it('feedback-style queries: the ask plus extra words at small weights', () => {
    const rand = rng(324);
    const vocabulary = reference.terms('words');
    for (const { label, query } of realQueries.slice(0, 60)) {
      if (!(query.words instanceof Map)) continue;
      const words = new Map(query.words);
      for (let i = 0; i < 6; i++) words.set(vocabulary[Math.floor(rand() * vocabulary.length)]!, 0.3 * rand());
      const q = { words, bigrams: (query as WeightedTerms).bigrams };
      const want = reference.searchExhaustive(q, 80);
      for (const { name, index } of indexes) expectSame(index.search(q, 80), want, `${name}: ${label} + feedback`);
    }
  });

  it('random mixes of rare and very common terms, random weights and k', () => {
    // The commonest terms of each field (present in a large share of chunks) are the ones pruning must not trip over.
    const byDf = (f: Field) => reference.terms(f).sort((a, b) => reference.docFreq(f, b) - reference.docFreq(f, a));
    const words = byDf('words');
    const bigrams = byDf('bigrams');
    const context = byDf('context');
    const common = [...words.slice(0, 40), ...context.slice(0, 20)];
    const term = (pool: string[], commonPool: string[]) => fc.oneof(fc.constantFrom(...commonPool), fc.constantFrom(...pool), fc.constant('语料里没有的词'));
    const weight = fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 2, noNaN: true }), fc.constantFrom(0, -1));
    const weighted = fc.record({
      words: fc.array(fc.tuple(term(words, common), weight), { maxLength: 40 }).map((xs) => new Map(xs)),
      bigrams: fc.array(fc.tuple(term(bigrams, bigrams.slice(0, 40)), weight), { maxLength: 60 }).map((xs) => new Map(xs)),
    });
    const k = fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constantFrom(1, 80, data.chunks.length, Number.POSITIVE_INFINITY));
    fc.assert(
      fc.property(weighted, k, (q, limit) => {
        const want = reference.searchExhaustive(q, limit);
        for (const { name, index } of indexes) expectSame(index.search(q, limit), want, `${name}: random k=${limit}`);
      }),
      { numRuns: 400, seed: 16 },
    );
  });

  it('only very common terms: still exact', () => {
    const words = reference.terms('words').sort((a, b) => reference.docFreq('words', b) - reference.docFreq('words', a)).slice(0, 30);
    const bigrams = reference.terms('bigrams').sort((a, b) => reference.docFreq('bigrams', b) - reference.docFreq('bigrams', a)).slice(0, 30);
    expect(reference.docFreq('words', words[0]!)).toBeGreaterThan(data.chunks.length / 10);
    const q = { words: ones(words), bigrams: ones(bigrams) };
    for (const k of [1, 10, 80, 1000]) {
      const want = reference.searchExhaustive(q, k);
      for (const { name, index } of indexes) expectSame(index.search(q, k), want, `${name}: common k=${k}`);
    }
  });

  it('edge cases: empty and unknown queries, k of 0 and fractional k', () => {
    const empty = { words: new Map<string, number>(), bigrams: new Map<string, number>() };
    expect(data.lexical.search(empty, 10)).toEqual([]);
    expect(data.lexical.search({ words: ['无此词甲', '无此词乙'], bigrams: [] }, 10)).toEqual([]);
    const q = analyze('失业保险金 领取 条件');
    expect(data.lexical.search(q, 0)).toEqual([]);
    expectSame(data.lexical.search(q, 2.7), reference.searchExhaustive(q, 2.7), 'k=2.7');
  });
});

describe('pruned BM25 on synthetic corpora', () => {
  it('many exact ties (repeated chunks) break by chunk number as the exhaustive search does', () => {
    const rand = rng(7);
    const templates: FieldedTokens[] = Array.from({ length: 6 }, (_, i) => ({
      words: Array.from({ length: 5 + i * 3 }, (_, j) => `w${(i * 7 + j) % 23}`),
      bigrams: Array.from({ length: 8 + i }, (_, j) => `b${(i + j) % 17}`),
      context: [`c${i % 3}`, 'common'],
    }));
    // 9,000 chunks (more than two search windows), each a copy of a template, some with one extra word.
    const docs: FieldedTokens[] = Array.from({ length: 9000 }, () => {
      const t = templates[Math.floor(rand() * templates.length)]!;
      return rand() < 0.3 ? { ...t, words: [...t.words, `x${Math.floor(rand() * 50)}`] } : t;
    });
    const built = Bm25Index.build(docs);
    const ref = new ReferenceBm25(docs);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...Array.from({ length: 23 }, (_, i) => `w${i}`), 'x1', 'x2', 'common'), { minLength: 1, maxLength: 12 }),
        fc.array(fc.constantFrom(...Array.from({ length: 17 }, (_, i) => `b${i}`)), { maxLength: 8 }),
        fc.integer({ min: 1, max: 3000 }),
        (words, bigrams, k) => {
          const q = { words, bigrams };
          const want = ref.searchExhaustive(q, k);
          expectSame(built.search(q, k), want, `ties k=${k}`);
          expectSame(built.withSearchWindow(96).search(q, k), want, `ties, window 96, k=${k}`);
        },
      ),
      { numRuns: 150, seed: 99 },
    );
  });

  it('a term repeated more than 65,535 times in one chunk keeps its count', () => {
    const docs: FieldedTokens[] = [
      { words: Array.from({ length: 70_000 }, () => '重复'), bigrams: [], context: [] },
      { words: ['重复', '其他'], bigrams: [], context: [] },
      { words: ['其他'], bigrams: [], context: [] },
    ];
    const q = { words: ['重复'], bigrams: [] };
    expectSame(Bm25Index.build(docs).search(q, 3), new ReferenceBm25(docs).searchExhaustive(q, 3), 'tf > 65535');
  });
});
