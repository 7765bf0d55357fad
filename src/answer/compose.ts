import type { Passage } from '../retrieve/hybrid.ts';
import type { Query } from '../retrieve/query.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import { splitSentences } from '../text/sentences.ts';
import { paragraphUrl, type Citation } from './contract.ts';
import { termWeights } from '../retrieve/abstain.ts';

/**
 * Extractive answers, no language model: the few sentences of the retrieved passages
 * that best cover the question, each followed by its citation marker [n]. Nothing is
 * written that is not in a cited passage.
 */
export interface ComposeOptions {
  baseUrl: string;
  /** Target length of the answer body in characters. */
  maxChars: number;
  maxSentences: number;
  maxSources: number;
}

export const DEFAULT_COMPOSE = { maxChars: 300, maxSentences: 4, maxSources: 3 };

interface Candidate {
  passage: Passage;
  rank: number;
  position: number;
  text: string;
  score: number;
}

const LONG_SENTENCE = 150;
const ASKS_NUMBER = /多少|几|多大|多高|多长|比例|标准|金额|额度|人数|数量|%|率/;

export function composeAnswer(
  query: Query,
  passages: Passage[],
  idf: (w: string) => number,
  opts: ComposeOptions,
): { answer: string; cited: Array<{ citation: Citation; passage: Passage }> } {
  const weights = termWeights(query, idf);
  const total = weights.reduce((a, b) => a + b.weight, 0) || 1;
  const wantsNumber = ASKS_NUMBER.test(query.norm);
  const top = passages[0]?.score ?? 1;

  const candidates: Candidate[] = [];
  passages.forEach((passage, rank) => {
    splitSentences(passage.text).forEach((sentence, position) => {
      const text = sentence.length > LONG_SENTENCE ? focus(sentence, weights) : sentence;
      const norm = normalizeForMatch(text);
      let covered = 0;
      for (const w of weights) if (w.forms.some((f) => norm.includes(f))) covered += w.weight;
      let score = (covered / total) * (0.5 + 0.5 * (passage.score / top));
      if (wantsNumber && /\d/.test(norm)) score *= 1.15;
      if (text.length < 8) score *= 0.3;
      candidates.push({ passage, rank, position, text, score });
    });
  });
  candidates.sort((a, b) => b.score - a.score || a.rank - b.rank || a.position - b.position);

  const best = candidates[0]?.score ?? 0;
  const chosen: Candidate[] = [];
  const sources: Passage[] = [];
  let length = 0;
  for (const c of candidates) {
    if (chosen.length >= opts.maxSentences) break;
    if (c.score < best * 0.45 || c.score <= 0) break;
    const isNewSource = !sources.includes(c.passage);
    if (isNewSource && sources.length >= opts.maxSources) continue;
    if (chosen.length && length + c.text.length > opts.maxChars) continue;
    if (chosen.some((x) => normalizeForMatch(x.text) === normalizeForMatch(c.text))) continue;
    chosen.push(c);
    length += c.text.length;
    if (isNewSource) sources.push(c.passage);
  }
  // Sources are numbered by relevance; sentences follow that order, then reading order.
  sources.sort((a, b) => passages.indexOf(a) - passages.indexOf(b));
  chosen.sort((a, b) => sources.indexOf(a.passage) - sources.indexOf(b.passage) || a.position - b.position);

  const cited = sources.map((p, i) => ({ passage: p, citation: toCitation(p, i + 1, opts.baseUrl) }));
  const answer = chosen
    .map((c) => `${c.text.replace(/[。；;，,：:]$/, '')}${/[？?！!]$/.test(c.text) ? '' : '。'}[${sources.indexOf(c.passage) + 1}]`)
    .join('');
  return { answer, cited };
}

/** Keeps the clauses of an over-long sentence around the part that matches the question. */
function focus(sentence: string, weights: Array<{ forms: string[]; weight: number }>): string {
  const clauses = sentence.split(/(?<=[，,：:])/);
  const scores = clauses.map((c) => {
    const n = normalizeForMatch(c);
    let s = 0;
    for (const w of weights) if (w.forms.some((f) => n.includes(f))) s += w.weight;
    return s;
  });
  let bestStart = 0;
  let bestScore = -1;
  for (let i = 0; i < clauses.length; i++) {
    let len = 0;
    let s = 0;
    for (let j = i; j < clauses.length && len + clauses[j]!.length <= LONG_SENTENCE; j++) {
      len += clauses[j]!.length;
      s += scores[j]!;
    }
    if (s > bestScore) {
      bestScore = s;
      bestStart = i;
    }
  }
  let out = '';
  for (let j = bestStart; j < clauses.length && out.length + clauses[j]!.length <= LONG_SENTENCE; j++) out += clauses[j];
  if (!out) out = sentence.slice(0, LONG_SENTENCE);
  return `${bestStart > 0 ? '…' : ''}${out}${out.length < sentence.length && !sentence.endsWith(out) ? '…' : ''}`;
}

export function toCitation(p: Passage, n: number, baseUrl: string): Citation {
  return {
    n,
    docId: p.doc.docId,
    title: p.doc.title,
    paragraphId: p.paragraph.id,
    text: p.text,
    url: paragraphUrl(baseUrl, p.doc.docId, p.paragraph.id),
    sourceUrl: p.doc.sourceUrl,
    date: p.doc.date,
    issuer: p.doc.issuer,
    region: p.doc.region,
    docNumber: p.doc.docNumber,
    kind: p.doc.kind,
    headingPath: p.chunk.headingPath,
  };
}
