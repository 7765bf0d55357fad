import type { Measure } from '../measures/types.ts';
import type { Profile } from './profile.ts';
import { evaluateMeasure, OTHER_REGION_PREFIX, type MeasureResult, type MeasureStatus } from './evaluate.ts';
import { nextQuestion, type NextQuestion, type QuestionField } from './questions.ts';

/**
 * checkEligibility: every measure of the catalog against one profile. Pure and deterministic
 * (the date comes in the profile): the same catalog and profile always give the same output,
 * and every verdict is traceable to the quoted conditions and their paragraph links.
 * Sorted eligible, unknown, not_eligible, expired; within a status newer documents first.
 */
export interface CheckResult {
  results: MeasureResult[];
  nextQuestion: NextQuestion | null;
  /** Free public services of the person's region (职业指导, 招聘会): listed apart, not checked as benefits. */
  services?: Array<{ name: string; url: string; region: string | null }>;
}

/** What a person applies for: subsidies, loans, insurance subsidies, tax relief, subsidised posts. Hiring drives are left out. */
const CHECKED_KINDS: ReadonlySet<Measure['kind']> = new Set(['cash_subsidy', 'loan', 'insurance', 'tax', 'job']);

const RANK: Record<MeasureStatus, number> = { eligible: 0, unknown: 1, not_eligible: 2, expired: 3 };

function paragraphNumber(id: string): number {
  const n = /(\d+)/.exec(id);
  return n ? Number(n[1]) : 0;
}

function compare(a: { r: MeasureResult; m: Measure }, b: { r: MeasureResult; m: Measure }): number {
  const byStatus = RANK[a.r.status] - RANK[b.r.status];
  if (byStatus) return byStatus;
  // Newer documents first; undated ones last.
  const da = a.m.docDate ?? '';
  const db = b.m.docDate ?? '';
  if (da !== db) return da < db ? 1 : -1;
  if (a.m.docId !== b.m.docId) return a.m.docId < b.m.docId ? -1 : 1;
  const pa = paragraphNumber(a.m.paragraphId) - paragraphNumber(b.m.paragraphId);
  if (pa) return pa;
  return a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : 0;
}

export interface CheckOptions {
  /** Fields the person chose not to answer: never asked again. */
  skip?: readonly QuestionField[];
}

export function checkEligibility(measures: readonly Measure[], profile: Profile, opts: CheckOptions = {}): CheckResult {
  const rows = measures.filter((m) => CHECKED_KINDS.has(m.kind)).map((m) => ({ m, r: evaluateMeasure(m, profile) }));
  rows.sort(compare);
  // Services of the person's place (or of places containing it), each once.
  const services = new Map<string, { name: string; url: string; region: string | null }>();
  for (const m of measures) {
    if (m.kind !== 'service' || services.has(m.name)) continue;
    if (evaluateMeasure(m, profile).conditions.some((c) => c.text.startsWith(OTHER_REGION_PREFIX))) continue;
    services.set(m.name, { name: m.name, url: m.url, region: m.region });
  }
  return {
    ...(services.size ? { services: [...services.values()] } : {}),
    results: rows.map((x) => x.r),
    nextQuestion: nextQuestion(
      rows.filter((x) => x.r.status === 'unknown').map((x) => x.m),
      profile,
      opts.skip ?? [],
    ),
  };
}
