import type { Chunk, Paragraph, PolicyDocument } from '../types.ts';

/**
 * How chunks are stored in `chunks.json`: a chunk that is its whole paragraph (most are) stores
 * neither its text nor its headings — they are its paragraph's, already in `documents.json` — and
 * gets them back, as the same strings, when the index is read. At 100k chunks this halves the file
 * and the text decoded at start, and the chunk and its paragraph share one string in memory.
 * A chunk that is a window of a longer paragraph keeps its own text.
 */
export type StoredChunk = Omit<Chunk, 'text' | 'headingPath'> & { text?: string; headingPath?: string[] };

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function paragraphsOf(documents: readonly PolicyDocument[]): Map<string, Paragraph> {
  const out = new Map<string, Paragraph>();
  for (const d of documents) for (const p of d.paragraphs) out.set(`${d.docId}#${p.id}`, p);
  return out;
}

export function storeChunks(chunks: readonly Chunk[], documents: readonly PolicyDocument[]): StoredChunk[] {
  const paragraphs = paragraphsOf(documents);
  return chunks.map((c) => {
    const p = paragraphs.get(`${c.docId}#${c.paragraphId}`);
    const { text, headingPath, ...rest } = c;
    const out: StoredChunk = { ...rest };
    if (!p || p.text !== text) out.text = text;
    if (!p || !sameList(p.headingPath, headingPath)) out.headingPath = headingPath;
    return out;
  });
}

/** The chunks as built, from their stored form; throws when a chunk names no paragraph of the documents. */
export function restoreChunks(stored: readonly StoredChunk[], documents: readonly PolicyDocument[]): Chunk[] {
  if (!Array.isArray(stored)) throw new Error('chunks.json holds no chunk list');
  const paragraphs = paragraphsOf(documents);
  // Filled in place: the parsed objects are this reader's own.
  for (const s of stored) {
    if (s.text !== undefined && s.headingPath !== undefined) continue;
    const p = paragraphs.get(`${s.docId}#${s.paragraphId}`);
    if (!p) throw new Error(`chunk ${s.id} names no paragraph of the documents`);
    s.text ??= p.text;
    s.headingPath ??= p.headingPath;
  }
  return stored as Chunk[];
}
