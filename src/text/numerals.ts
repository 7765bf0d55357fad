/**
 * Chinese numerals in quantities become Arabic digits for matching, so that 「缴费满十五年」
 * finds 「满15年」 and 「百分之五十」 finds 「50%」. Only numerals followed by a unit are
 * folded (年, 个月, 周岁, 元, 人 …): words that merely contain a numeral character (一次性,
 * 统一, 第十四条, 十四五) are left alone. Matching only; displayed text never changes.
 */
const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const SCALES: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
// 万 and 亿 stay as they are, as the documents write them (2万元, 1.29亿元).
const NUM = '[零〇一二两三四五六七八九十百千]+';
const UNITS = '个工作日|工作日|个月|个百分点|周岁|小时|万元|亿元|年|月|日|天|岁|元|人|名|倍|周';
const QUANTITY = new RegExp(`(第)?(${NUM})(?=${UNITS})`, 'g');
const PERCENT = new RegExp(`百分之(${NUM})`, 'g');
/** The first number of a range once the second is folded: 一至4年 → 1至4年. */
const RANGE_START = new RegExp(`(${NUM})(?=[至到~-]\\d)`, 'g');

const CJK_CHAR = /[\u3400-\u9fff]/;
/** Characters after which a lone 一 is a quantity (满一年, 每一年, 近一个月, 或一次…). */
const BEFORE_ONE = '满为近每约共足少多过于前后内或和及至到、';

/** Value of a Chinese numeral below 10,000, or null when it is not a well-formed one. */
export function chineseNumeralValue(text: string): number | null {
  let section = 0;
  let digit: number | null = null;
  for (const ch of text) {
    if (ch in DIGITS) {
      if (digit !== null && digit !== 0) return null; // 「五五」 is not a number
      digit = DIGITS[ch]!;
    } else if (ch in SCALES) {
      section += (digit ?? 1) * SCALES[ch]!;
      digit = null;
    } else return null;
  }
  return section + (digit ?? 0);
}

/**
 * `contextFree` folds a lone 一 before a unit wherever it is: use it when comparing a
 * substring with a text (eval gold facts), where the character before it is not known.
 */
export function foldNumerals(norm: string, opts: { contextFree?: boolean } = {}): string {
  if (!/[零〇一二两三四五六七八九十百千]/.test(norm)) return norm;
  const fold = (m: string, n: string) => {
    const v = chineseNumeralValue(n);
    return v === null ? m : String(v);
  };
  // 「5百块」「8千」「3千5」 as people type them: digits with a written scale are one number (500, 8000, 3500).
  const scaled = norm
    .replace(DIGIT_THOUSAND_AND, (_m, n: string, d: string) => String(Math.round(Number(n) * 1000 + Number(d) * 100)))
    .replace(DIGIT_SCALE, (_m, n: string, scale: string) => String(Math.round(Number(n) * SCALES[scale]!)));
  const percent = scaled.replace(PERCENT, (m, n: string) => {
    const v = chineseNumeralValue(n);
    return v === null ? m : `${v}%`;
  });
  return percent
    .replace(QUANTITY, (m, ordinal: string | undefined, n: string, offset: number) => {
      if (ordinal) return m;
      const before = offset > 0 ? percent[offset - 1]! : '';
      // A lone 一 is part of many words (统一年度, 同一人): fold it only after a quantity context.
      if (n === '一' && !opts.contextFree && before && CJK_CHAR.test(before) && !BEFORE_ONE.includes(before)) return m;
      // 「3500一个月」: a figure, then 一个月 — the 一 is not a digit of the figure.
      if (n === '一' && /\d/.test(before)) return m;
      return fold(m, n);
    })
    .replace(RANGE_START, fold);
}

/** 「3千5」: a thousands figure with the hundreds digit after it (colloquial 3500). */
const DIGIT_THOUSAND_AND = /(?<![\d.])(\d+(?:\.\d+)?)千(\d)(?![\d.百十千万亿])/gu;
/** 「5百」「1.5千」: digits with 百 or 千 (before 万/亿 too: 5千万 is 5000万). */
const DIGIT_SCALE = /(?<![\d.])(\d+(?:\.\d+)?)([百千])/gu;
