import type { DocKind, LoadedSource } from '../types.ts';
import { fmString, splitFrontMatter } from './front-matter.ts';
import { htmlToBlocks } from './load-html.ts';
import { extractMetaTable, tableDate, tableDocNumber, tableIssuer } from './meta-table.ts';
import { toIsoDate } from '../text/dates.ts';
import { labelledMeta } from './plain-meta.ts';
import { barTables } from './table-rows.ts';

/**
 * `.txt` and `.md` files: optional YAML front matter, an optional `key | value |`
 * metadata table, then either an HTML body (news reposts) or plain/markdown text with
 * one paragraph per line. Markdown laws carry their title as `# …` and an info block
 * ended by `<!-- INFO END -->`.
 */
export function loadText(raw: string, file?: string): LoadedSource {
  const { data, body } = splitFrontMatter(raw);
  // A Markdown table may break lines inside its cells with <br>: that does not make the file HTML.
  const outsideBarTables = body.replace(/^[ \t]*\|.*\|[ \t]*$/gmu, '');
  const isHtmlBody = /<(p|div|br|h[1-6]|table|section|article)[\s>/]/i.test(outsideBarTables);
  const source: LoadedSource = {
    title: fmString(data, 'title'),
    issuer: fmString(data, 'issuer', 'source', 'publisher'),
    docNumber: fmString(data, 'doc_number', 'docNumber', '发文字号'),
    date: toIsoDate(fmString(data, 'date', 'published', 'publish_date')),
    sourceUrl: fmString(data, 'url', 'source_url', 'sourceUrl', 'link', 'original'),
    kind: kindFrom(fmString(data, 'kind')),
    region: fmString(data, 'region'),
    meta: {},
    blocks: [],
  };
  if (!source.issuer && typeof data['author'] === 'string') source.issuer = data['author'].trim() || null;
  for (const k of ['author', 'categories', 'tags']) {
    const v = data[k];
    if (typeof v === 'string') source.meta[k] = v;
    else if (Array.isArray(v)) source.meta[k] = v.filter((x) => typeof x === 'string').join(',');
  }

  let text = body;
  // Trailing markdown links to the original page: [返回…](…) and <http://…>.
  const links = [...text.matchAll(/<(https?:\/\/[^>\s]+)>/g)].map((m) => m[1]!);
  if (!source.sourceUrl && links.length) source.sourceUrl = links[0]!;
  text = text.replace(/^\s*<https?:\/\/[^>\s]+>\s*$/gm, '').replace(/^.*\]\((?:https?:)?\/\/[^)]*\).*$/gm, (line) =>
    /返回|首页|原文|链接/.test(line) ? '' : line,
  );

  const lines = isHtmlBody ? htmlToBlocks(text) : text.split(/\r?\n/);
  const table = extractMetaTable(lines);
  source.issuer ??= tableIssuer(table.fields);
  source.docNumber ??= tableDocNumber(table.fields);
  source.date ??= toIsoDate(tableDate(table.fields));
  for (const [k, v] of Object.entries(table.fields)) if (v) source.meta[k] = v;

  // A data table written with bars keeps its column headers on each row (the metadata table is read above).
  let rest = barTables(table.rest.map((l) => l.replace(/\u00a0/g, ' ').trim()));
  // Markdown law files: '# 标题', an info block, '<!-- INFO END -->'.
  const infoEnd = rest.findIndex((l) => /^<!--\s*INFO END\s*-->$/i.test(l));
  if (infoEnd >= 0) {
    const info = rest.slice(0, infoEnd).filter(Boolean);
    rest = rest.slice(infoEnd + 1);
    const h1 = info.find((l) => /^#\s/.test(l));
    if (h1) source.title ??= h1.replace(/^#+\s*/, '');
    const events = info.filter((l) => !/^#/.test(l));
    if (events.length) {
      source.meta['沿革'] = events.join('；');
      const last = events[events.length - 1]!;
      source.date ??= toIsoDate(last);
      source.issuer ??= lawIssuer(last) ?? lawIssuer(events[0]!);
    }
    source.kind ??= 'law';
  }
  rest = rest.filter((l) => l && !/^<!--.*-->$/.test(l));
  // Markdown headings are headings by markup, as a Word 「标题 2」 is (「## 办理步骤」「### 第一步：拿到离职证明」): `##` is the
  // first level under the title, each further # one deeper — whether or not the line is numbered too.
  const markdown = file !== undefined && /\.(?:md|markdown)$/i.test(file);
  const marked = new Map<string, number>();
  rest = rest.map((l) => {
    const m = /^(#{1,6})\s+(.*)$/u.exec(l);
    if (!m) return l;
    if (m[1]!.length >= 2) marked.set(markdown ? plainMarkdown(m[2]!) : m[2]!.trim(), m[1]!.length - 1);
    return m[2]!;
  });
  if (marked.size) source.markedHeadings = marked;
  if (!source.title) {
    const h1 = text.split(/\r?\n/).find((l) => /^#\s+\S/.test(l));
    if (h1) {
      source.title = h1.replace(/^#\s+/, '').trim();
      if (rest[0] === source.title) rest = rest.slice(1);
    }
  }
  if (file && /\.(?:md|markdown)$/i.test(file)) rest = rest.map(plainMarkdown).filter(Boolean);
  labelledMeta(rest, source);
  source.blocks = [...table.rows, ...rest];
  return source;
}

/**
 * Markdown inline markup is not text: **加粗** and quote marks go, the words stay; a list bullet becomes 「•」, so the
 * line stays a list item (under the lead-in before it, as numbered items are).
 */
function plainMarkdown(line: string): string {
  return line
    .replace(/^\s*>\s?/u, '')
    .replace(/^\s*[-*+]\s+/u, '• ')
    .replace(/(\*\*|__)(.+?)\1/gu, '$2')
    .replace(/(^|[^*])\*([^*\s][^*]*?)\*(?!\*)/gu, '$1$2')
    .replace(/`([^`]+)`/gu, '$1')
    .trim();
}

/** 「第十二届全国人民代表大会常务委员会第十四次会议…」 → 全国人民代表大会常务委员会; 「国务院令第258号」 → 国务院. */
function lawIssuer(line: string): string | null {
  const m = /((?:[\u4e00-\u9fff]{2,8}?(?:省|市|自治区))?(?:全国)?人民代表大会常务委员会)/.exec(line.replace(/第[一二三四五六七八九十百零\d]+届/g, ''));
  if (m) return m[1]!;
  if (/国务院/.test(line)) return '国务院';
  return null;
}

function kindFrom(v: string | null): DocKind | null {
  return v === 'policy' || v === 'law' || v === 'faq' || v === 'news' ? v : null;
}
