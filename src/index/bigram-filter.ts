/**
 * Per block of consecutive chunks, a Bloom filter of the code-unit bigrams their texts contain.
 * "Does any chunk contain this string?" then reads a few bits per block and scans only the
 * blocks whose filter holds every bigram of the string, instead of every chunk's text: a
 * filter can say "maybe" wrongly, never "no" wrongly, so the answer stays exact.
 */
export const BLOCK_CHUNKS = 64;
/** About 8 bits per distinct bigram and 3 probes: ~3 % false "maybe" per bigram. */
const BITS_PER_BIGRAM = 8;
const PROBES = 3;
/** Testing this many of a long string's bigrams already rules out almost every block. */
const MAX_TESTED_BIGRAMS = 16;
const UNIT_WORDS = 65536 / 32;

export class BigramFilter {
  constructor(
    /** Every block's filter, back to back, in 32-bit words. */
    readonly bits: Uint32Array,
    /** Block b's filter is bits[offsets[b] .. offsets[b + 1]), a power of two words long. */
    readonly offsets: Uint32Array,
    /** One bit per UTF-16 code unit that occurs in some chunk (a one-unit string has no bigram). */
    readonly units: Uint32Array,
  ) {}

  get blocks(): number {
    return this.offsets.length - 1;
  }

  /**
   * Builds the filters from the stored texts: chunk i is chars[starts[i] .. starts[i + 1] − 1)
   * (its last unit is a separator, left out).
   */
  static build(chars: Uint16Array, starts: Uint32Array): BigramFilter {
    const chunks = starts.length - 1;
    const blocks = Math.ceil(chunks / BLOCK_CHUNKS);
    const perBlock: Uint32Array[] = [];
    const offsets = new Uint32Array(blocks + 1);
    const units = new Uint32Array(UNIT_WORDS);
    for (let b = 0; b < blocks; b++) {
      const keys = new Set<number>();
      const last = Math.min(chunks, (b + 1) * BLOCK_CHUNKS);
      for (let c = b * BLOCK_CHUNKS; c < last; c++) {
        const end = starts[c + 1]! - 1;
        for (let i = starts[c]!; i < end; i++) {
          units[chars[i]! >>> 5]! |= 1 << (chars[i]! & 31);
          if (i + 1 < end) keys.add(((chars[i]! << 16) | chars[i + 1]!) >>> 0);
        }
      }
      let words = 2;
      while (words * 32 < keys.size * BITS_PER_BIGRAM) words *= 2;
      const filter = new Uint32Array(words);
      for (const key of keys) set(filter, key);
      perBlock.push(filter);
      offsets[b + 1] = offsets[b]! + words;
    }
    const bits = new Uint32Array(offsets[blocks]!);
    perBlock.forEach((f, b) => bits.set(f, offsets[b]!));
    return new BigramFilter(bits, offsets, units);
  }

  /** Checks the structure against the number of chunks; null when sound. */
  static problem(bits: Uint32Array, offsets: Uint32Array, units: Uint32Array, chunks: number): string | null {
    if (units.length !== UNIT_WORDS) return 'code-unit set has the wrong size';
    if (offsets.length !== Math.ceil(chunks / BLOCK_CHUNKS) + 1 || offsets[0] !== 0 || offsets[offsets.length - 1] !== bits.length) return 'bigram filter offsets do not fit the chunks';
    for (let b = 0; b + 1 < offsets.length; b++) {
      const words = offsets[b + 1]! - offsets[b]!;
      if (words < 2 || (words & (words - 1)) !== 0) return 'a bigram filter is not a power of two long';
    }
    return null;
  }

  /** The bigram keys of a string of at least two code units (some of them, for a long one). */
  static keysOf(s: string): number[] {
    const keys: number[] = [];
    const step = Math.max(1, Math.floor((s.length - 1) / MAX_TESTED_BIGRAMS));
    for (let i = 1; i < s.length && keys.length < MAX_TESTED_BIGRAMS; i += step) keys.push(((s.charCodeAt(i - 1) << 16) | s.charCodeAt(i)) >>> 0);
    return keys;
  }

  /** Whether some chunk contains the code unit. */
  hasUnit(unit: number): boolean {
    return (this.units[unit >>> 5]! & (1 << (unit & 31))) !== 0;
  }

  /** False when no chunk of block b can contain all the bigrams. */
  mayContain(b: number, keys: readonly number[]): boolean {
    const base = this.offsets[b]!;
    const mask = (this.offsets[b + 1]! - base) * 32 - 1;
    for (const key of keys) if (!has(this.bits, base, mask, key)) return false;
    return true;
  }
}

// Double hashing of a 32-bit bigram key: probe i looks at bit (h1 + i·h2) mod the filter's size.
function hash1(key: number): number {
  return Math.imul(key ^ (key >>> 16), 0x9e3779b1);
}

function hash2(key: number): number {
  return Math.imul(key ^ (key >>> 13), 0x85ebca6b) | 1;
}

function set(filter: Uint32Array, key: number): void {
  const mask = filter.length * 32 - 1;
  const h1 = hash1(key);
  const h2 = hash2(key);
  for (let i = 0; i < PROBES; i++) {
    const bit = (h1 + Math.imul(i, h2)) & mask;
    filter[bit >>> 5]! |= 1 << (bit & 31);
  }
}

/** Whether the filter of `mask + 1` bits starting at word `base` may hold the key. */
function has(bits: Uint32Array, base: number, mask: number, key: number): boolean {
  const h1 = hash1(key);
  const h2 = hash2(key);
  for (let i = 0; i < PROBES; i++) {
    const bit = (h1 + Math.imul(i, h2)) & mask;
    if ((bits[base + (bit >>> 5)]! & (1 << (bit & 31))) === 0) return false;
  }
  return true;
}
