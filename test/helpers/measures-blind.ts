import fs from 'node:fs';
import path from 'node:path';
import { loadCorpus } from '../../src/ingest/load-corpus.ts';
import { amountInYuan } from '../../src/measures/amounts.ts';
import { extractFromDocument } from '../../src/measures/extract.ts';
import { normaliseName } from '../../src/measures/names.ts';
import type { Measure } from '../../src/measures/types.ts';
import type { PolicyDocument } from '../../src/types.ts';
import { pr, type PR } from './measures-gold.ts';

/**
 * The frozen blind measures set (test/fixtures/measures-blind, written by a helper that saw no code):
 * its gold names a measure by the document's wording and a quote of the stating line. A measure
 * matches an extracted one stated in the same paragraph whose name equals it or contains it (or the
 * reverse), leading places and borrower types aside: the wording differs, the measure is the same.
 */
export const BLIND_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'measures-blind');

interface BlindAmount {
  value: number;
  unit: '元' | '万元' | '%';
}
interface BlindMeasure {
  name: string;
  quote: string;
  recipient: 'individual' | 'employer';
  groups: string[];
  amounts: BlindAmount[];
}
interface BlindGold {
  file: string;
  measures: BlindMeasure[];
}

/** The development set (test/fixtures/measures-dev): same shape, written by a helper, tuned on openly. */
export const DEV_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'measures-dev');

export async function blindDocuments(dir = BLIND_DIR): Promise<PolicyDocument[]> {
  return (await loadCorpus(dir)).documents;
}

export function blindGold(dir = BLIND_DIR): BlindGold[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.gold.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BlindGold);
}

const bare = (name: string) => name.replace(/^(?:个人|小微企业|企业|单位|用人单位)/u, '').replace(/（[^）]*）|\([^)]*\)/gu, '');
const close = (x: string, y: string) => x === y || (x.length >= 4 && y.includes(x)) || (y.length >= 4 && x.includes(y));
// As written, or both in the catalog's canonical form (灵活就业人员社会保险补贴 is 灵活就业社会保险补贴, 社保 is 社会保险).
const sameName = (a: string, b: string) => close(bare(a), bare(b)) || close(bare(normaliseName(a)), bare(normaliseName(b)));
const amountKey = (a: { value: number | null; unit: string | null }) => `${a.unit === '%' ? '%' : '元'}:${(amountInYuan(a as never) ?? NaN).toFixed(2)}`;

export interface BlindScore {
  measures: PR;
  amounts: PR;
  groups: PR;
  missing: string[];
  extra: string[];
}

export function scoreBlind(gold: BlindGold, doc: PolicyDocument, all: Measure[] = extractFromDocument(doc)): BlindScore {
  // Free services and recruitment drives are catalogued apart (kinds service, recruitment: /check lists services
  // under their own heading and never offers a recruitment drive); the gold's measures are what one applies for.
  const got = all.filter((m) => m.kind !== 'service' && m.kind !== 'recruitment');
  const paragraphOf = (quote: string) => doc.paragraphs.find((p) => p.text.includes(quote))?.id ?? '?';
  const pairs: Array<[BlindMeasure, Measure]> = [];
  const used = new Set<Measure>();
  for (const g of gold.measures) {
    const pid = paragraphOf(g.quote);
    const m = got.find((x) => !used.has(x) && x.paragraphId === pid && sameName(g.name, x.name)) ?? got.find((x) => !used.has(x) && sameName(g.name, x.name));
    if (m) {
      pairs.push([g, m]);
      used.add(m);
    }
  }
  const count = (f: (g: BlindMeasure, m: Measure) => [string[], string[]]) => {
    let tp = 0;
    let ex = 0;
    let gd = 0;
    for (const [g, m] of pairs) {
      const [gs, ms] = f(g, m);
      tp += ms.filter((x) => gs.includes(x)).length;
      ex += ms.length;
      gd += gs.length;
    }
    // Amounts and groups of unmatched gold measures are missed; those of extra measures are wrong.
    for (const g of gold.measures) if (!pairs.some(([x]) => x === g)) gd += f(g, { amounts: [], groups: [] } as unknown as Measure)[0].length;
    for (const m of got) if (!used.has(m)) ex += f({ amounts: [], groups: [] } as unknown as BlindMeasure, m)[1].length;
    return pr(tp, ex, gd);
  };
  return {
    measures: pr(pairs.length, got.length, gold.measures.length),
    amounts: count((g, m) => [[...new Set(g.amounts.map(amountKey))], [...new Set(m.amounts.map(amountKey))]]),
    groups: count((g, m) => [g.groups, m.groups]),
    missing: gold.measures.filter((g) => !pairs.some(([x]) => x === g)).map((g) => g.name),
    extra: got.filter((m) => !used.has(m)).map((m) => `${m.name}@${m.paragraphId}`),
  };
}

/** One frozen eligibility scenario: a person, a measure of a blind document, the verdict the author expects. */
export interface BlindScenario {
  doc: string;
  profile: {
    region: string;
    age?: number;
    sex?: 'male' | 'female';
    graduationYear?: number;
    employment?: 'unemployed' | 'employed' | 'flexible' | 'self_employed' | 'student';
    groups?: string[];
    businessMonths?: number;
    insuredMonths?: number;
  };
  measure: string;
  expected: 'eligible' | 'ineligible' | 'unknown';
  why: string;
}

export function blindScenarios(dir = BLIND_DIR): BlindScenario[] {
  return JSON.parse(fs.readFileSync(path.join(dir, 'profiles.json'), 'utf8')) as BlindScenario[];
}

/** The second frozen blind measures set (test/fixtures/measures-blind-2, 2026-12-02); its profiles are dated in 2025. */
export const BLIND2_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'measures-blind-2');
/** The third (test/fixtures/measures-blind-3, 2026-12-03); its profiles are dated in 2025 too. */
export const BLIND3_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'measures-blind-3');

/**
 * The extracted measure a scenario is about: in its document, the measure of exactly that name, else
 * the first of the same name as the scorer matches names (one containing the other) — so a scenario
 * about 灵活就业社会保险补贴 is not checked against 小微企业社会保险补贴 when both were extracted.
 */
export function scenarioMeasure(s: BlindScenario, measures: Measure[]): Measure | undefined {
  return measures.find((m) => m.name === s.measure) ?? measures.find((m) => sameName(s.measure, m.name));
}

/** A scenario's profile in the checker's terms, `today` given: months of business and contributions become dates and counts. */
export function scenarioProfile(s: BlindScenario, today: string): Record<string, unknown> {
  const p = s.profile;
  const monthsAgo = (n: number) => {
    const d = new Date(`${today}T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() - n);
    return d.toISOString().slice(0, 7);
  };
  const employment = p.employment === 'student' ? undefined : p.employment;
  return {
    region: p.region,
    ...(p.age !== undefined ? { age: p.age } : {}),
    ...(p.sex ? { sex: p.sex } : {}),
    ...(p.graduationYear ? { graduationDate: `${p.graduationYear}-06` } : {}),
    ...(employment ? { employment } : {}),
    identities: (p.groups ?? []).filter((g) => g !== '创业者'),
    identitiesComplete: true,
    ...(p.businessMonths !== undefined ? { businessRegisteredDate: monthsAgo(p.businessMonths) } : {}),
    ...(p.insuredMonths !== undefined ? { contributionMonths: p.insuredMonths } : {}),
  };
}
