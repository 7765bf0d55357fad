import type { LoadedSource } from '../types.ts';
import { UnreadableFile } from './problem.ts';
import { plainSource } from './plain-meta.ts';
import { tableBlocks } from './table-rows.ts';

/**
 * An old Word file (.doc, Word 97–2003) through word-extractor: its body text, one paragraph per
 * line; table rows (cells separated by tabs) keep their column headers as in .docx.
 */
export async function loadDoc(bytes: Buffer): Promise<LoadedSource> {
  const WordExtractor = (await import('word-extractor')).default;
  let body: string;
  try {
    body = (await new WordExtractor().extract(bytes)).getBody();
  } catch {
    throw new UnreadableFile('E_BAD_DOCUMENT', 'Word 文档（.doc）损坏、加密或不是 Word 97–2003 格式，无法读取');
  }
  return plainSource(docBlocks(body), { meta: { 格式: 'Word（.doc）' } });
}

/** Lines to blocks: runs of tab-separated lines are a table. */
export function docBlocks(body: string): string[] {
  const lines = body.split(/\r\n|\r|\n/).map((l) => l.replaceAll(String.fromCharCode(7), '\t'));
  const blocks: string[] = [];
  let table: string[][] = [];
  const flush = () => {
    if (table.length) blocks.push(...(table.length > 1 ? (({ caption, blocks: b }) => [...(caption ? [caption] : []), ...b])(tableBlocks(table)) : [table[0]!.filter(Boolean).join(' | ')]));
    table = [];
  };
  for (const line of lines) {
    if (line.includes('\t') && line.split('\t').filter((c) => c.trim()).length >= 2) {
      table.push(line.split('\t'));
      continue;
    }
    flush();
    const t = line.trim();
    if (t) blocks.push(t);
  }
  flush();
  return blocks;
}
