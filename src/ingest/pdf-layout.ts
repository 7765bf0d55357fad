/**
 * From positioned text runs (what a PDF's text layer holds) to paragraphs in reading order:
 * lines built from runs, two columns read one after the other, running headers, footers and
 * page numbers removed, lines of one paragraph joined without inventing spaces between Chinese
 * characters. Pure functions: the PDF library is in load-pdf.ts.
 */

/** One run of text at a position, PDF coordinates (y grows upwards). */
export interface TextRun {
  text: string;
  x: number;
  y: number;
  width: number;
  /** Font size (height of the run). */
  size: number;
}

export interface PageRuns {
  width: number;
  height: number;
  runs: TextRun[];
}

export interface Line {
  text: string;
  x: number;
  right: number;
  y: number;
  size: number;
  page: number;
  /** Which column the line belongs to (0 full width or single column, 1 left, 2 right). */
  column: number;
}

const CJK_CHAR = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u;
const LATIN_END = /[A-Za-z0-9]$/;
const LATIN_START = /^[A-Za-z0-9]/;
const ARTICLE_END = /^第[一二三四五六七八九十百零〇\d]+[编章节条]$/u;

/** Text of runs on one line, left to right: a space only where Latin words meet across a gap. */
function joinRuns(runs: TextRun[]): string {
  let out = '';
  let prev: TextRun | null = null;
  for (const r of runs) {
    const t = r.text;
    if (!t.trim()) {
      // A space the text layer holds stays after a 第X条/一、 number (「第一条 为…」), not between Chinese words.
      if (ARTICLE_END.test(out)) out += ' ';
      continue;
    }
    if (prev && out && !out.endsWith(' ')) {
      const gap = r.x - (prev.x + prev.width);
      if (gap > r.size * 0.25 && (LATIN_END.test(out) && LATIN_START.test(t.trimStart()))) out += ' ';
      else if (gap > r.size * 0.8 && ARTICLE_END.test(out)) out += ' ';
    }
    out += t;
    prev = r;
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** Runs on the same baseline (within half a font size) form a line. */
function toLines(runs: TextRun[], page: number, column: number): Line[] {
  const sorted = runs.filter((r) => r.text).sort((a, b) => b.y - a.y || a.x - b.x);
  const groups: TextRun[][] = [];
  for (const r of sorted) {
    const g = groups[groups.length - 1];
    if (g && Math.abs(g[0]!.y - r.y) <= Math.max(2, Math.min(g[0]!.size, r.size) * 0.5)) g.push(r);
    else groups.push([r]);
  }
  return groups
    .map((g) => {
      const rs = [...g].sort((a, b) => a.x - b.x);
      const size = Math.max(...rs.filter((r) => r.text.trim()).map((r) => r.size), 0);
      return { text: joinRuns(rs), x: rs[0]!.x, right: Math.max(...rs.map((r) => r.x + r.width)), y: g[0]!.y, size, page, column };
    })
    .filter((l) => l.text);
}

/** The margins where running headers and footers sit: this share of the page height at top and bottom. */
const MARGIN = 0.1;
/** Runs this close to the top or bottom edge are left out when looking for columns. */
const GUTTER_MARGIN = 0.07;

/**
 * A gutter: a vertical band near the middle of the page that no run crosses, with text on both
 * sides of it over a good part of the page. Returns its x, or null for a single column.
 */
export function findGutter(p: PageRuns): number | null {
  const runs = p.runs.filter((r) => r.text.trim() && r.width > 0);
  if (runs.length < 6) return null;
  const lo = Math.floor(p.width * 0.3);
  const hi = Math.ceil(p.width * 0.7);
  const covered = new Uint8Array(Math.ceil(p.width) + 1);
  // Runs that span most of the page (a title, a full-width line) do not close the gutter.
  // Nor do runs in the top and bottom margins (running headers, page numbers centred over the gutter).
  const body = runs.filter((r) => r.width < p.width * 0.45 && r.y < p.height * (1 - GUTTER_MARGIN) && r.y > p.height * GUTTER_MARGIN);
  for (const r of body) for (let x = Math.max(0, Math.floor(r.x)); x <= Math.min(p.width, Math.ceil(r.x + r.width)); x++) covered[x] = 1;
  let best: { start: number; len: number } | null = null;
  let start = -1;
  for (let x = lo; x <= hi + 1; x++) {
    const free = x <= hi && covered[x] === 0;
    if (free && start < 0) start = x;
    if (!free && start >= 0) {
      const len = x - start;
      if (!best || len > best.len) best = { start, len };
      start = -1;
    }
  }
  if (!best || best.len < 8) return null;
  const mid = best.start + best.len / 2;
  const left = body.filter((r) => r.x + r.width <= mid);
  const right = body.filter((r) => r.x >= mid);
  // Both sides hold several lines, side by side (not a label column or a stray number).
  const ys = (rs: TextRun[]) => new Set(rs.map((r) => Math.round(r.y)));
  if (ys(left).size < 2 || ys(right).size < 2) return null;
  const range = (rs: TextRun[]) => [Math.min(...rs.map((r) => r.y)), Math.max(...rs.map((r) => r.y))] as const;
  const [l0, l1] = range(left);
  const [r0, r1] = range(right);
  const overlap = Math.min(l1, r1) - Math.max(l0, r0);
  if (overlap < Math.min(l1 - l0, r1 - r0) * 0.5) return null;
  return mid;
}

/**
 * A page's lines in reading order: full-width lines (a title across both columns) where they
 * stand, and between them the left column top to bottom, then the right one.
 */
export function readingOrder(p: PageRuns, page: number): Line[] {
  const gutter = findGutter(p);
  if (gutter === null) return toLines(p.runs, page, 0);
  const full = p.runs.filter((r) => r.x < gutter && r.x + r.width > gutter);
  const left = p.runs.filter((r) => r.x + r.width <= gutter);
  const right = p.runs.filter((r) => r.x >= gutter);
  const fullLines = toLines(full, page, 0);
  const leftLines = toLines(left, page, 1);
  const rightLines = toLines(right, page, 2);
  const out: Line[] = [];
  // Full-width lines cut the page into bands; each band is read column by column.
  const cuts = [Number.POSITIVE_INFINITY, ...fullLines.map((l) => l.y), Number.NEGATIVE_INFINITY];
  for (let i = 0; i < cuts.length - 1; i++) {
    const top = cuts[i]!;
    const bottom = cuts[i + 1]!;
    const inBand = (l: Line) => l.y < top && l.y > bottom;
    out.push(...leftLines.filter(inBand), ...rightLines.filter(inBand));
    const cut = fullLines[i];
    if (cut) out.push(cut);
  }
  return out;
}

/** 「- 3 -」「第3页」「3 / 12」「共12页 第3页」: a page number, not text. */
const PAGE_NUMBER = /^[\s\-—–－·]*(?:第\s*\d+\s*页(?:\s*[/／，,]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页|\d+(?:\s*[/／]\s*\d+)?|[-—–]\s*\d+\s*[-—–])[\s\-—–－·]*$/u;

export function isPageNumber(text: string): boolean {
  return PAGE_NUMBER.test(text.trim());
}


/**
 * Drops page numbers and running headers and footers: a line in the top or bottom margin whose
 * text (digits aside) comes back on other pages.
 */
export function dropFurniture(pages: Array<{ lines: Line[]; height: number }>): Line[][] {
  const key = (t: string) => t.replace(/\d+/g, '#').replace(/\s+/g, '');
  const inMargin = (l: Line, h: number) => l.y > h * (1 - MARGIN) || l.y < h * MARGIN;
  const seen = new Map<string, number>();
  for (const p of pages) {
    const keys = new Set(p.lines.filter((l) => inMargin(l, p.height)).map((l) => key(l.text)));
    for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const repeats = (t: string) => pages.length >= 2 && (seen.get(key(t)) ?? 0) >= Math.max(2, Math.ceil(pages.length / 2));
  return pages.map((p) => p.lines.filter((l) => !(inMargin(l, p.height) && (isPageNumber(l.text) || repeats(l.text)))));
}

/** The start of a heading or a numbered item: it begins a paragraph of its own. */
const STARTS_BLOCK = /^(?:第[一二三四五六七八九十百零〇\d]+[编章节条]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、](?!\d)|[①-⑳]|附件\s*\d*[:：]?|问[:：]|答[:：])/u;

/**
 * Lines to paragraphs. A line continues the paragraph above it unless it starts a heading or a
 * numbered item, is indented (a first line, two characters in), changes font size, or follows a
 * clear vertical gap or a short line (one that ends before the column's right edge).
 */
export function toParagraphs(pages: Line[][]): string[] {
  const lines = pages.flat();
  if (!lines.length) return [];
  // The usual right edge of each column, and the usual line step, from the body text.
  const rightEdge = new Map<string, number>();
  const byColumn = new Map<string, number[]>();
  for (const l of lines) {
    const k = `${l.page}:${l.column}`;
    const a = byColumn.get(k) ?? [];
    a.push(l.right);
    byColumn.set(k, a);
  }
  for (const [k, a] of byColumn) rightEdge.set(k, Math.max(...a));
  // The column's left edge: where most lines start (a first line indented two characters starts a paragraph).
  const leftEdge = new Map<string, number>();
  for (const l of lines) {
    const k = `${l.page}:${l.column}`;
    leftEdge.set(k, Math.min(leftEdge.get(k) ?? Number.POSITIVE_INFINITY, l.x));
  }
  const out: string[] = [];
  let current = '';
  let prev: Line | null = null;
  const flush = () => {
    if (current.trim()) out.push(current.trim());
    current = '';
  };
  for (const l of lines) {
    if (!prev) {
      current = l.text;
      prev = l;
      continue;
    }
    const edge = rightEdge.get(`${prev.page}:${prev.column}`) ?? prev.right;
    const prevShort = prev.right < edge - prev.size * 1.5;
    const sameFlow = l.page === prev.page && l.column === prev.column;
    const gap = sameFlow ? prev.y - l.y : 0;
    const bigGap = sameFlow && gap > Math.max(prev.size, l.size) * 2.2;
    const sizeChange = Math.abs(l.size - prev.size) > Math.min(l.size, prev.size) * 0.15;
    const left = leftEdge.get(`${l.page}:${l.column}`) ?? l.x;
    const indented = l.x > left + l.size * 1.2 && l.x < left + l.size * 4;
    const breakHere = STARTS_BLOCK.test(l.text) || sizeChange || bigGap || prevShort || indented;
    if (breakHere) {
      flush();
      current = l.text;
    } else {
      current = joinLines(current, l.text);
    }
    prev = l;
  }
  flush();
  return out;
}

/** A paragraph's lines joined: no space between Chinese characters, a hyphenated word mended. */
export function joinLines(a: string, b: string): string {
  if (/[A-Za-z]-$/.test(a) && /^[a-z]/.test(b)) return a.slice(0, -1) + b;
  const last = a.slice(-1);
  const first = b.slice(0, 1);
  if (CJK_CHAR.test(last) || CJK_CHAR.test(first)) return a + b;
  // A number broken at the end of a line (「30」 / 「0元」) is one number.
  if (/\d$/.test(a) && /^\d/.test(b)) return a + b;
  return `${a} ${b}`;
}
