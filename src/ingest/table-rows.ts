/**
 * Tables of Word files and spreadsheets as paragraphs: a row keeps its column headers
 * (「补贴项目：一次性创业补贴；补贴标准：5000元；申请条件：…」), so each row answers on its own.
 */

const clean = (c: string) => c.replace(/[\r\n\t\u00a0\u3000]+/g, ' ').replace(/\s+/g, ' ').trim();

/** A header row: two or more short labels, not figures. */
function isHeaderRow(cells: string[]): boolean {
  const filled = cells.filter(Boolean);
  if (filled.length < 2 || filled.length < cells.length * 0.6) return false;
  return filled.every((c) => c.length <= 20 && !/\d{2,}|[。；]/u.test(c));
}

/** Two columns, three rows or more, short labels on the left and values that are mostly sentences on the right. */
function isLabelValueTable(rows: string[][]): boolean {
  if (rows.length < 3 || !rows.every((r) => r.length === 2 && r[0])) return false;
  const values = rows.map((r) => r[1]!.length);
  return rows.every((r) => r[0]!.length <= 10) && values.reduce((a, b) => a + b, 0) / values.length >= 15;
}

export interface TableBlocks {
  /** A caption row above the header (a merged 「…一览表」 cell), when there is one. */
  caption: string | null;
  blocks: string[];
}

export function tableBlocks(raw: string[][]): TableBlocks {
  let rows = raw.map((r) => r.map((c) => clean(c ?? ''))).filter((r) => r.some(Boolean));
  let caption: string | null = null;
  // A first row with one filled cell over a wider table is its caption.
  if (rows.length > 1 && rows[0]!.filter(Boolean).length === 1 && Math.max(...rows.slice(1).map((r) => r.filter(Boolean).length)) >= 2) {
    caption = rows[0]!.find(Boolean)!;
    rows = rows.slice(1);
  }
  if (!rows.length) return { caption, blocks: [] };
  // A two-column table of short labels and long values (an 办事指南: 「受理条件 | 同时符合以下条件…」) has no
  // header row, however short its first row is: each row reads 「label：value」.
  const labelled = isLabelValueTable(rows);
  // A first row is the header only of rows that have several cells to name.
  const header = !labelled && rows.length > 1 && isHeaderRow(rows[0]!) && rows.slice(1).some((r) => r.filter(Boolean).length >= 2) ? rows[0]! : null;
  const body = header ? rows.slice(1) : rows;
  const blocks: string[] = [];
  for (const r of body) {
    const filled = r.filter(Boolean);
    if (!filled.length) continue;
    if (header) {
      const pairs = r.map((v, i) => [header[i] || `第${i + 1}列`, v] as const).filter(([, v]) => v);
      // A row that only repeats a group label (one filled cell) stays as it is.
      blocks.push(pairs.length === 1 && filled.length === 1 ? filled[0]! : pairs.map(([h, v]) => `${h}：${v}`).join('；'));
    } else if (filled.length === 2 && r.length === 2 && filled[0]!.length <= 20) {
      blocks.push(`${filled[0]}：${filled[1]}`);
    } else {
      blocks.push(filled.length === 1 ? filled[0]! : filled.join(' | '));
    }
  }
  return { caption, blocks };
}

/** CSV text (RFC 4180: quoted fields, doubled quotes, newlines inside quotes) to rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const sep = detectSeparator(text);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === sep) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Comma, or a tab or semicolon when the first line has more of those. */
function detectSeparator(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => first.split(c).length - 1;
  return [',', '\t', ';'].sort((a, b) => count(b) - count(a))[0]!;
}

/**
 * A line of a table written with bars: 「a | b | c」, Markdown's 「| a | b | c |」 or full-width 「a｜b｜c」, or
 * with tabs between its cells as a spreadsheet pastes it (three or more cells).
 */
function barCells(line: string): string[] | null {
  const sep = line.includes('|') ? '|' : line.includes('｜') ? '｜' : (line.match(/\t/g) ?? []).length >= 2 ? '\t' : null;
  if (!sep) return null;
  const t = line.trim();
  const edge = sep === '|' ? /^\||\|$/gu : sep === '｜' ? /^｜|｜$/gu : null;
  // A line break inside a Markdown cell (<br>) is one within the cell, as in an HTML table's.
  const cells = (edge ? t.replace(edge, '') : t).split(sep).map((c) => c.replace(/<br\s*\/?>/giu, '\n').trim());
  return cells.length >= 3 ? cells : null;
}
const MD_RULE = /^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?$/;

/**
 * Runs of bar-table lines in a text (two lines or more) become rows with their column headers, as in
 * Word and spreadsheet tables; a Markdown rule line (|---|---|) is dropped. Other lines stay as they are.
 */
export function barTables(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const run: string[][] = [];
    let j = i;
    for (; j < lines.length; j++) {
      if (MD_RULE.test(lines[j]!.trim())) continue;
      const cells = barCells(lines[j]!);
      if (!cells) break;
      run.push(cells);
    }
    if (run.length >= 2) {
      const { caption, blocks } = tableBlocks(run);
      out.push(...(caption ? [caption] : []), ...blocks);
      i = j;
    } else {
      out.push(lines[i]!);
      i++;
    }
  }
  return out;
}
