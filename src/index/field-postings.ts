import { TermDictionary } from './term-dictionary.ts';

/**
 * The inverted lists of one field in flat typed arrays: term `id`'s postings are
 * docs/tfs[starts[id] .. starts[id + 1]), doc numbers ascending. Flat arrays cost a few bytes
 * a posting (a number[] per term costs 16 and a pointer-chasing object per term).
 */
export interface FieldPostings {
  dict: TermDictionary;
  starts: Uint32Array;
  docs: Uint32Array;
  /** Term frequencies: 16 bits unless some chunk repeats a term more than 65,535 times. */
  tfs: Uint16Array | Uint32Array;
  /** Tokens per chunk (repeats counted). */
  lengths: Uint32Array;
}

/** Checks the structure against the number of chunks; null when sound. */
export function postingsProblem(p: FieldPostings, size: number): string | null {
  const terms = p.dict.size;
  if (p.starts.length !== terms + 1 || p.starts[0] !== 0 || p.starts[terms] !== p.docs.length) return 'posting offsets do not span the postings';
  for (let i = 1; i < p.starts.length; i++) if (p.starts[i]! < p.starts[i - 1]!) return 'posting offsets decrease';
  if (p.tfs.length !== p.docs.length) return 'postings and term frequencies differ in length';
  if (p.lengths.length !== size) return `${p.lengths.length} field lengths for ${size} chunks`;
  return null;
}

/** A typed array that doubles when full (the build does not know the posting count up front). */
class GrowableU32 {
  data: Uint32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  /** Makes index `i` addressable (new slots are 0). */
  ensure(i: number): void {
    if (i >= this.data.length) this.grow(i + 1);
    if (i >= this.length) this.length = i + 1;
  }
  private grow(min: number): void {
    let n = this.data.length * 2;
    while (n < min) n *= 2;
    const next = new Uint32Array(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

/**
 * Builds one field's postings chunk by chunk: each chunk's (term, tf) pairs are appended to a
 * flat stream, then one counting pass places them by term. Peak memory is a few bytes per
 * posting, never a JavaScript array per term.
 */
export class FieldPostingsBuilder {
  private readonly ids = new Map<string, number>();
  /** Per term: 1 + the last chunk that used it (so a chunk counts a term once in df). */
  private readonly lastDoc = new GrowableU32();
  private readonly tfNow = new GrowableU32();
  private readonly df = new GrowableU32();
  private readonly streamTerm = new GrowableU32();
  private readonly streamTf = new GrowableU32();
  private readonly docEnd = new GrowableU32();
  private readonly lengths = new GrowableU32();
  private maxTf = 0;

  add(tokens: readonly string[]): void {
    const doc = this.docEnd.length;
    const from = this.streamTerm.length;
    for (const t of tokens) {
      let id = this.ids.get(t);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(t, id);
        this.lastDoc.ensure(id);
        this.tfNow.ensure(id);
        this.df.ensure(id);
      }
      if (this.lastDoc.data[id] !== doc + 1) {
        this.lastDoc.data[id] = doc + 1;
        this.tfNow.data[id] = 1;
        this.streamTerm.push(id);
      } else {
        this.tfNow.data[id]!++;
      }
    }
    for (let e = from; e < this.streamTerm.length; e++) {
      const id = this.streamTerm.data[e]!;
      const tf = this.tfNow.data[id]!;
      if (tf > this.maxTf) this.maxTf = tf;
      this.streamTf.push(tf);
      this.df.data[id]!++;
    }
    this.docEnd.push(this.streamTerm.length);
    this.lengths.push(tokens.length);
  }

  finish(): FieldPostings {
    const terms = this.ids.size;
    const starts = new Uint32Array(terms + 1);
    for (let id = 0; id < terms; id++) starts[id + 1] = starts[id]! + this.df.data[id]!;
    const total = starts[terms]!;
    const docs = new Uint32Array(total);
    const tfs = this.maxTf > 0xffff ? new Uint32Array(total) : new Uint16Array(total);
    const next = starts.slice(0, terms);
    let e = 0;
    for (let doc = 0; doc < this.docEnd.length; doc++) {
      for (const end = this.docEnd.data[doc]!; e < end; e++) {
        const id = this.streamTerm.data[e]!;
        const at = next[id]!++;
        docs[at] = doc;
        tfs[at] = this.streamTf.data[e]!;
      }
    }
    return { dict: TermDictionary.build(this.ids.keys()), starts, docs, tfs, lengths: this.lengths.data.slice(0, this.lengths.length) };
  }
}
