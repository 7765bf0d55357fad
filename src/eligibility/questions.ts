import { PLACES } from '../text/gazetteer.ts';
import type { Employment, Measure, TargetGroup } from '../measures/types.ts';
import { TARGET_GROUPS } from '../measures/types.ts';
import { OTHER_REGION, OTHER_SUB, regionRefinable, type Profile } from './profile.ts';
import { evaluateMeasure } from './evaluate.ts';

/**
 * The next question: of the facts the profile lacks, the one whose answer would settle the
 * most `unknown` verdicts. Each candidate field is tried with each of its options (a what-if
 * run of the checker); a measure counts by the share of options that settle it. Ties go to
 * the earlier field in FIELD_ORDER, so the choice is deterministic.
 */
export type QuestionField =
  | 'region'
  | 'employment'
  | 'identities'
  | 'graduationDate'
  | 'hiring'
  | 'businessRegisteredDate'
  | 'employees'
  | 'age'
  | 'sex'
  | 'contractYears'
  | 'contributionMonths';

export type OptionValue = string | number | string[];

export interface QuestionOption {
  label: string;
  /** The value to set for `field` (identities/hiring: the whole list). */
  value: OptionValue;
}

export interface NextQuestion {
  field: QuestionField;
  prompt: string;
  options: QuestionOption[];
}

export const FIELD_ORDER: readonly QuestionField[] = [
  'region',
  'employment',
  'identities',
  'graduationDate',
  'hiring',
  'businessRegisteredDate',
  'employees',
  'age',
  'sex',
  'contractYears',
  'contributionMonths',
];

export const PROMPTS: Record<QuestionField, string> = {
  region: '您在哪个地区？（可以直接回复，例如「广州市」「青岛市城阳区」）',
  employment: '您现在的就业状态是？',
  identities: '您属于以下哪类人群？（属于多类时回复多个序号或名称，例如「1 3」或「高校毕业生 残疾人」）',
  graduationDate: '您是哪一年从高校毕业（离校）的？也可以直接回复年月，例如 2025-06。',
  hiring: '您招用（或准备招用）的是哪类人员？',
  businessRegisteredDate: '您的企业（或个体户）登记注册多久了？',
  employees: '您的企业有几名缴纳社保的员工（不含您本人）？',
  age: '您今年多大？也可以直接回复数字。',
  sex: '您的性别是？',
  contractYears: '劳动合同签了多长时间？',
  contributionMonths: '社会保险费已经连续缴纳多少个月了？',
};

export const EMPLOYMENT_OPTIONS: Array<{ label: string; value: Employment }> = [
  { label: '失业/未就业', value: 'unemployed' },
  { label: '灵活就业（打零工、平台接单）', value: 'flexible' },
  { label: '在单位上班', value: 'employed' },
  { label: '自己创业（个体户、开公司）', value: 'self_employed' },
  { label: '企业主/代表用人单位', value: 'employer' },
];

/** Groups a person is asked about directly (the rest follow from other answers: dates, employment, age, sex). */
const ASKED_GROUPS: ReadonlySet<TargetGroup> = new Set([
  '在校大学生',
  '就业困难人员',
  '登记失业人员',
  '退役军人',
  '农民工',
  '脱贫人口',
  '残疾人',
  '低保家庭',
  '零就业家庭',
  '特困人员',
  '小微企业',
]);
const ORG = new Set<TargetGroup>(['小微企业', '用人单位']);
const MAX_OPTIONS = 8;

function ym(today: string, monthsBack: number): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) - monthsBack;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

function groupsIn(measures: Measure[], pick: (m: Measure, g: TargetGroup) => boolean): TargetGroup[] {
  const seen = new Set<TargetGroup>();
  for (const m of measures) {
    for (const c of m.conditions) if (c.type === 'group') for (const g of c.groups) if (pick(m, g)) seen.add(g);
    if (m.conditions.some((c) => c.type === 'registration' && c.what === '失业登记') && m.recipient === 'individual') seen.add('登记失业人员');
    if (m.conditions.some((c) => c.type === 'enterprise_size')) seen.add('小微企业');
  }
  return TARGET_GROUPS.filter((g) => seen.has(g));
}

/** The options of a field for this profile (values are what the what-if run tries). */
export function optionsFor(field: QuestionField, p: Profile, unknown: Measure[]): QuestionOption[] {
  const year = Number(p.today.slice(0, 4));
  switch (field) {
    case 'region': {
      const regions = [...new Set(unknown.map((m) => m.region).filter((r): r is string => !!r && r !== '全国' && PLACES.has(r)))];
      const inside = p.region ? regions.filter((r) => r !== p.region) : regions;
      inside.sort((a, b) => (PLACES.get(a)!.level - PLACES.get(b)!.level) || (a < b ? -1 : a > b ? 1 : 0));
      const opts: QuestionOption[] = inside.slice(0, MAX_OPTIONS - 1).map((r) => ({ label: r, value: r }));
      opts.push(p.region ? { label: `${p.region}的其他区县`, value: `${p.region}${OTHER_SUB}` } : { label: '其他地区', value: OTHER_REGION });
      return opts;
    }
    case 'employment':
      return EMPLOYMENT_OPTIONS.map((o) => ({ ...o }));
    case 'identities': {
      const employer = p.employment === 'employer';
      // 高校毕业生 is offered only while nothing else tells it (a graduation date does).
      const askGraduate = !p.graduationDate;
      const asked = (g: TargetGroup) => ASKED_GROUPS.has(g) || (g === '高校毕业生' && askGraduate);
      const cands = groupsIn(unknown, (m, g) => asked(g) && !p.identities.includes(g) && (m.recipient === 'individual' || ORG.has(g)) && (employer || !ORG.has(g)));
      const opts: QuestionOption[] = cands.slice(0, MAX_OPTIONS - 1).map((g) => ({ label: g, value: [...p.identities, g] }));
      opts.push({ label: '以上都不是', value: [...p.identities] });
      return opts;
    }
    case 'hiring': {
      const cands = groupsIn(unknown, (m, g) => m.recipient === 'employer' && !ORG.has(g));
      const opts: QuestionOption[] = cands.slice(0, MAX_OPTIONS - 1).map((g) => ({ label: g, value: [g] }));
      opts.push({ label: '以上都不是', value: [] });
      return opts;
    }
    case 'graduationDate': {
      const opts: QuestionOption[] = [];
      for (let y = year; y > year - 6; y--) opts.push({ label: y === year ? `今年（${y}年）` : `${y}年`, value: `${y}-07` });
      opts.push({ label: `${year - 6}年或更早`, value: `${year - 10}-07` });
      return opts;
    }
    case 'businessRegisteredDate':
      return [
        { label: '不到1年', value: ym(p.today, 6) },
        { label: '1–2年', value: ym(p.today, 18) },
        { label: '2–3年', value: ym(p.today, 30) },
        { label: '3–5年', value: ym(p.today, 48) },
        { label: '5年以上', value: ym(p.today, 72) },
      ];
    case 'employees':
      return [
        { label: '没有', value: 0 },
        { label: '1–3人', value: 2 },
        { label: '4–9人', value: 6 },
        { label: '10人以上', value: 10 },
      ];
    case 'age':
      return [
        { label: '16–24岁', value: 22 },
        { label: '25–35岁', value: 30 },
        { label: '36–40岁', value: 38 },
        { label: '41–45岁', value: 43 },
        { label: '46–50岁', value: 48 },
        { label: '51–55岁', value: 53 },
        { label: '56–60岁', value: 58 },
        { label: '60岁以上', value: 62 },
      ];
    case 'sex':
      return [
        { label: '男', value: 'male' },
        { label: '女', value: 'female' },
      ];
    case 'contractYears':
      return [
        { label: '没有劳动合同', value: 0 },
        { label: '不到1年', value: 0.5 },
        { label: '1–2年', value: 1 },
        { label: '2–3年', value: 2 },
        { label: '3年以上', value: 3 },
      ];
    case 'contributionMonths':
      return [
        { label: '不到3个月', value: 1 },
        { label: '3–5个月', value: 3 },
        { label: '6–11个月', value: 6 },
        { label: '12个月以上', value: 12 },
      ];
  }
}

/** Whether a field is still open (a question about it could add information). */
export function fieldOpen(field: QuestionField, p: Profile): boolean {
  switch (field) {
    case 'region':
      return p.region === null || regionRefinable(p.region);
    case 'identities':
      return !p.identitiesComplete;
    default:
      return p[field] === null;
  }
}

/** The profile with one answer applied. */
export function withAnswer(p: Profile, field: QuestionField, value: OptionValue): Profile {
  switch (field) {
    case 'identities':
      return { ...p, identities: [...(value as TargetGroup[])], identitiesComplete: true };
    case 'hiring':
      return { ...p, hiring: [...(value as TargetGroup[])] };
    default:
      return { ...p, [field]: value } as Profile;
  }
}

function unknownCount(m: Measure, p: Profile): number {
  return evaluateMeasure(m, p).conditions.filter((c) => c.status === 'unknown').length;
}

export function nextQuestion(unknown: Measure[], p: Profile, skip: readonly QuestionField[] = []): NextQuestion | null {
  if (unknown.length === 0) return null;
  let best: { field: QuestionField; options: QuestionOption[]; score: number } | null = null;
  for (const field of FIELD_ORDER) {
    if (!fieldOpen(field, p) || skip.includes(field)) continue;
    const options = optionsFor(field, p, unknown);
    if (options.length < 2) continue;
    let score = 0;
    for (const m of unknown) {
      const before = unknownCount(m, p);
      let settled = 0;
      let resolved = 0;
      for (const o of options) {
        const r = evaluateMeasure(m, withAnswer(p, field, o.value));
        if (r.status !== 'unknown') settled++;
        resolved += before - r.conditions.filter((c) => c.status === 'unknown').length;
      }
      // Settling a verdict counts most; resolving a condition of a verdict that stays open
      // counts a little, so a measure needing two answers still gets its first question.
      score += settled / options.length + (0.01 * resolved) / options.length;
    }
    // Strictly greater: on a tie the earlier field wins.
    if (score > 1e-9 && (!best || score > best.score + 1e-9)) best = { field, options, score };
  }
  return best ? { field: best.field, prompt: PROMPTS[best.field], options: best.options } : null;
}
