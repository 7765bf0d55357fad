import type { PolicyDocument } from '../types.ts';
import { statedEndDates, endOfIsoDate } from '../text/dates.ts';
import { covers, related } from '../text/gazetteer.ts';
import type { Citation, Warning } from './contract.ts';

const TWO_YEARS_MS = 2 * 365.25 * 24 * 3600 * 1000;

export interface CitedSource {
  citation: Citation;
  doc: PolicyDocument;
  paragraphText: string;
}

export type DatedStatus = { reason: 'ended'; date: string } | { reason: 'old'; date: string } | null;

/**
 * The DATED rule, shared by answers and the document viewer: a stated end date that has
 * passed wins; otherwise a document (not a law) dated more than two years before `today`
 * is old. `endDates` are the ISO end dates stated in the text being judged (a cited
 * paragraph, or a whole document's `validUntil`).
 */
export function datedStatus(doc: Pick<PolicyDocument, 'kind' | 'date'>, endDates: readonly string[], today: Date): DatedStatus {
  const ended = endDates.find((d) => endOfIsoDate(d).getTime() < today.getTime());
  if (ended) return { reason: 'ended', date: ended };
  if (doc.kind !== 'law' && doc.date && today.getTime() - endOfIsoDate(doc.date).getTime() > TWO_YEARS_MS) return { reason: 'old', date: doc.date };
  return null;
}

/** REGION, DATED and NEWS warnings for the sources an answer cites. */
export function warningsFor(sources: CitedSource[], askedPlaces: string[], today: Date): Warning[] {
  const warnings: Warning[] = [];
  const refs = (xs: CitedSource[]) => xs.map((s) => `[${s.citation.n}]`).join('');

  // REGION: the question names a place a cited passage does not cover (its section's place, else its document's)…
  const regionOf = (s: CitedSource) => s.citation.region;
  if (askedPlaces.length) {
    const outside = sources.filter((s) => regionOf(s) && !askedPlaces.some((a) => covers(regionOf(s)!, a)));
    const byRegion = groupBy(outside, (s) => regionOf(s)!);
    for (const [region, xs] of byRegion) {
      warnings.push({
        code: 'REGION',
        message: `您问的是${askedPlaces.join('、')}，${refs(xs)}是${region}的规定，未必适用于${askedPlaces.join('、')}，请以当地政策为准。`,
      });
    }
  } else {
    // …or the sources come from places that do not contain one another.
    const regions = [...new Set(sources.map(regionOf).filter((r): r is string => !!r && r !== '全国'))];
    const clash = regions.some((a) => regions.some((b) => a !== b && !related(a, b)));
    if (clash) {
      warnings.push({ code: 'REGION', message: `引用的内容来自不同地区（${regions.join('、')}），各地标准不同，请以您所在地的规定为准。` });
    }
  }
  // …and a source whose place nothing states may be another place's.
  const unknown = sources.filter((s) => !regionOf(s));
  if (unknown.length) {
    const where = askedPlaces.length ? `，未必适用于${askedPlaces.join('、')}` : '';
    warnings.push({ code: 'REGION', message: `${refs(unknown)}的文件未注明适用地区${where}，请以当地政策为准。` });
  }

  // DATED: one warning per document, naming all of its sources.
  for (const xs of groupBy(sources, (s) => s.doc.docId).values()) {
    const doc = xs[0]!.doc;
    const dated = datedStatus(doc, xs.flatMap((s) => statedEndDates(s.paragraphText)), today);
    if (dated?.reason === 'ended') {
      warnings.push({ code: 'DATED', message: `${refs(xs)}所述措施的执行期限为${dated.date}，现已到期，请向当地人社部门确认是否延续。` });
    } else if (dated?.reason === 'old') {
      warnings.push({ code: 'DATED', message: `${refs(xs)}出自${dated.date}的${doc.kind === 'news' ? '报道' : '文件'}，已超过两年，内容可能已有调整。` });
    }
  }

  const news = sources.filter((s) => s.doc.kind === 'news');
  if (news.length) {
    warnings.push({ code: 'NEWS', message: `${refs(news)}来自新闻报道，不是政策原文，具体以正式文件为准。` });
  }
  return warnings;
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}
