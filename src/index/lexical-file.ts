import { PolicybotError, errorMessage } from '../errors.ts';
import { Bm25Index, FIELDS, type Field, type ScoredField } from './bm25.ts';
import { readSectionFile, writeSectionFile, type SectionArray } from './section-file.ts';
import { TermDictionary } from './term-dictionary.ts';

/**
 * lexical.bin: the BM25 index as typed-array sections (section-file.ts), per field the term
 * dictionary, posting offsets, chunk numbers, term frequencies, field lengths and per-term
 * bounds. The header holds only the chunk count and each field's average length.
 */
const MAGIC = 'PBLX';
const VERSION = 1;

interface Meta {
  size: number;
  avgLength: Record<Field, number>;
}

export function writeLexical(file: string, index: Bm25Index): void {
  const sections: Array<[string, SectionArray]> = [];
  const avgLength = {} as Record<Field, number>;
  for (const f of FIELDS) {
    const p = index.field(f);
    avgLength[f] = p.avgLength;
    sections.push(
      [`${f}.termChars`, p.dict.chars],
      [`${f}.termStarts`, p.dict.starts],
      [`${f}.termTable`, p.dict.table],
      [`${f}.starts`, p.starts],
      [`${f}.docs`, p.docs],
      [`${f}.tfs`, p.tfs],
      [`${f}.lengths`, p.lengths],
      [`${f}.maxRatio`, p.maxRatio],
    );
  }
  writeSectionFile(file, MAGIC, VERSION, { size: index.size, avgLength } satisfies Meta, sections);
}

/** Reads lexical.bin; throws E_INDEX_CORRUPT when it cannot be read or does not fit together. */
export function readLexical(file: string): Bm25Index {
  const s = readSectionFile(file, MAGIC, VERSION);
  const meta = s.meta as Meta | null;
  if (!meta || !Number.isSafeInteger(meta.size) || meta.size < 0 || !meta.avgLength) throw new PolicybotError('E_INDEX_CORRUPT', 'lexical.bin: header has no chunk count');
  const fields = {} as Record<Field, ScoredField>;
  for (const f of FIELDS) {
    const chars = s.get(`${f}.termChars`, 'u16');
    const termStarts = s.get(`${f}.termStarts`, 'u32');
    const table = s.get(`${f}.termTable`, 'u32');
    const problem = TermDictionary.problem(chars, termStarts, table);
    if (problem) throw new PolicybotError('E_INDEX_CORRUPT', `lexical.bin: field ${f}: ${problem}`);
    const avgLength = meta.avgLength[f];
    if (typeof avgLength !== 'number' || !Number.isFinite(avgLength)) throw new PolicybotError('E_INDEX_CORRUPT', `lexical.bin: field ${f} has no average length`);
    // 16-bit unless a chunk repeats a term more than 65,535 times.
    const tfs = s.typeOf(`${f}.tfs`) === 'u32' ? s.get(`${f}.tfs`, 'u32') : s.get(`${f}.tfs`, 'u16');
    fields[f] = {
      dict: new TermDictionary(chars, termStarts, table),
      starts: s.get(`${f}.starts`, 'u32'),
      docs: s.get(`${f}.docs`, 'u32'),
      tfs,
      lengths: s.get(`${f}.lengths`, 'u32'),
      avgLength,
      maxRatio: s.get(`${f}.maxRatio`, 'f64'),
    };
  }
  try {
    return Bm25Index.fromFields(meta.size, fields);
  } catch (err) {
    throw new PolicybotError('E_INDEX_CORRUPT', `lexical.bin: ${errorMessage(err)}`, { cause: err });
  }
}
