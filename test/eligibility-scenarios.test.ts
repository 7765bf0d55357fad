import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFromDocument } from '../src/measures/extract.ts';
import { evaluateMeasure } from '../src/eligibility/evaluate.ts';
import { parseProfile } from '../src/eligibility/profile.ts';
import { placesInQuestion } from '../src/text/gazetteer.ts';
import type { PolicyDocument } from '../src/types.ts';
import { blindDocuments, DEV_DIR, scenarioMeasure, scenarioProfile, type BlindScenario } from './helpers/measures-blind.ts';

/**
 * Eligibility scenarios on the development documents of other provinces (test/fixtures/measures-dev/profiles.json):
 * 昆明 (云南) 办事指南, 合肥 (安徽) table notice, 西安 (陕西) FAQ — profiles and expected verdicts written before the
 * checker was run on those documents — and two on 南昌 (江西). Both-conditions cases (a graduate not from a 低保
 * family), durations (经营6个月, 连续缴费满3个月), another city, an alternative no profile states.
 */
/** The development scenarios may also say how many people the business employs. */
type Scenario = Omit<BlindScenario, 'profile'> & { province: string; profile: BlindScenario['profile'] & { employees?: number } };
const scenarios = JSON.parse(fs.readFileSync(path.join(DEV_DIR, 'profiles.json'), 'utf8')) as Scenario[];
const TODAY = '2026-11-22';

let docs: PolicyDocument[];
beforeAll(async () => {
  docs = await blindDocuments(DEV_DIR);
});

function verdictOf(s: Scenario): string {
  const doc = docs.find((d) => d.file === s.doc)!;
  const all = extractFromDocument(doc).map((x) => ({ ...x, url: `http://localhost/docs/${doc.docId}#${x.paragraphId}` }));
  // The measure the scenario names: the same name first, else the scorer's looser match.
  const m = all.find((x) => x.name === s.measure) ?? scenarioMeasure(s as BlindScenario, all);
  if (!m) return 'no measure';
  const input: Record<string, unknown> = { ...scenarioProfile(s as BlindScenario, TODAY), ...(s.profile.employees !== undefined ? { employees: s.profile.employees } : {}) };
  const region = placesInQuestion(String(input['region']))[0] ?? String(input['region']);
  const r = evaluateMeasure(m, parseProfile({ ...input, region }, new Date(TODAY)));
  return r.status === 'eligible' ? 'eligible' : r.status === 'unknown' ? 'unknown' : 'ineligible';
}

describe('eligibility scenarios on documents of 云南, 安徽, 陕西 and 江西', () => {
  it('covers at least three provinces besides 广东 and 山东, with both-conditions and duration cases', () => {
    expect(new Set(scenarios.map((s) => s.province)).size).toBeGreaterThanOrEqual(3);
    expect(scenarios.some((s) => /两个条件|且|全部条件/.test(s.why))).toBe(true);
    expect(scenarios.some((s) => /个月/.test(s.why) && s.expected === 'ineligible')).toBe(true);
  });

  it.each(scenarios.map((s) => [`${s.province} ${s.measure}: ${s.why}`, s] as const))('%s', (_, s) => {
    expect(verdictOf(s)).toBe(s.expected);
  });
});
