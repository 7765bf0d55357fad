import type { Chunk, Paragraph, PolicyDocument } from '../types.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { IndexData } from '../index/store.ts';
import { contextOf } from '../chunk/context.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import { cjkBigrams } from '../text/tokenize.ts';
import { related } from '../text/gazetteer.ts';
import { termWeights, type Query } from './query.ts';
import { answerTypeFactor, answerTypeOf, enumerationSize } from './answer-type.ts';

export interface Passage {
  chunk: Chunk;
  doc: PolicyDocument;
  paragraph: Paragraph;
  /** Fused relevance, the ranking key. */
  score: number;
  bm25: number;
  cosine: number;
  /** The cited passage: the whole paragraph (with the list items it introduces), or the best window of a very long one. */
  text: string;
  /** The top-level list items under a lead-in paragraph (all items, sub-lists too, are at the end of `text`). */
  items: string[];
  /** Normalised passage text with its context (title, headings), for matching. */
  norm: string;
}

interface CitedText {
  text: string;
  items: string[];
  /** `text` normalised. */
  textNorm: string;
  /** Normalised passage text with its context, for matching. */
  norm: string;
}

/** Paragraphs longer than this are cited by their best-matching window only. */
const MAX_PASSAGE_CHARS = 1000;

/** Weights of the score fusion and priors (documented in DESIGN.md). */
const LEXICAL_WEIGHT = 0.45;
const VECTOR_WEIGHT = 0.3;
/** IDF-weighted share of the question's words the chunk contains: not biased towards short chunks. */
const COVERAGE_WEIGHT = 0.25;
const SAME_REGION_BOOST = 1.25;
const OTHER_REGION_PENALTY = 0.6;
const NEWS_PRIOR = 0.92;
const DUPLICATE_NEWS_PENALTY = 0.5;
const CANDIDATES = 80;
/** Largest boost for a passage that enumerates what a 「哪些…」 question asks for. */
const ANSWER_TYPE_BOOST = 0.25;

/**
 * Hybrid retrieval: BM25 (words, bigrams, context) and HNSW cosine candidates, fused as
 * a weighted sum of max-normalised scores; passages from the region the question names
 * are preferred; a news repost that says the same as a policy or law in the results is
 * demoted below it; one passage per paragraph.
 */
export class HybridRetriever {
  private readonly docs: Map<string, PolicyDocument>;
  private readonly paragraphs: Map<string, Paragraph>;
  private readonly norms: string[];

  constructor(
    private readonly index: IndexData,
    private readonly embedder: Embedder,
  ) {
    this.docs = new Map(index.documents.map((d) => [d.docId, d]));
    this.paragraphs = new Map();
    for (const d of index.documents) for (const p of d.paragraphs) this.paragraphs.set(`${d.docId}#${p.id}`, p);
    this.norms = index.chunks.map((c) => normalizeForMatch(`${contextOf(this.docs.get(c.docId), c)} ${c.text}`));
  }

  /** What a chunk is cited as, computed once per paragraph (or per window of a very long one). */
  private readonly cited = new Map<string, CitedText>();

  private citedText(doc: PolicyDocument, chunk: Chunk, paragraph: Paragraph, i: number): CitedText {
    const whole = paragraph.text.length <= MAX_PASSAGE_CHARS;
    const key = whole ? `${doc.docId}#${paragraph.id}` : chunk.id;
    let c = this.cited.get(key);
    if (c === undefined) {
      const list = whole ? listItemsAfter(doc, paragraph) : { all: [], top: [] };
      const text = whole ? [paragraph.text, ...list.all].join('\n') : chunk.text;
      const items = normalizeForMatch(list.all.join('\n'));
      c = {
        text,
        items: list.top,
        textNorm: normalizeForMatch(text),
        norm: whole ? normalizeForMatch(`${contextOf(doc, chunk)} ${paragraph.text}`) + items : this.norms[i]!,
      };
      this.cited.set(key, c);
    }
    return c;
  }

  get documents(): PolicyDocument[] {
    return this.index.documents;
  }

  document(docId: string): PolicyDocument | undefined {
    return this.docs.get(docId);
  }

  /** IDF of a word in the corpus (chunk level), used to weigh query terms. */
  idf(word: string): number {
    return this.index.lexical.idf('words', word);
  }

  async retrieve(query: Query, k: number): Promise<Passage[]> {
    const lexHits = this.index.lexical.search(query.analysis, CANDIDATES);
    const qv = await this.embedder.embedQuery(query.searchText);
    const vecHits = this.index.vectors.search(qv, Math.min(this.index.chunks.length, CANDIDATES * 2));

    const bm25 = new Map(lexHits.map((h) => [h.index, h.score]));
    const cos = new Map(vecHits.map((h) => [h.label, h.similarity]));
    const maxBm25 = Math.max(1e-9, ...lexHits.map((h) => h.score));
    const maxCos = Math.max(1e-9, ...vecHits.map((h) => h.similarity));
    const candidates = new Set<number>([...lexHits.map((h) => h.index), ...vecHits.slice(0, CANDIDATES).map((h) => h.label)]);

    const weights = termWeights(query, (w) => this.idf(w));
    const totalWeight = weights.reduce((a, w) => a + w.weight, 0) || 1;
    const answerType = answerTypeOf(query.norm);
    // The enumeration must be about the question's main subject: its two heaviest terms.
    const topics = [...weights].sort((a, b) => b.weight - a.weight).slice(0, 2).flatMap((w) => w.forms);
    let passages: Passage[] = [];
    for (const i of candidates) {
      const chunk = this.index.chunks[i]!;
      const doc = this.docs.get(chunk.docId)!;
      const b = bm25.get(i) ?? 0;
      const c = Math.max(0, cos.get(i) ?? 0);
      let covered = 0;
      for (const w of weights) if (w.forms.some((f) => this.norms[i]!.includes(f))) covered += w.weight;
      let score = LEXICAL_WEIGHT * (b / maxBm25) + VECTOR_WEIGHT * (c / maxCos) + COVERAGE_WEIGHT * (covered / totalWeight);
      score *= regionFactor(query.places, doc.region);
      if (doc.kind === 'news') score *= NEWS_PRIOR;
      const paragraph = this.paragraphs.get(`${chunk.docId}#${chunk.paragraphId}`)!;
      const cited = this.citedText(doc, chunk, paragraph, i);
      if (answerType) score *= answerTypeFactor(enumerationSize(cited.textNorm, answerType, topics), ANSWER_TYPE_BOOST);
      passages.push({ chunk, doc, paragraph, score, bm25: b, cosine: c, text: cited.text, items: cited.items, norm: cited.norm });
    }
    passages.sort((a, b) => b.score - a.score);
    passages = dedupeByParagraph(passages).slice(0, Math.max(k * 3, 12));
    demoteNewsDuplicates(passages);
    passages.sort((a, b) => b.score - a.score);
    return passages.slice(0, k);
  }
}

/** List item markers by style: （一） (1) 1. ① … at the start of a paragraph. */
const ITEM_STYLES: RegExp[] = [/^\s*[（(][一二三四五六七八九十]{1,3}[）)]/, /^\s*[（(]\d{1,2}[）)]/, /^\s*\d{1,2}[.．、](?!\d)/, /^\s*[①-⑳]/];
/** A sentence announcing the list that follows (「符合以下3个条件之一」「有下列情形的」). */
const ANNOUNCES_LIST = /(?:以下|下列)[^。；]{0,12}(?:条件|情形|情况|材料|要求|规定|之一|方式|对象|人员)/;

function itemStyle(text: string): number {
  return ITEM_STYLES.findIndex((re) => re.test(text));
}

/**
 * A lead-in is cited together with the list items that follow it, within the passage size
 * limit: one ending in a colon (「符合下列条件的，可以领取失业保险金：」 + (一)(二)(三)), or one
 * that announces a list (「符合以下3个条件之一，可申请…」). Items continue while they keep the
 * first item's numbering style; a sub-list is taken in only under an item that introduces it.
 */
function listItemsAfter(doc: PolicyDocument, paragraph: Paragraph): { all: string[]; top: string[] } {
  const top: string[] = [];
  if (!/[:：]$/.test(paragraph.text) && !ANNOUNCES_LIST.test(paragraph.text)) return { all: [], top };
  const start = Number(paragraph.id.slice(1));
  const items: string[] = [];
  let length = paragraph.text.length;
  let style = -1;
  let nested = false;
  for (let i = start; i < doc.paragraphs.length; i++) {
    const p = doc.paragraphs[i]!;
    const s = itemStyle(p.text);
    if (s < 0 || p.isHeading) break;
    if (style < 0) style = s;
    if (s === style) nested = false;
    else if (!nested && !/[:：]$/.test(items[items.length - 1] ?? '')) break;
    else nested = true;
    if (length + p.text.length > MAX_PASSAGE_CHARS) break;
    items.push(p.text);
    if (!nested) top.push(p.text);
    length += p.text.length + 1;
  }
  return { all: items, top };
}

function regionFactor(asked: string[], docRegion: string | null): number {
  if (!asked.length || !docRegion || docRegion === '全国') return 1;
  return asked.some((a) => related(a, docRegion)) ? SAME_REGION_BOOST : OTHER_REGION_PENALTY;
}

function dedupeByParagraph(passages: Passage[]): Passage[] {
  const seen = new Set<string>();
  return passages.filter((p) => {
    const key = `${p.chunk.docId}#${p.chunk.paragraphId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A news passage that repeats a policy or law passage in the same results ranks below it. */
function demoteNewsDuplicates(passages: Passage[]): void {
  const official = passages.filter((p) => p.doc.kind !== 'news').map((p) => new Set(cjkBigrams(p.norm)));
  for (const p of passages) {
    if (p.doc.kind !== 'news') continue;
    const mine = new Set(cjkBigrams(normalizeForMatch(p.text)));
    if (official.some((o) => overlap(mine, o) >= 0.6)) p.score *= DUPLICATE_NEWS_PENALTY;
  }
}

/** Share of `a`'s bigrams that also occur in `b`. */
function overlap(a: Set<string>, b: Set<string>): number {
  if (!a.size) return 0;
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n / a.size;
}
