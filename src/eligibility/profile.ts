import { z } from 'zod';
import { PolicybotError } from '../errors.ts';
import { lineage, resolvePlace } from '../text/gazetteer.ts';
import { TARGET_GROUPS, type Employment, type TargetGroup } from '../measures/types.ts';

/**
 * Who is asking: the facts a measure's conditions are checked against. Every field may be
 * missing; a missing fact makes the conditions that need it `unknown`, never `not_met`.
 *
 * `identities` is closed-world when given: a profile that says `["高校毕业生"]` is not
 * 就业困难人员. When it is absent (or `identitiesComplete` is false, as in a dialogue that
 * has only picked up hints), groups not listed stay unknown.
 */
export interface Profile {
  /** Canonical gazetteer name (青岛市城阳区), or a name marked as "elsewhere" (see OTHER_REGION). */
  region: string | null;
  identities: TargetGroup[];
  identitiesComplete: boolean;
  /** YYYY-MM: when the person graduated (or will graduate) from 高校. */
  graduationDate: string | null;
  employment: Employment | null;
  /** YYYY-MM: when the person's business was registered. */
  businessRegisteredDate: string | null;
  employees: number | null;
  age: number | null;
  sex: 'male' | 'female' | null;
  /** For an employer: the groups of the people it hires (conditions on the hire are checked against these). */
  hiring: TargetGroup[] | null;
  /** Length of the labour contract in years (one's own, or the one an employer signs with the hire). */
  contractYears: number | null;
  /** Months of social-insurance contributions paid (one's own, or for the hire). */
  contributionMonths: number | null;
  /** YYYY-MM-DD: the date time windows and validity are computed against. */
  today: string;
}

/** The region value for "none of the places listed": only national measures apply. */
export const OTHER_REGION = '其他地区';
/** Suffix for "inside this place, but not in any of its sub-regions listed". */
export const OTHER_SUB = '（其他区县）';

const YM = /^(\d{4})-(0[1-9]|1[0-2])$/;
const YMD = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const EMPLOYMENT_ALIASES: Record<string, Employment> = {
  unemployed: 'unemployed',
  失业: 'unemployed',
  未就业: 'unemployed',
  flexible: 'flexible',
  灵活就业: 'flexible',
  employed: 'employed',
  在职: 'employed',
  已就业: 'employed',
  self_employed: 'self_employed',
  创业: 'self_employed',
  自主创业: 'self_employed',
  employer: 'employer',
  企业主: 'employer',
  用人单位: 'employer',
};

const SEX_ALIASES: Record<string, 'male' | 'female'> = { male: 'male', m: 'male', 男: 'male', 男性: 'male', female: 'female', f: 'female', 女: 'female', 女性: 'female' };

const groupList = z.array(z.string().trim()).max(30);

/** The JSON a caller sends (CLI file, POST /api/check, a dialogue's stored answers). */
export const ProfileInputSchema = z
  .object({
    region: z.string().trim().min(1).max(40).nullish(),
    identities: groupList.nullish(),
    identitiesComplete: z.boolean().optional(),
    graduationDate: z.string().trim().nullish(),
    employment: z.string().trim().nullish(),
    businessRegisteredDate: z.string().trim().nullish(),
    employees: z.number().int().min(0).max(1_000_000).nullish(),
    age: z.number().int().min(0).max(120).nullish(),
    sex: z.string().trim().nullish(),
    hiring: groupList.nullish(),
    contractYears: z.number().min(0).max(100).nullish(),
    contributionMonths: z.number().int().min(0).max(1200).nullish(),
    today: z.string().trim().nullish(),
  })
  .strict();
export type ProfileInput = z.infer<typeof ProfileInputSchema>;

const FIELD_NAMES: Record<string, string> = {
  region: '地区 region',
  identities: '身份 identities',
  graduationDate: '毕业时间 graduationDate',
  employment: '就业状态 employment',
  businessRegisteredDate: '创业登记时间 businessRegisteredDate',
  employees: '员工人数 employees',
  age: '年龄 age',
  sex: '性别 sex',
  hiring: '招用人员 hiring',
  contractYears: '劳动合同年限 contractYears',
  contributionMonths: '社保缴费月数 contributionMonths',
  today: '日期 today',
};

function bad(message: string, userMessage: string): never {
  throw new PolicybotError('E_BAD_INPUT', message, { userMessage: `个人情况填写有误：${userMessage}` });
}

/**
 * A profile's region: a place as people write it (resolvePlace), or an "elsewhere" marker
 * (其他地区, 「广州市以外」); null when it is not a place we know.
 */
export function resolveUserRegion(text: string): string | null {
  const t = text.trim();
  if (t === OTHER_REGION || t === '其他' || t === '外地') return OTHER_REGION;
  if (t.endsWith(OTHER_SUB)) {
    const base = resolveUserRegion(t.slice(0, -OTHER_SUB.length));
    return base && base !== OTHER_REGION ? `${base}${OTHER_SUB}` : null;
  }
  return resolvePlace(t);
}

/** The places a user region lies in, itself first; "elsewhere" markers count as their base place (or 全国). */
export function userLineage(region: string): string[] {
  if (region === OTHER_REGION) return ['全国'];
  if (region.endsWith(OTHER_SUB)) return lineage(region.slice(0, -OTHER_SUB.length));
  return lineage(region);
}

/** Whether the user's region is exact enough that a measure for a sub-region might still apply. */
export function regionRefinable(region: string): boolean {
  return region !== OTHER_REGION && !region.endsWith(OTHER_SUB);
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Validates profile JSON and normalises it. `today` is the caller's clock (config.today()),
 * used when the profile does not pin a date. Errors are E_BAD_INPUT with a Chinese message
 * naming the field.
 */
export function parseProfile(input: unknown, today: Date): Profile {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    bad('profile must be a JSON object', '请提交一个 JSON 对象，例如 {"region":"广州市","identities":["高校毕业生"],"graduationDate":"2025-06"}。');
  }
  const parsed = ProfileInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join('、');
      bad(`unknown profile fields: ${issue.keys.join(', ')}`, `不认识的字段「${keys}」。可用字段：${Object.keys(FIELD_NAMES).join('、')}。`);
    }
    const field = String(issue.path[0] ?? 'profile');
    bad(`invalid profile field ${field}: ${issue.message}`, `「${FIELD_NAMES[field] ?? field}」的格式不对（${issue.message}）。`);
  }
  return normaliseProfile(parsed.data, today);
}

function groups(field: 'identities' | 'hiring', list: string[]): TargetGroup[] {
  const out: TargetGroup[] = [];
  for (const g of list) {
    if (!(TARGET_GROUPS as readonly string[]).includes(g)) {
      bad(`unknown target group in ${field}: ${g}`, `「${FIELD_NAMES[field]}」里的「${g.slice(0, 20)}」不是可识别的人群。可选：${TARGET_GROUPS.join('、')}。`);
    }
    if (!out.includes(g as TargetGroup)) out.push(g as TargetGroup);
  }
  return out;
}

function yearMonth(field: string, v: string | null | undefined): string | null {
  if (v == null || v === '') return null;
  // 2025-6 and 2025/06 are common; 2025-06-30 keeps its month.
  const m = /^(\d{4})[-/.年](\d{1,2})(?:[-/.月]\d{1,2}日?|月)?$/.exec(v);
  const ym = m ? `${m[1]}-${m[2]!.padStart(2, '0')}` : v;
  if (!YM.test(ym)) bad(`${field} must be YYYY-MM, got ${v.slice(0, 20)}`, `「${FIELD_NAMES[field]}」请写成「年-月」，例如 2025-06。`);
  return ym;
}

function normaliseProfile(p: ProfileInput, clock: Date): Profile {
  let region: string | null = null;
  if (p.region) {
    region = resolveUserRegion(p.region);
    if (!region) bad(`unknown region ${p.region.slice(0, 40)}`, `没有找到地区「${p.region.slice(0, 20)}」，请写成「广州市」「青岛市城阳区」「广东省」这样的名称。`);
  }
  let employment: Employment | null = null;
  if (p.employment) {
    employment = EMPLOYMENT_ALIASES[p.employment] ?? null;
    if (!employment) {
      bad(`unknown employment ${p.employment.slice(0, 20)}`, '「就业状态 employment」应为 unemployed（失业）、flexible（灵活就业）、employed（在职）、self_employed（自己创业）或 employer（企业主/用人单位）之一。');
    }
  }
  let sex: 'male' | 'female' | null = null;
  if (p.sex) {
    sex = SEX_ALIASES[p.sex.toLowerCase()] ?? null;
    if (!sex) bad(`unknown sex ${p.sex.slice(0, 10)}`, '「性别 sex」应为 male（男）或 female（女）。');
  }
  let today = isoDate(clock);
  if (p.today) {
    if (!YMD.test(p.today) || Number.isNaN(Date.parse(`${p.today}T00:00:00Z`))) bad(`today must be YYYY-MM-DD, got ${p.today.slice(0, 20)}`, '「日期 today」请写成「年-月-日」，例如 2026-03-01。');
    today = p.today;
  }
  const identities = groups('identities', p.identities ?? []);
  return {
    region,
    identities,
    identitiesComplete: p.identities != null && (p.identitiesComplete ?? true),
    graduationDate: yearMonth('graduationDate', p.graduationDate),
    employment,
    businessRegisteredDate: yearMonth('businessRegisteredDate', p.businessRegisteredDate),
    employees: p.employees ?? null,
    age: p.age ?? null,
    sex,
    hiring: p.hiring == null ? null : groups('hiring', p.hiring),
    contractYears: p.contractYears ?? null,
    contributionMonths: p.contributionMonths ?? null,
    today,
  };
}

