/**
 * How documents state a sum: money with a unit, a rate or a multiple, and — when a question asks
 * for a sum per period (「一个月能领多少」) — per that period (每月, 元/月, 按月), not a monthly
 * statistic (月平均工资).
 */
/** Laws write sums in Chinese numerals (「处三千元以上三万元以下的罚款」, 「二百元」); a unit after one lone numeral is a name (三元里). */
const MONEY = /\d+(?:\.\d+)?\s*(?:元|万元|亿元|块)|[一二两三四五六七八九十][十百千万][一二两三四五六七八九十百千万]*元/u;
const RATE = /\d+(?:\.\d+)?%|百分之[\d一二三四五六七八九十]+|\d+(?:\.\d+)?倍/u;
/** 「全额补贴用人单位实际缴纳的社会保险费」: all of it answers 「补多少」 as a sum would. */
const FULL = /全额(?:补贴|返还|报销|承担|支付|资助)/u;
/** 「个人不缴费」「免费」「由失业保险基金代为缴纳」: the sum a person pays is nothing — an answer to 「要交多少钱」. */
const NOTHING = /免费|不收取|不收费|无需缴费|个人不缴|不缴纳|不需缴纳|代为缴纳|代缴/u;
/** A question asks for a rate (比例, 利率, 几倍), not only a sum. */
const ASKS_RATE = /比例|百分|利率|利息|倍|费率|几成|%/u;
/** `words`: how documents write the period in a sum (searched, at a low weight, for a question asking per period). */
const PERIODS: Array<{ ask: RegExp; text: RegExp; words: readonly string[] }> = [
  // 「一月领多少」 is per month; 「一月份」 is January.
  { ask: /一个月|1个月|每个月|每月|月薪|按月|月工资|一月(?=[领拿给发能多挣赚交补])/u, text: /每人?每?个?月|\/人?·?月|按月|月标准|人月|元\/月/u, words: ['每月', '每人每月', '按月'] },
  { ask: /一年|1年|每年|年薪|按年/u, text: /每人?每?年|\/人?·?年|按年|全年|每年度|年度[^。；，,]{0,6}?(?:总额|最高|不超过|上限)/u, words: ['每年', '每人每年'] },
  { ask: /一天|1天|每天|日薪|按天/u, text: /每人?每?[日天]|\/人?·?[日天]|按[日天]/u, words: ['每天', '每人每天', '每日'] },
];

/** Words that ask for a figure: the clause holding the last of them (and the one before it) is where a period is asked. */
const ASKS_FIGURE = /多少|几[块万千百个]|怎么算|如何计算|标准|额度|金额|比例/u;

/**
 * The part of a message that asks for the figure: 「网上招聘说月薪8千 … 这种公司会不会被罚 罚多少」 asks
 * for a fine, not for a monthly sum — the 月薪 belongs to the story.
 */
function figureClause(askNorm: string): string {
  const clauses = askNorm.split(/[，,。；;？?！!\s]+/u).filter(Boolean);
  for (let i = clauses.length - 1; i >= 0; i--) if (ASKS_FIGURE.test(clauses[i]!)) return (clauses[i - 1] ?? '') + clauses[i]!;
  return askNorm;
}

/** How documents write the period a question asks a sum for (「一天给多少」 → 每天, 每人每天), or []. */
export function periodWords(askNorm: string): readonly string[] {
  const clause = figureClause(askNorm);
  return PERIODS.find((p) => p.ask.test(clause))?.words ?? [];
}

/** The period a question asks a sum for, if any. */
export function askedPeriod(askNorm: string): RegExp | null {
  const clause = figureClause(askNorm);
  return PERIODS.find((p) => p.ask.test(clause))?.text ?? null;
}

/**
 * Some sentence of the text states the kind of figure the question asks for (per its period): a sum
 * of money, or a rate when the question asks for one — or, with `lenient`, a rate in any case
 * (「交的钱有多少进个人账户？」 is answered by 「8%计入个人账户」) or that the person pays nothing (「个人不缴费」).
 */
export function statesFigure(textNorm: string, askNorm: string, lenient = false): boolean {
  const rate = lenient || ASKS_RATE.test(askNorm);
  const period = askedPeriod(askNorm);
  return textNorm.split(/[。；;\n]/u).some((s) => (lenient && NOTHING.test(s)) || ((MONEY.test(s) || FULL.test(s) || (rate && RATE.test(s))) && (!period || period.test(s))));
}
