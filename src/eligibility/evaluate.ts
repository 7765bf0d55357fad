import type { Measure } from '../measures/types.ts';
import { lineage } from '../text/gazetteer.ts';
import type { Profile } from './profile.ts';
import { conditionStatus, regionStatus, type ConditionStatus } from './conditions.ts';

/**
 * One measure against one profile: its conditions, each met / not_met / unknown with the
 * quoted text and paragraph link, and the verdict.
 *
 * A measure from another region (when the user's region is known) is kept in the results as
 * `not_eligible` with the single condition 「其他地区」, and its own conditions are not
 * evaluated: it is shown, never explained away, and it never drives the next question.
 */
export type MeasureStatus = 'eligible' | 'not_eligible' | 'unknown' | 'expired';

export interface ConditionResult {
  text: string;
  status: ConditionStatus;
  url: string;
}

export interface MeasureResult {
  measureId: string;
  name: string;
  status: MeasureStatus;
  amount: string | null;
  region: string | null;
  docId: string;
  paragraphId: string;
  url: string;
  conditions: ConditionResult[];
  /** What the document says to bring and where to apply, when it states them. */
  parts?: Measure['parts'];
}

export const OTHER_REGION_PREFIX = '其他地区';

/** The link of a condition's paragraph: the measure's link with the fragment replaced. */
export function conditionUrl(measure: Measure, paragraphId: string): string {
  if (paragraphId === measure.paragraphId) return measure.url;
  const hash = measure.url.indexOf('#');
  const base = hash < 0 ? measure.url : measure.url.slice(0, hash);
  return `${base}#${encodeURIComponent(paragraphId)}`;
}

/** An amount's words without the clipping marks and the 「按」 that starts a rule (「按博士每人10000元」). */
const amountCore = (t: string) => t.replace(/^[…\s]*按?|[…\s]+$/gu, '');

export function amountText(m: Measure): string | null {
  const parts = [...new Set(m.amounts.map((a) => a.text.trim()).filter(Boolean))];
  const d = m.duration?.text.trim();
  if (d && !parts.some((p) => p.includes(d))) parts.push(d);
  // A figure quoted again inside a longer statement of the same rule is said once, by the longer one;
  // two clipped pieces of one sentence (「按博士每人10000元、硕士…」「…士每人10000元、硕士每人7000元、其他…」) are joined.
  const merged = mergeOverlaps(parts);
  const cores = merged.map(amountCore);
  const kept = merged.filter((_, i) => !cores.some((c, j) => j !== i && (c.length > cores[i]!.length || j < i) && c.includes(cores[i]!)));
  return kept.length ? kept.join('，') : null;
}

/** Shortest overlap that joins two pieces of one sentence: long enough not to be a shared unit (「每人」). */
const MIN_OVERLAP = 6;

function mergeOverlaps(parts: string[]): string[] {
  const out = [...parts];
  for (let changed = true; changed; ) {
    changed = false;
    outer: for (let i = 0; i < out.length; i++) {
      for (let j = 0; j < out.length; j++) {
        if (i === j) continue;
        const a = out[i]!.replace(/[…\s]+$/u, '');
        const b = amountCore(out[j]!);
        for (let k = Math.min(a.length, b.length) - 1; k >= MIN_OVERLAP; k--) {
          if (a.endsWith(b.slice(0, k))) {
            out[i] = a + b.slice(k);
            out.splice(j, 1);
            changed = true;
            break outer;
          }
        }
      }
    }
  }
  return out;
}

/** True when the measure's region does not contain the user's and cannot (user's region known). */
function otherRegion(m: Measure, p: Profile): boolean {
  if (!m.region || !p.region) return false;
  return regionStatus(m.region, p) === 'not_met';
}

/** Evaluates one measure; exported for the dialogue's what-if simulation. */
export function evaluateMeasure(m: Measure, p: Profile): MeasureResult {
  const base = {
    measureId: m.id,
    name: m.name,
    amount: amountText(m),
    region: m.region,
    docId: m.docId,
    paragraphId: m.paragraphId,
    url: m.url,
    ...(m.parts ? { parts: m.parts } : {}),
  };
  if (otherRegion(m, p)) {
    return { ...base, status: 'not_eligible', conditions: [{ text: `${OTHER_REGION_PREFIX}（本措施适用于${m.region}）`, status: 'not_met', url: m.url }] };
  }
  const conditions: ConditionResult[] = [];
  const place = m.region ? (lineage(m.region)[0] ?? m.region) : null;
  if (place && place !== '全国') conditions.push({ text: `适用地区：${place}`, status: regionStatus(place, p), url: m.url });
  if (m.recipient === 'employer') {
    const s: ConditionStatus = p.employment === null ? 'unknown' : p.employment === 'employer' ? 'met' : 'not_met';
    conditions.push({ text: '申请对象：用人单位', status: s, url: m.url });
  }
  conditions.push(...ownConditions(m, p));
  // The stated end date is a condition too, so an expired verdict names its reason.
  if (m.validUntil) conditions.push({ text: `执行期限至${chineseDate(m.validUntil)}`, status: m.validUntil < p.today ? 'not_met' : 'met', url: m.url });
  return { ...base, status: verdict(m, p, conditions), conditions };
}

/** A list item: ①, （1）, (一), 1. — documents enumerate alternatives this way after 「符合以下条件之一」. */
const LIST_ITEM = /^\s*(?:[\u2460-\u2473]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．])/u;
export const NO_CONDITIONS_TEXT = '原文没有写明可以逐条核对的申请条件，请查看原文';

function anyOf(statuses: ConditionStatus[]): ConditionStatus {
  if (statuses.includes('met')) return 'met';
  return statuses.includes('unknown') ? 'unknown' : 'not_met';
}

/**
 * The measure's own conditions, checked. Group (and registration) conditions quoted from
 * several list items are alternatives (「符合以下条件之一：②退役军人 ③登记失业人员…」): they
 * become one condition that holds when any item does. A measure stating no condition the
 * extractor could read is never eligible by default: it gets one open condition.
 */
function ownConditions(m: Measure, p: Profile): ConditionResult[] {
  if (m.conditions.length === 0) return [{ text: NO_CONDITIONS_TEXT, status: 'unknown', url: m.url }];
  // Items of a list whose lead-in says which logic holds: 'any' items are one either-or condition, 'all' items stay
  // apart (「同时符合以下全部条件」). Without a stated logic (older catalogs), group items are alternatives as before.
  const isItem = (c: Measure['conditions'][number]) =>
    c.list === 'any' || (c.list === undefined && (c.type === 'group' || c.type === 'registration') && LIST_ITEM.test(c.text));
  const items = m.conditions.filter(isItem);
  const bundle = new Set(items.map((c) => c.text)).size >= 2 ? items : [];
  const out: ConditionResult[] = [];
  let bundled = false;
  for (const c of m.conditions) {
    if (!bundle.includes(c)) {
      out.push({ text: c.text, status: conditionStatus(c, m, p), url: conditionUrl(m, c.paragraphId) });
      continue;
    }
    if (bundled) continue;
    bundled = true;
    const texts = [...new Set(bundle.map((b) => b.text))];
    out.push({
      text: `符合以下之一：${texts.map((t) => `「${t}」`).join('')}`,
      status: anyOf(bundle.map((b) => conditionStatus(b, m, p))),
      url: conditionUrl(m, c.paragraphId),
    });
  }
  return out;
}

function chineseDate(iso: string): string {
  const [y, mo, d] = iso.split('-').map(Number);
  return d ? `${y}年${mo}月${d}日` : mo ? `${y}年${mo}月` : `${y}年`;
}

function verdict(m: Measure, p: Profile, conditions: ConditionResult[]): MeasureStatus {
  if (m.validUntil && m.validUntil < p.today) return 'expired';
  if (conditions.some((c) => c.status === 'not_met')) return 'not_eligible';
  if (conditions.every((c) => c.status === 'met')) return 'eligible';
  return 'unknown';
}

