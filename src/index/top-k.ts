export interface Hit {
  index: number;
  score: number;
}

/**
 * The k best (score descending, index ascending on ties) of a stream of scored items, in a
 * binary heap whose root is the worst kept item. Its arrays are reused from one search to the
 * next, so a search allocates only its k results.
 */
export class TopK {
  private scores = new Float64Array(0);
  private ids = new Uint32Array(0);
  private size = 0;
  private k = 0;

  /** Empties the heap for a search keeping `k` items. */
  reset(k: number): void {
    if (this.scores.length < k) {
      this.scores = new Float64Array(k);
      this.ids = new Uint32Array(k);
    }
    this.size = 0;
    this.k = k;
  }

  /** The score an item must beat (or tie with a smaller index) to be kept; -Infinity while not full. */
  get threshold(): number {
    return this.size === this.k ? this.scores[0]! : -Infinity;
  }

  offer(id: number, score: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      // Sift up: parents are worse than or equal to their children.
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(score, id, this.scores[parent]!, this.ids[parent]!)) break;
        this.scores[i] = this.scores[parent]!;
        this.ids[i] = this.ids[parent]!;
        i = parent;
      }
      this.scores[i] = score;
      this.ids[i] = id;
      return;
    }
    if (this.k === 0 || !worse(this.scores[0]!, this.ids[0]!, score, id)) return;
    // Replace the root and sift down.
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && worse(this.scores[right]!, this.ids[right]!, this.scores[left]!, this.ids[left]!) ? right : left;
      if (!worse(this.scores[child]!, this.ids[child]!, score, id)) break;
      this.scores[i] = this.scores[child]!;
      this.ids[i] = this.ids[child]!;
      i = child;
    }
    this.scores[i] = score;
    this.ids[i] = id;
  }

  /** The kept items, best first. */
  sorted(): Hit[] {
    const out: Hit[] = [];
    for (let i = 0; i < this.size; i++) out.push({ index: this.ids[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }
}

/** Item a ranks below item b: a lower score, or the same score and a larger index. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}
