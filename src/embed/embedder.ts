/**
 * The seam between the index and whatever turns text into vectors. A new model is one
 * new file implementing this interface.
 */
export interface Embedder {
  /** Identifies the model and its parameters; an index built by another id is stale. */
  readonly id: string;
  readonly dimension: number;
  /** False for the built-in lexical fallback: it matches characters and words, not meaning. */
  readonly semantic: boolean;
  /** Human-readable description for logs, the README and `/healthz`. */
  readonly description: string;
  embedDocuments(texts: string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
}

export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
