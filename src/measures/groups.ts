import type { GraduateWindow, TargetGroup } from './types.ts';

/**
 * Target groups as documents write them → the one vocabulary (TARGET_GROUPS).
 * Longer phrases are matched first and masked, so 大学生士兵 is not also read as 大学生,
 * 就业困难残疾人 gives both 就业困难人员 and 残疾人, and 在校大学生 is not 高校毕业生.
 */
const LEXICON: Array<[RegExp, TargetGroup[]]> = [
  [/退役大学生士兵|大学生士兵|退役军人|退役士兵/g, ['退役军人']],
  [/就业困难残疾人/g, ['就业困难人员', '残疾人']],
  // 「普通高等学校、中等职业学校、技工院校学生（在校及毕业5年内）」: students and recent graduates alike.
  [/(?:学校|院校)学生[（(]在校及毕业/g, ['在校大学生', '高校毕业生']],
  [/在校大学生|在校生|在校学生/g, ['在校大学生']],
  [/毕业学年学生|高校毕业生|大学毕业生|毕业生/g, ['高校毕业生']],
  // 「登记失业的16—24岁青年」「16—24岁青年」: young people by an age band are the 失业青年 of the policies.
  [/失业青年|(?:登记失业的\s*)?\d{2}\s*[—–\-~至到]\s*\d{2}\s*周?岁(?:的)?(?:登记失业|失业)?青年/g, ['失业青年']],
  [/就业困难人员/g, ['就业困难人员']],
  [/登记失业人员|登记失业/g, ['登记失业人员']],
  [/农民工|工友|农村劳动力/g, ['农民工']],
  // 建档立卡贫困户 is what 脱贫人口 were called before 2021 (18 p64: 建档立卡贫困户家庭成员).
  [/脱贫人口|脱贫劳动力|脱贫家庭|建档立卡贫困(?:户|人口|劳动力)/g, ['脱贫人口']],
  // 「残疾高校毕业生」「低保家庭、残疾及…的高校毕业生」: 残疾 as a qualifier of a person is a disabled person.
  [/持证残疾人|残疾人|残疾(?=□|高校毕业生|毕业生|青年|职工|人员|及|的|、)/g, ['残疾人']],
  [/灵活就业/g, ['灵活就业人员']],
  [/新就业形态|新业态/g, ['新就业形态']],
  [/低保家庭|低保对象|低保/g, ['低保家庭']],
  [/零就业家庭/g, ['零就业家庭']],
  [/特困人员/g, ['特困人员']],
  [/妇女/g, ['妇女']],
  // 创办企业培训 (SYB) is a course name, not someone founding a business.
  [/创业者|创业(?:成功)?人员|自主创业|创业项目|创办(?!企业培训)/g, ['创业者']],
  [/小微企业/g, ['小微企业']],
];

/** A group named only as the yardstick of another's treatment (享受在基层工作高校毕业生同等政策待遇) is not a target. */
function isYardstick(text: string, start: number, end: number): boolean {
  return /^同等/.test(text.slice(end)) && /享受[^，,。；;]{0,10}$/.test(text.slice(Math.max(0, start - 12), start));
}

/** 小微企业 founded by the claimant (创办…小微企业) describes the business, not who receives the measure. */
function isFoundedBusiness(text: string, start: number): boolean {
  return /创办[^，,。；;]{0,16}$/.test(text.slice(Math.max(0, start - 18), start));
}

export interface GroupMention {
  groups: TargetGroup[];
  text: string;
  index: number;
}

export function findGroups(text: string): GroupMention[] {
  const mask = text.split('');
  const out: GroupMention[] = [];
  for (const [re, groups] of LEXICON) {
    for (const m of mask.join('').matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      for (let i = start; i < end; i++) mask[i] = '□';
      if (isYardstick(text, start, end)) continue;
      // 「在…企业就业、自主创业、落户…方面享受…」: a field of treatment in an enumeration, not who is targeted.
      if (m[0] === '自主创业' && (text[start - 1] === '、' || text[end] === '、')) continue;
      out.push({ groups, text: m[0], index: start });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * The groups a measure targets, from its text. `recipient` decides two conventions:
 * an employer measure lists 小微企业 even where the enterprise is founded by the claimant,
 * and a measure for any employer (no 小微企业, not paid to a training body) lists 用人单位.
 */
export function groupsOf(text: string, recipient: 'individual' | 'employer'): TargetGroup[] {
  const set = new Set<TargetGroup>();
  for (const m of findGroups(text)) {
    if (m.groups.includes('小微企业') && recipient === 'individual' && isFoundedBusiness(text, m.index)) continue;
    for (const g of m.groups) set.add(g);
  }
  if (recipient === 'employer' && !set.has('小微企业') && !/承训单位|培训机构|承办机构/.test(text)) set.add('用人单位');
  return [...set];
}

const CN_DIGITS: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const num = (s: string): number => CN_DIGITS[s] ?? Number(s);

/**
 * Graduate time windows: 毕业年度, 离校2年内(未就业), 毕业2年内, 毕业5年内. The text in front of
 * 高校毕业生 is what qualifies it (毕业年度高校毕业生、离校2年内未就业高校毕业生).
 */
export function graduateWindows(text: string): GraduateWindow[] {
  const out: GraduateWindow[] = [];
  const key = (w: GraduateWindow) => `${w.kind}:${w.years}:${w.unemployedSinceLeaving}`;
  const seen = new Set<string>();
  const push = (w: GraduateWindow) => {
    if (seen.has(key(w))) return;
    seen.add(key(w));
    out.push(w);
  };
  const re = /(毕业年度|毕业学年)|(?:离校|毕业)\s*([0-9一两二三四五六])\s*年内(未就业)?/g;
  for (const m of text.matchAll(re)) {
    if (m[1]) push({ kind: 'graduation_year', years: null, unemployedSinceLeaving: false });
    else push({ kind: 'years', years: num(m[2]!), unemployedSinceLeaving: Boolean(m[3]) });
  }
  return out;
}

/** 「毕业年度」, 「离校2年内未就业」, 「毕业5年内」 — how a window is written, for display and tests. */
export function describeWindow(w: GraduateWindow): string {
  if (w.kind === 'graduation_year') return '毕业年度';
  return `${w.unemployedSinceLeaving ? '离校' : '毕业'}${w.years}年内${w.unemployedSinceLeaving ? '未就业' : ''}`;
}
