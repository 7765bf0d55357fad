import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/ingest/load-corpus.ts';
import { extractFromDocument } from '../src/measures/extract.ts';
import type { PolicyDocument } from '../src/types.ts';
import { key, readGold, report, score } from './helpers/measures-gold.ts';

/**
 * The extractor against the hand-labelled gold files (test/fixtures/measures-gold): precision and
 * recall of measures (matched by name + paragraph), of their amounts (value in yuan or %) and of
 * their target groups, per document. Printed, and asserted at the level reached.
 */

const REPO = path.join(import.meta.dirname, '..');

let docs: PolicyDocument[];
beforeAll(async () => {
  docs = (await loadCorpus(path.join(REPO, 'corpus'))).documents;
});

describe.each(['003', '18b'])('measures of %s against the gold file', (name) => {
  it('precision and recall of measures, amounts and groups are ≥ 0.9', () => {
    const gold = readGold(name);
    const doc = docs.find((d) => d.file === gold.file);
    expect(doc, gold.file).toBeDefined();
    const got = extractFromDocument(doc!);
    const s = score(gold, got);
    console.log(report(`measures-gold ${name} (${gold.file})`, s));
    for (const p of [s.measures, s.amounts, s.groups]) {
      expect(p.precision).toBeGreaterThanOrEqual(0.9);
      expect(p.recall).toBeGreaterThanOrEqual(0.9);
    }
    expect(s.recipients.agree / Math.max(1, s.recipients.of)).toBeGreaterThanOrEqual(0.9);
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
