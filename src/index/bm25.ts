import type { Analysis } from '../text/tokenize.ts';

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

type Field = keyof FieldedTokens;
const FIELDS: Field[] = ['words', 'bigrams', 'context'];
const WEIGHTS: Record<Field, number> = { words: 1, bigrams: 0.5, context: 0.35 };
const K1 = 1.2;
const B = 0.6;
/** Very short chunks (a byline, a caption) should not win on length normalisation alone. */
const MIN_LENGTH_RATIO = 0.5;

interface FieldIndex {
  /** term → flat [docIndex, tf, docIndex, tf, …] */
  postings: Record<string, number[]>;
  lengths: number[];
  avgLength: number;
}

export interface Bm25Json {
  version: 1;
  size: number;
  fields: Record<Field, FieldIndex>;
}

export interface Bm25Hit {
  index: number;
  score: number;
}

export class Bm25Index {
  private constructor(private readonly data: Bm25Json) {}

  static build(docs: FieldedTokens[]): Bm25Index {
    const fields = {} as Record<Field, FieldIndex>;
    for (const f of FIELDS) {
      const postings: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
      const lengths: number[] = [];
      docs.forEach((d, i) => {
        const tf = new Map<string, number>();
        for (const t of d[f]) tf.set(t, (tf.get(t) ?? 0) + 1);
        lengths.push(d[f].length);
        for (const [t, n] of tf) (postings[t] ??= []).push(i, n);
      });
      const avgLength = lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length);
      fields[f] = { postings, lengths, avgLength };
    }
    return new Bm25Index({ version: 1, size: docs.length, fields });
  }

  static fromJSON(json: Bm25Json): Bm25Index {
    if (json.version !== 1 || !json.fields) throw new Error('unsupported lexical index format');
    for (const f of FIELDS) Object.setPrototypeOf(json.fields[f].postings, null);
    return new Bm25Index(json);
  }

  toJSON(): Bm25Json {
    return this.data;
  }

  get size(): number {
    return this.data.size;
  }

  /** Number of chunks whose `field` contains the term. */
  docFreq(field: Field, term: string): number {
    return (this.data.fields[field].postings[term]?.length ?? 0) / 2;
  }

  idf(field: Field, term: string): number {
    const n = this.docFreq(field, term);
    return Math.log(1 + (this.data.size - n + 0.5) / (n + 0.5));
  }

  /** BM25 of every chunk that shares a term with the query; terms may carry weights (default 1). */
  search(query: Analysis | WeightedTerms, limit: number): Bm25Hit[] {
    const scores = new Map<number, number>();
    const weighted: WeightedTerms =
      query.words instanceof Map ? (query as WeightedTerms) : { words: ones((query as Analysis).words), bigrams: ones((query as Analysis).bigrams) };
    const queryTerms: Record<Field, Map<string, number>> = { words: weighted.words, bigrams: weighted.bigrams, context: weighted.words };
    for (const f of FIELDS) {
      const { postings, lengths, avgLength } = this.data.fields[f];
      for (const [term, weight] of queryTerms[f]) {
        const list = postings[term];
        if (!list || weight <= 0) continue;
        const idf = this.idf(f, term) * WEIGHTS[f] * weight;
        for (let j = 0; j < list.length; j += 2) {
          const doc = list[j]!;
          const tf = list[j + 1]!;
          const len = Math.max(lengths[doc]!, avgLength * MIN_LENGTH_RATIO);
          const norm = tf + K1 * (1 - B + (B * len) / (avgLength || 1));
          scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (K1 + 1)) / norm);
        }
      }
    }
    return [...scores.entries()]
      .map(([index, score]) => ({ index, score }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, limit);
  }
}

/** Query terms with weights (a word of the question's background counts less than one of its ask). */
export interface WeightedTerms {
  words: Map<string, number>;
  bigrams: Map<string, number>;
}

function ones(xs: string[]): Map<string, number> {
  return new Map(xs.map((x) => [x, 1]));
}
