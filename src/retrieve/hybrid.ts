import type { Chunk, Paragraph, PolicyDocument } from '../types.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { IndexData } from '../index/store.ts';
import { contextOf } from '../index/build.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import { cjkBigrams } from '../text/tokenize.ts';
import { related } from '../text/gazetteer.ts';
import type { Query } from './query.ts';
import { termWeights } from './abstain.ts';

export interface Passage {
  chunk: Chunk;
  doc: PolicyDocument;
  paragraph: Paragraph;
  /** Fused relevance, the ranking key. */
  score: number;
  bm25: number;
  cosine: number;
  /** The cited passage: the whole paragraph, or the best window of a very long one. */
  text: string;
  /** Normalised passage text with its context (title, headings), for matching. */
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

  private readonly paragraphNorms = new Map<string, string>();

  private paragraphNorm(doc: PolicyDocument, chunk: Chunk, paragraph: Paragraph): string {
    const key = `${doc.docId}#${paragraph.id}`;
    let n = this.paragraphNorms.get(key);
    if (n === undefined) {
      n = normalizeForMatch(`${contextOf(doc, chunk)} ${paragraph.text}`);
      this.paragraphNorms.set(key, n);
    }
    return n;
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
      const whole = paragraph.text.length <= MAX_PASSAGE_CHARS;
      const items = whole ? listItemsAfter(doc, paragraph) : '';
      passages.push({
        chunk,
        doc,
        paragraph,
        score,
        bm25: b,
        cosine: c,
        text: whole ? paragraph.text + items : chunk.text,
        norm: whole ? this.paragraphNorm(doc, chunk, paragraph) + normalizeForMatch(items) : this.norms[i]!,
      });
    }
    passages.sort((a, b) => b.score - a.score);
    passages = dedupeByParagraph(passages).slice(0, Math.max(k * 3, 12));
    demoteNewsDuplicates(passages);
    passages.sort((a, b) => b.score - a.score);
    return passages.slice(0, k);
  }
}

/**
 * A lead-in ending in a colon is cited together with the list items under it
 * (「符合下列条件的，可以领取失业保险金：」 + (一)(二)(三)), within the passage size limit.
 */
function listItemsAfter(doc: PolicyDocument, paragraph: Paragraph): string {
  if (!/[:：]$/.test(paragraph.text)) return '';
  const start = Number(paragraph.id.slice(1));
  let out = '';
  for (let i = start; i < doc.paragraphs.length; i++) {
    const p = doc.paragraphs[i]!;
    if (p.headingPath[p.headingPath.length - 1] !== paragraph.text.trim()) break;
    if (paragraph.text.length + out.length + p.text.length > MAX_PASSAGE_CHARS) break;
    out += `\n${p.text}`;
  }
  return out;
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
