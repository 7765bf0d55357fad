import type { CheckResult } from './check.ts';
import type { ConditionResult, MeasureResult, MeasureStatus } from './evaluate.ts';
import { OTHER_REGION_PREFIX } from './evaluate.ts';
import type { NextQuestion } from './questions.ts';
import type { Profile } from './profile.ts';

/**
 * Plain-text rendering of a check, shared by the CLI and the chat: results grouped
 * 可以申请 / 还需确认 / 不符合 / 已过期, each with its amount, the condition that decides it
 * (the failing or open one) and the link; measures of other regions are only counted.
 */
export const GROUP_TITLES: Record<MeasureStatus, string> = {
  eligible: '可以申请',
  unknown: '还需确认',
  not_eligible: '不符合',
  expired: '已过期',
};

const STATUS_WORD = { met: '符合', not_met: '不符合', unknown: '待确认' } as const;

function isOtherRegion(r: MeasureResult): boolean {
  return r.status === 'not_eligible' && r.conditions.length === 1 && r.conditions[0]!.text.startsWith(OTHER_REGION_PREFIX);
}

/** The condition that explains the verdict: the first failing one, else the first open one, else the first the measure itself states. */
export function keyCondition(r: MeasureResult): ConditionResult | null {
  const by = (s: ConditionResult['status']) => r.conditions.find((c) => c.status === s);
  if (r.status === 'expired') return r.conditions.find((c) => c.text.startsWith('执行期限')) ?? null;
  if (r.status === 'not_eligible') return by('not_met') ?? null;
  if (r.status === 'unknown') return by('unknown') ?? null;
  return r.conditions.find((c) => !c.text.startsWith('适用地区') && !c.text.startsWith('申请对象')) ?? r.conditions[0] ?? null;
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface RenderOptions {
  /** Show at most this many measures per group (the rest are counted). */
  perGroup?: number;
  /** Leave out the 已过期 group (the chat does; the CLI shows it). */
  hideExpired?: boolean;
  /** Show only the count of 不符合, with how to see them (the chat: a command or a button). */
  collapseIneligible?: string;
  /** How to see all of a group that was cut at perGroup (the chat's command, per group), else the rest are counted. */
  moreHint?: string | ((status: MeasureStatus) => string);
}

const EMPLOYMENT_WORDS: Record<NonNullable<Profile['employment']>, string> = {
  unemployed: '目前没有工作',
  flexible: '灵活就业',
  employed: '在单位上班',
  self_employed: '自己创业或个体经营',
  employer: '用人单位',
};

/** 「根据您说的：2025年毕业、在广州市、灵活就业」: the facts the verdicts rest on, in the person's terms. */
export function describeProfile(p: Profile): string | null {
  const facts: string[] = [];
  if (p.region) facts.push(`在${p.region}`);
  if (p.graduationDate) facts.push(`${p.graduationDate.slice(0, 4)}年${Number(p.graduationDate.slice(5, 7))}月毕业`);
  if (p.employment) facts.push(EMPLOYMENT_WORDS[p.employment]);
  if (p.age !== null) facts.push(`${p.age}岁`);
  if (p.sex) facts.push(p.sex === 'male' ? '男' : '女');
  if (p.identities.length) facts.push(p.identities.join('、'));
  if (p.businessRegisteredDate) facts.push(`${p.businessRegisteredDate.slice(0, 4)}年${Number(p.businessRegisteredDate.slice(5, 7))}月办的执照`);
  if (p.contributionMonths !== null) facts.push(`社保交了${p.contributionMonths}个月`);
  return facts.length ? `根据您说的：${facts.join('、')}` : null;
}

export function renderMeasure(r: MeasureResult, opts: { details?: boolean } = {}): string[] {
  // One line per measure: what it is, how much, and the condition that decides it.
  const key = keyCondition(r);
  const lines = [
    `• ${r.name}${r.region ? `（${r.region}）` : ''}${r.amount ? `：${clip(r.amount, 60)}` : ''}${key ? ` · 条件：「${clip(key.text, 40)}」— ${STATUS_WORD[key.status]}` : ''}`,
  ];
  // For what one can apply for: what to bring and where to go, when the document says.
  if (opts.details && r.parts?.materials) lines.push(`  材料：${clip(r.parts.materials, 80)}`);
  if (opts.details && r.parts?.process) lines.push(`  办理：${clip(r.parts.process, 80)}`);
  if (opts.details && r.parts?.contact) lines.push(`  咨询：${clip(r.parts.contact, 40)}`);
  lines.push(`  ${key && key.status !== 'met' ? key.url : r.url}`);
  return lines;
}

export function renderCheckText(check: CheckResult, opts: RenderOptions = {}): string {
  const out: string[] = [];
  const others = check.results.filter(isOtherRegion);
  const order: MeasureStatus[] = opts.hideExpired ? ['eligible', 'unknown', 'not_eligible'] : ['eligible', 'unknown', 'not_eligible', 'expired'];
  for (const status of order) {
    const rows = check.results.filter((r) => r.status === status && !isOtherRegion(r));
    if (rows.length === 0) continue;
    out.push(`【${GROUP_TITLES[status]}】${rows.length}项`);
    if (status === 'not_eligible' && opts.collapseIneligible) {
      out.push(`  ${opts.collapseIneligible}`, '');
      continue;
    }
    const shown = opts.perGroup ? rows.slice(0, opts.perGroup) : rows;
    for (const r of shown) out.push(...renderMeasure(r, { details: status === 'eligible' }));
    const hint = typeof opts.moreHint === 'function' ? opts.moreHint(status) : opts.moreHint;
    if (shown.length < rows.length) out.push(`  ……另有${rows.length - shown.length}项${hint ? `（${hint}）` : ''}`);
    out.push('');
  }
  if (check.services?.length) {
    out.push(`【还可以使用的免费服务】${check.services.length}项`);
    for (const sv of check.services.slice(0, opts.perGroup ?? check.services.length)) out.push(`• ${sv.name}${sv.region ? `（${sv.region}）` : ''}`, `  ${sv.url}`);
    out.push('');
  }
  if (others.length) {
    const regions = [...new Set(others.map((r) => r.region).filter(Boolean))];
    out.push(`另有${others.length}项属于其他地区（${regions.join('、')}），未列出。`, '');
  }
  if (out.length === 0) out.push('政策库里还没有可以核对的补贴措施。', '');
  if (check.nextQuestion) out.push(renderQuestion(check.nextQuestion));
  return out.join('\n').trimEnd();
}

/** The question with numbered options (channels without buttons answer with the number). */
export function renderQuestion(q: NextQuestion): string {
  return [`还需要了解：${q.prompt}`, ...q.options.map((o, i) => `${i + 1}. ${o.label}`)].join('\n');
}

/** One result as a card (the web chat): what it is, how much, the deciding condition, the links. */
export interface CheckCard {
  name: string;
  region: string | null;
  amount: string | null;
  condition: { text: string; status: 'met' | 'not_met' | 'unknown' } | null;
  url: string;
  materials?: string;
  process?: string;
}

export interface CheckCards {
  facts: string | null;
  groups: Array<{ status: MeasureStatus; title: string; count: number; items: CheckCard[]; note?: string }>;
  services: Array<{ name: string; url: string }>;
}

const moreHintOf = (opts: RenderOptions, status: MeasureStatus) => (typeof opts.moreHint === 'function' ? opts.moreHint(status) : opts.moreHint);

/** The same results as renderCheckText, as data for cards. */
export function checkCards(check: CheckResult, opts: RenderOptions & { facts?: string | null } = {}): CheckCards {
  const order: MeasureStatus[] = opts.hideExpired ? ['eligible', 'unknown', 'not_eligible'] : ['eligible', 'unknown', 'not_eligible', 'expired'];
  const groups: CheckCards['groups'] = [];
  for (const status of order) {
    const rows = check.results.filter((r) => r.status === status && !isOtherRegion(r));
    if (!rows.length) continue;
    const collapsed = status === 'not_eligible' && opts.collapseIneligible;
    const shown = collapsed ? [] : opts.perGroup ? rows.slice(0, opts.perGroup) : rows;
    groups.push({
      status,
      title: GROUP_TITLES[status],
      count: rows.length,
      items: shown.map((r) => {
        const key = keyCondition(r);
        return {
          name: r.name,
          region: r.region,
          amount: r.amount,
          condition: key ? { text: key.text, status: key.status } : null,
          url: key && key.status !== 'met' ? key.url : r.url,
          ...(status === 'eligible' && r.parts?.materials ? { materials: r.parts.materials } : {}),
          ...(status === 'eligible' && r.parts?.process ? { process: r.parts.process } : {}),
        };
      }),
      ...(collapsed
        ? { note: opts.collapseIneligible! }
        : shown.length < rows.length
          ? { note: `另有${rows.length - shown.length}项${moreHintOf(opts, status) ? `（${moreHintOf(opts, status)}）` : ''}` }
          : {}),
    });
  }
  return { facts: opts.facts ?? null, groups, services: (check.services ?? []).map((sv) => ({ name: sv.name, url: sv.url })) };
}
