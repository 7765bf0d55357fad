/**
 * HTML loader: a downloaded government web page (or an HTML fragment such as the body of a news
 * repost) → LoadedSource. Metadata is read from the whole page first (html-meta.ts); the main
 * content is then found with Readability on a linkedom DOM, falling back to the CMS's known
 * content containers, and walked into paragraph blocks in reading order.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { tableBlocks } from './table-rows.ts';
import { PolicybotError, errorMessage } from '../errors.ts';
import type { LoadedSource } from '../types.ts';
import { fmString, splitFrontMatter } from './front-matter.ts';
import {
  cleanText, frontMatterExtras, inferKind, leadingDocNumber, nodeText, parseKind, readPageMeta, titleDocNumber, toIsoDate,
} from './html-meta.ts';

/** Turns an HTML page (or an HTML fragment) into a LoadedSource: main content as paragraph blocks plus metadata. */
export function loadHtml(raw: string, file: string): LoadedSource {
  // Tolerate blank lines (and a BOM) before the opening `---` of the front matter.
  const { data, body } = splitFrontMatter(raw.replace(/^\uFEFF?\s*(?=---)/, ''));
  let doc: Document;
  try {
    doc = parseDocument(body);
  } catch (err) {
    throw new PolicybotError('E_BAD_DOCUMENT', `${file}: HTML could not be parsed: ${errorMessage(err)}`, { cause: err });
  }
  const page = readPageMeta(doc);
  const title = fmString(data, 'title') ?? page.title;
  // Headings by markup (<h2>…</h2>), as a Word 「标题 1」 is: numbered or not, they head what follows.
  const headings = new Map<string, number>();
  const blocks = isFragment(body) ? fragmentBlocks(doc, headings) : pageBlocks(doc, body, title, headings);

  const docNumber =
    fmString(data, 'doc_number', 'docNumber', '文号') ?? page.docNumber ?? titleDocNumber(title ?? '') ?? leadingDocNumber(blocks);
  const fmDate = fmString(data, 'date');
  const date = (fmDate && /^\d{4}(?:-\d{2})?$/.test(fmDate) ? fmDate : toIsoDate(fmDate)) ?? page.date;

  return {
    title,
    issuer: fmString(data, 'issuer', 'source', 'author') ?? page.issuer,
    docNumber,
    date,
    sourceUrl: fmString(data, 'url', 'source_url', 'link') ?? page.sourceUrl,
    kind: parseKind(fmString(data, 'kind')) ?? inferKind(title, page.column, docNumber),
    region: fmString(data, 'region'),
    meta: { ...page.meta, ...frontMatterExtras(data) },
    blocks,
    ...(headings.size ? { markedHeadings: headings } : {}),
  };
}

/** Converts an HTML fragment (e.g. the <p>… body of a news repost) into text blocks, one per block element / <br>-separated line; drops images, scripts, styles; decodes entities; collapses whitespace; no empty blocks. */
export function htmlToBlocks(html: string): string[] {
  return fragmentBlocks(parseDocument(html));
}

// ---------------------------------------------------------------------------------------------
// Parsing and content selection

/** A fragment has no page shell; it is content already and goes straight to the block walker. */
function isFragment(html: string): boolean {
  return !/<(?:html|body)[\s>]/i.test(html);
}

/** linkedom needs an <html><body> shell (document.body is null for a bare fragment). */
function parseDocument(html: string): Document {
  if (!isFragment(html)) {
    const { document } = parseHTML(html);
    if (hasBody(document)) return document;
  }
  return parseHTML(`<!DOCTYPE html><html><head></head><body>${html}</body></html>`).document;
}

function hasBody(doc: Document): boolean {
  const root = doc.documentElement as Element | null;
  return root?.tagName.toUpperCase() === 'HTML' && Array.from(root.children).some((c) => c.tagName.toUpperCase() === 'BODY');
}

/** Content containers of the CMSs these sites use, most specific first. */
const CONTAINERS = [
  '#zoomcon', '.content_article', '#info_cont', '.info_cont', '.article-content', '.newsMain', '.TRS_Editor',
  '.article_content', '.article-body', 'article', 'main',
];

function pageBlocks(doc: Document, html: string, title: string | null, headings?: Map<string, number>): string[] {
  removeBoilerplate(doc);
  const container = findContainer(doc);
  const fromContainer = container ? walkBlocks(container, headings) : [];

  let fromReadability: string[] = [];
  try {
    const article = new Readability<Node>(doc, { charThreshold: 100, serializer: (n) => n }).parse();
    if (article?.content) fromReadability = walkBlocks(article.content, headings);
  } catch {
    fromReadability = [];
  }

  const chosen = chooseBlocks(fromReadability, fromContainer);
  if (chosen.length) return onlyTitle(chosen, title) ? [] : dropPageHeading(chosen, fromContainer, title);
  // Readability found nothing and no known container: the cleaned body of a fresh parse.
  const fresh = parseDocument(html);
  removeBoilerplate(fresh);
  const fromBody = walkBlocks(fresh.body, headings);
  return onlyTitle(fromBody, title) ? [] : fromBody;
}

function compact(s: string | undefined): string {
  return (s ?? '').replace(/[\s\u3000]+/g, '');
}

/** A page cut off before its content still shows its headline: that is no content. */
function onlyTitle(blocks: string[], title: string | null): boolean {
  return title !== null && blocks.every((b) => compact(b) === compact(title));
}

/**
 * Readability's blocks unless the CMS's own content container says they are incomplete: when
 * Readability found (almost) nothing, or kept only part of the container (e.g. it drops the 附表
 * forms appended to a policy in a sibling <div>), the container's blocks are used.
 */
function chooseBlocks(fromReadability: string[], fromContainer: string[]): string[] {
  if (!fromContainer.length || !fromReadability.length) return fromReadability.length ? fromReadability : fromContainer;
  const size = (blocks: string[]): number => blocks.reduce((n, b) => n + b.length, 0);
  if (size(fromReadability) < 0.3 * size(fromContainer)) return fromContainer;
  const inContainer = new Set(fromContainer);
  const shared = fromReadability.filter((b) => inContainer.has(b)).length;
  return shared >= 0.9 * fromReadability.length && size(fromContainer) > size(fromReadability) ? fromContainer : fromReadability;
}

/**
 * Readability sometimes keeps the page's <h1> headline above the article. It is dropped when the
 * content container itself does not start with it (a policy that prints its title stays intact).
 */
function dropPageHeading(blocks: string[], fromContainer: string[], title: string | null): string[] {
  const head = compact(blocks[0]);
  if (!title || !fromContainer.length || head !== compact(title) || compact(fromContainer[0]) === head) return blocks;
  return blocks.slice(1);
}

function fragmentBlocks(doc: Document, headings?: Map<string, number>): string[] {
  removeBoilerplate(doc);
  return walkBlocks(doc.body, headings);
}

function findContainer(doc: Document): Element | null {
  for (const selector of CONTAINERS) {
    for (const el of Array.from(doc.querySelectorAll(selector))) if (nodeText(el).length >= 20) return el;
  }
  return null;
}

/** Elements that never carry content. */
const DROP_TAGS = 'script, style, noscript, template, iframe, object, embed, canvas, svg, button, select, input, textarea, nav';

/** class/id tokens of navigation, share buttons, QR codes, footers, related-link lists, toolbars. */
const BOILERPLATE_TOKEN = new RegExp(
  [
    'share', 'qrcode', 'erweima', '(?:^|[_-])(?:ewm|qr)(?:$|[_-])', 'footer', '^foot(?:box|bar|nav)?$', '^nav', 'nav$', 'menu',
    'crumb', '^curb$', '^dqwz$', '^position$', '^location$', 'gotop', 'backtop', '^print', 'fontsize', '^llcs$', '^fx$',
    'hidediv', 'xgwz', 'xgxw', 'xgwj', 'related', '^content_attr', '^xxgkcontop$', '^jbxx$', '^content_extended$',
    '^info_bot$', '^gbck$', '^content_others$',
  ].join('|'),
);
/** Attachment lists: dropped when they list nothing (the template prints a 「相关附件」 header anyway). */
const ATTACHMENT_TOKEN = /xgfj|fujian|attach/;
const LIST_TAGS = new Set(['DIV', 'UL', 'OL', 'DL', 'SECTION', 'TABLE']);

function tokens(el: Element): string[] {
  return `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`.toLowerCase().split(/\s+/).filter(Boolean);
}

function removeBoilerplate(doc: Document): void {
  for (const el of Array.from(doc.querySelectorAll(DROP_TAGS))) el.remove();
  const keep = CONTAINERS.join(', ');
  for (const el of Array.from(doc.body.querySelectorAll('[class], [id]'))) {
    if (!el.isConnected) continue;
    const t = tokens(el);
    const junk = t.some((x) => BOILERPLATE_TOKEN.test(x));
    const emptyAttachments =
      !junk && LIST_TAGS.has(el.tagName.toUpperCase()) && t.some((x) => ATTACHMENT_TOKEN.test(x)) && !el.querySelector('li, a[href]');
    if ((junk || emptyAttachments) && !el.matches(keep) && !el.querySelector(keep)) el.remove();
  }
  for (const el of Array.from(doc.body.querySelectorAll('ul, ol'))) if (el.isConnected && isMenu(el)) el.remove();
}

/**
 * A menu: a list of at least three items each of which is one short link and nothing else (「个人办事」
 * 「单位办事」 in a page's side column). A list of attachments or of links with their titles says more.
 */
function isMenu(list: Element): boolean {
  const items = Array.from(list.children).filter((c) => c.tagName.toUpperCase() === 'LI');
  if (items.length < 3 || items.length !== list.children.length) return false;
  return items.every((li) => {
    const links = li.querySelectorAll('a[href]');
    const text = compact(nodeText(li));
    return links.length === 1 && compact(nodeText(links[0]!)) === text && text.length > 0 && text.length <= 8;
  });
}

// ---------------------------------------------------------------------------------------------
// DOM → blocks

const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BODY', 'CAPTION', 'CENTER', 'DD', 'DETAILS', 'DIALOG', 'DIV', 'DL', 'DT',
  'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HTML', 'LEGEND',
  'LI', 'MAIN', 'OL', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'UL',
]);
const SKIP_TAGS = new Set([
  'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IMG', 'PICTURE', 'SVG', 'CANVAS', 'IFRAME', 'OBJECT', 'EMBED', 'VIDEO',
  'AUDIO', 'SOURCE', 'TRACK', 'MAP', 'AREA', 'BUTTON', 'INPUT', 'SELECT', 'TEXTAREA', 'HEAD', 'TITLE', 'META', 'LINK',
]);

class BlockWriter {
  readonly blocks: string[] = [];
  private line = '';
  constructor(readonly headings?: Map<string, number>) {}

  text(s: string): void {
    this.line += s;
  }

  /** Ends the current line; empty lines are dropped. */
  end(): void {
    const t = cleanText(this.line);
    this.line = '';
    if (t) this.blocks.push(t);
  }

  push(block: string): void {
    this.end();
    if (block) this.blocks.push(block);
  }
}

const HEADING_TAG = /^H[1-6]$/;

function walkBlocks(root: Node, headings?: Map<string, number>): string[] {
  const out = new BlockWriter(headings);
  walk(root, out);
  out.end();
  return out.blocks.filter((b) => !isUiLine(b));
}

function walk(node: Node, out: BlockWriter): void {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) {
      out.text((child as Text).data);
      continue;
    }
    if (child.nodeType !== 1) continue;
    const el = child as Element;
    const tag = el.tagName.toUpperCase();
    if (SKIP_TAGS.has(tag) || isHidden(el)) continue;
    if (tag === 'BR' || tag === 'HR') {
      out.end();
    } else if (tag === 'TABLE') {
      writeTable(el, out);
    } else if (tag === 'TR') {
      writeRow(el, out);
    } else if (tag === 'DL') {
      writeDefinitions(el, out);
    } else if (HEADING_TAG.test(tag) && out.headings) {
      // <h1> and <h2> are the first level under the title, each further one a level deeper.
      out.end();
      const from = out.blocks.length;
      walk(el, out);
      out.end();
      for (const b of out.blocks.slice(from)) out.headings.set(b, Math.max(1, Number(tag.slice(1)) - 1));
    } else if (BLOCK_TAGS.has(tag)) {
      out.end();
      walk(el, out);
      out.end();
    } else {
      walk(el, out);
    }
  }
}

/**
 * A definition list is labels and their values, as an 办事指南 lays out its fields
 * (<dt>受理条件</dt><dd>…</dd>): each term reads 「受理条件：…」 with its descriptions, like a row of a
 * two-column label table. A long term (a question) keeps its own block; a description without a term, too.
 */
function writeDefinitions(dl: Element, out: BlockWriter): void {
  out.end();
  let term: string | null = null;
  const flush = (values: string[]) => {
    if (term && values.length && term.length <= 20) out.push(`${term.replace(/[：:]\s*$/, '')}：${values.join(' ')}`);
    else for (const b of term ? [term, ...values] : values) out.push(b);
    term = null;
  };
  const inner = (el: Element) => {
    const w = new BlockWriter();
    walk(el, w);
    w.end();
    return w.blocks;
  };
  const items = Array.from(dl.children).flatMap((c) => (c.tagName.toUpperCase() === 'DIV' ? Array.from(c.children) : [c]));
  let pending: string[] = [];
  for (const el of items) {
    if (isHidden(el)) continue;
    const tag = el.tagName.toUpperCase();
    if (tag === 'DT') {
      if (term || pending.length) flush(pending);
      pending = [];
      term = inner(el).join(' ') || null;
    } else if (tag === 'DD') {
      pending.push(...inner(el));
    }
  }
  if (term || pending.length) flush(pending);
}

/**
 * The rows of a table as a grid, each cell as its text blocks (an empty cell as none, so columns stay aligned): a cell spanning rows (rowspan) stands in each row it spans — the 「个人创业担保贷款」
 * of the first column belongs to every row beside it — and one spanning columns (colspan) takes their places, empty
 * after the first, so later cells stay under their own headers.
 */
function spannedRows(trs: Element[]): string[][][] {
  const carried: Array<{ left: number; cell: string[] } | undefined> = [];
  return trs.map((tr) => {
    const row: string[][] = [];
    const fill = () => {
      for (let c = carried[row.length]; c && c.left > 0; c = carried[row.length]) {
        c.left--;
        row.push(c.cell);
      }
    };
    for (const el of Array.from(tr.children)) {
      const tag = el.tagName.toUpperCase();
      if ((tag !== 'TD' && tag !== 'TH') || isHidden(el)) continue;
      fill();
      const cell = cellBlocks(el);
      const rows = span(el, 'rowspan');
      const cols = span(el, 'colspan');
      for (let k = 0; k < cols; k++) {
        if (rows > 1) carried[row.length] = { left: rows - 1, cell: k === 0 ? cell : [] };
        row.push(k === 0 ? cell : []);
      }
    }
    fill();
    return row;
  });
}

function span(el: Element, attr: 'rowspan' | 'colspan'): number {
  const n = Number.parseInt(el.getAttribute(attr) ?? '1', 10);
  return Number.isFinite(n) && n > 1 ? Math.min(n, 50) : 1;
}

function cellBlocks(cell: Element): string[] {
  const inner = new BlockWriter();
  walk(cell, inner);
  inner.end();
  return inner.blocks;
}

/** A row outside a table it belongs to → `cell | cell`; a single non-empty cell keeps its paragraphs. */
function writeRow(tr: Element, out: BlockWriter): void {
  out.end();
  const cells = spannedRows([tr])[0]!.filter((c) => c.length);
  if (cells.length === 1) for (const b of cells[0]!) out.push(b);
  else if (cells.length > 1) out.push(cells.map((c) => c.join(' ')).join(' | '));
}

/** The rows of a table itself (in its head, bodies and foot), not those of tables nested in its cells. */
function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of Array.from(table.children)) {
    const tag = child.tagName.toUpperCase();
    if (tag === 'TR') rows.push(child);
    else if (tag === 'THEAD' || tag === 'TBODY' || tag === 'TFOOT') rows.push(...Array.from(child.children).filter((r) => r.tagName.toUpperCase() === 'TR'));
  }
  return rows;
}

/**
 * A table as Word and spreadsheet tables are read (ingest/table-rows.ts): a row keeps its column headers
 * (「补贴项目：…；补贴标准：…」), a two-column table of labels is 「受理条件：…」 per row. A layout table (one
 * cell per row) keeps its paragraphs.
 */
function writeTable(table: Element, out: BlockWriter): void {
  out.end();
  const rows = spannedRows(tableRows(table).filter((r) => !isHidden(r)));
  if (rows.every((r) => r.filter((c) => c.length).length <= 1)) {
    for (const r of rows) for (const b of r.find((c) => c.length) ?? []) out.push(b);
    return;
  }
  const { caption, blocks } = tableBlocks(rows.map((r) => r.map((c) => c.join(' '))));
  if (caption) out.push(caption);
  for (const b of blocks) out.push(b);
}

function isHidden(el: Element): boolean {
  if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return true;
  return /display\s*:\s*none|visibility\s*:\s*hidden/i.test(el.getAttribute('style') ?? '');
}

/** Toolbar / navigation / footer lines that may survive inside a content area. */
const UI_LINES = new Set([
  '首页', '网站地图', '扫一扫在手机打开当前页', '分享', '分享到', '分享文章到', '上一篇', '下一篇', '返回顶部', '回到顶部', '打印',
  '打印本页', '打印页面', '关闭', '关闭窗口', '关闭本页', '取消', '大中小', '字体大中小', 'A-AA+', '相关附件', '相关新闻',
  '相关链接', '相关文件下载', '附件下载', '搜索', '登录', '注册', '无障碍', '无障碍浏览', '长者模式', '关怀版', '简体', '繁体', '繁體',
]);
const UI_PREFIX =
  /^(?:上一篇|下一篇|当前位置|您当前所在的位置|您现在的位置|主办单位|承办单位|技术支持|网站标识码|浏览次数|字体大小|字号|分享到|搜索热词|发表时间|发布日期|发布时间|信息来源|文章来源)/;

function isUiLine(block: string): boolean {
  const compact = block.replace(/[\s\u3000【】[\]|｜:：>＞·]/g, '');
  if (UI_LINES.has(compact)) return true;
  return block.length <= 80 && (UI_PREFIX.test(compact) || /ICP备|公网安备|版权所有/.test(compact));
}
