import type { Condition, Employment, GraduateWindow, TargetGroup } from './types.ts';
import { findGroups, graduateWindows } from './groups.ts';
import { resolvePlace } from '../text/gazetteer.ts';

/**
 * Conditions of a measure, each quoted with the clause it comes from, so the checker can
 * cite it. Only what a pattern recognises is typed; nothing is inferred beyond the words.
 */

type Cond = Condition;
const CLAUSE_END = /[，,。；;：:]/;

/** The clause around position `at` (between commas/semicolons). */
function clauseAt(text: string, at: number, end = at): string {
  let s = at;
  while (s > 0 && !CLAUSE_END.test(text[s - 1]!)) s--;
  let e = end;
  while (e < text.length && !CLAUSE_END.test(text[e]!)) e++;
  return text.slice(s, e).trim();
}

const num = (s: string | undefined): number | null => {
  if (!s) return null;
  const d: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十二: 12, 二十四: 24, 三十六: 36, 半: 0.5 };
  return d[s] ?? (Number.isFinite(Number(s)) ? Number(s) : null);
};

export function ageCondition(text: string, paragraphId: string): Cond | null {
  // 女性不超过55周岁、男性不超过60周岁 / 男性60周岁以下、女性50周岁以下
  const f = /女(?:性)?[^，,。；;\d]{0,6}?(\d{2})\s*周?岁/.exec(text);
  const m = /男(?:性)?[^，,。；;\d]{0,6}?(\d{2})\s*周?岁/.exec(text);
  // 「男已年满50周岁、女已年满40周岁」「女性50周岁以上、男性60周岁以上」 are minimums by sex: minimumAgeBySex() reads them.
  const minimumBySex = [f, m].some((x) => x && (/(?<!不)满/.test(x[0]) || /^(?:及)?以上/u.test(text.slice(x.index + x[0].length))));
  if (minimumBySex) return null;
  if (f || m) {
    const at = Math.min(f?.index ?? Infinity, m?.index ?? Infinity);
    const end = Math.max(f ? f.index + f[0].length : 0, m ? m.index + m[0].length : 0);
    // 「男性不满50周岁」: under 50, so 49 at most (ages are whole years).
    const max = (x: RegExpExecArray | null) => (x ? num(x[1])! - (/不满/.test(x[0]) ? 1 : 0) : null);
    return { type: 'age', min: null, maxMale: max(m), maxFemale: max(f), text: clauseAt(text, at, end), paragraphId };
  }
  // 16—24岁失业青年 / 年满16周岁
  const range = /(\d{2})\s*[—–\-~至到]\s*(\d{2})\s*周?岁/.exec(text);
  if (range) {
    const max = Number(range[2]);
    return { type: 'age', min: Number(range[1]), maxMale: max, maxFemale: max, text: range[0], paragraphId };
  }
  // 「35周岁以下」「不超过35周岁」「未满35周岁」: a limit for everyone.
  const under = /(?:(?:不超过|未满|不满)\s*(\d{2})\s*周?岁)|(\d{2})\s*周?岁(?:及|\(含\)|（含）)?以下/u.exec(text);
  if (under) {
    const max = under[1] ? Number(under[1]) - (/未满|不满/u.test(under[0]) ? 1 : 0) : Number(under[2]);
    return { type: 'age', min: null, maxMale: max, maxFemale: max, text: clauseAt(text, under.index), paragraphId };
  }
  const min = /年满\s*(\d{2})\s*周岁/.exec(text) ?? /(\d{2})\s*周?岁(?:及|\(含\)|（含）)?以上/u.exec(text);
  if (min) return { type: 'age', min: Number(min[1]), maxMale: null, maxFemale: null, text: clauseAt(text, min.index), paragraphId };
  return null;
}

/**
 * 「男已年满50周岁、女已年满40周岁的」: a minimum age by sex. `min` carries the lower of the two, which holds
 * whatever the sex, so a reader that knows only `min` is never wrong to reject below it.
 */
export function minimumAgeBySex(text: string, paragraphId: string): Cond | null {
  const f = /女(?:性)?[^，,。；;\d]{0,6}?(?<!不)满\s*(\d{2})\s*周?岁/.exec(text) ?? /女(?:性)?[^，,。；;\d]{0,6}?(\d{2})\s*周?岁(?:及)?以上/u.exec(text);
  const m = /男(?:性)?[^，,。；;\d]{0,6}?(?<!不)满\s*(\d{2})\s*周?岁/.exec(text) ?? /男(?:性)?[^，,。；;\d]{0,6}?(\d{2})\s*周?岁(?:及)?以上/u.exec(text);
  if (!f || !m) return null;
  const [minMale, minFemale] = [Number(m[1]), Number(f[1])];
  const at = Math.min(f.index, m.index);
  const end = Math.max(f.index + f[0].length, m.index + m[0].length);
  return { type: 'age', min: Math.min(minMale, minFemale), maxMale: null, maxFemale: null, minMale, minFemale, text: clauseAt(text, at, end), paragraphId };
}

const CN_NUMBER: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十二: 12 };

/**
 * 「首次补贴申请应于办理就业登记之日起1年内」, 「应于证书核发之日起12个月内…提出补贴申请」: the time limit for
 * applying, counted from an event. Only in a sentence about applying (申请/申领/提出), so a condition such as
 * 「获奖之日起两年内…领取营业执照」 is not read as one. The first stated limit wins (the first application's).
 */
export function applicationDeadline(text: string): { text: string; from: string; months: number } | null {
  const re = /([^，,。；;：:]{2,24}?)之日起\s*(\d+|十二|[一两二三四五六七八九十])\s*(个月|年)内/g;
  for (const sentence of text.split(/[。；;\n]/)) {
    if (!/申请|申领|提出/.test(sentence)) continue;
    const m = re.exec(sentence);
    re.lastIndex = 0;
    if (!m) continue;
    const n = CN_NUMBER[m[2]!] ?? Number(m[2]);
    // The event is what follows the last 应于/从/自 (「补贴对象应于首次签订劳动合同」 → 首次签订劳动合同).
    const from = m[1]!.replace(/^.*(?:应于|应当于|须于|从|自)/, '');
    return { text: clauseAt(sentence, m.index, m.index + m[0].length), from, months: m[3] === '年' ? n * 12 : n };
  }
  return null;
}

/**
 * Groups that qualify a head group within one clause: 「低保家庭、零就业家庭、残疾的高校毕业生」 (modifiers, 的, head)
 * is all of the head and any of the modifiers, not any of them all. Only when every group of the measure is
 * in that clause; a list of parallel groups (「高校毕业生、退役军人」) stays alternatives.
 */
function nestedGroups(
  text: string,
  mentions: ReturnType<typeof findGroups>,
  groups: TargetGroup[],
): { head: TargetGroup[]; modifiers: TargetGroup[]; headText: string; modifierText: string; unread: string | null } | null {
  const twice = qualifiedTwice(text, mentions, groups);
  if (twice) return twice;
  const then = qualifiedAfter(text, mentions, groups);
  if (then) return then;
  for (let i = mentions.length - 1; i > 0; i--) {
    const head = mentions[i]!;
    const before = text.slice(0, head.index);
    // The head follows 「…的」 directly (「家庭的高校毕业生」「人员中的」 is the reverse and not read).
    // Or, without 的, a chain of families ending in a qualified head: 「低保家庭、零就业家庭、脱贫家庭和残疾高校毕业生」 (a
    // family is not an applicant of its own next to a person).
    const familyChain = /残疾\s*$/u.test(before);
    if ((!/的\s*$/u.test(before) && !familyChain) || /中的\s*$/u.test(before)) continue;
    const clauseStart = Math.max(before.lastIndexOf('，'), before.lastIndexOf(','), before.lastIndexOf('。'), before.lastIndexOf('；'), before.lastIndexOf('：')) + 1;
    if (familyChain && !mentions.filter((m) => m.index >= clauseStart && m.index < head.index).every((m) => /家庭$|^残疾$/u.test(m.text))) continue;
    const modifiers = mentions.filter((m) => m.index >= clauseStart && m.index < head.index).flatMap((m) => m.groups).filter((g) => !head.groups.includes(g));
    if (!modifiers.length) continue;
    // 「…的高校毕业生，以及残疾高校毕业生…」: more alternatives follow that may not all be read; nesting could
    // then refuse someone the text admits, so the groups stay alternatives.
    const after = text.slice(head.index + head.text.length).split(/[。；;]/u)[0] ?? '';
    if (/^[^。；;]*?(?:以及|或者|或)[^。；;]*?(?:毕业生|人员|家庭|青年|军人|残疾)/u.test(after)) return null;
    const all = new Set([...modifiers, ...head.groups]);
    if (!groups.every((g) => all.has(g))) return null;
    const firstModifier = mentions.find((m) => m.index >= clauseStart)!;
    const heads = head.groups.filter((g) => groups.includes(g));
    const quals = [...new Set(modifiers)].filter((g) => groups.includes(g));
    // 「以灵活就业人员身份参保的高校毕业生」: the qualifier is an employment form (its own condition), not a group.
    if (!heads.length || !quals.length) return null;
    const modifierText = text.slice(firstModifier.index, head.index).replace(/的\s*$/u, '');
    return {
      head: heads,
      modifiers: quals,
      unread: unreadAlternative(modifierText),
      headText: clauseAt(text, firstModifier.index, head.index + head.text.length),
      // The qualifying part alone (「低保家庭、零就业家庭、残疾」), so the two conditions read apart.
      modifierText,
    };
  }
  return null;
}

/**
 * 「对毕业年度内的高校毕业生，同时来自低保家庭、零就业家庭或本人为残疾人之一的」: the head first, then 同时/并且/且 and
 * its qualifiers in the next clause — all of the head and any of the qualifiers.
 */
function qualifiedAfter(text: string, mentions: ReturnType<typeof findGroups>, groups: TargetGroup[]): NonNullable<ReturnType<typeof nestedGroups>> | null {
  for (const head of mentions) {
    const rest = text.slice(head.index + head.text.length);
    const link = /^[^，,。；;]{0,4}[，,]\s*(?:同时|并且|并|且)(?:来自|属于|为|是)?/u.exec(rest);
    if (!link) continue;
    const from = head.index + head.text.length + link[0].length;
    const sentenceEnd = text.slice(from).search(/[。；;]/u);
    const to = sentenceEnd < 0 ? text.length : from + sentenceEnd;
    const quals = mentions.filter((m) => m.index >= from && m.index < to);
    const modifiers = [...new Set(quals.flatMap((m) => m.groups))].filter((g) => groups.includes(g) && !head.groups.includes(g));
    const heads = head.groups.filter((g) => groups.includes(g));
    if (!heads.length || !modifiers.length || !groups.every((g) => heads.includes(g) || modifiers.includes(g))) continue;
    const last = quals[quals.length - 1]!;
    const modifierText = text.slice(quals[0]!.index, last.index + last.text.length);
    return { head: heads, modifiers, headText: clauseAt(text, head.index, head.index + head.text.length), modifierText, unread: unreadAlternative(modifierText) };
  }
  return null;
}

/**
 * 「低保家庭、零就业家庭、脱贫家庭高校毕业生和残疾高校毕业生」: one head written twice in a clause, each time right
 * after its qualifiers (families, 残疾): a graduate (required) who is any one of the qualifiers.
 */
function qualifiedTwice(text: string, mentions: ReturnType<typeof findGroups>, groups: TargetGroup[]): NonNullable<ReturnType<typeof nestedGroups>> | null {
  for (const clause of text.split(/[，,。；;：:\n]/u)) {
    const start = text.indexOf(clause);
    const inClause = mentions.filter((m) => m.index >= start && m.index < start + clause.length);
    const heads = inClause.filter((m) => m.groups.length === 1 && m.groups[0] === '高校毕业生');
    const quals = inClause.filter((m) => !heads.includes(m));
    if (heads.length < 2 || !quals.length || !quals.every((m) => /家庭$|^残疾$/u.test(m.text))) continue;
    if (!heads.every((h) => /(?:家庭|残疾|的)\s*$/u.test(text.slice(start, h.index)))) continue;
    const modifiers = [...new Set(quals.flatMap((m) => m.groups))].filter((g) => groups.includes(g));
    if (!groups.every((g) => g === '高校毕业生' || modifiers.includes(g)) || !modifiers.length || !groups.includes('高校毕业生')) continue;
    return {
      head: ['高校毕业生'],
      modifiers,
      headText: clause.trim(),
      modifierText: quals.map((m) => m.text).join('、'),
      unread: null,
    };
  }
  return null;
}

/**
 * 「低保家庭、脱贫家庭、残疾及获得国家助学贷款」: an item of the alternatives that names no group of the vocabulary
 * (获得国家助学贷款) is still a way in; null when every item is a group.
 */
function unreadAlternative(modifierText: string): string | null {
  for (const item of modifierText.split(/、|以及|或者|及|和|与|或/u)) {
    const t = item.replace(/^(?:属于|为|是|其他)/u, '').trim();
    // 「残疾」 qualifies the head that follows (残疾高校毕业生): a group too.
    if ((t.match(/[\u4e00-\u9fff]/gu) ?? []).length >= 2 && findGroups(t).length === 0 && findGroups(`${t}人员`).length === 0) return t;
  }
  return null;
}

const EMPLOYMENT: Array<[RegExp, Employment]> = [
  [/实现灵活就业|以灵活就业|灵活就业人员身份|灵活就业类型|依托新业态平台/, 'flexible'],
  [/创办|自主创业|创业主体|经营者/, 'self_employed'],
  [/到[^，,。；;]{0,16}用人单位就业|稳定就业满/, 'employed'],
];

export function conditionsOf(
  text: string,
  paragraphId: string,
  opts: { recipient: 'individual' | 'employer'; groups: TargetGroup[]; smallEnterprise?: boolean },
): Cond[] {
  const out: Cond[] = [];
  const groups = opts.groups.filter((g) => g !== '用人单位');
  if (groups.length > 0) {
    // 「离校2年内未就业」 alone (as one alternative of a list) still speaks of a graduate.
    const windows: GraduateWindow[] = groups.includes('高校毕业生') || /离校/u.test(text) ? graduateWindows(text) : [];
    const mentions = findGroups(text);
    const nested = nestedGroups(text, mentions, groups);
    if (nested) {
      // 「低保家庭、残疾的高校毕业生」: a graduate (required) who is also one of the others (any).
      const headWindows = nested.head.includes('高校毕业生') ? windows : [];
      out.push({ type: 'group', groups: nested.head, graduateWindow: headWindows[0] ?? null, graduateWindows: headWindows, text: nested.headText, paragraphId });
      out.push({
        type: 'group',
        groups: nested.modifiers,
        graduateWindow: null,
        graduateWindows: [],
        ...(nested.unread ? { unread: nested.unread } : {}),
        text: nested.modifierText,
        paragraphId,
      });
    } else {
      const first = mentions[0];
      const last = mentions[mentions.length - 1];
      const quoted = first && last ? clauseAt(text, first.index, last.index + last.text.length) : groups.join('、');
      out.push({ type: 'group', groups, graduateWindow: windows[0] ?? null, graduateWindows: windows, text: quoted, paragraphId });
    }
  }

  // 「就业困难人员（含女性年满40周岁、男性年满50周岁的大龄失业人员）」: what a parenthesis includes is an example of
  // the group, not a requirement of its own; the other conditions are read without it.
  const plain = text.replace(/[（(](?:含|包括|包含|如|即|主要是)[^）)]*[）)]/gu, '');
  if (opts.recipient === 'individual') {
    for (const [re, form] of EMPLOYMENT) {
      const m = re.exec(plain);
      if (m) {
        out.push({ type: 'employment', forms: [form], text: clauseAt(plain, m.index), paragraphId });
        break;
      }
    }
  }

  const reg = /(登记就业|就业登记)|(失业登记|登记失业)/.exec(plain);
  // 「城镇登记失业人员、就业困难人员、退役军人…之一」: 登记失业人员 there is one of the groups (the group condition
  // tests it), not a registration everyone must have.
  const groupName = reg !== null && reg[2] !== undefined && /^人员/u.test(plain.slice(reg.index + reg[0].length)) && out.some((c) => c.type === 'group');
  if (reg && !groupName && !/就业失业登记/.test(plain.slice(Math.max(0, reg.index - 2), reg.index + 4))) {
    out.push({ type: 'registration', what: reg[1] ? '就业登记' : '失业登记', text: clauseAt(plain, reg.index), paragraphId });
  }

  const age = ageCondition(plain, paragraphId) ?? minimumAgeBySex(plain, paragraphId);
  if (age) out.push(age);

  const contract = /签订\s*(\d+|一|两|二|三)\s*年以上(?:期限)?(?:的)?劳动合同/.exec(plain);
  if (contract) out.push({ type: 'contract', minYears: num(contract[1])!, text: clauseAt(plain, contract.index), paragraphId });

  const N = '(\\d+|[一二两三四五六七八九十]{1,3}|半)';
  const contrib =
    new RegExp(`缴纳\\s*${N}\\s*个月以上(?:的)?社会保险费`).exec(plain) ??
    new RegExp(`连续\\s*${N}\\s*个月缴纳社会保险费`).exec(plain) ??
    new RegExp(`缴纳[^，,。；;]{0,20}?满\\s*${N}\\s*个月`).exec(plain) ??
    // 「参保满12个月」「连续缴费满6个月」「累计缴费12个月以上」
    new RegExp(`(?:参保|缴费|参加社会保险)(?:时间)?(?:累计|连续)?(?:满|达到)?\\s*${N}\\s*个月(?:以上|及以上)?`).exec(plain);
  const contribMonths = contrib ? num(contrib[1]) : null;
  if (contrib && contribMonths) out.push({ type: 'contributions', minMonths: contribMonths, text: clauseAt(plain, contrib.index), paragraphId });

  // How long the business has existed: 「登记注册3年内」「成立未满3年」; how long it has run: 「登记注册满12个月」
  // 「正常经营6个月以上」「经营满六个月」「持续经营6个月及以上」.
  const regYears = new RegExp(`(?:登记注册|注册登记|注册|成立|创办)(?:未满|不满|不超过)?\\s*${N}\\s*年(?:内|以内)?(?![^，,。；;]{0,3}以上)`).exec(plain);
  const regMonths =
    new RegExp(`登记注册满\\s*${N}\\s*个月`).exec(plain) ??
    // 「取得营业执照满6个月」: how long the business has been registered.
    new RegExp(`营业执照(?:已)?(?:满|达到)\\s*${N}\\s*个月`).exec(plain) ??
    new RegExp(`(?:正常|持续|连续)?(?:经营|运营)(?:满|达到)?\\s*${N}\\s*个月(?:以上|及以上)?`).exec(plain);
  // 「正常经营满1年」: a year of business is twelve months.
  const regYearsRun = regMonths
    ? null
    : (new RegExp(`(?:正常|持续|连续)?(?:经营|运营)(?:满|达到)\\s*${N}\\s*年(?:以上|及以上)?`).exec(plain) ??
      new RegExp(`(?:正常|持续|连续)(?:经营|运营)\\s*${N}\\s*年(?:以上|及以上)`).exec(plain));
  const years = regYears && /年(?:内|以内)|未满|不满|不超过/.test(regYears[0]) ? num(regYears[1]) : null;
  const yearsRun = regYearsRun ? num(regYearsRun[1]) : null;
  const months = regMonths ? num(regMonths[1]) : yearsRun ? yearsRun * 12 : null;
  if (years || months) {
    const at = (years ? regYears : (regMonths ?? regYearsRun))!.index;
    out.push({
      type: 'business_age',
      maxYears: years,
      minMonths: months,
      text: clauseAt(plain, at),
      paragraphId,
    });
  }

  const small = /小微企业/.exec(plain);
  // 「注册个体工商户或小微企业」: a person founding either — the size is one of two ways in, not a requirement.
  const eitherForm = opts.recipient === 'individual' && /个体工商户[^，,。；;]{0,3}(?:或|或者|、)小微企业|小微企业[^，,。；;]{0,3}(?:或|或者|、)个体工商户/u.test(plain);
  if (small && !eitherForm && (opts.smallEnterprise ?? opts.groups.includes('小微企业'))) out.push({ type: 'enterprise_size', size: '小微企业', text: clauseAt(plain, small.index), paragraphId });

  // 「正常经营满1年且带动1人以上就业」「并吸纳1人以上就业的」: a hire required alongside the other conditions (a bare
  // 「带动就业5人及以上的，贷款额度最高50万元」 sets a higher amount, not who may apply).
  const staff =
    /不少于\s*(\d+)\s*名员工/.exec(plain) ?? /(?:且|并|同时)\s*(?:带动|吸纳)\s*(\d+)\s*(?:人|名)(?:以上|及以上)?(?:人员)?就业/.exec(plain);
  if (staff && opts.recipient === 'individual') {
    out.push({ type: 'employees', min: Number(staff[1]), text: clauseAt(plain, staff.index), paragraphId });
  }

  const region = /(?:具有|在)((?:广东|山东|北京|[\u4e00-\u9fff]{2,3})省?(?:[\u4e00-\u9fff]{2,3}市)?)(?:户籍|内?创办|就业的|参保)/.exec(plain) ?? /到(粤东粤西粤北地区)/.exec(plain);
  // Only a place of the gazetteer: 「在本市创办」「在就业地参保」 are the document's own region, which the checker tests already.
  if (region && (region[1] === '粤东粤西粤北地区' || resolvePlace(region[1]!))) out.push({ type: 'region', region: region[1]!, text: clauseAt(plain, region.index), paragraphId });

  return out;
}
