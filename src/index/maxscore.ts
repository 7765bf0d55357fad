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
 * A non-essential term is walked instead of probed when its postings in the window are at most
 * this many times the chunks found (measured at 100k chunks: 0.25–0.5 best, 0 is pure probing).
 */
const MERGE_RATIO = 0.5;

/**
 * Exact top-k BM25 by MaxScore, a window of chunks at a time. In each window a term counts with
 * its bound where it has postings and with 0 where it has none; the lowest-bound terms whose
 * bounds together cannot lift a chunk above the current k-th score become "non-essential":
 * chunks are found only through the other terms (into reused typed-array accumulators). A
 * non-essential term with few postings in the window, against the chunks found, is walked and
 * added to those chunks only; the others are merely probed for the chunks still in reach, by
 * galloping. A window whose bounds all together cannot reach the k-th score is skipped whole.
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
    const W = this.window;
    const { acc, seen, top } = this;
    top.reset(k);
    let lastDoc = -1;
    for (const t of terms) if (t.docs.length) lastDoc = Math.max(lastDoc, t.docs[t.docs.length - 1]!);
    const windows = lastDoc < 0 ? 0 : Math.floor(lastDoc / W) + 1;
    // Per window: each term's bound there, the terms ranked by it (ascending) and the running
    // sums of the ranked bounds (cum[r]: ranks 0..r).
    const bound = new Float64Array(n);
    const byBound = new Int32Array(n);
    const cum = new Float64Array(n);
    // Walking and probing cursor per term (both only move forward), and a second cursor for
    // rescoring in the caller's order.
    const pos = new Int32Array(n);
    const scorePos = new Int32Array(n);
    // Per window: the non-essential terms that are probed (ascending bound) and their running sums.
    const probe = new Int32Array(n);
    const probeCum = new Float64Array(n);

    for (let w = 0; w < windows; w++) {
      const lo = w * W;
      const hi = lo + W;
      let total = 0;
      for (let t = 0; t < n; t++) {
        const term = terms[t]!;
        const p = gallop(term.docs, pos[t]!, lo);
        pos[t] = p;
        const present = p < term.docs.length && term.docs[p]! < hi;
        const b = present ? term.bound : 0;
        bound[t] = b;
        total += b;
      }
      const theta = top.threshold;
      if (total * SLACK < theta) continue;
      for (let t = 0; t < n; t++) {
        // Insertion sort: a few dozen terms.
        let r = t;
        while (r > 0 && bound[byBound[r - 1]!]! > bound[t]!) {
          byBound[r] = byBound[r - 1]!;
          r--;
        }
        byBound[r] = t;
      }
      for (let r = 0; r < n; r++) cum[r] = (r > 0 ? cum[r - 1]! : 0) + bound[byBound[r]!]!;
      let nonEssential = 0;
      while (nonEssential < n && cum[nonEssential]! * SLACK < theta) nonEssential++;

      for (let r = nonEssential; r < n; r++) {
        const t = byBound[r]!;
        if (bound[t] === 0) continue;
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

      // Non-essential terms with few postings here against the chunks found are cheaper to walk
      // (adding only to chunks already found) than to probe chunk by chunk; the others are probed.
      let found = 0;
      for (let s = 0; s < seen.length; s++) found += popcount(seen[s]!);
      let probed = 0;
      for (let r = 0; r < nonEssential; r++) {
        const t = byBound[r]!;
        if (bound[t] === 0) continue;
        const { docs, tfs, norm, weight } = terms[t]!;
        const end = gallop(docs, pos[t]!, hi);
        if ((end - pos[t]!) <= MERGE_RATIO * found) {
          for (let p = pos[t]!; p < end; p++) {
            const off = docs[p]! - lo;
            if ((seen[off >>> 5]! & (1 << (off & 31))) === 0) continue;
            const tf = tfs[p]!;
            acc[off]! += (weight * tf * k1) / (tf + norm[docs[p]!]!);
          }
          pos[t] = end;
        } else {
          probe[probed] = t;
          probeCum[probed] = (probed > 0 ? probeCum[probed - 1]! : 0) + bound[t]!;
          probed++;
        }
      }

      const restBound = probed > 0 ? probeCum[probed - 1]! : 0;
      for (let s = 0; s < seen.length; s++) {
        let bits = seen[s]!;
        if (bits === 0) continue;
        seen[s] = 0;
        while (bits !== 0) {
          const low = bits & -bits;
          bits ^= low;
          const off = (s << 5) + 31 - Math.clz32(low);
          const d = lo + off;
          let partial = acc[off]!;
          acc[off] = 0;
          const threshold = top.threshold;
          if ((partial + restBound) * SLACK < threshold) continue;
          let alive = true;
          for (let r = probed - 1; r >= 0; r--) {
            const t = probe[r]!;
            const { docs, tfs, norm, weight } = terms[t]!;
            const p = gallop(docs, pos[t]!, d);
            pos[t] = p;
            if (p < docs.length && docs[p] === d) {
              const tf = tfs[p]!;
              partial += (weight * tf * k1) / (tf + norm[d]!);
            }
            if ((partial + (r > 0 ? probeCum[r - 1]! : 0)) * SLACK < threshold) {
              alive = false;
              break;
            }
          }
          if (!alive) continue;
          // Exact score, added in the caller's order.
          let score = 0;
          for (let t = 0; t < n; t++) {
            const { docs, tfs, norm, weight } = terms[t]!;
            const p = (scorePos[t] = gallop(docs, scorePos[t]!, d));
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

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
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
