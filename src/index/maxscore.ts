import { TopK, type Hit } from './top-k.ts';

/** One query term of one field, with what the search needs of its postings. */
export interface TermPostings {
  /** Chunk numbers, ascending. */
  docs: Uint32Array;
  tfs: Uint16Array | Uint32Array;
  /** The field's length normaliser per chunk: K1 · (1 − B + B · len / avgLength). */
  norm: Float64Array;
  /** idf × field weight × query weight. */
  weight: number;
  /** At least the term's largest contribution to any chunk's score. */
  bound: number;
}

/** Chunks scored term-at-a-time in one pass of a window (32 KiB of accumulators); a multiple of 32. */
export const DEFAULT_WINDOW = 4096;
/**
 * Bounds are compared with this much room, so a chunk is skipped only when it is certainly
 * below the k-th score: sums taken in another order differ in the last bits, and a skip must
 * never depend on rounding.
 */
const SLACK = 1 + 1e-9;

/**
 * Exact top-k BM25 by MaxScore. Terms are ranked by their bound; the lowest-bound terms whose
 * bounds together cannot lift a chunk above the current k-th score become "non-essential":
 * chunks are found only through the other terms (a window at a time, into reused typed-array
 * accumulators) and the non-essential lists are merely probed for those chunks, by galloping.
 * Very common words have small bounds, so they soon stop being walked at all.
 *
 * A chunk that may enter the top k is rescored in the caller's term order, the order the
 * exhaustive search adds in, so scores are bit-identical to it and ties break the same way
 * (score descending, then chunk number ascending).
 */
export class MaxScoreSearcher {
  private readonly acc: Float64Array;
  private readonly seen: Uint32Array;
  private readonly top = new TopK();

  /**
   * `k1Plus1` is BM25's K1 + 1, the numerator's factor. A smaller window (a multiple of 32)
   * makes a small corpus go through many windows, as tests of the pruning need.
   */
  constructor(
    private readonly k1Plus1: number,
    private readonly window = DEFAULT_WINDOW,
  ) {
    if (window < 32 || window % 32 !== 0) throw new Error(`search window ${window} is not a positive multiple of 32`);
    this.acc = new Float64Array(window);
    this.seen = new Uint32Array(window / 32);
  }

  /** Terms in the exhaustive search's summation order; k ≥ 1. */
  search(terms: readonly TermPostings[], k: number): Hit[] {
    const n = terms.length;
    if (n === 0 || k < 1) return [];
    const k1 = this.k1Plus1;
    const { acc, seen, top } = this;
    top.reset(k);
    // Rank terms by bound, ascending; cum[r] is the sum of the bounds of ranks 0..r.
    const byBound = Array.from({ length: n }, (_, i) => i).sort((a, b) => terms[a]!.bound - terms[b]!.bound);
    const rank = new Int32Array(n);
    const cum = new Float64Array(n);
    byBound.forEach((t, r) => {
      rank[t] = r;
      cum[r] = (r > 0 ? cum[r - 1]! : 0) + terms[t]!.bound;
    });
    // Walking cursor (essential terms) or probing cursor (non-essential ones), and a second
    // cursor for rescoring essential terms, whose walking cursor is already past the window.
    const pos = new Int32Array(n);
    const scorePos = new Int32Array(n);
    let nonEssential = 0;

    for (;;) {
      const theta = top.threshold;
      while (nonEssential < n && cum[nonEssential]! * SLACK < theta) nonEssential++;
      if (nonEssential === n) break;
      let lo = Infinity;
      for (let r = nonEssential; r < n; r++) {
        const t = byBound[r]!;
        const list = terms[t]!.docs;
        if (pos[t]! < list.length && list[pos[t]!]! < lo) lo = list[pos[t]!]!;
      }
      if (lo === Infinity) break;
      const hi = lo + this.window;

      for (let r = nonEssential; r < n; r++) {
        const t = byBound[r]!;
        const { docs, tfs, norm, weight } = terms[t]!;
        let p = pos[t]!;
        for (; p < docs.length; p++) {
          const d = docs[p]!;
          if (d >= hi) break;
          const tf = tfs[p]!;
          const off = d - lo;
          acc[off]! += (weight * tf * k1) / (tf + norm[d]!);
          seen[off >>> 5]! |= 1 << (off & 31);
        }
        pos[t] = p;
      }

      const restBound = nonEssential > 0 ? cum[nonEssential - 1]! : 0;
      for (let w = 0; w < seen.length; w++) {
        let bits = seen[w]!;
        if (bits === 0) continue;
        seen[w] = 0;
        while (bits !== 0) {
          const low = bits & -bits;
          bits ^= low;
          const off = (w << 5) + 31 - Math.clz32(low);
          const d = lo + off;
          let partial = acc[off]!;
          acc[off] = 0;
          const threshold = top.threshold;
          if ((partial + restBound) * SLACK < threshold) continue;
          let alive = true;
          for (let r = nonEssential - 1; r >= 0; r--) {
            const t = byBound[r]!;
            const { docs, tfs, norm, weight } = terms[t]!;
            const p = gallop(docs, pos[t]!, d);
            pos[t] = p;
            if (p < docs.length && docs[p] === d) {
              const tf = tfs[p]!;
              partial += (weight * tf * k1) / (tf + norm[d]!);
            }
            if ((partial + (r > 0 ? cum[r - 1]! : 0)) * SLACK < threshold) {
              alive = false;
              break;
            }
          }
          if (!alive) continue;
          // Exact score, added in the caller's order.
          let score = 0;
          for (let t = 0; t < n; t++) {
            const { docs, tfs, norm, weight } = terms[t]!;
            let p: number;
            if (rank[t]! < nonEssential) p = pos[t]!;
            else scorePos[t] = p = gallop(docs, scorePos[t]!, d);
            if (p < docs.length && docs[p] === d) {
              const tf = tfs[p]!;
              score += (weight * tf * k1) / (tf + norm[d]!);
            }
          }
          top.offer(d, score);
        }
      }
    }
    return top.sorted();
  }
}

/** First position ≥ from whose doc is ≥ target (exponential then binary search). */
function gallop(docs: Uint32Array, from: number, target: number): number {
  const len = docs.length;
  if (from >= len || docs[from]! >= target) return from;
  let lo = from;
  let step = 1;
  let hi = from + 1;
  while (hi < len && docs[hi]! < target) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > len) hi = len;
  // docs[lo] < target, and hi is len or docs[hi] ≥ target.
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid]! < target) lo = mid;
    else hi = mid;
  }
  return hi;
}
