import { PolicybotError } from '../errors.ts';
import { readSectionFile, writeSectionFile } from './section-file.ts';
import { BLOCK_CHUNKS, BigramFilter } from './bigram-filter.ts';

/**
 * Every chunk's normalised matching text (its context and text through normalizeForMatch),
 * computed once at ingest and stored, so starting a server does not normalise the whole
 * corpus again. Held as UTF-16 code units (two bytes a Chinese character, as in a JS string),
 * each chunk's text followed by a line feed, and decoded per chunk on demand.
 */
const MAGIC = 'PBNM';
const VERSION = 2;
/** Normalisation collapses whitespace, so this never occurs inside a chunk's text. */
const SEPARATOR = '\n';

export class ChunkNorms {
  constructor(
    private readonly chars: Uint16Array,
    /** Chunk i is chars[starts[i] .. starts[i + 1] − 1); the last unit is the separator. */
    private readonly starts: Uint32Array,
    /** False if some text holds the separator after all; the whole-corpus search then goes chunk by chunk. */
    private readonly separated: boolean,
    private readonly filter: BigramFilter,
  ) {}

  get size(): number {
    return this.starts.length - 1;
  }

  get(i: number): string {
    const from = this.starts[i]!;
    const to = this.starts[i + 1]! - 1;
    return this.bytes(from, to).toString('utf16le');
  }

  /**
   * True when some chunk's text contains `needle`. Only blocks of chunks whose bigram filter
   * holds all of the needle's bigrams are scanned, so the cost follows the blocks that may
   * match, not the corpus's text.
   */
  someIncludes(needle: string): boolean {
    if (this.size === 0) return false;
    if (needle.length === 0) return true;
    if (!this.separated || needle.includes(SEPARATOR)) {
      for (let i = 0; i < this.size; i++) if (this.get(i).includes(needle)) return true;
      return false;
    }
    if (needle.length === 1) return this.filter.hasUnit(needle.charCodeAt(0));
    const keys = BigramFilter.keysOf(needle);
    for (let b = 0; b < this.filter.blocks; b++) {
      if (!this.filter.mayContain(b, keys)) continue;
      const from = this.starts[b * BLOCK_CHUNKS]!;
      const to = this.starts[Math.min(this.size, (b + 1) * BLOCK_CHUNKS)]!;
      // A UTF-16 search of a buffer matches at code-unit boundaries only (an odd byte offset
      // never matches), and no match spans two chunks: the separator is not in the needle.
      if (this.bytes(from, to).includes(needle, 0, 'utf16le')) return true;
    }
    return false;
  }

  private bytes(from: number, to: number): Buffer {
    return Buffer.from(this.chars.buffer, this.chars.byteOffset + from * 2, (to - from) * 2);
  }

  write(file: string): void {
    writeSectionFile(file, MAGIC, VERSION, { separated: this.separated }, [
      ['chars', this.chars],
      ['starts', this.starts],
      ['filterBits', this.filter.bits],
      ['filterOffsets', this.filter.offsets],
      ['units', this.filter.units],
    ]);
  }

  /** Reads norms.bin; throws E_INDEX_CORRUPT when it cannot be read or does not fit together. */
  static read(file: string): ChunkNorms {
    const s = readSectionFile(file, MAGIC, VERSION);
    const chars = s.get('chars', 'u16');
    const starts = s.get('starts', 'u32');
    const separated = (s.meta as { separated?: unknown } | null)?.separated;
    const bad = (why: string) => new PolicybotError('E_INDEX_CORRUPT', `norms.bin: ${why}`);
    if (typeof separated !== 'boolean') throw bad('header does not say how texts are separated');
    if (starts.length < 1 || starts[0] !== 0 || starts[starts.length - 1] !== chars.length) throw bad('offsets do not span the text');
    for (let i = 1; i < starts.length; i++) if (starts[i]! <= starts[i - 1]!) throw bad('offsets do not increase');
    const bits = s.get('filterBits', 'u32');
    const offsets = s.get('filterOffsets', 'u32');
    const units = s.get('units', 'u32');
    const problem = BigramFilter.problem(bits, offsets, units, starts.length - 1);
    if (problem) throw bad(problem);
    return new ChunkNorms(chars, starts, separated, new BigramFilter(bits, offsets, units));
  }
}

/** Collects chunk texts in order into one growing code-unit array (no array of strings kept). */
export class ChunkNormsBuilder {
  private chars = new Uint16Array(1 << 16);
  private length = 0;
  private readonly starts: number[] = [0];
  private separated = true;

  add(norm: string): void {
    if (norm.includes(SEPARATOR)) this.separated = false;
    const need = this.length + norm.length + 1;
    if (need > this.chars.length) {
      let n = this.chars.length * 2;
      while (n < need) n *= 2;
      const next = new Uint16Array(n);
      next.set(this.chars.subarray(0, this.length));
      this.chars = next;
    }
    Buffer.from(this.chars.buffer, this.chars.byteOffset, this.chars.byteLength).write(norm + SEPARATOR, this.length * 2, 'utf16le');
    this.length = need;
    this.starts.push(need);
  }

  finish(): ChunkNorms {
    const chars = this.chars.slice(0, this.length);
    const starts = Uint32Array.from(this.starts);
    return new ChunkNorms(chars, starts, this.separated, BigramFilter.build(chars, starts));
  }
}
