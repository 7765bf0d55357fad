import MiniSearch from 'minisearch';
import type { EvalItem } from '../eval/evaluate.ts';
import { percentile } from '../eval/evaluate.ts';
import type { PolicyDocument } from '../types.ts';
import { foldForCompare, normalizeForMatch } from '../text/normalize.ts';
import { cut } from '../text/tokenize.ts';

/**
 * The naive baseline policybot is compared with: paragraph-level BM25 (MiniSearch) over
 * jieba tokens of normalised text, top-k paragraphs, no context, no abstention.
 */
const PUNCT_OR_SPACE = /^[\s\p{P}\p{S}]+$/u;

export function baselineTokens(text: string): string[] {
  return cut(normalizeForMatch(text))
    .map((t) => t.trim())
    .filter((t) => t && !PUNCT_OR_SPACE.test(t));
}

interface ParagraphDoc {
  id: number;
  text: string;
}

export interface BaselineIndex {
  search(question: string, k: number): string[];
  paragraphs: number;
}

export function buildBaseline(documents: PolicyDocument[]): BaselineIndex {
  const docs: ParagraphDoc[] = [];
  for (const d of documents) for (const p of d.paragraphs) docs.push({ id: docs.length, text: p.text });
  const ms = new MiniSearch<ParagraphDoc>({
    fields: ['text'],
    idField: 'id',
    tokenize: baselineTokens,
    processTerm: (t) => t,
  });
  ms.addAll(docs);
  return {
    paragraphs: docs.length,
    search: (question, k) =>
      ms
        .search(question)
        .slice(0, k)
        .map((r) => docs[r.id as number]?.text ?? ''),
  };
}

export interface BaselineReport {
  questions: number;
  answerable: number;
  hitAtK: number;
  mrr: number;
  abstention: { expected: number; correct: number; accuracy: number };
  latencyMs: { p50: number; p95: number };
}

const has = (text: string, gold: string[]) => gold.some((g) => foldForCompare(text).includes(foldForCompare(g)));

export function evaluateBaseline(index: BaselineIndex, items: EvalItem[], k: number): BaselineReport {
  const ms: number[] = [];
  let answerable = 0;
  let hits = 0;
  let rr = 0;
  let negatives = 0;
  for (const item of items) {
    const t0 = performance.now();
    const top = index.search(item.q, k);
    ms.push(performance.now() - t0);
    if (item.abstain) {
      negatives++; // never abstains: always counted as wrong
      continue;
    }
    answerable++;
    const idx = top.findIndex((t) => has(t, item.gold));
    if (idx >= 0) {
      hits++;
      rr += 1 / (idx + 1);
    }
  }
  ms.sort((a, b) => a - b);
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return {
    questions: items.length,
    answerable,
    hitAtK: answerable ? r3(hits / answerable) : 0,
    mrr: answerable ? r3(rr / answerable) : 0,
    abstention: { expected: negatives, correct: 0, accuracy: 0 },
    latencyMs: { p50: r3(percentile(ms, 0.5)), p95: r3(percentile(ms, 0.95)) },
  };
}
