import type { Embedder } from './embedder.ts';
import { l2normalize } from './embedder.ts';
import { analyze, type Analysis } from '../text/tokenize.ts';

/**
 * The built-in offline embedder: IDF-weighted jieba words and character bigrams,
 * signed-hashed into a fixed number of dimensions and L2-normalised. It needs no
 * weights and no network. It is lexical: it matches shared characters and words,
 * not meaning — logs, `/healthz` and the README say so whenever it is active.
 */
export const HASHED_VERSION = 'hashed-v1';

export interface HashedState {
  version: string;
  dimension: number;
  documents: number;
  idf: Record<string, number>;
}

const BIGRAM_WEIGHT = 0.6;

function features(text: string): Map<string, number> {
  return featuresOf(analyze(text));
}

/** The features of an analysed text: the build analyses each chunk once and passes the result. */
function featuresOf({ words, bigrams }: Analysis): Map<string, number> {
  const tf = new Map<string, number>();
  for (const w of words) tf.set(`w:${w}`, (tf.get(`w:${w}`) ?? 0) + 1);
  for (const b of bigrams) tf.set(`b:${b}`, (tf.get(`b:${b}`) ?? 0) + 1);
  return tf;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class HashedEmbedder implements Embedder {
  readonly semantic = false;
  readonly dimension: number;
  readonly id: string;
  readonly description: string;
  private readonly idf: Map<string, number>;
  private readonly unseenIdf: number;

  private constructor(private readonly state: HashedState) {
    this.dimension = state.dimension;
    this.id = `${HASHED_VERSION}:${state.dimension}`;
    this.description = `built-in offline lexical embedder (IDF-weighted hashed jieba words + character bigrams, ${state.dimension} dims; not a neural model)`;
    this.idf = new Map(Object.entries(state.idf));
    this.unseenIdf = Math.log(1 + state.documents);
  }

  /** Learns IDF weights from the corpus texts it will embed. */
  static fit(texts: string[], dimension = 512): HashedEmbedder {
    return HashedEmbedder.fitAnalyses(texts.map((t) => analyze(t)), dimension);
  }

  /** fit() from texts already analysed (the same result as fitting the texts). */
  static fitAnalyses(analyses: readonly Analysis[], dimension = 512): HashedEmbedder {
    const df = new Map<string, number>();
    for (const a of analyses) for (const f of featuresOf(a).keys()) df.set(f, (df.get(f) ?? 0) + 1);
    const idf: Record<string, number> = {};
    for (const [f, n] of df) idf[f] = Math.round(Math.log(1 + analyses.length / n) * 1000) / 1000;
    return new HashedEmbedder({ version: HASHED_VERSION, dimension, documents: analyses.length, idf });
  }

  static fromState(state: HashedState): HashedEmbedder {
    if (state.version !== HASHED_VERSION) throw new Error(`hashed embedder state version ${state.version} ≠ ${HASHED_VERSION}`);
    return new HashedEmbedder(state);
  }

  toState(): HashedState {
    return this.state;
  }

  embedText(text: string): Float32Array {
    return this.embedFeatures(features(text));
  }

  private embedFeatures(tf: Map<string, number>): Float32Array {
    const v = new Float32Array(this.dimension);
    for (const [f, n] of tf) {
      const idf = this.idf.get(f) ?? this.unseenIdf;
      const w = (1 + Math.log(n)) * idf * (f.startsWith('b:') ? BIGRAM_WEIGHT : 1);
      const h = fnv1a(f);
      v[h % this.dimension]! += h & 0x80000000 ? -w : w;
    }
    return l2normalize(v);
  }

  embedDocuments(texts: string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    texts.forEach((t, i) => {
      out.push(this.embedText(t));
      if (onProgress && (i % 64 === 63 || i === texts.length - 1)) onProgress(i + 1, texts.length);
    });
    return Promise.resolve(out);
  }

  /** embedDocuments() of texts already analysed. */
  embedAnalyses(analyses: readonly Analysis[], onProgress?: (done: number, total: number) => void): Float32Array[] {
    return analyses.map((a, i) => {
      const v = this.embedFeatures(featuresOf(a));
      if (onProgress && (i % 64 === 63 || i === analyses.length - 1)) onProgress(i + 1, analyses.length);
      return v;
    });
  }

  embedQuery(text: string): Promise<Float32Array> {
    return Promise.resolve(this.embedText(text));
  }
}
