import { foldNumerals } from '../text/numerals.ts';
import type { Employment, TargetGroup } from '../measures/types.ts';
import { TARGET_GROUPS } from '../measures/types.ts';
import { EMPLOYMENT_OPTIONS, type OptionValue, type QuestionField, type QuestionOption } from './questions.ts';
import { OTHER_REGION, resolveUserRegion } from './profile.ts';

/**
 * Facts about the person read from what they write: 「我去年毕业」「我现在打零工」「我是退役军人」.
 * Only first-person statements count, so a question about a policy (「离校2年内的毕业生有什么补贴」)
 * never becomes a fact about the asker. Graduates are assumed to leave in July unless a month is said.
 */
export interface Facts {
  graduationDate?: string;
  employment?: Employment;
  identities?: TargetGroup[];
  age?: number;
  sex?: 'male' | 'female';
  /** An employer's hires: 「我开了公司，招了应届生」. */
  hiring?: TargetGroup[];
}

const GRAD_MONTH = '07';

function year(today: string): number {
  return Number(today.slice(0, 4));
}

/** 「今年/去年/前年/2024年(7月)/刚/两年前」毕业 → YYYY-MM. */
export function graduationFrom(text: string, today: string): string | null {
  const t = foldNumerals(text.normalize('NFKC'));
  const y = year(today);
  const explicit = /(20\d{2})\s*年\s*(?:(\d{1,2})\s*月)?(?:份)?[^，。？?！!]{0,4}(?:毕业|离校)/.exec(t) ?? /(?:毕业|离校)[于在]?\s*(20\d{2})\s*年\s*(?:(\d{1,2})\s*月)?/.exec(t);
  if (explicit) {
    const m = explicit[2] ? Number(explicit[2]) : null;
    return `${explicit[1]}-${m && m >= 1 && m <= 12 ? String(m).padStart(2, '0') : GRAD_MONTH}`;
  }
  const rel: Array<[RegExp, number]> = [
    [/(?:今年|刚刚?|应届)[^，。？?！!]{0,4}毕业|应届(?:毕业)?生/, 0],
    [/去年[^，。？?！!]{0,4}(?:毕业|离校)/, 1],
    [/前年[^，。？?！!]{0,4}(?:毕业|离校)/, 2],
  ];
  for (const [re, back] of rel) if (re.test(t)) return `${y - back}-${GRAD_MONTH}`;
  const ago = /(?:毕业|离校)(?:已经|有)?(\d{1,2})\s*年|(\d{1,2})\s*年前[^，。？?！!]{0,4}(?:毕业|离校)/.exec(t);
  if (ago) return `${y - Number(ago[1] ?? ago[2])}-${GRAD_MONTH}`;
  return null;
}

/** A clause about hiring: the groups in it describe the hires, not the speaker. */
const HIRING = /招(?:了|聘|用|收)?|雇(?:了|用)?|聘(?:了|用)/;

const EMPLOYMENT_WORDS: Array<[RegExp, Employment]> = [
  [/(?:招|雇|聘)(?:了|聘|用)?(?:一些|几个|\d+个|\d+名)?(?:员工|人|工人|应届生|毕业生|大学生|职工)|老板|企业主|用人单位/, 'employer'],
  [/打零工|打短工|做零工|灵活就业|跑外卖|送外卖|骑手|跑滴滴|网约车|跑腿|兼职|自由职业|平台接单/, 'flexible'],
  [/失业|没(?:有)?工作|待业|下岗|还没找到工作|没找到工作|未就业/, 'unemployed'],
  [/开(?:了)?(?:一家)?(?:公司|店|厂)|个体户|自己创业|正在创业|在创业|自主创业|自己当老板/, 'self_employed'],
  [/上班|在职|在单位|有工作|打工/, 'employed'],
];

const IDENTITY_WORDS: Array<[RegExp, TargetGroup]> = [
  [/退役军人|退伍|转业军人/, '退役军人'],
  [/残疾/, '残疾人'],
  [/低保/, '低保家庭'],
  [/零就业家庭/, '零就业家庭'],
  [/特困/, '特困人员'],
  [/农民工|进城务工/, '农民工'],
  [/脱贫户|脱贫人口/, '脱贫人口'],
  [/就业困难/, '就业困难人员'],
  [/登记(?:了)?失业|失业登记/, '登记失业人员'],
  [/(?:高校|大学|大专|本科|研究生)毕业生|应届生|大学毕业/, '高校毕业生'],
  [/在校(?:大学)?生|大学生|在读/, '在校大学生'],
];

const FIRST_PERSON = /^(?:我|本人|俺)|^[^的]{0,6}我(?:是|在|现在|目前|今年|刚|已经|去年|前年|还)/;

/**
 * Clauses said by the person about themself: one starting with 我 / 本人, and the clauses
 * right after it that have no subject of their own (「我2025年毕业，在城阳打零工」); a clause
 * with 的 (「离校2年内的毕业生…」) describes someone else and ends the run.
 */
function firstPersonClauses(text: string): string[] {
  const out: string[] = [];
  let inRun = false;
  for (const raw of text.split(/[，,。；;！!？?\n]/u)) {
    const c = raw.trim();
    if (!c) continue;
    if (FIRST_PERSON.test(c)) inRun = true;
    else if (c.includes('的')) inRun = false;
    if (inRun) out.push(c);
  }
  return out;
}

export function factsFromText(text: string, today: string): Facts {
  const facts: Facts = {};
  const clauses = firstPersonClauses(text.normalize('NFKC'));
  if (clauses.length === 0) return facts;
  const own = clauses.filter((c) => !HIRING.test(c));
  const hires = clauses.filter((c) => HIRING.test(c)).join('，');
  const said = own.join('，');
  const all = clauses.join('，');
  const grad = graduationFrom(said, today);
  if (grad) facts.graduationDate = grad;
  for (const [re, form] of EMPLOYMENT_WORDS) {
    if (re.test(all)) {
      facts.employment = form;
      break;
    }
  }
  const ids = IDENTITY_WORDS.filter(([re]) => re.test(said)).map(([, g]) => g);
  // 大学生 who has graduated is a graduate, not a student.
  const groups = grad ? ids.filter((g) => g !== '在校大学生') : ids;
  if (groups.length) facts.identities = TARGET_GROUPS.filter((g) => groups.includes(g));
  if (hires) {
    const hired: TargetGroup[] = IDENTITY_WORDS.filter(([re]) => re.test(hires)).map(([, g]) => (g === '在校大学生' ? '高校毕业生' : g));
    if (/应届|毕业生/.test(hires) && !hired.includes('高校毕业生')) hired.push('高校毕业生');
    if (hired.length) facts.hiring = TARGET_GROUPS.filter((g) => hired.includes(g));
  }
  const age = /(\d{2})\s*(?:周)?岁/.exec(foldNumerals(said));
  if (age && Number(age[1]) >= 14 && Number(age[1]) <= 90) facts.age = Number(age[1]);
  if (/我是(?:一[名个位])?(?:女|女性|女生|妈妈|宝妈)/.test(said)) facts.sex = 'female';
  else if (/我是(?:一[名个位])?(?:男|男性|男生)/.test(said)) facts.sex = 'male';
  return facts;
}

/**
 * A typed answer to a pending question: a number picks an option (1-based); otherwise the
 * text is read for the field (「2024年7月」 for a graduation date, 「广州」 for a region, 「35」
 * for an age, an option's label). Null when the text does not answer it.
 */
export function parseAnswer(field: QuestionField, text: string, options: QuestionOption[], today: string): OptionValue | null {
  const t = foldNumerals(text.normalize('NFKC').trim()).replace(/[。.！!]+$/u, '');
  const pick = /^(?:第\s*)?(\d{1,2})\s*(?:项|个)?$/.exec(t);
  if (pick && field !== 'age' && field !== 'employees') {
    const o = options[Number(pick[1]) - 1];
    return o ? o.value : null;
  }
  const byLabel = options.find((o) => o.label === t || o.label.split(/[（(]/)[0] === t);
  if (byLabel) return byLabel.value;
  // 「1 3」「1、3」: several groups at once (a person can be 高校毕业生 and 残疾人).
  const picks = field === 'identities' && /^\d{1,2}(?:\s*[,，、\s和及]\s*\d{1,2})+$/.test(t) ? t.match(/\d{1,2}/g)! : null;
  if (picks) {
    const chosen = picks.map((n) => options[Number(n) - 1]?.value);
    if (chosen.some((v) => v === undefined)) return null;
    return [...new Set(chosen.flatMap((v) => (Array.isArray(v) ? v : [])))] as OptionValue;
  }
  switch (field) {
    case 'graduationDate': {
      const ym = /^(20\d{2})(?:\s*[-/.年]\s*(\d{1,2})\s*月?)?/.exec(t);
      if (ym) return `${ym[1]}-${(ym[2] ?? GRAD_MONTH).padStart(2, '0')}`;
      return graduationFrom(t.includes('毕业') ? t : `${t}毕业`, today);
    }
    case 'region': {
      const r = resolveUserRegion(t);
      return r && r !== OTHER_REGION ? r : null;
    }
    case 'age': {
      const n = /^(\d{1,3})\s*(?:周)?岁?$/.exec(t);
      if (n && Number(n[1]) <= 120) return Number(n[1]);
      if (pick) {
        const o = options[Number(pick[1]) - 1];
        return o ? o.value : null;
      }
      return null;
    }
    case 'employees': {
      const n = /^(\d{1,6})\s*(?:个|名|人)?$/.exec(t);
      return n ? Number(n[1]) : /^(?:没有|无|0)$/.test(t) ? 0 : null;
    }
    case 'sex':
      return /^(?:男|男性|男生)$/.test(t) ? 'male' : /^(?:女|女性|女生)$/.test(t) ? 'female' : null;
    case 'employment': {
      for (const [re, form] of EMPLOYMENT_WORDS) if (re.test(t)) return form;
      const o = EMPLOYMENT_OPTIONS.find((x) => t.includes(x.label.split(/[（(/]/)[0]!));
      return o ? o.value : null;
    }
    case 'identities': {
      const groups = TARGET_GROUPS.filter((g) => t.includes(g));
      for (const [re, g] of IDENTITY_WORDS) if (re.test(t) && !groups.includes(g)) groups.push(g);
      return groups.length ? groups : /^(?:以上)?(?:都不是|没有|不是|无)$/.test(t) ? [] : null;
    }
    default:
      return null;
  }
}
