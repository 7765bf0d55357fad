import { createHash } from 'node:crypto';
import { fitAbstainModel, answerProbability, ruleDecides, type AbstainFeatures, type RuleContext } from '../retrieve/abstain.ts';
import { foldForCompare } from '../text/normalize.ts';
import type { EvalItem, EvalRow } from './evaluate.ts';
import type { Engine } from '../engine.ts';
import type { RankGroup } from '../retrieve/listwise.ts';

/**
 * Rows for fitting the abstention model: one per ask the model decides (asks a rule decides are
 * left out). An answerable message contributes the ask whose passages hold its gold (else its
 * first ask) as a positive; an unanswerable one contributes every ask as a negative.
 */
export interface FitRow {
  f: AbstainFeatures;
  answerable: boolean;
  id: string;
}

export function rowsForFit(rows: EvalRow[], retriever: RuleContext): FitRow[] {
  const out: FitRow[] = [];
  for (const r of rows) {
    const asks = r.inspection.asks.filter((a) => !ruleDecides(a.query, a.ranked, a.features, retriever));
    if (!asks.length) continue;
    if (r.item.abstain) {
      for (const a of asks) out.push({ f: a.features, answerable: false, id: r.item.id });
      continue;
    }
    const gold = (r.item.gold ?? []).map(foldForCompare);
    const holds = asks.find((a) => a.passages.slice(0, 3).some((p) => gold.some((g) => foldForCompare(p.text).includes(g))));
    out.push({ f: (holds ?? asks[0]!).features, answerable: true, id: r.item.id });
  }
  return out;
}

/** Folds by a hash of the question id, so a row always falls in the same fold. */
function foldOf(id: string, folds: number): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % folds;
}

export interface CrossValidation {
  total: number;
  correct: number;
  falseRefusals: number;
  falseAnswers: number;
  trainCorrect: number;
}

/** k-fold cross-validation of the logistic model: each row is judged by a model fitted without its fold. */
export function crossValidate(rows: FitRow[], folds: number): CrossValidation {
  let correct = 0;
  let falseRefusals = 0;
  let falseAnswers = 0;
  for (let k = 0; k < folds; k++) {
    const test = rows.filter((r) => foldOf(r.id, folds) === k);
    if (!test.length) continue;
    const model = fitAbstainModel(rows.filter((r) => foldOf(r.id, folds) !== k));
    for (const r of test) {
      const answer = answerProbability(r.f, model) >= model.threshold;
      if (answer === r.answerable) correct++;
      else if (r.answerable) falseRefusals++;
      else falseAnswers++;
    }
  }
  const full = fitAbstainModel(rows);
  const trainCorrect = rows.filter((r) => (answerProbability(r.f, full) >= full.threshold) === r.answerable).length;
  return { total: rows.length, correct, falseRefusals, falseAnswers, trainCorrect };
}

/**
 * Groups for fitting the learned rerank: for each ask of an answerable question, every candidate the
 * retrieval keeps (ranked by the hand-set fusion, the rerank off) with whether it holds a gold string.
 */
export async function rerankGroups(engine: Engine, items: EvalItem[]): Promise<RankGroup[]> {
  const groups: RankGroup[] = [];
  for (const item of items) {
    if (item.abstain) continue;
    const gold = item.gold.map(foldForCompare);
    const inspection = await engine.inspect(item.q, { k: 3, pipeline: { abstain: false } });
    for (const [i, ask] of inspection.asks.entries()) {
      const passages = await engine.retriever.retrieve(ask.query, { k: RERANK_CANDIDATES, rerank: false });
      if (!passages.length) continue;
      groups.push({
        id: `${item.id}/${i}`,
        question: item.id,
        x: passages.map((p) => p.features),
        y: passages.map((p) => gold.some((g) => foldForCompare(p.text).includes(g))),
      });
    }
  }
  return groups;
}

/** Candidates per ask the rerank is fitted on (all the retrieval keeps before its cut). */
const RERANK_CANDIDATES = 200;

