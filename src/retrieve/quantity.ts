import type { QuantitySpec } from '../text/lexicon.ts';

/**
 * The quantities an ask is about: the one it asks for (「多少岁」「能领几个月」) and the ones the person
 * states (「我妈今年47岁」「交了7年社保」), from answer-kinds.yml `quantities`. A passage that states the
 * quantity asked, or a bound that holds the person's figure (「满5年不满10年的」 for 7年), answers more
 * directly than one that only names the topic.
 */
export interface QuantityInAsk {
  spec: QuantitySpec;
  /** The ask asks for this quantity. */
  asked: boolean;
  /** The person's own figure, when stated. */
  value: number | null;
}

export function quantitiesOf(specs: readonly QuantitySpec[], askNorm: string, backgroundNorm = ''): QuantityInAsk[] {
  const out: QuantityInAsk[] = [];
  for (const spec of specs) {
    const asked = spec.ask.some((re) => re.test(askNorm));
    const value = factValue(spec, askNorm) ?? factValue(spec, backgroundNorm);
    if (asked || value !== null) out.push({ spec, asked, value });
  }
  return out;
}

function factValue(spec: QuantitySpec, norm: string): number | null {
  if (!norm) return null;
  for (const re of spec.fact) {
    re.lastIndex = 0;
    const m = re.exec(norm);
    if (m?.[1]) return Number(m[1]);
  }
  return null;
}

/**
 * How directly a text answers the ask's quantities, 0..1: half for stating the quantity asked, half for a
 * bound that holds the person's figure (「满5年不满10年的」 for 交了7年) — or, for quantities whose bounds
 * decide eligibility, any bound of it (「女性不超过45周岁」 answers 「我妈47岁还能去吗」: no).
 */
export function quantityMatch(textNorm: string, quantities: readonly QuantityInAsk[]): number {
  let score = 0;
  for (const q of quantities) {
    if (q.asked && statesQuantity(q.spec, textNorm)) score += 0.5;
    if (q.value !== null) {
      const verdict = boundVerdict(textNorm, q.spec.states, q.value);
      if (verdict === 'holds') score += 0.5;
      else if (verdict === 'excludes' && q.spec.bounds) score += 0.5;
    }
  }
  return Math.min(1, score);
}

/** Whether a normalised text states the quantity (its `states` pattern keeps a lastIndex: reset first). */
export function statesQuantity(spec: QuantitySpec, textNorm: string): boolean {
  spec.states.lastIndex = 0;
  return spec.states.test(textNorm);
}

/** Words before a figure that make it a lower or an upper bound (不满 before 满). */
const UPPER_BEFORE = /(?:不满|不足|未满|未达|低于|少于|不超过|不高于|最多|最高)\s*$/u;
const STRICT_BEFORE = /(?:不满|不足|未满|未达|低于|少于)\s*$/u;
const LOWER_BEFORE = /(?:(?<![不未])满|年满|已满|超过|高于|达到|大于)\s*$/u;
const UPPER_AFTER = /^\s*(?:[(（]含[)）])?(?:以下|以内|及以下|之内)/u;
const LOWER_AFTER = /^\s*(?:[(（]含[)）])?(?:以上|及以上|起)/u;
/** 「16—24岁」「16至24周岁」: the figure before a range mark. */
const RANGE_BEFORE = /(\d+)\s*(?:周?岁|个?月|年|天|日)?\s*(?:—|－|-|–|~|～|至|到)\s*$/u;

/**
 * Whether the sentences of a text that bound a quantity (「满5年不满10年的」「女性不超过45周岁」「16—24岁」)
 * hold the person's figure: 'holds' when one does, 'excludes' when some bound it and none holds it,
 * null when no sentence bounds it.
 */
export function boundVerdict(textNorm: string, states: RegExp, value: number): 'holds' | 'excludes' | null {
  let bounded = false;
  for (const sentence of textNorm.split(/[。；;\n]/u)) {
    let lo = -Infinity;
    let hi = Infinity;
    let strictHi = false;
    let any = false;
    states.lastIndex = 0;
    for (let m = states.exec(sentence); m; m = states.exec(sentence)) {
      const n = Number(/\d+(?:\.\d+)?/u.exec(m[0])?.[0]);
      if (!Number.isFinite(n)) continue;
      const before = sentence.slice(Math.max(0, m.index - 6), m.index);
      const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 5);
      const range = RANGE_BEFORE.exec(before);
      if (range) {
        lo = Math.max(lo, Number(range[1]));
        hi = Math.min(hi, n);
        any = true;
      } else if (UPPER_BEFORE.test(before) || UPPER_AFTER.test(after)) {
        if (n < hi || (n === hi && STRICT_BEFORE.test(before))) {
          hi = n;
          strictHi = STRICT_BEFORE.test(before);
        }
        any = true;
      } else if (LOWER_BEFORE.test(before) || LOWER_AFTER.test(after)) {
        lo = Math.max(lo, n);
        any = true;
      }
    }
    if (!any) continue;
    bounded = true;
    if (value >= lo && (strictHi ? value < hi : value <= hi)) return 'holds';
  }
  return bounded ? 'excludes' : null;
}
