import type { Passage } from '../retrieve/hybrid.ts';
import type { Query } from '../retrieve/query.ts';
import type { AbstainReason } from '../retrieve/abstain.ts';
import type { Lexicon } from '../text/lexicon.ts';
import type { Ask, Understanding } from '../understand/message.ts';
import { EXTRACTIVE, type Answer, type Citation, type Part, type Warning } from './contract.ts';
import { refusalText } from './refusal.ts';
import { warningsFor } from './warnings.ts';

/** One ask's outcome before the message's citations are numbered. */
export interface ComposedPart {
  question: string;
  abstained: boolean;
  /** The composed text with the part's own [n] numbers ('' for a refusal). */
  answer: string;
  reason: AbstainReason | null;
  cited: Array<{ citation: Citation; passage: Passage }>;
  related: Citation[];
  places?: string[];
}

/** The whole message as one ask (the ablation without splitting, or a message with no clause). */
export function wholeAsk(u: Understanding): Ask {
  const asks = u.asks;
  if (!asks.length) return { text: u.raw, norm: u.norm, kind: null, concepts: u.concepts, inherited: [] };
  return {
    text: asks.map((a) => a.text).join('，'),
    norm: asks.map((a) => a.norm).join('，'),
    kind: asks[0]!.kind,
    concepts: asks.flatMap((a) => a.concepts),
    inherited: asks.flatMap((a) => a.inherited),
  };
}

/** The closest provisions shown with a refusal: top passages that name the ask's topic. */
export function relatedProvisions(query: Query, passages: Passage[], max = 3): Passage[] {
  if (!query.concepts.length) return [];
  return passages.filter((p) => p.conceptCoverage > 0 && p.coverage >= 0.25).slice(0, max);
}

/** 「按“广州 失业保险金 标准”查找」 when the message was more than its asks (narrative, chat phrases, several asks). */
export function understoodText(queries: Query[], u: Understanding, lexicon: Lexicon): string | undefined {
  const plain = (s: string) => s.replace(/[\s\p{P}]/gu, '');
  const rewritten = u.asks.length > 1 || !!u.background || plain(u.asks[0]?.norm ?? '') !== plain(u.norm);
  if (!rewritten) return undefined;
  const parts = queries
    .map((q) => {
      const place = q.places[0] ? shortPlace(q.places[0], u) : '';
      const topics = q.concepts
        .filter((c) => c.weight >= 0.8)
        .map((c) => c.concept.name)
        .slice(0, 2);
      if (!topics.length) return '';
      const kind = q.kind && q.kind !== 'what' && q.kind !== 'yesno' ? lexicon.kind(q.kind).label : '';
      return [place, ...topics, kind].filter(Boolean).join(' ');
    })
    .filter(Boolean);
  if (!parts.length) return undefined;
  return [...new Set(parts)].map((p) => `“${p}”`).join('和');
}

/** The place as the user typed it when they did (城阳), else its canonical name. */
function shortPlace(place: string, u: Understanding): string {
  return u.placeWords.find((w) => place.includes(w)) ?? place;
}

const CIRCLED = ['①', '②', '③'];

/**
 * The message's answer from its parts: citations numbered once across parts (the same paragraph
 * keeps one number), each part's [n] rewritten to them, warnings per part, then merged.
 */
export function combineParts(
  question: string,
  parts: ComposedPart[],
  opts: { baseUrl: string; today: Date; latinOnly: boolean; understood?: string | undefined },
): Answer {
  const numbers = new Map<string, number>();
  const citations: Citation[] = [];
  const outParts: Part[] = [];
  const warnings: Warning[] = [];
  const allSources: Array<{ citation: Citation; passage: Passage }> = [];
  const places: string[] = [];
  // Numbers go round the parts (each part's best source first), so every ask has a source among the first ones.
  const longest = Math.max(0, ...parts.map((p) => p.cited.length));
  for (let r = 0; r < longest; r++) {
    for (const part of parts) {
      const c = part.cited[r];
      if (!c) continue;
      const key = `${c.citation.docId}#${c.citation.paragraphId}`;
      if (!numbers.has(key)) {
        numbers.set(key, citations.length + 1);
        citations.push({ ...c.citation, n: citations.length + 1 });
      }
    }
  }
  for (const part of parts) {
    const local = new Map<number, number>();
    const partCitations: Citation[] = [];
    const sources: Array<{ citation: Citation; passage: Passage }> = [];
    for (const c of part.cited) {
      const n = numbers.get(`${c.citation.docId}#${c.citation.paragraphId}`)!;
      local.set(c.citation.n, n);
      partCitations.push(citations[n - 1]!);
      sources.push({ citation: citations[n - 1]!, passage: c.passage });
    }
    const text = part.answer.replace(/\[(\d+)\]/g, (m, d: string) => (local.has(Number(d)) ? `[${local.get(Number(d))}]` : m));
    const partWarnings = warningsFor(
      sources.map((s) => ({ citation: s.citation, doc: s.passage.doc, paragraphText: s.passage.paragraph.text })),
      part.places ?? [],
      opts.today,
    );
    for (const s of sources) if (!allSources.some((x) => x.citation.n === s.citation.n)) allSources.push(s);
    for (const pl of part.places ?? []) if (!places.includes(pl)) places.push(pl);
    const refusal = part.abstained ? refusalText(part.reason, { question: part.question, hasRelated: part.related.length > 0, latinOnly: opts.latinOnly }) : '';
    outParts.push({ question: part.question, abstained: part.abstained, answer: part.abstained ? refusal : text, citations: partCitations, warnings: partWarnings, related: part.related });
  }
  // Two asks answered by the very same sentences (「去哪办？电话多少？」) are one answer, not the same text twice.
  for (let j = outParts.length - 1; j > 0; j--) {
    const p = outParts[j]!;
    const plain = (t: string) => t.replace(/\[\d+\]/g, '');
    const same = p.abstained ? -1 : outParts.findIndex((q, i) => i < j && !q.abstained && plain(q.answer) === plain(p.answer));
    if (same < 0) continue;
    const q = outParts[same]!;
    outParts[same] = { ...q, question: `${q.question.replace(/[？?。！!\s]+$/u, '')}，${p.question}`, citations: [...q.citations, ...p.citations.filter((c) => !q.citations.includes(c))] };
    outParts.splice(j, 1);
  }
  // The message's warnings are computed once over all its sources: one of each kind per document.
  warnings.push(
    ...warningsFor(
      allSources.map((s) => ({ citation: s.citation, doc: s.passage.doc, paragraphText: s.passage.paragraph.text })),
      places,
      opts.today,
    ),
  );
  const abstained = outParts.every((p) => p.abstained);
  const related = abstained ? renumber(dedupe(outParts.flatMap((p) => p.related))) : [];
  let answer: string;
  if (outParts.length <= 1) answer = outParts[0]?.answer ?? refusalText({ code: 'empty' }, { question, hasRelated: false, latinOnly: opts.latinOnly });
  else if (abstained) answer = refusalText(parts[0]!.reason, { question, hasRelated: related.length > 0, latinOnly: opts.latinOnly });
  else {
    answer = outParts
      .map((p, i) => `${CIRCLED[i] ?? `${i + 1}.`}${shortAsk(p.question)}：${p.abstained ? '现有政策库中没有找到能回答这一问的内容。' : p.answer}`)
      .join('\n');
  }
  return {
    question,
    abstained,
    answer,
    citations: abstained ? [] : citations,
    warnings: abstained ? [] : warnings,
    timingsMs: { retrieve: 0, total: 0 },
    related,
    generatedBy: EXTRACTIVE,
    droppedSentences: 0,
    ...(outParts.length > 1 ? { parts: outParts } : {}),
    ...(opts.understood && !abstained ? { understood: opts.understood } : {}),
  };
}

function shortAsk(q: string, max = 24): string {
  const t = q.replace(/[？?。！!\s]+$/u, '').trim();
  return `${t.length > max ? `${t.slice(0, max - 1)}…` : t}？`;
}

function dedupe(cs: Citation[]): Citation[] {
  const seen = new Set<string>();
  return cs.filter((c) => {
    const k = `${c.docId}#${c.paragraphId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Citations numbered 1…n in their order (a list of related provisions of its own). */
export function renumber(cs: readonly Citation[]): Citation[] {
  return cs.map((c, i) => ({ ...c, n: i + 1 }));
}

