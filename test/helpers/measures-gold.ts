import fs from 'node:fs';
import path from 'node:path';
import { amountInYuan } from '../../src/measures/amounts.ts';
import type { Measure } from '../../src/measures/types.ts';

/**
 * Scoring the measures extractor against a hand-labelled gold file (test/fixtures/measures-gold):
 * precision and recall of measures (matched by name + paragraph), of their amounts (value in yuan
 * or %) and of their target groups, with the differences listed for the printed report.
 */
export interface GoldAmount {
  value: number;
  unit: '元' | '万元' | '%';
}
export interface GoldMeasure {
  name: string;
  paragraphId: string;
  recipient: 'individual' | 'employer';
  groups: string[];
  amounts: GoldAmount[];
  validUntil?: string;
  age?: { maxMale: number; maxFemale: number };
}
export interface Gold {
  file: string;
  measures: GoldMeasure[];
}

export interface PR {
  tp: number;
  extracted: number;
  gold: number;
  precision: number;
  recall: number;
}

const GOLD_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'measures-gold');

export function readGold(name: string): Gold {
  return JSON.parse(fs.readFileSync(path.join(GOLD_DIR, `${name}.json`), 'utf8')) as Gold;
}

export function pr(tp: number, extracted: number, gold: number): PR {
  return { tp, extracted, gold, precision: extracted ? tp / extracted : 1, recall: gold ? tp / gold : 1 };
}

export const key = (m: { name: string; paragraphId: string }) => `${m.name}@${m.paragraphId}`;
const amountKey = (a: GoldAmount | Measure['amounts'][number]) => `${a.unit === '%' ? '%' : '元'}:${(amountInYuan(a) ?? NaN).toFixed(2)}`;

export function score(gold: Gold, got: Measure[]) {
  const goldByKey = new Map(gold.measures.map((m) => [key(m), m]));
  const gotByKey = new Map(got.map((m) => [key(m), m]));
  const matched = [...goldByKey.keys()].filter((k) => gotByKey.has(k));
  const pairs = (ms: Iterable<[string, string[]]>) => new Set([...ms].flatMap(([k, vs]) => vs.map((v) => `${k}|${v}`)));
  const cmp = (g: Set<string>, e: Set<string>) => pr([...e].filter((x) => g.has(x)).length, e.size, g.size);
  const diff = (g: Set<string>, e: Set<string>) => [...g].filter((x) => !e.has(x)).map((x) => `-${x}`).concat([...e].filter((x) => !g.has(x)).map((x) => `+${x}`));
  const goldAmounts = pairs(gold.measures.map((m) => [key(m), m.amounts.map(amountKey)]));
  const gotAmounts = pairs(got.map((m) => [key(m), m.amounts.map(amountKey)]));
  const goldGroups = pairs(gold.measures.map((m) => [key(m), m.groups]));
  const gotGroups = pairs(got.map((m) => [key(m), m.groups]));
  // Age limits by sex (女性不超过55周岁、男性不超过60周岁): does the matched measure carry a typed age condition with them?
  const withAge = gold.measures.filter((m) => m.age);
  const ageOk = withAge.filter((g) =>
    gotByKey.get(key(g))?.conditions.some((c) => c.type === 'age' && c.maxMale === g.age!.maxMale && c.maxFemale === g.age!.maxFemale),
  ).length;
  return {
    measures: pr(matched.length, got.length, gold.measures.length),
    amounts: cmp(goldAmounts, gotAmounts),
    groups: cmp(goldGroups, gotGroups),
    recipients: { agree: matched.filter((k) => goldByKey.get(k)!.recipient === gotByKey.get(k)!.recipient).length, of: matched.length },
    ages: { ok: ageOk, of: withAge.length },
    missing: [...goldByKey.keys()].filter((k) => !gotByKey.has(k)),
    extra: [...gotByKey.keys()].filter((k) => !goldByKey.has(k)),
    amountErrors: diff(goldAmounts, gotAmounts),
    groupErrors: diff(goldGroups, gotGroups),
  };
}
export type Score = ReturnType<typeof score>;

export const fmt = (p: PR) => `P ${p.precision.toFixed(2)} (${p.tp}/${p.extracted})  R ${p.recall.toFixed(2)} (${p.tp}/${p.gold})`;

/** The printed report of one document's score. */
export function report(title: string, s: Score): string {
  return [
    title,
    `  measures ${fmt(s.measures)}`,
    `  amounts  ${fmt(s.amounts)}`,
    `  groups   ${fmt(s.groups)}`,
    `  recipient agreement ${s.recipients.agree}/${s.recipients.of} matched; age limits by sex typed ${s.ages.ok}/${s.ages.of}`,
    s.missing.length ? `  missing: ${s.missing.join(', ')}` : '',
    s.extra.length ? `  extra: ${s.extra.join(', ')}` : '',
    s.amountErrors.length ? `  amount errors: ${s.amountErrors.join(', ')}` : '',
    s.groupErrors.length ? `  group errors: ${s.groupErrors.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
