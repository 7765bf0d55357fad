import { z } from 'zod';
import type { AskOptions, Engine, Inspection } from '../engine.ts';
import type { AbstainFeatures } from '../retrieve/abstain.ts';
import type { Answer } from '../answer/contract.ts';
import { EXTRACTIVE } from '../answer/contract.ts';
import { PolicybotError } from '../errors.ts';
import { foldForCompare } from '../text/normalize.ts';

/** One labelled question: `{"id","q","gold":[…]}` or `{"id","q","abstain":true}`. */
const ItemSchema = z.union([
  z.object({ id: z.string(), q: z.string().min(1), gold: z.array(z.string().min(1)).min(1), abstain: z.literal(false).optional() }),
  /** `kind`: offtopic (not about employment or social security) or indomain (in the domain, but no document answers it). */
  z.object({ id: z.string(), q: z.string().min(1), abstain: z.literal(true), kind: z.enum(['offtopic', 'indomain']).optional() }),
]);
export type EvalItem = z.infer<typeof ItemSchema>;

export function parseEvalFile(text: string, name = 'eval file'): EvalItem[] {
  const items: EvalItem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new PolicybotError('E_BAD_INPUT', `${name}:${i + 1}: not valid JSON`);
    }
    const parsed = ItemSchema.safeParse(json);
    if (!parsed.success) throw new PolicybotError('E_BAD_INPUT', `${name}:${i + 1}: expected {"id","q","gold":[…]} or {"id","q","abstain":true}`);
    items.push(parsed.data);
  });
  if (!items.length) throw new PolicybotError('E_BAD_INPUT', `${name}: no questions`);
  return items;
}

export interface EvalMiss {
  id: string;
  q: string;
  expected: string;
  got: string;
}

export interface AbstentionCount {
  expected: number;
  correct: number;
  accuracy: number;
}

export interface EvalReport {
  k: number;
  questions: number;
  answerable: number;
  /** Share of answerable questions with a gold string in one of the top-k citations. */
  hitAtK: number;
  mrr: number;
  /** Share of answerable questions whose answer text contains a gold string. */
  answerContainsGold: number;
  /** Share of answerable questions whose answer's first sentence (of any part) contains a gold string. */
  firstSentenceContainsGold: number;
  abstention: AbstentionCount;
  /** Abstention split by the item's kind (items without one count under neither). */
  abstentionOfftopic: AbstentionCount;
  abstentionIndomain: AbstentionCount;
  falseAbstentions: number;
  latencyMs: { p50: number; p95: number };
  misses: EvalMiss[];
  /** With `eval --llm`: what the language model did across the set. */
  generation?: GenerationSummary;
}

export interface GenerationSummary {
  model: string;
  /** Answers the model phrased (and verification kept). */
  phrased: number;
  /** Why the others stayed extractive, by reason. */
  fallbacks: Record<string, number>;
  droppedSentences: number;
  inputTokens: number;
  outputTokens: number;
  modelMsP50: number;
}

export interface EvalRow {
  item: EvalItem;
  inspection: Inspection;
  features: AbstainFeatures;
  abstained: boolean;
  rank: number | null;
  answerHasGold: boolean;
  firstHasGold: boolean;
  ms: number;
}

const has = (text: string, gold: string[]) => gold.some((g) => foldForCompare(text).includes(foldForCompare(g)));

/** The first sentence of each part of an answer (one for a single answer). */
export function firstSentences(answer: Answer): string[] {
  const first = (t: string) => t.split(/(?<=[。！？!?])|\n/u).find((x) => x.trim()) ?? '';
  return answer.parts?.length ? answer.parts.filter((p) => !p.abstained).map((p) => first(p.answer)) : [first(answer.answer)];
}

export async function runItems(engine: Engine, items: EvalItem[], k: number, opts: AskOptions = {}): Promise<EvalRow[]> {
  const rows: EvalRow[] = [];
  for (const item of items) {
    const t0 = performance.now();
    const inspection = await engine.inspect(item.q, { k: Math.max(k, 5), ...opts });
    const ms = performance.now() - t0;
    const { features, abstained, answer } = inspection;
    const gold = 'gold' in item ? item.gold : [];
    const idx = answer.citations.slice(0, k).findIndex((c) => has(c.text, gold));
    rows.push({
      item,
      inspection,
      features,
      abstained,
      rank: idx >= 0 ? idx + 1 : null,
      answerHasGold: !abstained && has(answer.answer, gold),
      firstHasGold: !abstained && firstSentences(answer).some((f) => has(f, gold)),
      ms,
    });
  }
  return rows;
}

export function summarize(rows: EvalRow[], k: number): EvalReport {
  const answerable = rows.filter((r) => !r.item.abstain);
  const negatives = rows.filter((r) => r.item.abstain);
  const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
  const misses: EvalMiss[] = [];
  for (const r of rows) {
    if (r.item.abstain && !r.abstained) misses.push({ id: r.item.id, q: r.item.q, expected: 'abstain', got: 'answered' });
    if (!r.item.abstain && r.abstained) misses.push({ id: r.item.id, q: r.item.q, expected: 'answer', got: 'abstained' });
    else if (!r.item.abstain && r.rank === null) misses.push({ id: r.item.id, q: r.item.q, expected: `gold in top ${k}`, got: 'not cited' });
  }
  const frac = (n: number, d: number) => (d ? round(n / d) : 0);
  const count = (xs: EvalRow[]): AbstentionCount => {
    const correct = xs.filter((r) => r.abstained).length;
    return { expected: xs.length, correct, accuracy: frac(correct, xs.length) };
  };
  const kindOf = (r: EvalRow) => ('kind' in r.item ? r.item.kind : undefined);
  return {
    k,
    questions: rows.length,
    answerable: answerable.length,
    hitAtK: frac(answerable.filter((r) => r.rank !== null).length, answerable.length),
    mrr: frac(answerable.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0), answerable.length),
    answerContainsGold: frac(answerable.filter((r) => r.answerHasGold).length, answerable.length),
    firstSentenceContainsGold: frac(answerable.filter((r) => r.firstHasGold).length, answerable.length),
    abstention: count(negatives),
    abstentionOfftopic: count(negatives.filter((r) => kindOf(r) === 'offtopic')),
    abstentionIndomain: count(negatives.filter((r) => kindOf(r) === 'indomain')),
    falseAbstentions: answerable.filter((r) => r.abstained).length,
    latencyMs: { p50: round(percentile(ms, 0.5)), p95: round(percentile(ms, 0.95)) },
    misses,
    ...(rows.some((r) => r.inspection.generation) ? { generation: generationSummary(rows) } : {}),
  };
}

function generationSummary(rows: EvalRow[]): GenerationSummary {
  const gens = rows.flatMap((r) => (r.inspection.generation ? [{ g: r.inspection.generation, by: r.inspection.answer.generatedBy }] : []));
  const fallbacks: Record<string, number> = {};
  for (const { g } of gens) if (g.fallback) fallbacks[g.fallback] = (fallbacks[g.fallback] ?? 0) + 1;
  const sum = (f: (g: (typeof gens)[number]['g']) => number) => gens.reduce((a, x) => a + f(x.g), 0);
  return {
    model: gens.find((x) => x.by !== EXTRACTIVE)?.by ?? 'extractive',
    phrased: gens.filter((x) => !x.g.fallback).length,
    fallbacks,
    droppedSentences: sum((g) => g.droppedSentences),
    inputTokens: sum((g) => g.inputTokens),
    outputTokens: sum((g) => g.outputTokens),
    modelMsP50: round(percentile(gens.map((x) => x.g.modelMs).sort((a, b) => a - b), 0.5)),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export function renderReport(r: EvalReport, opts: { misses?: boolean } = {}): string {
  const lines = [
    `questions ${r.questions} (answerable ${r.answerable}, abstain ${r.abstention.expected})`,
    `hit@${r.k}              ${r.hitAtK}`,
    `MRR                ${r.mrr}`,
    `answer has gold    ${r.answerContainsGold}`,
    `first sentence     ${r.firstSentenceContainsGold}`,
    `abstention         ${r.abstention.correct}/${r.abstention.expected} (${r.abstention.accuracy}); off-topic ${r.abstentionOfftopic.correct}/${r.abstentionOfftopic.expected}, in-domain ${r.abstentionIndomain.correct}/${r.abstentionIndomain.expected}`,
    `false abstentions  ${r.falseAbstentions}`,
    `latency ms         p50 ${r.latencyMs.p50}  p95 ${r.latencyMs.p95}`,
  ];
  if (r.generation) {
    const g = r.generation;
    const fb = Object.entries(g.fallbacks).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    lines.push(
      `model              ${g.model}: phrased ${g.phrased}/${r.questions}; extractive kept (${fb})`,
      `dropped sentences  ${g.droppedSentences}`,
      `tokens             in ${g.inputTokens}  out ${g.outputTokens}; model ms p50 ${g.modelMsP50}`,
    );
  }
  if (opts.misses !== false && r.misses.length) {
    lines.push('misses:');
    for (const m of r.misses) lines.push(`  ${m.id} ${m.q} — expected ${m.expected}, ${m.got}`);
  }
  return lines.join('\n');
}
