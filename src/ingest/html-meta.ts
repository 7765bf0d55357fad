/**
 * Metadata of a government web page: <meta> tags (ArticleTitle, PubDate, ContentSource, Url …),
 * the label/value attribute tables printed above a policy (文号, 发布机关, 成文日期 …) and the
 * string helpers that normalise them. Read from the whole page, before the content is extracted.
 */
import type { DocKind } from '../types.ts';

export interface PageMeta {
  title: string | null;
  date: string | null;
  issuer: string | null;
  docNumber: string | null;
  sourceUrl: string | null;
  /** ColumnType / ColumnName of the CMS, used to guess the kind. */
  column: string;
  meta: Record<string, string>;
}

/** Whitespace except the ideographic space U+3000, which is text in Chinese documents. */
const SPACE_RUN = /[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f]+/g;
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;

/**
 * Display-safe cleanup: strips zero-width characters, turns NBSP and other spaces into plain
 * spaces and collapses runs. A line break between two CJK characters is dropped (as a browser
 * does for Chinese text), any other run becomes one space. Punctuation is left untouched.
 */
export function cleanText(s: string): string {
  return s
    .replace(ZERO_WIDTH, '')
    .replace(SPACE_RUN, (run, offset: number, whole: string) => {
      if (/[\n\r]/.test(run) && CJK.test(whole[offset - 1] ?? '') && CJK.test(whole[offset + run.length] ?? '')) return '';
      return ' ';
    })
    .trim();
}

/** `2025-11-18 17:37:24`, `2019年10月9日`, `2025/3/31`, RFC 2822 … → `YYYY-MM-DD` (or null). */
export function toIsoDate(s: string | null | undefined): string | null {
  if (!s) return null;
  const m = /((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31) return `${y}-${pad(mo)}-${pad(d)}`;
    return null;
  }
  if (/[A-Za-z]{3}/.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return new Date(t).toISOString().slice(0, 10);
  }
  return null;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A document number such as 穗人社规字〔2019〕6号 or 粤人社规〔2020〕30号. */
const DOC_NUMBER = /[\u4e00-\u9fa5A-Za-z]{1,15}\s*[〔［[【（(]\s*(?:19|20)\d{2}\s*[〕］\]】）)]\s*第?\s*\d{1,5}\s*号/;

export function findDocNumber(text: string): string | null {
  const m = DOC_NUMBER.exec(text);
  return m ? m[0].replace(/\s+/g, '') : null;
}

/** A document number that is the whole line (the 文号 line under a policy's header). */
export function lineDocNumber(line: string): string | null {
  const n = findDocNumber(line);
  return n && n.length >= line.replace(/\s+/g, '').length - 2 ? n : null;
}

/** The 文号 at the very end of a title, e.g. 「…的通知（穗人社规字〔2019〕6号）」. */
export function titleDocNumber(title: string): string | null {
  const m = new RegExp(`(${DOC_NUMBER.source})\\s*[）)]?\\s*$`).exec(title);
  return m ? m[1]!.replace(/\s+/g, '') : null;
}

const SITE_SUFFIX = /(?:门户网站|官方网站|官网|网站)$/;

/**
 * `ContentSource` → organisation: collapses spaces, maps 本网/本站 to the site's owner, drops a
 * website suffix (广东省人力资源和社会保障厅官网 → 广东省人力资源和社会保障厅) and keeps the
 * first of several organisations listed with spaces.
 */
export function normaliseIssuer(raw: string | null | undefined, siteName: string | null): string | null {
  if (!raw) return null;
  let s = cleanText(raw).replace(/[\u3000\s]+/g, ' ').replace(/^(?:信息|文章)?来源[:：]\s*/, '');
  if (/^本(?:网|站|网站)$/.test(s)) s = siteName ? cleanText(siteName) : '';
  s = s.split(' ')[0] ?? '';
  s = s.replace(SITE_SUFFIX, '');
  return s.length >= 2 ? s : null;
}

/** Removes a `-广州市人力资源和社会保障局网站` / ` - 广州市人民政府门户网站` suffix from a <title>. */
export function stripSiteSuffix(title: string, siteName: string | null): string {
  const t = cleanText(title);
  const m = /^(.*\S)\s*[-–—_|｜]\s*([^-–—_|｜]+)$/.exec(t);
  if (!m) return t;
  const tail = m[2]!.trim();
  const isSite = (siteName !== null && tail === cleanText(siteName)) || /(?:网站|门户网|官网|政府网)$/.test(tail);
  return isSite ? m[1]!.trim() : t;
}

/** Labels of the attribute tables printed above policies (normalised: no spaces, no colon). */
const ATTR_LABELS = new Set([
  '索引号', '统一编号', '分类', '主题分类', '组配分类', '体裁分类', '发文机关', '发布机构', '发布机关', '发文单位', '制发机关',
  '成文日期', '发文日期', '印发日期', '发布日期', '发布时间', '发表时间', '实施日期', '生效日期', '失效日期', '废止日期',
  '文号', '发文字号', '有效性', '文件状态', '主题词', '公开方式', '来源', '信息来源', '文章来源',
]);

function normLabel(s: string): string {
  return s.replace(/[\s\u3000:：]+/g, '');
}

const NON_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);

/** Text of a node without script/style content, cleaned. */
export function nodeText(node: Node): string {
  let out = '';
  const visit = (n: Node): void => {
    if (n.nodeType === 3) out += (n as Text).data;
    else if (n.nodeType === 1 && !NON_TEXT.has((n as Element).tagName.toUpperCase())) n.childNodes.forEach(visit);
  };
  visit(node);
  return cleanText(out);
}

/**
 * Label/value pairs anywhere on the page: `<td>文号</td><td>…</td>`, `<li><span>文\u3000\u3000号：</span>…</li>`,
 * `<span>发布日期：2025-04-08</span>`. The first value found for a label wins.
 */
export function readAttributeTable(doc: Document): Record<string, string> {
  const out: Record<string, string> = {};
  for (const el of Array.from(doc.querySelectorAll('td, th, dt, li, span, p, label, b, strong, font, em'))) {
    const raw = el.textContent ?? '';
    if (raw.length > 400) continue;
    const text = nodeText(el);
    if (!text || text.length > 120) continue;
    const colon = text.search(/[:：]/);
    const head = normLabel(colon >= 0 ? text.slice(0, colon) : text);
    if (!ATTR_LABELS.has(head) || head in out) continue;
    let value = colon >= 0 ? text.slice(colon + 1).trim() : '';
    if (!value) value = followingValue(el);
    if (value && value.length <= 80 && !ATTR_LABELS.has(normLabel(value))) out[head] = value;
  }
  return out;
}

/** Text of the siblings after a label element, up to the next label. */
function followingValue(el: Element): string {
  let text = '';
  for (let n = el.nextSibling; n; n = n.nextSibling) {
    const t = nodeText(n);
    if (n.nodeType === 1 && ATTR_LABELS.has(normLabel(t))) break;
    text += ` ${t}`;
    if (n.nodeType === 1 && ['TD', 'TH', 'DD'].includes((n as Element).tagName.toUpperCase()) && t) break;
  }
  return cleanText(text);
}

/** <meta name|property|itemprop> → content, keys lowercased, first non-empty value wins. */
function metaTags(doc: Document): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of Array.from(doc.querySelectorAll('meta'))) {
    const key = (m.getAttribute('name') ?? m.getAttribute('property') ?? m.getAttribute('itemprop') ?? '').trim().toLowerCase();
    const value = cleanText(m.getAttribute('content') ?? '');
    if (key && value && !map.has(key)) map.set(key, value);
  }
  return map;
}

function first(...values: Array<string | null | undefined>): string | null {
  for (const v of values) if (v && v.trim()) return v.trim();
  return null;
}

/** Extra fields worth keeping in `meta`. */
const META_TAGS: Array<[string, string]> = [
  ['columnname', 'ColumnName'], ['columntype', 'ColumnType'], ['sitename', 'SiteName'], ['sitedomain', 'SiteDomain'],
];
const META_ATTRS = ['索引号', '统一编号', '分类', '主题分类', '实施日期', '生效日期', '失效日期', '废止日期', '有效性', '文件状态', '主题词', '公开方式'];

export function readPageMeta(doc: Document): PageMeta {
  const tags = metaTags(doc);
  const attrs = readAttributeTable(doc);
  const siteName = first(tags.get('sitename'), tags.get('og:site_name'));

  const titleTag = cleanText(doc.querySelector('title')?.textContent ?? '');
  const h1 = doc.querySelector('h1');
  const title = first(
    tags.get('articletitle'),
    tags.get('og:title'),
    titleTag ? stripSiteSuffix(titleTag, siteName) : null,
    h1 ? nodeText(h1) : null,
  );

  const date = first(
    toIsoDate(first(attrs['成文日期'], attrs['发文日期'], attrs['印发日期'])),
    toIsoDate(first(tags.get('pubdate'), tags.get('publishdate'), tags.get('publish_date'), tags.get('article:published_time'))),
    toIsoDate(first(tags.get('firstpublishedtime'), tags.get('dc.date'), tags.get('dcterms.created'))),
    toIsoDate(first(attrs['发布日期'], attrs['发布时间'], attrs['发表时间'])),
  );

  const issuer = first(
    normaliseIssuer(first(attrs['发布机构'], attrs['发文机关'], attrs['发布机关'], attrs['发文单位'], attrs['制发机关']), siteName),
    normaliseIssuer(tags.get('contentsource'), siteName),
    normaliseIssuer(first(attrs['来源'], attrs['信息来源'], attrs['文章来源']), siteName),
  );

  const numberAttr = first(attrs['文号'], attrs['发文字号']);
  const docNumber = numberAttr && !/^(?:无|-+|—+)$/.test(numberAttr) ? numberAttr.replace(/\s+/g, '') : null;

  const canonical = doc.querySelector('link[rel="canonical"]')?.getAttribute('href')?.trim();
  const sourceUrl = first(tags.get('url'), canonical, tags.get('og:url'));

  const meta: Record<string, string> = {};
  for (const [key, label] of META_TAGS) {
    const v = tags.get(key);
    if (v) meta[label] = v;
  }
  for (const label of META_ATTRS) if (attrs[label]) meta[label] = attrs[label];

  return { title, date, issuer, docNumber, sourceUrl, column: `${tags.get('columntype') ?? ''} ${tags.get('columnname') ?? ''}`, meta };
}

const KIND_ALIASES: Record<string, DocKind> = {
  policy: 'policy', law: 'law', faq: 'faq', news: 'news',
  政策: 'policy', 文件: 'policy', 法律: 'law', 法规: 'law', 问答: 'faq', 新闻: 'news',
};

export function parseKind(raw: string | null): DocKind | null {
  return raw ? (KIND_ALIASES[raw.trim().toLowerCase()] ?? null) : null;
}

/** faq / policy / news from the CMS column, the title and the presence of a 文号; else null. */
export function inferKind(title: string | null, column: string, docNumber: string | null): DocKind | null {
  const t = title ?? '';
  if (/问答|常见问题|办事指南/.test(column)) return 'faq';
  if (/问答|常见问题|解答|详解|指南|指引|简介/.test(t)) return 'faq';
  if (/办法|通知|意见|规定|通告|清单|决定|方案/.test(t) || docNumber) return 'policy';
  if (/新闻|动态|要闻|资讯/.test(column)) return 'news';
  return null;
}

/** A 文号 standing alone on one of the first lines (under the header of a policy). */
export function leadingDocNumber(blocks: string[]): string | null {
  for (const b of blocks.slice(0, 5)) {
    const n = lineDocNumber(b);
    if (n) return n;
  }
  return null;
}

const FM_USED = new Set(['title', 'date', 'issuer', 'source', 'author', 'url', 'source_url', 'link', 'kind', 'region', 'doc_number', 'docNumber', '文号']);

/** Other scalar front-matter fields (categories, tags …) for `meta`; images and flags are left out. */
export function frontMatterExtras(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (FM_USED.has(key) || /img|image|thumb|cover/i.test(key)) continue;
    if (typeof value === 'string' && value.trim()) out[key] = cleanText(value);
    else if (typeof value === 'number') out[key] = String(value);
    else if (Array.isArray(value)) {
      const parts = value.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
      if (parts.length) out[key] = parts.join('、');
    }
  }
  return out;
}
