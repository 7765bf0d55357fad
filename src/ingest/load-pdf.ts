import type { LoadedSource } from '../types.ts';
import { UnreadableFile } from './problem.ts';
import { dropFurniture, readingOrder, toParagraphs, type Line, type PageRuns, type TextRun } from './pdf-layout.ts';
import { plainSource } from './plain-meta.ts';

/** Fewer visible characters than this in the whole text layer: a scan, not a text PDF. */
const MIN_TEXT_CHARS = 20;
const MAX_PAGES = 500;

interface PdfTextItem {
  str?: string;
  transform?: number[];
  width?: number;
  height?: number;
}

/** A title from the PDF's metadata when it is one (not 「Microsoft Word - 附件1.doc」 or 「Untitled」). */
function metadataTitle(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const t = raw.replace(/^Microsoft Word\s*-\s*/i, '').replace(/\.(?:docx?|wps|pdf)$/i, '').trim();
  if (!/[\u4e00-\u9fff]/u.test(t) || t.length < 4 || /^(?:untitled|无标题|附件\s*\d*)$/i.test(t)) return null;
  return t;
}

/** The masthead of an official document (版头): the issuing body's name and 文件, in large red type. */
const MASTHEAD = /^[\u4e00-\u9fff（）()、\s]{4,60}文件$/u;

export function mastheadIssuer(lines: Line[]): string | null {
  const m = lines.filter((l) => l.page === 1).slice(0, 4).find((l) => MASTHEAD.test(l.text));
  return m ? m.text.replace(/\s+/g, '').replace(/文件$/, '') : null;
}

/** The largest line at the top of the first page, when it stands out from the body text (the masthead is not a title). */
function headlineOf(lines: Line[]): string | null {
  const first = lines.filter((l) => l.page === 1 && !MASTHEAD.test(l.text)).slice(0, 8);
  if (!first.length) return null;
  const sizes = lines.map((l) => l.size).sort((a, b) => a - b);
  const body = sizes[Math.floor(sizes.length / 2)]!;
  const big = first.filter((l) => l.size >= body * 1.25);
  if (!big.length) return null;
  const top = Math.max(...big.map((l) => l.size));
  // A title set on two lines keeps both.
  const parts = first.filter((l) => Math.abs(l.size - top) < 0.5);
  const title = parts.map((l) => l.text).join('');
  return title.length >= 4 && title.length <= 80 ? title : null;
}

/** Text runs of every page, through pdf.js (unpdf's build for servers: no canvas, no workers). */
async function readPages(bytes: Uint8Array): Promise<{ pages: PageRuns[]; title: unknown }> {
  const { getDocumentProxy } = await import('unpdf');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false, disableFontFace: true, useSystemFonts: false } as never);
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'PasswordException') throw new UnreadableFile('E_ENCRYPTED', 'PDF 已加密（需要密码），无法提取文字；请提供未加密的版本');
    if (name === 'InvalidPDFException') throw new UnreadableFile('E_BAD_DOCUMENT', 'PDF 文件损坏或不完整（可能没有下载完），无法读取');
    throw new UnreadableFile('E_BAD_DOCUMENT', `PDF 无法读取：${(err as Error).message ?? String(err)}`);
  }
  try {
    const meta = await pdf.getMetadata().catch(() => null);
    const pages: PageRuns[] = [];
    const n = Math.min(pdf.numPages, MAX_PAGES);
    for (let i = 1; i <= n; i++) {
      const page = await pdf.getPage(i);
      const view = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const runs: TextRun[] = [];
      for (const item of content.items as PdfTextItem[]) {
        if (typeof item.str !== 'string' || !item.transform) continue;
        const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = item.transform;
        const size = Math.hypot(c, d) || Math.hypot(a, b) || item.height || 10;
        runs.push({ text: item.str.replaceAll(String.fromCharCode(0), ''), x: e, y: f, width: item.width ?? 0, size });
      }
      pages.push({ width: view.width, height: view.height, runs });
      page.cleanup();
    }
    return { pages, title: (meta?.info as Record<string, unknown> | undefined)?.['Title'] };
  } catch (err) {
    if (err instanceof UnreadableFile) throw err;
    throw new UnreadableFile('E_BAD_DOCUMENT', 'PDF 文件损坏或不完整（可能没有下载完），无法读取');
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}

/**
 * A PDF's text layer as a document: paragraphs in reading order across columns, without running
 * headers, footers and page numbers. A PDF without a text layer (a scan) is refused by name.
 */
export async function loadPdf(bytes: Buffer): Promise<LoadedSource> {
  const { pages, title } = await readPages(bytes);
  const visible = pages.reduce((n, p) => n + p.runs.reduce((m, r) => m + r.text.replace(/\s/g, '').length, 0), 0);
  if (visible < MIN_TEXT_CHARS) throw new UnreadableFile('E_SCANNED', `扫描件，无文字层（需要 OCR）：${pages.length} 页中几乎没有可提取的文字`);
  const ordered = pages.map((p, i) => ({ lines: readingOrder(p, i + 1), height: p.height }));
  const kept = dropFurniture(ordered);
  const lines = kept.flat();
  const paragraphs = toParagraphs(kept);
  const headline = headlineOf(lines);
  const source = plainSource(paragraphs, { title: metadataTitle(title) ?? headline });
  // The headline is the title, not the first paragraph; the masthead names the issuer.
  const masthead = mastheadIssuer(lines);
  source.issuer ??= masthead;
  source.blocks = source.blocks.filter((b, i) => !(i < 3 && (b === headline || (masthead && b.replace(/\s+/g, '') === `${masthead}文件`))));
  source.meta['格式'] = 'PDF';
  source.meta['页数'] = String(pages.length);
  return source;
}
