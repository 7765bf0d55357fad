import { normalizeForMatch } from '../text/normalize.ts';
import type { AnswerKind } from '../text/lexicon.ts';
import { coveredWeight } from './query.ts';
import { crossValidateListwise, fitListwise, linearScores, type FitOptions, type LinearModel, type RankGroup, type Validation } from './listwise.ts';

/**
 * The learned rerank: a linear model over what the retrieval steps saw of each candidate (its fused
 * score, the single signals, and where it sits: its document's and section's best scores, its
 * neighbours', its rank). Weights are data (rerank-model.json), fitted by `calibrate` on labelled
 * question sets with a listwise softmax loss, and checked by k-fold cross-validation. The hand-set
 * fusion stays the first feature, so the model only corrects it.
 */
export type RerankModel = LinearModel;

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
  /** How directly it states the quantity asked or bounds the person's figure (quantity.ts), 0..1. */
  quantity: number;
}

/** The answer kinds whose offered-kind signal gets its own weight. */
const KINDS: AnswerKind[] = ['amount', 'number', 'who', 'procedure', 'materials', 'where', 'duration', 'consequence', 'yesno'];

export const FEATURES: readonly string[] = [
  'logold', 'bm25', 'cos', 'cov', 'conc', 'same', 'other', 'news', 'att', 'offers', 'period', 'hkind', 'lkind', 'enum',
  'docmax', 'title', 'heads', 'len', 'faq', 'top1', 'logrank', 'secmax', 'prev', 'next', 'isheading', 'list', 'qty',
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
  // Titles and heading paths repeat across candidates: each distinct one is measured once per query.
  const shares = new Map<string, number>();
  const share = (text: string) => {
    let v = shares.get(text);
    if (v === undefined) {
      v = coveredWeight(weights, text) / total;
      shares.set(text, v);
    }
    return v;
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
      share(normalizedOnce(titles, p.doc, () => p.doc.title)),
      share(normalizedOnce(headings, p.chunk, () => p.chunk.headingPath.join(' '))),
      Math.log(1 + p.text.length) / 7,
      /[？?]\s*$/u.test(last) ? 1 : 0,
      rank === 0 ? 1 : 0,
      Math.log(1 + rank) / 5,
      secMax.get(section(p)) ?? 0,
      byParagraph.get(`${p.doc.docId}#${at - 1}`) ?? 0,
      byParagraph.get(`${p.doc.docId}#${at + 1}`) ?? 0,
      p.paragraph.isHeading ? 1 : 0,
      p.items.length ? 1 : 0,
      s.quantity,
      ...KINDS.map((k) => (kind === k ? s.offersKind : 0)),
    ];
  });
}

/** Titles and heading paths normalised once per document and chunk (the index holds them for its lifetime). */
const titles = new WeakMap<object, string>();
const headings = new WeakMap<object, string>();
function normalizedOnce(memo: WeakMap<object, string>, key: object, text: () => string): string {
  let v = memo.get(key);
  if (v === undefined) {
    v = normalizeForMatch(text());
    memo.set(key, v);
  }
  return v;
}

function paragraphNumber(id: string): number {
  return Number(id.replace(/^\D+/, '')) || 0;
}


/** The rerank's scores for feature vectors in FEATURES order. */
export function rerankScores(features: readonly number[][], model: RerankModel): number[] {
  return linearScores(features, FEATURES, model);
}

export function fitRerank(groups: readonly RankGroup[], opts: FitOptions = {}): RerankModel {
  return fitListwise(groups, FEATURES, 'logold', opts);
}

export function crossValidateRerank(groups: readonly RankGroup[], folds: number, opts: FitOptions = {}): Validation {
  return crossValidateListwise(groups, FEATURES, 'logold', folds, 3, opts);
}
