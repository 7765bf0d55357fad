/**
 * A memo emptied whenever it holds `limit` entries: the keys (question words, passage texts) are
 * unbounded, so it is cleared rather than left to grow.
 */
export class BoundedMemo<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly limit: number) {}

  /** The remembered value of `key`, made (and remembered) on a miss. */
  get(key: K, make: () => V): V {
    let v = this.map.get(key);
    if (v === undefined) {
      if (this.map.size >= this.limit) this.map.clear();
      v = make();
      this.map.set(key, v);
    }
    return v;
  }
}
