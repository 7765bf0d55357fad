import { createHash } from 'node:crypto';
import { normalizeForMatch } from '../text/normalize.ts';
import type { AnswerKind } from '../text/lexicon.ts';

/**
 * The learned rerank: a linear model over what the retrieval steps saw of each candidate (its fused
 * score, the single signals, and where it sits: its document's and section's best scores, its
 * neighbours', its rank). Weights are data (rerank-model.json), fitted by `calibrate` on labelled
 * question sets with a listwise softmax loss, and checked by k-fold cross-validation. The hand-set
 * fusion stays the first feature, so the model only corrects it.
 */
export interface RerankModel {
  features: string[];
  weights: number[];
  fittedOn?: string;
  crossValidation?: string;
}

/** The per-passage signals of the retrieval steps, each 0..1 or a 0/1 flag (region: 1 same, -1 other, 0 unknown). */
export interface Signals {
  bm25: number;
  cosine: number;
  coverage: number;
  concepts: number;
  region: number;
  news: number;
  attachment: number;
  offersKind: number;
  period: number;
  headingKind: number;
  labelKind: number;
  enumeration: number;
}

/** The answer kinds whose offered-kind signal gets its own weight. */
const KINDS: AnswerKind[] = ['amount', 'number', 'who', 'procedure', 'materials', 'where', 'duration', 'consequence', 'yesno'];

export const FEATURES: readonly string[] = [
  'logold', 'bm25', 'cos', 'cov', 'conc', 'same', 'other', 'news', 'att', 'offers', 'period', 'hkind', 'lkind', 'enum',
  'docmax', 'title', 'heads', 'len', 'faq', 'top1', 'logrank', 'secmax', 'prev', 'next', 'isheading', 'list',
  ...KINDS.map((k) => `offers_${k}`),
];

/** What the rerank needs of a candidate (a Passage has all of it). */
export interface RerankCandidate {
  score: number;
  signals: Signals;
  text: string;
  items: readonly string[];
  doc: { docId: string; title: string };
  paragraph: { id: string; isHeading?: boolean };
  chunk: { headingPath: readonly string[] };
}

/** The feature vectors of candidates sorted best first by the fused score (in FEATURES order). */
export function rerankFeatures(
  passages: readonly RerankCandidate[],
  kind: AnswerKind | null,
  weights: ReadonlyArray<{ forms: string[]; weight: number }>,
): number[][] {
  const max = passages[0]?.score || 1e-9;
  const docMax = new Map<string, number>();
  const secMax = new Map<string, number>();
  const byParagraph = new Map<string, number>();
  const section = (p: RerankCandidate) => `${p.doc.docId}|${p.chunk.headingPath.join('/')}`;
  for (const p of passages) {
    const r = p.score / max;
    docMax.set(p.doc.docId, Math.max(docMax.get(p.doc.docId) ?? 0, r));
    secMax.set(section(p), Math.max(secMax.get(section(p)) ?? 0, r));
    const at = `${p.doc.docId}#${paragraphNumber(p.paragraph.id)}`;
    if (!byParagraph.has(at)) byParagraph.set(at, r);
  }
  const total = weights.reduce((a, w) => a + w.weight, 0) || 1;
  const share = (text: string) => {
    let n = 0;
    for (const w of weights) if (w.forms.some((f) => text.includes(f))) n += w.weight;
    return n / total;
  };
  return passages.map((p, rank) => {
    const s = p.signals;
    const r = p.score / max;
    const at = paragraphNumber(p.paragraph.id);
    const last = p.chunk.headingPath[p.chunk.headingPath.length - 1] ?? '';
    return [
      Math.log(Math.max(r, 1e-6)),
      s.bm25,
      s.cosine,
      s.coverage,
      s.concepts,
      s.region === 1 ? 1 : 0,
      s.region === -1 ? 1 : 0,
      s.news,
      s.attachment,
      s.offersKind,
      s.period,
      s.headingKind,
      s.labelKind,
      Math.log(s.enumeration),
      docMax.get(p.doc.docId) ?? 0,
      share(normalizeForMatch(p.doc.title)),
      share(normalizeForMatch(p.chunk.headingPath.join(' '))),
      Math.log(1 + p.text.length) / 7,
      /[？?]\s*$/u.test(last) ? 1 : 0,
      rank === 0 ? 1 : 0,
      Math.log(1 + rank) / 5,
      secMax.get(section(p)) ?? 0,
      byParagraph.get(`${p.doc.docId}#${at - 1}`) ?? 0,
      byParagraph.get(`${p.doc.docId}#${at + 1}`) ?? 0,
      p.paragraph.isHeading ? 1 : 0,
      p.items.length ? 1 : 0,
      ...KINDS.map((k) => (kind === k ? s.offersKind : 0)),
    ];
  });
}

function paragraphNumber(id: string): number {
  return Number(id.replace(/^\D+/, '')) || 0;
}

/** The model's scores for feature vectors (FEATURES order); a model naming other features is read by name. */
export function rerankScores(features: readonly number[][], model: RerankModel): number[] {
  const at = model.features.map((f) => FEATURES.indexOf(f));
  return features.map((x) => model.weights.reduce((z, w, i) => z + (at[i]! >= 0 ? w * x[at[i]!]! : 0), 0));
}

/** One question's candidates for fitting: feature vectors and whether each holds the gold. */
export interface RerankGroup {
  id: string;
  x: number[][];
  y: boolean[];
}

export interface RerankFitOptions {
  iterations?: number;
  learningRate?: number;
  /** Pull towards the hand-set fusion (weight 1 on logold, 0 elsewhere). */
  l2?: number;
}

/** Listwise softmax fit (Adam): the candidates that hold the gold should take the probability mass. */
export function fitRerank(groups: readonly RerankGroup[], opts: RerankFitOptions = {}): RerankModel {
  const { iterations = 300, learningRate = 0.05, l2 = 0.003 } = opts;
  const d = FEATURES.length;
  const prior = FEATURES.map((f) => (f === 'logold' ? 1 : 0));
  const w = [...prior];
  const m = new Array<number>(d).fill(0);
  const v = new Array<number>(d).fill(0);
  const useful = groups.filter((g) => g.y.some(Boolean));
  for (let t = 1; t <= iterations && useful.length; t++) {
    const grad = new Array<number>(d).fill(0);
    for (const g of useful) {
      const z = g.x.map((x) => x.reduce((a, xi, i) => a + xi * w[i]!, 0));
      const top = Math.max(...z);
      const e = z.map((s) => Math.exp(s - top));
      const sum = e.reduce((a, b) => a + b, 0);
      const positives = g.y.filter(Boolean).length;
      g.x.forEach((x, j) => {
        const diff = e[j]! / sum - (g.y[j] ? 1 / positives : 0);
        if (diff) for (let i = 0; i < d; i++) grad[i]! += diff * x[i]!;
      });
    }
    for (let i = 0; i < d; i++) {
      const gi = grad[i]! / useful.length + l2 * (w[i]! - prior[i]!);
      m[i] = 0.9 * m[i]! + 0.1 * gi;
      v[i] = 0.999 * v[i]! + 0.001 * gi * gi;
      w[i]! -= (learningRate * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  return { features: [...FEATURES], weights: w.map((x) => Math.round(x * 1000) / 1000) };
}

/** Whether a group's gold is in the top k by the given scores (ties keep the fused order). */
export function hitAt(group: RerankGroup, scores: readonly number[], k = 3): boolean {
  const order = scores.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s || a.i - b.i);
  return order.slice(0, k).some((o) => group.y[o.i]);
}

export interface RerankValidation {
  questions: number;
  /** Gold in the top 3 by the fused score. */
  fused: number;
  /** Gold in the top 3 by a model fitted without the question's fold. */
  learned: number;
  training: number;
}

/**
 * k-fold cross-validation by question id: each question is ranked by a model fitted without its fold.
 * A question counts once however many asks it has (any ask with the gold in its top 3 is a hit).
 */
export function crossValidateRerank(groups: ReadonlyArray<RerankGroup & { question: string }>, folds: number, opts: RerankFitOptions = {}): RerankValidation {
  const foldOf = (id: string) => createHash('sha256').update(id).digest().readUInt32BE(0) % folds;
  const questions = [...new Set(groups.map((g) => g.question))];
  const hits = (model: RerankModel | null, subset: typeof groups) => {
    const by = new Map<string, boolean>();
    for (const g of subset) {
      const scores = model ? rerankScores(g.x, model) : g.x.map((_, i) => -i);
      by.set(g.question, (by.get(g.question) ?? false) || hitAt(g, scores));
    }
    return [...by.values()].filter(Boolean).length;
  };
  let learned = 0;
  for (let k = 0; k < folds; k++) {
    const test = groups.filter((g) => foldOf(g.question) === k);
    if (!test.length) continue;
    learned += hits(fitRerank(groups.filter((g) => foldOf(g.question) !== k), opts), test);
  }
  return { questions: questions.length, fused: hits(null, groups), learned, training: hits(fitRerank(groups, opts), groups) };
}
