import { parseHTML } from 'linkedom';
import type { LoadedSource } from '../types.ts';
import { UnreadableFile } from './problem.ts';
import { plainSource } from './plain-meta.ts';
import { tableBlocks } from './table-rows.ts';
import { cleanText } from './html-meta.ts';

/** Word's title styles become the document title; heading styles stay headings. */
const STYLE_MAP = ["p[style-name='Title'] => h1.doc-title:fresh", "p[style-name='标题'] => h1.doc-title:fresh", "p[style-name='Subtitle'] => h2:fresh"];

const NUMBERED = /^(?:第[一二三四五六七八九十百零〇\d]+[编章节条]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、](?!\d)|[①-⑳])/u;

interface Out {
  blocks: string[];
  marked: Map<string, number>;
  title: string | null;
}

const textOf = (el: Element) => cleanText(el.textContent ?? '');

/** A list: numbered items keep their numbers (Word stores them as numbering, not text); sub-lists use (1). */
function writeList(list: Element, out: Out, depth: number): void {
  let n = 0;
  for (const li of Array.from(list.children)) {
    if (li.tagName.toUpperCase() !== 'LI') continue;
    n++;
    const own = Array.from(li.childNodes)
      .filter((c) => !(c.nodeType === 1 && /^(?:OL|UL)$/i.test((c as Element).tagName)))
      .map((c) => c.textContent ?? '')
      .join('');
    const text = cleanText(own);
    if (text) {
      const ordered = list.tagName.toUpperCase() === 'OL';
      const mark = !ordered || NUMBERED.test(text) ? '' : depth === 0 ? `${n}. ` : `(${n})`;
      out.blocks.push(mark + text);
    }
    for (const sub of Array.from(li.children)) if (/^(?:OL|UL)$/i.test(sub.tagName)) writeList(sub, out, depth + 1);
  }
}

function writeTable(table: Element, out: Out): void {
  const rows = Array.from(table.querySelectorAll('tr')).map((tr) => Array.from(tr.children).map((c) => textOf(c)));
  const { caption, blocks } = tableBlocks(rows);
  if (caption) {
    out.blocks.push(caption);
    out.marked.set(caption, 3);
  }
  out.blocks.push(...blocks);
}

function walk(node: Element, out: Out): void {
  for (const el of Array.from(node.children)) {
    const tag = el.tagName.toUpperCase();
    const text = textOf(el);
    if (/^H[1-6]$/.test(tag)) {
      if (!text) continue;
      if (el.classList.contains('doc-title') && !out.title) out.title = text;
      else {
        out.blocks.push(text);
        out.marked.set(text, Number(tag.slice(1)));
      }
    } else if (tag === 'OL' || tag === 'UL') writeList(el, out, 0);
    else if (tag === 'TABLE') writeTable(el, out);
    else if (tag === 'P') {
      if (text) out.blocks.push(text);
    } else walk(el, out);
  }
}

/** A .docx: headings, numbered lists and tables kept as structure (through mammoth's HTML). */
export async function loadDocx(bytes: Buffer): Promise<LoadedSource> {
  const mammoth = (await import('mammoth')).default;
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: bytes }, { styleMap: STYLE_MAP, ignoreEmptyParagraphs: true })).value;
  } catch (err) {
    const msg = (err as Error).message ?? '';
    if (/encrypt|password/i.test(msg)) throw new UnreadableFile('E_ENCRYPTED', 'Word 文档已加密（需要密码），无法读取');
    throw new UnreadableFile('E_BAD_DOCUMENT', 'Word 文档（.docx）损坏或不完整，无法读取');
  }
  const { document } = parseHTML(`<!DOCTYPE html><html><body>${html}</body></html>`);
  const out: Out = { blocks: [], marked: new Map(), title: null };
  walk(document.body as unknown as Element, out);
  const source = plainSource(out.blocks, { title: out.title, meta: { 格式: 'Word（.docx）' } });
  source.markedHeadings = out.marked;
  return source;
}
