import type { Passage } from './hybrid.ts';
import { termWeights, type Query } from './query.ts';
import model from './abstain-model.json' with { type: 'json' };

/**
 * Does the corpus answer this question? A logistic model over three features of the
 * retrieved passages, fitted by `policybot calibrate` on labelled questions (see
 * DESIGN.md): no single hand-picked threshold.
 */
export interface AbstainFeatures {
  /** IDF-weighted share of the question's content words found in the best passage (0–1). */
  coverage: number;
  /** The same over the question's character bigrams (0–1), robust to segmentation. */
  bigramCoverage: number;
  /** Cosine similarity of the best vector match. */
  cosine: number;
}

export interface AbstainModel {
  features: Array<keyof AbstainFeatures>;
  weights: number[];
  bias: number;
  threshold: number;
  fittedOn?: string;
}

export const FEATURE_NAMES: Array<keyof AbstainFeatures> = ['coverage', 'bigramCoverage', 'cosine'];

export function abstainFeatures(query: Query, passages: Passage[], idf: (w: string) => number): AbstainFeatures {
  const top = passages.slice(0, 3);
  const weights = termWeights(query, idf);
  const total = weights.reduce((a, b) => a + b.weight, 0);
  let coverage = 0;
  for (const p of top) {
    let found = 0;
    for (const w of weights) if (w.forms.some((f) => p.norm.includes(f))) found += w.weight;
    coverage = Math.max(coverage, total > 0 ? found / total : 0);
  }
  const placeChars = new Set(query.placeWords.join(''));
  const bigrams = [...new Set(query.analysis.bigrams)].filter((b) => ![...b].every((ch) => placeChars.has(ch)));
  let bigramCoverage = 0;
  for (const p of top) {
    const hit = bigrams.filter((b) => p.norm.includes(b)).length;
    bigramCoverage = Math.max(bigramCoverage, bigrams.length ? hit / bigrams.length : 0);
  }
  return { coverage, bigramCoverage, cosine: passages[0]?.cosine ?? 0 };
}

export function answerProbability(f: AbstainFeatures, m: AbstainModel = model as AbstainModel): number {
  let z = m.bias;
  m.features.forEach((name, i) => {
    z += (m.weights[i] ?? 0) * f[name];
  });
  return 1 / (1 + Math.exp(-z));
}

export function shouldAbstain(query: Query, passages: Passage[], f: AbstainFeatures, m: AbstainModel = model as AbstainModel): boolean {
  if (!passages.length || !query.terms.length) return true;
  return answerProbability(f, m) < m.threshold;
}

/** L2-regularised logistic regression by gradient descent on standardised-free features in [0, 1]. */
export function fitAbstainModel(rows: Array<{ f: AbstainFeatures; answerable: boolean }>, lambda = 0.01): AbstainModel {
  const X = rows.map((r) => FEATURE_NAMES.map((n) => r.f[n]));
  const y = rows.map((r) => (r.answerable ? 1 : 0));
  // Balance the classes: abstain examples are few.
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  const sw = y.map((v) => (v === 1 ? y.length / (2 * Math.max(1, pos)) : y.length / (2 * Math.max(1, neg))));
  const w = FEATURE_NAMES.map(() => 0);
  let b = 0;
  const lr = 0.5;
  for (let epoch = 0; epoch < 20000; epoch++) {
    const gw = w.map(() => 0);
    let gb = 0;
    X.forEach((x, i) => {
      const z = b + x.reduce((s, xi, j) => s + xi * w[j]!, 0);
      const p = 1 / (1 + Math.exp(-z));
      const err = (p - y[i]!) * sw[i]!;
      x.forEach((xi, j) => (gw[j]! += err * xi));
      gb += err;
    });
    w.forEach((_, j) => (w[j] = w[j]! - lr * (gw[j]! / X.length + lambda * w[j]!)));
    b -= lr * (gb / X.length);
  }
  return { features: FEATURE_NAMES, weights: w.map((v) => round(v)), bias: round(b), threshold: 0.5 };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
