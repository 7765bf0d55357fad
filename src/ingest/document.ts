import { createHash } from 'node:crypto';
import path from 'node:path';
import type { DocKind, LoadedSource, Paragraph, PolicyDocument } from '../types.ts';
import { covers, deepestPlaces, findPlaces, inferRegion, PLACES, resolvePlace } from '../text/gazetteer.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import { statedEndDates, toIsoDate } from '../text/dates.ts';
import { assignHeadingPaths } from './headings.ts';

/** A stable, URL-safe id from the file's path inside the corpus. */
export function docIdFor(relPath: string): string {
  const base = path.basename(relPath).replace(/\.[^.]+$/, '');
  const ascii = base
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  const pureAscii = /^[A-Za-z0-9_.-]+$/.test(base) && relPath.split(/[\\/]/).length === 1;
  if (pureAscii && ascii) return ascii;
  const hash = createHash('sha1').update(relPath.normalize('NFC')).digest('hex').slice(0, 8);
  return `${ascii.slice(0, 24).replace(/-+$/, '') || 'doc'}-${hash}`;
}

const TITLE_SUFFIX = /(意见|办法|通知|方案|规定|细则|决定|通告|公告|条例|措施|清单|指引|指南|规划|计划|法)$/;

/** Page furniture that is not text: a back-to-top widget (「↑」「Top」「返回顶部」), share and print buttons. */
const WIDGET = /^(?:[↑↓←→^▲△▼▽]+|top|back to top|返回顶部|回到顶部|顶部|打印|关闭|分享|分享到|收藏|【打印】|【关闭】|【返回顶部】|\[打印\]|\[关闭\])$/iu;

/** A page title without its site suffix (「…--职达面试」「…_广州市人民政府」) and leading bullets (「●」). */
export function cleanTitle(title: string): string {
  let t = title.replace(/^[\s●■◆▲·•\-—*#]+/u, '').trim();
  // 「——」 introduces a subtitle in Chinese titles and stays; ASCII dashes, underscores and bars end a site name.
  // A lone hyphen counts only with spaces around it (「2024-2025年度」 is part of a title).
  const m = /^(.{6,}?)(?:\s*(?:--|_|\||｜)\s*|\s+-\s+)([^\d\-_|｜][^-_|｜]{1,15})$/u.exec(t);
  // The part after the separator is a site name: short, and no part of the title's sentence.
  if (m && !/[，。；：]/u.test(m[2]!)) t = m[1]!.trim();
  return t;
}

function guessTitle(blocks: string[]): string | null {
  const head = blocks.slice(0, 12);
  // A policy title line: short, ends like a title, not a heading or sentence.
  const formal = head.find((b) => b.length <= 60 && TITLE_SUFFIX.test(b) && !/[。；，,]/.test(b) && !/^[一二三四五六七八九十(（\d]/.test(b));
  if (formal) return formal;
  // A line that is just a 《…》 title; a 《…》 cited inside a sentence is another document.
  const quoted = head.map((b) => /^\s*《([^》]{4,60})》\s*$/u.exec(b)?.[1]).find(Boolean);
  if (quoted) return quoted;
  // A headline: the first short line that is not a byline, an editor's note or a metadata line.
  const headline = head.find(
    (b) => b.length >= 6 && b.length <= 40 && !/[。]$/.test(b) && !/记者|通讯员|编者按|来源|^□|摄$|[:：]\s*\S/.test(b),
  );
  return headline ?? null;
}

const OFFICIAL_ISSUER = /(?:局|厅|部|委员会|委|政府|办公室|办公厅|人大常委会|人民代表大会|服务中心|管理中心|总工会)$/u;

function isGovernmentUrl(url: string): boolean {
  try {
    return /(?:^|\.)gov\.cn$/iu.test(new URL(url).hostname);
  } catch {
    return true;
  }
}

function guessKind(src: LoadedSource, title: string, relPath: string, blocks: string[]): DocKind {
  if (src.kind) return src.kind;
  if (/问答|常见问题|解答|答疑|问与答|Q&A|指南|指引|流程|详解|简介/i.test(title)) return 'faq';
  const head = blocks.slice(0, 8).join('\n');
  const articles = blocks.filter((b) => /^第[一二三四五六七八九十百零\d]+条/.test(b)).length;
  if (articles >= 5 && /(法|条例|规定|规则)$/.test(title)) return 'law';
  // A page from a site that is not a government one, without a 文号 or an official issuer, reposts or
  // summarises: it is news, whatever its title (a commercial site's 「政策汇总」 is not a policy).
  if (!src.docNumber && !OFFICIAL_ISSUER.test(src.issuer ?? '') && src.sourceUrl && !isGovernmentUrl(src.sourceUrl)) return 'news';
  if (src.docNumber || /(意见|办法|通知|方案|细则|决定|通告|公告|措施|清单)$/.test(title)) return 'policy';
  if (/记者|通讯员|讯[)）]?|报道|编者按|新闻|日报|晚报/.test(head) || /news|post|新媒体/i.test(src.meta['categories'] ?? '')) {
    return 'news';
  }
  if (/laws?[\\/]/i.test(relPath) && articles >= 3) return 'law';
  return 'policy';
}

/** The signature date of an official document: the last 「YYYY年M月D日」 line near the top or bottom. */
function guessDate(blocks: string[]): string | null {
  const lines = [...blocks.slice(0, 15), ...blocks.slice(-5)];
  const sig = lines.find((b) => /^\d{4}年\d{1,2}月\d{1,2}日$/.test(b.trim()));
  return sig ? toIsoDate(sig) : null;
}

export interface Sidecar {
  title?: string;
  issuer?: string;
  docNumber?: string;
  date?: string;
  region?: string;
  kind?: DocKind;
  sourceUrl?: string;
  /** The page this file is an attachment of: a path relative to the file's folder or the corpus root. */
  parent?: string;
}

/** Assigns ids, headings, region and kind: the one place every format ends up. */
export function buildDocument(relPath: string, bytes: Buffer, src: LoadedSource, sidecar: Sidecar = {}): PolicyDocument {
  const blocks = src.blocks
    .map((b) => b.replace(/[\u200b-\u200f\ufeff]/g, '').replace(/[ \t\u00a0\u3000]+/g, ' ').trim())
    .filter((b) => b && !WIDGET.test(b));
  const title = sidecar.title ?? cleanTitle(src.title ?? guessTitle(blocks) ?? path.basename(relPath).replace(/\.[^.]+$/, '').replace(/^附件\s*\d*[-_.、：:\s]*/u, ''));
  const pathed = assignHeadingPaths(blocks, src.markedHeadings);
  // Drop a first paragraph that only repeats the title.
  const start = pathed[0] && pathed[0].text === title ? 1 : 0;
  const paragraphs: Paragraph[] = pathed.slice(start).map((b, i) => ({ id: `p${i + 1}`, ...b }));
  const text = paragraphs.map((p) => p.text).join('\n');
  const regionHint = sidecar.region ?? src.region;
  const rawIssuer = sidecar.issuer ?? src.issuer;
  const region = regionHint
    ? (resolvePlace(regionHint) ?? regionHint)
    : issuerLevel(rawIssuer, inferRegion(rawIssuer, `${title} ${src.meta['SiteName'] ?? ''}`, text));
  const issuer = qualifyIssuer(rawIssuer, region);
  assignSectionRegions(paragraphs, region);
  const ends = paragraphs.flatMap((p) => statedEndDates(p.text)).sort();
  return {
    docId: docIdFor(relPath),
    file: relPath,
    title,
    issuer: issuer ?? null,
    docNumber: sidecar.docNumber ?? src.docNumber ?? null,
    date: toIsoDate(sidecar.date) ?? src.date ?? guessDate(blocks),
    region,
    kind: sidecar.kind ?? guessKind(src, title, relPath, blocks),
    sourceUrl: sidecar.sourceUrl ?? src.sourceUrl ?? null,
    validUntil: ends.length ? ends[ends.length - 1]! : null,
    meta: src.meta,
    contentHash: createHash('sha256').update(bytes).digest('hex'),
    paragraphs,
  };
}

/** Numbering in front of a heading: 一、 （二） 3. 第四条 ● */
const HEADING_NUMBER = /^[\s●■◆▲·•\-—]*(?:第[一二三四五六七八九十百零〇\d]+[章节条部分]|[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]?)?\s*/u;
const MAX_PLACE_HEADING_CHARS = 30;

/** A paragraph's own place label: 「河南省：…」, 「【浙江】…」, 「● 江西：…」. */
const PLACE_LABEL = /^[\s●■◆▲·•\-—]*[【[（(]?([^：:】\]）)\s]{2,12})[】\]）)]?\s*[：:]/u;

/**
 * A roundup with sections for different places (「二、河南省」, 「浙江：」): each paragraph under a heading
 * (or with a label) naming exactly one place that is not the document's place or one containing it gets
 * that place as its region; retrieval, warnings and the measures catalog use it.
 */
function assignSectionRegions(paragraphs: Paragraph[], docRegion: string | null): void {
  const cache = new Map<string, string | null>();
  const placeOf = (text: string): string | null => {
    let r = cache.get(text);
    if (r === undefined) {
      // A section is about a place when its heading opens with it (「二、河南省」「浙江：」), not when it
      // mentions one in passing (「…港澳台居民来往内地通行证…」).
      const norm = normalizeForMatch(text).replace(HEADING_NUMBER, '');
      const mentions = norm.length <= MAX_PLACE_HEADING_CHARS ? findPlaces(norm, { short: 'major' }).filter((m) => m.index <= 2) : [];
      const specific = deepestPlaces(mentions);
      r = specific.length === 1 ? specific[0]! : null;
      cache.set(text, r);
    }
    return r;
  };
  for (const p of paragraphs) {
    const label = PLACE_LABEL.exec(p.text)?.[1];
    const sources = [...(label ? [label] : []), ...(p.isHeading ? [p.text] : []), ...[...p.headingPath].reverse()];
    for (const src of sources) {
      const place = placeOf(src);
      if (!place) continue;
      if (place !== docRegion && !(docRegion && covers(place, docRegion))) p.region = place;
      break;
    }
  }
}

/**
 * A city body (「市人力资源社会保障局」) reposted on a district site (越秀区) issues a city-wide
 * policy: the document's region is the city, not the district that hosts the page.
 */
function issuerLevel(issuer: string | null, region: string | null): string | null {
  if (!issuer || !region || !/^市/.test(issuer)) return region;
  const place = PLACES.get(region);
  return place?.level === 3 && place.parent ? place.parent : region;
}

/** 「市人力资源社会保障局」 on a 广州市 page → 广州市人力资源社会保障局. */
function qualifyIssuer(issuer: string | null, region: string | null): string | null {
  if (!issuer || !region) return issuer;
  const level = PLACES.get(region)?.level;
  const city = level === 3 ? PLACES.get(region)?.parent : level === 2 ? region : null;
  if (/^市/.test(issuer) && city) return `${city}${issuer.slice(1)}`;
  if (/^区/.test(issuer) && level === 3) return `${region}${issuer.slice(1)}`;
  return issuer;
}

