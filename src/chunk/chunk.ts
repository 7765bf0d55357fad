import type { Chunk, PolicyDocument } from '../types.ts';
import { splitSentences } from '../text/sentences.ts';

export interface ChunkOptions {
  /** Upper bound on a chunk's length in characters. */
  maxChars: number;
  /** Sentences repeated at the start of the next window of a long paragraph. */
  overlapSentences: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxChars: 240, overlapSentences: 1 };

/** Lines that are not content: source notes, photo credits, editor names. */
const BOILERPLATE = /^[(（]?\s*(来源|文章来源|图片来源|图|摄影?|责任编辑|编辑|审核|校对)\s*[:：]/;

/**
 * Chunks never cross a paragraph boundary, so every chunk cites exactly one paragraph.
 * Short paragraphs are one chunk; long ones become windows of whole sentences
 * (clauses at ；) with a small overlap. Standalone heading lines are not chunks: they
 * travel with every chunk below them as its heading path.
 */
export function chunkDocument(doc: PolicyDocument, opts: ChunkOptions = DEFAULT_CHUNKING): Chunk[] {
  const chunks: Chunk[] = [];
  for (const p of doc.paragraphs) {
    if (p.isHeading || BOILERPLATE.test(p.text)) continue;
    const base = { docId: doc.docId, paragraphId: p.id, headingPath: p.headingPath };
    if (p.text.length <= opts.maxChars) {
      chunks.push({ id: `${doc.docId}#${p.id}`, text: p.text, ...base });
      continue;
    }
    windows(splitSentences(p.text).flatMap((s) => hardWrap(s, opts.maxChars)), opts).forEach((text, i) => {
      chunks.push({ id: `${doc.docId}#${p.id}~${i + 1}`, text, ...base });
    });
  }
  return chunks;
}

function windows(sentences: string[], opts: ChunkOptions): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < sentences.length) {
    let end = start;
    let len = 0;
    while (end < sentences.length && (end === start || len + sentences[end]!.length <= opts.maxChars)) {
      len += sentences[end]!.length;
      end++;
    }
    out.push(sentences.slice(start, end).join(''));
    if (end >= sentences.length) break;
    start = Math.max(start + 1, end - opts.overlapSentences);
  }
  return out;
}

/** A "sentence" longer than the bound (tables, run-on lists) is cut at commas, then by length. */
function hardWrap(s: string, max: number): string[] {
  if (s.length <= max) return [s];
  const parts = s.split(/(?<=[，,、])/);
  const out: string[] = [];
  let cur = '';
  for (const part of parts) {
    if (cur && cur.length + part.length > max) {
      out.push(cur);
      cur = '';
    }
    cur += part;
    while (cur.length > max) {
      out.push(cur.slice(0, max));
      cur = cur.slice(max);
    }
  }
  if (cur) out.push(cur);
  return out;
}
