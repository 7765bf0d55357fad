import { createHash } from 'node:crypto';

/**
 * Linear ranking models fitted listwise (softmax over one question's candidates, Adam, an L2 pull
 * towards the hand-set score): the learned rerank of passages and of answer sentences. Weights are
 * data, read by feature name, so a model file keeps working when features are added.
 */
export interface LinearModel {
  features: string[];
  weights: number[];
  fittedOn?: string;
  crossValidation?: string;
}

/** The model's scores for feature vectors laid out as `names`. */
export function linearScores(vectors: readonly number[][], names: readonly string[], model: LinearModel): number[] {
  const at = model.features.map((f) => names.indexOf(f));
  return vectors.map((x) => model.weights.reduce((z, w, i) => z + (at[i]! >= 0 ? w * x[at[i]!]! : 0), 0));
}

/** One question's candidates for fitting: feature vectors and whether each holds the gold. */
export interface RankGroup {
  id: string;
  /** Groups of one question count once in validation (any ask with the gold in its top k). */
  question: string;
  x: number[][];
  y: boolean[];
}

export interface FitOptions {
  iterations?: number;
  learningRate?: number;
  /** Pull towards the prior: weight 1 on the prior feature (the hand-set score), 0 elsewhere. */
  l2?: number;
}

/** Listwise softmax fit: the candidates that hold the gold should take the probability mass. */
export function fitListwise(groups: readonly RankGroup[], names: readonly string[], prior: string, opts: FitOptions = {}): LinearModel {
  const { iterations = 300, learningRate = 0.05, l2 = 0.003 } = opts;
  const d = names.length;
  const start = names.map((f) => (f === prior ? 1 : 0));
  const w = [...start];
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
      const gi = grad[i]! / useful.length + l2 * (w[i]! - start[i]!);
      m[i] = 0.9 * m[i]! + 0.1 * gi;
      v[i] = 0.999 * v[i]! + 0.001 * gi * gi;
      w[i]! -= (learningRate * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  return { features: [...names], weights: w.map((x) => Math.round(x * 1000) / 1000) };
}

/** Whether a group's gold is in the top k by the given scores (ties keep the given order). */
export function hitAt(group: RankGroup, scores: readonly number[], k = 3): boolean {
  const order = scores.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s || a.i - b.i);
  return order.slice(0, k).some((o) => group.y[o.i]);
}

export interface Validation {
  questions: number;
  /** Gold in the top k by the prior feature (the hand-set score). */
  prior: number;
  /** Gold in the top k by a model fitted without the question's fold. */
  learned: number;
  training: number;
}

/** k-fold cross-validation by question (hash of its id): each is ranked by a model fitted without its fold. */
export function crossValidateListwise(groups: readonly RankGroup[], names: readonly string[], prior: string, folds: number, k = 3, opts: FitOptions = {}): Validation {
  const foldOf = (id: string) => createHash('sha256').update(id).digest().readUInt32BE(0) % folds;
  const at = names.indexOf(prior);
  const hits = (model: LinearModel | null, subset: readonly RankGroup[]) => {
    const by = new Map<string, boolean>();
    for (const g of subset) {
      const scores = model ? linearScores(g.x, names, model) : g.x.map((x) => x[at]!);
      by.set(g.question, (by.get(g.question) ?? false) || hitAt(g, scores, k));
    }
    return [...by.values()].filter(Boolean).length;
  };
  let learned = 0;
  for (let f = 0; f < folds; f++) {
    const test = groups.filter((g) => foldOf(g.question) === f);
    if (test.length) learned += hits(fitListwise(groups.filter((g) => foldOf(g.question) !== f), names, prior, opts), test);
  }
  return { questions: new Set(groups.map((g) => g.question)).size, prior: hits(null, groups), learned, training: hits(fitListwise(groups, names, prior, opts), groups) };
}
