import type { Condition, GraduateWindow, Measure, TargetGroup } from '../measures/types.ts';
import { lineage } from '../text/gazetteer.ts';
import { regionRefinable, userLineage, type Profile } from './profile.ts';

/**
 * Tests one condition of a measure against a profile. Pure: the same profile and condition
 * always give the same status. A fact the profile does not state makes the condition
 * `unknown`, never `not_met`.
 */
export type ConditionStatus = 'met' | 'not_met' | 'unknown';

/**
 * Requirements inside a target-group clause that no profile field states: a programme the person
 * must be in (quoted names such as “三支一扶”), training, a certificate, passing an assessment,
 * completing a service period, winning a selection.
 */
const UNSTATED_REQUIREMENT = /[“"「][^”"」]{2,12}[”"」]|培训|证书|考核|服务期满|评选|认定|竞赛|大赛/;

/** Groups that describe an organisation (the employer) rather than a person. */
const ORG_GROUPS: ReadonlySet<TargetGroup> = new Set(['小微企业', '用人单位']);

function any(statuses: ConditionStatus[]): ConditionStatus {
  if (statuses.includes('met')) return 'met';
  if (statuses.includes('unknown')) return 'unknown';
  return 'not_met';
}

/** Whole months from `from` (YYYY-MM) to `today` (YYYY-MM-DD); negative when `from` is later. */
export function monthsSince(from: string, today: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = today.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}

function yesNo(known: boolean | null): ConditionStatus {
  return known === null ? 'unknown' : known ? 'met' : 'not_met';
}

/** Whether the person is a 高校 graduate: said so, or gave a graduation date; null when not known. */
function isGraduate(p: Profile): boolean | null {
  if (p.identities.includes('高校毕业生') || p.graduationDate) return true;
  return p.identitiesComplete ? false : null;
}

/** 毕业年度 / 离校2年内 / 毕业5年内, and 离校…未就业. */
export function graduateWindowStatus(w: GraduateWindow, p: Profile): ConditionStatus {
  if (!p.graduationDate) return isGraduate(p) === false ? 'not_met' : 'unknown';
  const thisYear = Number(p.today.slice(0, 4));
  let inWindow: boolean;
  if (w.kind === 'graduation_year') {
    // The graduation year: graduated this calendar year, or graduating later this year.
    inWindow = Number(p.graduationDate.slice(0, 4)) === thisYear;
  } else {
    const m = monthsSince(p.graduationDate, p.today);
    inWindow = m >= 0 && m <= 12 * (w.years ?? 0);
  }
  if (!inWindow) return 'not_met';
  if (!w.unemployedSinceLeaving) return 'met';
  // 离校…未就业: having a job since leaving school rules it out; flexible work or a business
  // of one's own is what such measures support, so those still count.
  if (p.employment === null) return 'unknown';
  return p.employment === 'employed' ? 'not_met' : 'met';
}

/** A person group tested against the person themself; `windows` are alternatives (毕业年度 或 离校2年内). */
function personGroupStatus(g: TargetGroup, windows: GraduateWindow[], p: Profile): ConditionStatus {
  const said = p.identities.includes(g);
  switch (g) {
    case '高校毕业生': {
      const grad = isGraduate(p);
      if (grad === false) return 'not_met';
      if (windows.length) return any(windows.map((w) => graduateWindowStatus(w, p)));
      return yesNo(grad);
    }
    case '在校大学生':
      if (said) return 'met';
      if (p.graduationDate) return p.graduationDate > p.today.slice(0, 7) ? 'met' : 'not_met';
      return p.identitiesComplete ? 'not_met' : 'unknown';
    case '失业青年': {
      if (said) return 'met';
      if (p.age !== null && (p.age < 16 || p.age > 24)) return 'not_met';
      if (p.employment !== null && p.employment !== 'unemployed') return 'not_met';
      return p.age !== null && p.employment !== null ? 'met' : 'unknown';
    }
    case '灵活就业人员':
    case '新就业形态':
      if (said) return 'met';
      return p.employment === null ? 'unknown' : yesNo(p.employment === 'flexible');
    case '创业者':
      if (said) return 'met';
      return p.employment === null ? 'unknown' : yesNo(p.employment === 'self_employed' || p.employment === 'employer');
    case '登记失业人员':
      if (said) return 'met';
      if (p.employment !== null && p.employment !== 'unemployed') return 'not_met';
      return p.identitiesComplete ? 'not_met' : 'unknown';
    case '妇女':
      if (said) return 'met';
      return p.sex === null ? 'unknown' : yesNo(p.sex === 'female');
    default:
      if (said) return 'met';
      return p.identitiesComplete ? 'not_met' : 'unknown';
  }
}

/** 小微企业 / 用人单位: the applicant's own organisation. */
function orgGroupStatus(g: TargetGroup, p: Profile): ConditionStatus {
  if (g === '用人单位') {
    if (p.employment === 'employer' || p.identities.includes('用人单位') || p.identities.includes('小微企业')) return 'met';
    return p.employment === null ? 'unknown' : 'not_met';
  }
  if (p.identities.includes(g)) return 'met';
  if (p.employment !== null && p.employment !== 'employer' && p.employment !== 'self_employed') return 'not_met';
  return p.identitiesComplete ? 'not_met' : 'unknown';
}

/**
 * For an employer's measure, person groups describe whom it hires: checked against
 * `profile.hiring`. The hire's time window (离校2年内 …) is a requirement on each hire,
 * quoted in the condition text, not a fact about the employer.
 */
function hireStatus(groups: TargetGroup[], p: Profile): ConditionStatus {
  if (p.hiring === null) return 'unknown';
  return yesNo(groups.some((g) => p.hiring!.includes(g)));
}

function hasBusiness(p: Profile): boolean | null {
  if (p.businessRegisteredDate) return true;
  if (p.employment === null) return null;
  return p.employment === 'self_employed' || p.employment === 'employer';
}

/** Whether the user's region lies inside `region`: met, not_met, or unknown (the user's region is coarser). */
export function regionStatus(region: string, p: Profile): ConditionStatus {
  const target = lineage(region)[0] ?? region;
  if (!p.region) return 'unknown';
  if (target === '全国' || userLineage(p.region).includes(target)) return 'met';
  // A measure for a place inside the user's (coarse) region may still apply.
  if (regionRefinable(p.region) && lineage(target).includes(p.region)) return 'unknown';
  return 'not_met';
}

export function conditionStatus(c: Condition, measure: Measure, p: Profile): ConditionStatus {
  const forEmployer = measure.recipient === 'employer';
  switch (c.type) {
    case 'group': {
      const windows = c.graduateWindows?.length ? c.graduateWindows : c.graduateWindow ? [c.graduateWindow] : [];
      const org = c.groups.filter((g) => ORG_GROUPS.has(g));
      const person = c.groups.filter((g) => !ORG_GROUPS.has(g));
      const parts: ConditionStatus[] = org.map((g) => orgGroupStatus(g, p));
      if (person.length) {
        if (forEmployer) parts.push(hireStatus(person, p));
        else for (const g of person) parts.push(personGroupStatus(g, g === '高校毕业生' ? windows : [], p));
      }
      // A window given without the 高校毕业生 group still means a graduate's window, and it is one of the
      // alternatives (「符合下列情形之一：（1）已办理就业困难人员认定；（2）离校2年内未就业」).
      if (!forEmployer && windows.length && !person.includes('高校毕业生')) {
        parts.push(personGroupStatus('高校毕业生', windows, p));
      }
      let status = parts.length ? any(parts) : 'unknown';
      // An alternative no profile states (获得国家助学贷款) may still let the person in.
      if (status === 'not_met' && c.unread) status = 'unknown';
      // 「服务期满考核合格的“三支一扶”高校毕业生」: being a graduate is not enough, and the rest
      // is nothing a profile states — never call it met.
      // 「经认定的就业困难人员」: being recognised is what the group is, not a further requirement.
      const rest = c.text
        .replace(/(?:经)?(?:[\u4e00-\u9fff]{0,6}部门)?认定(?:为)?的?(?=就业困难人员|零就业家庭|低保|残疾|特困)/gu, '')
        .replace(/(?:就业困难人员|零就业家庭|低保|残疾|特困人员)(?:身份)?认定/gu, '');
      return status === 'met' && !forEmployer && UNSTATED_REQUIREMENT.test(rest) ? 'unknown' : status;
    }
    case 'employment':
      if (forEmployer && !c.forms.includes('employer')) return p.hiring === null ? 'unknown' : 'met';
      return p.employment === null ? 'unknown' : yesNo(c.forms.includes(p.employment));
    case 'registration':
      // Registering is a step of applying; for an employer it concerns the hire.
      if (forEmployer) return p.hiring === null ? 'unknown' : 'met';
      if (c.what === '就业登记') {
        // One can register employment one has; an unemployed person has none to register.
        return p.employment === null ? 'unknown' : yesNo(p.employment !== 'unemployed');
      }
      return personGroupStatus('登记失业人员', [], p);
    case 'age': {
      if (forEmployer) return p.hiring === null ? 'unknown' : 'met';
      if (p.age === null) return 'unknown';
      if (c.min !== null && p.age < c.min) return 'not_met';
      // 「男年满50周岁、女年满40周岁」: the lower bound depends on the sex.
      const mins = [c.minMale ?? null, c.minFemale ?? null];
      if (mins.some((m) => m !== null)) {
        if (p.sex !== null) {
          const min = p.sex === 'male' ? c.minMale : c.minFemale;
          if (min != null && p.age < min) return 'not_met';
        } else if (mins.every((m) => m !== null && p.age! < m)) return 'not_met';
        else if (!mins.every((m) => m === null || p.age! >= m)) return 'unknown';
      }
      const maxes = [c.maxMale, c.maxFemale];
      if (maxes.every((m) => m === null)) return 'met';
      if (p.sex !== null) {
        const max = p.sex === 'male' ? c.maxMale : c.maxFemale;
        return yesNo(max === null || p.age <= max);
      }
      // Sex unknown: decided only when the age is within both limits or above both.
      if (maxes.every((m) => m === null || p.age! <= m)) return 'met';
      if (maxes.every((m) => m !== null && p.age! > m)) return 'not_met';
      return 'unknown';
    }
    case 'region':
      return regionStatus(c.region, p);
    case 'business_age': {
      const has = hasBusiness(p);
      if (has === false) return 'not_met';
      if (!p.businessRegisteredDate) return 'unknown';
      const m = monthsSince(p.businessRegisteredDate, p.today);
      if (m < 0) return 'not_met';
      if (c.maxYears !== null && m > 12 * c.maxYears) return 'not_met';
      if (c.minMonths !== null && m < c.minMonths) return 'not_met';
      return 'met';
    }
    case 'enterprise_size':
      return orgGroupStatus('小微企业', p);
    case 'contract':
      return p.contractYears === null ? 'unknown' : yesNo(p.contractYears >= c.minYears);
    case 'contributions':
      return p.contributionMonths === null ? 'unknown' : yesNo(p.contributionMonths >= c.minMonths);
    case 'employees': {
      if (p.employees !== null) return yesNo(p.employees >= c.min);
      return hasBusiness(p) === false ? 'not_met' : 'unknown';
    }
    case 'other':
      return 'unknown';
  }
}
