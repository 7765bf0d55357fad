import type { Analysis } from '../text/tokenize.ts';
import { FieldPostingsBuilder, postingsProblem, type FieldPostings } from './field-postings.ts';
import { DEFAULT_WINDOW, MaxScoreSearcher, type TermPostings } from './maxscore.ts';
import type { Hit } from './top-k.ts';

/**
 * BM25 over three fields of each chunk: its jieba words, its character bigrams, and
 * the words of its context (document title and heading path). Field weights let
 * bigrams rescue segmentation differences without outvoting whole-word matches.
 */
export interface FieldedTokens {
  words: string[];
  bigrams: string[];
  context: string[];
}

export type Field = keyof FieldedTokens;
export const FIELDS: readonly Field[] = ['words', 'bigrams', 'context'];
const WEIGHTS: Record<Field, number> = { words: 1, bigrams: 0.5, context: 0.35 };
const K1 = 1.2;
const B = 0.6;
/** Very short chunks (a byline, a caption) should not win on length normalisation alone. */
const MIN_LENGTH_RATIO = 0.5;

/** A field's postings with what scoring derives from them. */
export interface ScoredField extends FieldPostings {
  avgLength: number;
  /**
   * Per term: the largest tf·(K1+1) / (tf + norm) over its postings, so weight × maxRatio bounds
   * the term's contribution to any chunk (MaxScore's per-term upper bound). Computed at build
   * and stored with the postings.
   */
  maxRatio: Float64Array;
}

export type Bm25Hit = Hit;

/** Query terms with weights (a word of the question's background counts less than one of its ask). */
export interface WeightedTerms {
  words: Map<string, number>;
  bigrams: Map<string, number>;
}

interface FieldState extends ScoredField {
  /** Per chunk: K1 · (1 − B + B · max(len, avg · MIN_LENGTH_RATIO) / avg), the length part of the denominator. */
  norm: Float64Array;
}

export class Bm25Index {
  private readonly fields: Record<Field, FieldState>;
  private readonly searcher: MaxScoreSearcher;

  private constructor(
    readonly size: number,
    fields: Record<Field, ScoredField | FieldState>,
    window = DEFAULT_WINDOW,
  ) {
    this.fields = {} as Record<Field, FieldState>;
    for (const f of FIELDS) {
      const p = fields[f];
      this.fields[f] = 'norm' in p ? p : { ...p, norm: lengthNorms(p.lengths, p.avgLength) };
    }
    this.searcher = new MaxScoreSearcher(K1 + 1, window);
  }

  static build(docs: FieldedTokens[]): Bm25Index {
    const fields = {} as Record<Field, FieldState>;
    for (const f of FIELDS) {
      const builder = new FieldPostingsBuilder();
      for (const d of docs) builder.add(d[f]);
      const postings = builder.finish();
      const avgLength = averageLength(postings.lengths);
      const norm = lengthNorms(postings.lengths, avgLength);
      fields[f] = { ...postings, avgLength, maxRatio: maxRatios(postings, norm), norm };
    }
    return new Bm25Index(docs.length, fields);
  }

  /** An index from stored fields (index/lexical-file.ts); throws on a structure that does not fit. */
  static fromFields(size: number, fields: Record<Field, ScoredField>): Bm25Index {
    for (const f of FIELDS) {
      const p = fields[f];
      const problem = postingsProblem(p, size) ?? (p.maxRatio.length !== p.dict.size ? 'bounds and terms differ in number' : null);
      if (problem) throw new Error(`lexical field ${f}: ${problem}`);
    }
    return new Bm25Index(size, fields);
  }

  /**
   * The same index searching `window` chunks at a time (a multiple of 32). Results do not
   * depend on it; tests use small windows so that the bundled corpus exercises the pruning.
   */
  withSearchWindow(window: number): Bm25Index {
    return new Bm25Index(this.size, this.fields, window);
  }

  /** The stored part of a field (for writing the index). */
  field(f: Field): ScoredField {
    const { norm: _derived, ...stored } = this.fields[f];
    void _derived;
    return stored;
  }

  /** Number of chunks whose `field` contains the term. */
  docFreq(field: Field, term: string): number {
    const p = this.fields[field];
    const id = p.dict.lookup(term);
    return id < 0 ? 0 : p.starts[id + 1]! - p.starts[id]!;
  }

  idf(field: Field, term: string): number {
    const n = this.docFreq(field, term);
    return Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
  }

  /**
   * The `limit` chunks with the highest BM25 (score descending, chunk number ascending on ties)
   * among those sharing a term with the query; terms may carry weights (default 1). Equal,
   * score for score, to scoring every such chunk and sorting, but work grows with the
   * postings that can still change the top, not with the corpus.
   */
  search(query: Analysis | WeightedTerms, limit: number): Bm25Hit[] {
    const weighted: WeightedTerms =
      query.words instanceof Map ? (query as WeightedTerms) : { words: ones((query as Analysis).words), bigrams: ones((query as Analysis).bigrams) };
    const queryTerms: Record<Field, Map<string, number>> = { words: weighted.words, bigrams: weighted.bigrams, context: weighted.words };
    // In the order the scores are summed: field by field, each in the query's term order.
    const terms: TermPostings[] = [];
    for (const f of FIELDS) {
      const p = this.fields[f];
      for (const [term, weight] of queryTerms[f]) {
        // NaN weights are skipped along with non-positive ones: they would make every score NaN.
        if (!(weight > 0)) continue;
        const id = p.dict.lookup(term);
        if (id < 0) continue;
        const from = p.starts[id]!;
        const to = p.starts[id + 1]!;
        const idf = this.idf(f, term) * WEIGHTS[f] * weight;
        terms.push({ docs: p.docs.subarray(from, to), tfs: p.tfs.subarray(from, to), norm: p.norm, weight: idf, bound: idf * p.maxRatio[id]! });
      }
    }
    // A fractional limit is truncated as slice(0, limit) does; one below 1 gives nothing.
    const k = Math.min(Math.trunc(limit) || 0, this.size);
    return this.searcher.search(terms, k);
  }
}

function averageLength(lengths: Uint32Array): number {
  let sum = 0;
  for (let i = 0; i < lengths.length; i++) sum += lengths[i]!;
  return sum / Math.max(1, lengths.length);
}

function lengthNorms(lengths: Uint32Array, avgLength: number): Float64Array {
  const norm = new Float64Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) {
    const len = Math.max(lengths[i]!, avgLength * MIN_LENGTH_RATIO);
    norm[i] = K1 * (1 - B + (B * len) / (avgLength || 1));
  }
  return norm;
}

function maxRatios(p: FieldPostings, norm: Float64Array): Float64Array {
  const out = new Float64Array(p.dict.size);
  for (let id = 0; id < out.length; id++) {
    let max = 0;
    for (let j = p.starts[id]!; j < p.starts[id + 1]!; j++) {
      const tf = p.tfs[j]!;
      const r = (tf * (K1 + 1)) / (tf + norm[p.docs[j]!]!);
      if (r > max) max = r;
    }
    out[id] = max;
  }
  return out;
}

function ones(xs: string[]): Map<string, number> {
  return new Map(xs.map((x) => [x, 1]));
}
