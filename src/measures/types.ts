/**
 * The measures catalog: concrete support measures (subsidies, loans, insurance, services,
 * jobs) extracted from the policy, FAQ and law paragraphs at ingest. Each field is filled
 * only when the text states it; what the extractor cannot read stays null/empty.
 * The eligibility checker (src/eligibility) reads only this shape.
 */

/** 'tax' = tax relief (重点群体就业创业税收优惠), added after the first draft. */
/** `service`: a free public service (职业指导, 招聘会); `recruitment`: a hiring drive (事业单位公开招聘): neither is applied for as a benefit. */
export type MeasureKind = 'cash_subsidy' | 'loan' | 'insurance' | 'service' | 'job' | 'tax' | 'recruitment';
export type Recipient = 'individual' | 'employer';

/** The one vocabulary for target groups (documents say it many ways; the extractor maps them here). */
export const TARGET_GROUPS = [
  '高校毕业生',
  '在校大学生',
  '失业青年',
  '就业困难人员',
  '登记失业人员',
  '退役军人',
  '农民工',
  '脱贫人口',
  '残疾人',
  '灵活就业人员',
  '新就业形态',
  '低保家庭',
  '零就业家庭',
  '特困人员',
  '妇女',
  '创业者',
  '小微企业',
  '用人单位',
] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];

/** A graduate's time window: 毕业年度, 离校2年内 (= within 2 years of graduating), 毕业5年内. */
export interface GraduateWindow {
  /** 'graduation_year' = 毕业年度 (the calendar year of graduation); 'years' = within N years after graduating. */
  kind: 'graduation_year' | 'years';
  years: number | null;
  /** 离校…未就业: the person must not have found work since leaving school. */
  unemployedSinceLeaving: boolean;
}

export type Employment = 'unemployed' | 'flexible' | 'employed' | 'self_employed' | 'employer';

/**
 * One condition of a measure, quoted from the source text (`text`). `type` tells the checker
 * how to test it against a profile; `other` conditions are shown and checked as unknown.
 */
export type Condition = {
  text: string;
  paragraphId: string;
  /**
   * A condition read from a numbered item after a lead-in: 'all' when the lead-in says all of them hold
   * (「同时符合以下全部条件」「符合下列条件」), 'any' when one is enough (「符合以下条件之一」). Added later; absent
   * on conditions of running text (the checker then treats items of a list as alternatives, as before).
   */
  list?: 'all' | 'any';
} & (
  | {
      type: 'group';
      /** Alternatives: belonging to any one of them qualifies. For employer measures, the person groups are the people hired. */
      groups: TargetGroup[];
      /** The first (or only) graduate window, for 高校毕业生. */
      graduateWindow: GraduateWindow | null;
      /** All graduate windows the text allows, as alternatives (毕业年度 或 离校2年内未就业). Added later; may be absent. */
      graduateWindows?: GraduateWindow[];
      /**
       * An alternative the text admits that no profile field states (「低保家庭、残疾及获得国家助学贷款的高校毕业生」:
       * 获得国家助学贷款): the condition is then never not met, only unknown. Added later; may be absent.
       */
      unread?: string;
    }
  | { type: 'employment'; forms: Employment[] }
  | { type: 'registration'; what: '就业登记' | '失业登记' }
  | {
      type: 'age';
      /** A lower limit for everyone (16—24岁); with a minimum by sex, the lower of the two. */
      min: number | null;
      maxMale: number | null;
      maxFemale: number | null;
      /** Minimum by sex (男年满50周岁、女年满40周岁). Added later; may be absent. */
      minMale?: number | null;
      minFemale?: number | null;
    }
  | { type: 'region'; region: string }
  | { type: 'business_age'; maxYears: number | null; minMonths: number | null }
  | { type: 'enterprise_size'; size: '小微企业' }
  | { type: 'contract'; minYears: number }
  | { type: 'contributions'; minMonths: number }
  | { type: 'employees'; min: number }
  | { type: 'other' }
);

export interface Amount {
  /** As written: 「每人每月300元」, 「最高30万元」, 「按实际利率的50%给予财政贴息」. */
  text: string;
  value: number | null;
  unit: '元' | '万元' | '%' | null;
  /** 'person' = 每人, 'month' = 每月, 'year' = 每年, 'once' = 一次性. */
  per: Array<'person' | 'month' | 'year' | 'once'>;
  /** 最高 / 不超过 / 不高于: the value is a cap, not a fixed amount. */
  isCap: boolean;
}

export interface Measure {
  /** Stable: `${docId}#${paragraphId}:${slug of name}`. */
  id: string;
  /** Normalised name, e.g. 灵活就业社会保险补贴, 一次性创业补贴, 创业担保贷款. */
  name: string;
  kind: MeasureKind;
  recipient: Recipient;
  groups: TargetGroup[];
  conditions: Condition[];
  amounts: Amount[];
  /** 「补贴期限最长不超过3年」 → { text, months: 36 }. */
  duration: { text: string; months: number | null } | null;
  /** Stated end date of the measure (YYYY-MM-DD), e.g. 至2025年12月31日. */
  validUntil: string | null;
  /**
   * How long after an event the (first) application must be made: 「首次补贴申请应于办理就业登记之日起1年内」 →
   * { text, from: '办理就业登记', months: 12 }. Added later; absent or null when the text states none.
   */
  applicationDeadline?: { text: string; from: string; months: number } | null;
  /**
   * The measure's labelled parts as the document states them (「申请材料：…」「办理流程：…」「咨询电话：…」
   * 「文件依据：…」), for showing what to bring and where to apply. Added later; absent when not stated.
   */
  parts?: MeasureParts;
  docId: string;
  docTitle: string;
  docDate: string | null;
  region: string | null;
  issuer: string | null;
  docNumber: string | null;
  /** The paragraph the measure is stated in, and its link. */
  paragraphId: string;
  url: string;
  /** The source paragraph text (for display and quoting). */
  sourceText: string;
}

export interface MeasureParts {
  materials?: string;
  process?: string;
  contact?: string;
  legalBasis?: string;
}

export interface MeasuresCatalog {
  formatVersion: 1;
  builtAt: string;
  measures: Measure[];
}
