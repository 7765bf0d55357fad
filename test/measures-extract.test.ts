import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/ingest/load-corpus.ts';
import { extractFromDocument } from '../src/measures/extract.ts';
import { amountInYuan } from '../src/measures/amounts.ts';
import type { Measure } from '../src/measures/types.ts';
import type { PolicyDocument } from '../src/types.ts';

/**
 * The extractor against the hand-labelled gold files (test/fixtures/measures-gold): precision and
 * recall of measures (matched by name + paragraph), of their amounts (value in yuan or %) and of
 * their target groups, per document. Printed, and asserted at the level reached.
 */

interface GoldAmount {
  value: number;
  unit: '元' | '万元' | '%';
}
interface GoldMeasure {
  name: string;
  paragraphId: string;
  recipient: 'individual' | 'employer';
  groups: string[];
  amounts: GoldAmount[];
  validUntil?: string;
}
interface Gold {
  file: string;
  measures: GoldMeasure[];
}

const REPO = path.join(import.meta.dirname, '..');
const GOLD_DIR = path.join(REPO, 'test', 'fixtures', 'measures-gold');

let docs: PolicyDocument[];
beforeAll(() => {
  docs = loadCorpus(path.join(REPO, 'corpus')).documents;
});

interface PR {
  tp: number;
  extracted: number;
  gold: number;
  precision: number;
  recall: number;
}
function pr(tp: number, extracted: number, gold: number): PR {
  return { tp, extracted, gold, precision: extracted ? tp / extracted : 1, recall: gold ? tp / gold : 1 };
}

const key = (m: { name: string; paragraphId: string }) => `${m.name}@${m.paragraphId}`;
const amountKey = (a: GoldAmount | Measure['amounts'][number]) => `${a.unit === '%' ? '%' : '元'}:${(amountInYuan(a) ?? NaN).toFixed(2)}`;

function score(gold: Gold, got: Measure[]) {
  const goldByKey = new Map(gold.measures.map((m) => [key(m), m]));
  const gotByKey = new Map(got.map((m) => [key(m), m]));
  const matched = [...goldByKey.keys()].filter((k) => gotByKey.has(k));
  const pairs = (ms: Iterable<[string, string[]]>) => new Set([...ms].flatMap(([k, vs]) => vs.map((v) => `${k}|${v}`)));
  const cmp = (g: Set<string>, e: Set<string>) => pr([...e].filter((x) => g.has(x)).length, e.size, g.size);
  const goldAmounts = pairs(gold.measures.map((m) => [key(m), m.amounts.map(amountKey)]));
  const gotAmounts = pairs(got.map((m) => [key(m), m.amounts.map(amountKey)]));
  const goldGroups = pairs(gold.measures.map((m) => [key(m), m.groups]));
  const gotGroups = pairs(got.map((m) => [key(m), m.groups]));
  return {
    measures: pr(matched.length, got.length, gold.measures.length),
    amounts: cmp(goldAmounts, gotAmounts),
    groups: cmp(goldGroups, gotGroups),
    recipients: matched.filter((k) => goldByKey.get(k)!.recipient === gotByKey.get(k)!.recipient).length / Math.max(1, matched.length),
    missing: [...goldByKey.keys()].filter((k) => !gotByKey.has(k)),
    extra: [...gotByKey.keys()].filter((k) => !goldByKey.has(k)),
    amountErrors: [...new Set([...goldAmounts].filter((x) => !gotAmounts.has(x)).map((x) => `-${x}`).concat([...gotAmounts].filter((x) => !goldAmounts.has(x)).map((x) => `+${x}`)))],
    groupErrors: [...goldGroups].filter((x) => !gotGroups.has(x)).map((x) => `-${x}`).concat([...gotGroups].filter((x) => !goldGroups.has(x)).map((x) => `+${x}`)),
  };
}

const fmt = (p: PR) => `P ${p.precision.toFixed(2)} (${p.tp}/${p.extracted})  R ${p.recall.toFixed(2)} (${p.tp}/${p.gold})`;

describe.each(['003', '18b'])('measures of %s against the gold file', (name) => {
  it('precision and recall of measures, amounts and groups are ≥ 0.9', () => {
    const gold = JSON.parse(fs.readFileSync(path.join(GOLD_DIR, `${name}.json`), 'utf8')) as Gold;
    const doc = docs.find((d) => d.file === gold.file);
    expect(doc, gold.file).toBeDefined();
    const got = extractFromDocument(doc!);
    const s = score(gold, got);
    console.log(
      [
        `measures-gold ${name} (${gold.file})`,
        `  measures ${fmt(s.measures)}`,
        `  amounts  ${fmt(s.amounts)}`,
        `  groups   ${fmt(s.groups)}`,
        `  recipient agreement on matched measures ${s.recipients.toFixed(2)}`,
        s.missing.length ? `  missing: ${s.missing.join(', ')}` : '',
        s.extra.length ? `  extra: ${s.extra.join(', ')}` : '',
        s.amountErrors.length ? `  amount errors: ${s.amountErrors.join(', ')}` : '',
        s.groupErrors.length ? `  group errors: ${s.groupErrors.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    for (const p of [s.measures, s.amounts, s.groups]) {
      expect(p.precision).toBeGreaterThanOrEqual(0.9);
      expect(p.recall).toBeGreaterThanOrEqual(0.9);
    }
    expect(s.recipients).toBeGreaterThanOrEqual(0.9);
    // Stated end dates are carried (003: 税收优惠政策至2025年12月31日).
    for (const g of gold.measures.filter((m) => m.validUntil)) {
      expect(got.find((m) => key(m) === key(g))?.validUntil).toBe(g.validUntil);
    }
  });
});

describe('catalog over the whole corpus', () => {
  it('skips news, fills provenance, never invents an amount without a number in its text', () => {
    const all = docs.flatMap((d) => extractFromDocument(d));
    const news = new Set(docs.filter((d) => d.kind === 'news').map((d) => d.docId));
    expect(all.some((m) => news.has(m.docId))).toBe(false);
    const ids = new Set<string>();
    for (const m of all) {
      const doc = docs.find((d) => d.docId === m.docId)!;
      const para = doc.paragraphs.find((p) => p.id === m.paragraphId);
      expect(para?.text).toBe(m.sourceText);
      expect(ids.has(m.id), m.id).toBe(false);
      ids.add(m.id);
      for (const a of m.amounts) {
        if (a.value !== null && a.text !== '全额补贴用人单位实际缴纳的社会保险费') expect(a.text).toMatch(/\d/);
      }
      for (const c of m.conditions) expect(doc.paragraphs.find((p) => p.id === c.paragraphId)?.text.replace(/\n/g, '')).toContain(c.text.split('\n')[0]!.slice(0, 8));
    }
  });
});
