import type { LoadedSource } from '../types.ts';
import { UnreadableFile } from './problem.ts';
import { plainSource } from './plain-meta.ts';
import { tableBlocks } from './table-rows.ts';

/**
 * An old Word file (.doc, Word 97–2003) through word-extractor: its body text, one paragraph per
 * line; table rows keep their column headers as in .docx.
 */
export async function loadDoc(bytes: Buffer): Promise<LoadedSource> {
  const WordExtractor = (await import('word-extractor')).default;
  let body: string;
  try {
    const extracted = (await new WordExtractor().extract(bytes)) as unknown as { getBody(o: { filterUnicode: boolean }): string };
    // Keep the text's own quotes (「“…”」); the default filter turns them into ASCII.
    body = extracted.getBody({ filterUnicode: false });
  } catch {
    throw new UnreadableFile('E_BAD_DOCUMENT', 'Word 文档（.doc）损坏、加密或不是 Word 97–2003 格式，无法读取');
  }
  return plainSource(docBlocks(body), { meta: { 格式: 'Word（.doc）' } });
}

/**
 * Lines to blocks. Word marks the end of a table cell and of a row alike; the extractor writes a
 * tab for each, so a row ends in two tabs. A line of rows is a table.
 */
export function docBlocks(body: string): string[] {
  const blocks: string[] = [];
  for (const raw of body.split(/\r\n|\r|\n/)) {
    const line = raw.replaceAll(String.fromCharCode(7), '\t');
    if (line.includes('\t')) {
      const rows = line
        .split(/\t\t/)
        .map((r) => r.split('\t'))
        .filter((r) => r.some((c) => c.trim()));
      if (rows.length) {
        const { caption, blocks: rowBlocks } = tableBlocks(rows);
        blocks.push(...(caption ? [caption] : []), ...rowBlocks);
        continue;
      }
    }
    const t = line.trim();
    if (t) blocks.push(t);
  }
  return blocks;
}
