/**
 * Term → id, stored as flat arrays: every term's UTF-16 code units back to back, where each
 * term starts, and an open-addressing hash table (linear probing) of id + 1 (0: empty slot).
 * Loading it is reading three typed arrays: no million-entry Map or object to rebuild at start.
 */
export class TermDictionary {
  private readonly mask: number;

  constructor(
    /** Every term's UTF-16 code units, in id order. */
    readonly chars: Uint16Array,
    /** Term `id` is chars[starts[id] .. starts[id + 1]). */
    readonly starts: Uint32Array,
    /** Hash slot → id + 1; a power of two long, at most half full. */
    readonly table: Uint32Array,
  ) {
    this.mask = table.length - 1;
  }

  /** Terms in id order (ids are their positions). */
  static build(terms: Iterable<string>): TermDictionary {
    const list = [...terms];
    let total = 0;
    for (const t of list) total += t.length;
    const chars = new Uint16Array(total);
    const starts = new Uint32Array(list.length + 1);
    let at = 0;
    list.forEach((t, id) => {
      starts[id] = at;
      for (let i = 0; i < t.length; i++) chars[at + i] = t.charCodeAt(i);
      at += t.length;
    });
    starts[list.length] = at;
    let capacity = 2;
    while (capacity < list.length * 2) capacity *= 2;
    const table = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let id = 0; id < list.length; id++) {
      let slot = hashChars(chars, starts[id]!, starts[id + 1]!) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    return new TermDictionary(chars, starts, table);
  }

  /** Checks the structure (not the contents: the manifest's checksum covers those); null when sound. */
  static problem(chars: Uint16Array, starts: Uint32Array, table: Uint32Array): string | null {
    if (table.length < 2 || (table.length & (table.length - 1)) !== 0) return 'term table size is not a power of two';
    if (starts.length < 1 || starts[0] !== 0 || starts[starts.length - 1] !== chars.length) return 'term offsets do not span the term text';
    for (let i = 1; i < starts.length; i++) if (starts[i]! < starts[i - 1]!) return 'term offsets decrease';
    const terms = starts.length - 1;
    if (terms * 2 > table.length) return 'term table is too full';
    // As many entries as terms, so at least half the slots are empty and a lookup always ends.
    let used = 0;
    for (let i = 0; i < table.length; i++) {
      if (table[i]! > terms) return 'term table names a term that does not exist';
      if (table[i] !== 0) used++;
    }
    if (used !== terms) return 'term table does not hold every term once';
    return null;
  }

  get size(): number {
    return this.starts.length - 1;
  }

  /** The term's id, or -1 when the index never saw it. */
  lookup(term: string): number {
    let slot = hashString(term) & this.mask;
    for (;;) {
      const v = this.table[slot]!;
      if (v === 0) return -1;
      if (this.equals(v - 1, term)) return v - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  private equals(id: number, term: string): boolean {
    const s = this.starts[id]!;
    if (this.starts[id + 1]! - s !== term.length) return false;
    for (let i = 0; i < term.length; i++) if (this.chars[s + i] !== term.charCodeAt(i)) return false;
    return true;
  }
}

// FNV-1a over UTF-16 code units (the same value for a string and for its stored code units),
// then a murmur3 finaliser so the low bits that pick the slot are well mixed.
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return finish(h);
}

function hashChars(chars: Uint16Array, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ chars[i]!, FNV_PRIME);
  return finish(h);
}
