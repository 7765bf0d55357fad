import type { Amount } from './types.ts';

/**
 * Benefit amounts in a span of text: 每人每月300元, 最高30万元, 按实际利率的50%给予贴息,
 * 最高不超过其本人实际缴费额的2/3, 全额补贴…社会保险费. Only amounts of the benefit itself:
 * minimums a claimant must meet (不低于当地最低工资80%) and percentages outside a money
 * context (就业率达到55%, 人数的15%) are conditions or targets, not amounts.
 */

const MONEY = /(\d+(?:\.\d+)?)\s*(万元|元)/g;
const PERCENT = /(\d+(?:\.\d+)?)\s*[%％]/g;
const FRACTION = /的\s*(\d+)\s*\/\s*(\d+)/g;
/** Words that make a percentage an amount of money (rate, interest subsidy, subsidy, contributions, credit line). */
const PERCENT_CONTEXT = /利率|贴息|补贴|缴费|额度|之和|贷款|返还|保险费|最低工资/;
/** 「裁员率不高于5.5%」「留用率达到50%以上」: a rate the claimant must reach is a condition, not the benefit. */
const RATE_THRESHOLD = /率\s*(?:达到|不低于|不高于|低于|高于|超过|在|为)?\s*$/;
const MINIMUM = /(不低于|不少于|最低|以上)\s*$/;
const CAP = /(最高|不超过|不高于|上限|至多|最多)/;
const FULL = /全额补贴[^，,。；;]{0,12}?(?:实际缴纳的)?社会保险费/g;

function per(before: string, name: string): Amount['per'] {
  const out: Amount['per'] = [];
  if (/每(?:人|名|招用\s*\d*\s*人|增加\s*\d*\s*人)/.test(before)) out.push('person');
  if (/每月|按月/.test(before)) out.push('month');
  if (/每年|年度/.test(before)) out.push('year');
  if (/一次性/.test(before) || /一次性/.test(name)) out.push('once');
  return out;
}

/** The clause (between separators) that ends at `end`, trimmed to a readable amount phrase. */
function phrase(text: string, start: number, end: number): string {
  let s = start;
  while (s > 0 && start - s < 24 && !/[，,。；;：:（(]/.test(text[s - 1]!)) s--;
  // A clause cut by the length limit says so (「…条件的地市可适当提高」 would read as a whole one).
  const cut = s > 0 && !/[，,。；;：:（(]/.test(text[s - 1]!);
  // 「（一）一次性吸纳就业补贴按每招用1人…」: the clause starts after its list marker.
  return `${cut ? '…' : ''}${text.slice(s, end).trim().replace(/^[一二三四五六七八九十\d]{1,3}[）)]\s*/u, '')}`;
}

/** 「例如，某企业招用3人，可获补贴4500元。」: a worked example inside a paragraph explains an amount, it is not one. */
export const EXAMPLE_SENTENCE = /^\s*(?:例如|比如|譬如|举例|如某|例[:：]|以[^，,。；;]{1,16}为例)/u;

export function parseAmounts(text: string, name = ''): Amount[] {
  text = text
    .split(/(?<=[。；;\n])/u)
    .filter((sentence) => !EXAMPLE_SENTENCE.test(sentence))
    .join('');
  const found: Array<Amount & { at: number }> = [];
  const add = (at: number, a: Amount) => found.push({ ...a, at });

  for (const m of text.matchAll(MONEY)) {
    const at = m.index;
    const before = text.slice(Math.max(0, at - 14), at);
    if (MINIMUM.test(before.slice(-4))) continue;
    // 「10万元以下小额消费贷款」: a threshold describing something else, not the benefit's amount.
    if (/^(?:及)?以[下上]/.test(text.slice(at + m[0].length))) continue;
    // 每人每月… is read within the amount's own clause (「每月3600元，每人每年1000元」).
    const own = before.slice(Math.max(0, ...[...'，,。；;'].map((c) => before.lastIndexOf(c) + 1)));
    add(at, {
      text: phrase(text, at, at + m[0].length),
      value: Number(m[1]),
      unit: m[2] as '元' | '万元',
      per: per(own, name),
      isCap: CAP.test(before.slice(-10)),
    });
  }
  for (const m of text.matchAll(PERCENT)) {
    const at = m.index;
    const window = text.slice(Math.max(0, at - 12), at + m[0].length + 10);
    const before = text.slice(Math.max(0, at - 14), at);
    // 「裁员率不高于参保职工总数的20%」: a rate bounded in the percentage's own clause is a condition too.
    const clause = before.slice(Math.max(0, ...[...'，,。；;：:'].map((c) => before.lastIndexOf(c) + 1)));
    // 「按不低于当地最低工资80%的标准支付」: a floor the payer must meet, however far the 不低于 is in its clause.
    if (!PERCENT_CONTEXT.test(window) || MINIMUM.test(before.slice(-4)) || /(?:不低于|不少于|不得低于)[^，,。；;]{0,12}$/u.test(before) || RATE_THRESHOLD.test(before) || /率\s*(?:达到|不低于|不高于|低于|高于|超过|不超过)/u.test(clause)) continue;
    // A percentage bounding a rate ("LPR+50BP") is written with BP, never %; a bare % here is the benefit.
    // 「不超过4%的优惠贷款利率」: the rest of a short clause says what the percentage is of.
    const rest = /^[^，,。；;\n]{0,12}/.exec(text.slice(at + m[0].length))![0];
    const end = at + m[0].length + (/利率|贴息|缴费/.test(rest) ? rest.length : 0);
    add(at, { text: phrase(text, at, end), value: Number(m[1]), unit: '%', per: [], isCap: CAP.test(before.slice(-12)) });
  }
  for (const m of text.matchAll(FRACTION)) {
    const at = m.index;
    const [num, den] = [Number(m[1]), Number(m[2])];
    if (!den || num >= den) continue;
    const before = text.slice(Math.max(0, at - 16), at);
    if (!/缴费|补贴|工资|费/.test(before)) continue;
    add(at, { text: phrase(text, at, at + m[0].length), value: Math.round((num / den) * 10000) / 100, unit: '%', per: [], isCap: CAP.test(before) });
  }
  for (const m of text.matchAll(FULL)) {
    add(m.index, { text: m[0], value: 100, unit: '%', per: [], isCap: false });
  }
  found.sort((a, b) => a.at - b.at);
  // The same value stated twice (额度上限（30万元）repeats 最高30万元) is one amount.
  const seen = new Set<string>();
  const out: Amount[] = [];
  for (const f of found) {
    const a: Amount = { text: f.text, value: f.value, unit: f.unit, per: f.per, isCap: f.isCap };
    const key = `${amountInYuan(a) ?? a.text}|${a.unit === '%' ? '%' : '元'}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}

/** Money in yuan (万元 × 10 000); percentages as they are; null without a value. */
export function amountInYuan(a: Pick<Amount, 'value' | 'unit'>): number | null {
  if (a.value === null) return null;
  return a.unit === '万元' ? a.value * 10000 : a.value;
}

