import { beforeAll, describe, expect, it } from 'vitest';
import { extractFromDocument } from '../src/measures/extract.ts';
import { evaluateMeasure } from '../src/eligibility/evaluate.ts';
import { parseProfile } from '../src/eligibility/profile.ts';
import { placesInQuestion } from '../src/text/gazetteer.ts';
import type { PolicyDocument } from '../src/types.ts';
import { BLIND2_DIR, BLIND3_DIR, blindDocuments, blindGold, blindScenarios, DEV_DIR, scenarioMeasure, scenarioProfile, scoreBlind } from './helpers/measures-blind.ts';
import { fmt, pr, type PR } from './helpers/measures-gold.ts';

/**
 * The frozen blind measures set (test/fixtures/measures-blind): five documents of other provinces in five
 * shapes, labelled by a helper that saw no code. Its errors are never looked at one by one; the floors are
 * the pooled figures measured on it (src/measures/README.md has them before and after), so a change that
 * loses ground on documents nobody tuned on fails here.
 */
const FLOORS = { measures: { precision: 0.81, recall: 1 }, amounts: { precision: 0.93, recall: 0.84 }, groups: { precision: 0.8, recall: 0.82 }, scenarios: 4 };

let docs: PolicyDocument[];
beforeAll(async () => {
  docs = await blindDocuments();
});

const pooled = (ps: PR[]) => pr(ps.reduce((n, p) => n + p.tp, 0), ps.reduce((n, p) => n + p.extracted, 0), ps.reduce((n, p) => n + p.gold, 0));

describe('measures on the blind documents', () => {
  it('pooled precision and recall of measures, amounts and groups stay at the blind figures', () => {
    const scores = blindGold().map((g) => scoreBlind(g, docs.find((d) => d.file === g.file)!));
    expect(scores).toHaveLength(5);
    const all = { measures: pooled(scores.map((s) => s.measures)), amounts: pooled(scores.map((s) => s.amounts)), groups: pooled(scores.map((s) => s.groups)) };
    console.log(`measures-blind pooled\n  measures ${fmt(all.measures)}\n  amounts  ${fmt(all.amounts)}\n  groups   ${fmt(all.groups)}`);
    for (const k of ['measures', 'amounts', 'groups'] as const) {
      expect(all[k].precision, `${k} precision`).toBeGreaterThanOrEqual(FLOORS[k].precision - 1e-9);
      expect(all[k].recall, `${k} recall`).toBeGreaterThanOrEqual(FLOORS[k].recall - 1e-9);
    }
  });

  it('eligibility verdicts of the blind scenarios stay at the blind figure', () => {
    const today = '2026-11-22';
    let right = 0;
    for (const s of blindScenarios()) {
      const doc = docs.find((d) => d.file === s.doc)!;
      const m = scenarioMeasure(s, extractFromDocument(doc).map((x) => ({ ...x, url: `http://localhost/docs/${doc.docId}#${x.paragraphId}` })));
      if (!m) continue;
      const input = scenarioProfile(s, today);
      const region = placesInQuestion(String(input['region']))[0] ?? String(input['region']);
      const r = evaluateMeasure(m, parseProfile({ ...input, region }, new Date(today)));
      const got = r.status === 'eligible' ? 'eligible' : r.status === 'unknown' ? 'unknown' : 'ineligible';
      if (got === s.expected) right++;
    }
    console.log(`measures-blind scenarios ${right}/${blindScenarios().length} verdicts as the author expected`);
    expect(right).toBeGreaterThanOrEqual(FLOORS.scenarios);
  });
});

/**
 * The development set (test/fixtures/measures-dev): five more documents of other provinces (上海 办事指南 with
 * pronoun phrasing, 大连 list with look-alike measures and a 补贴测算, 贵阳 FAQ, 南昌 prose with nested groups,
 * 太原 bar table with services and recruitment), labelled by a helper, and three labelled before the extractor
 * saw them (昆明 办事指南 with 全部条件/之一 lists, 合肥 markdown table, 西安 numbered FAQ, 福州 明白卡 records, 郑州 bar table, 武汉 FAQ, 南宁 one-measure 办事指南, 长沙
 * numbered prose with a higher tier); tuned on openly: training figures.
 */
describe('measures on the development documents (tuned on)', () => {
  it('pooled precision and recall stay where the rules brought them', async () => {
    const dev = await blindDocuments(DEV_DIR);
    const scores = blindGold(DEV_DIR).map((g) => scoreBlind(g, dev.find((d) => d.file === g.file)!));
    expect(scores).toHaveLength(13);
    const all = { measures: pooled(scores.map((s) => s.measures)), amounts: pooled(scores.map((s) => s.amounts)), groups: pooled(scores.map((s) => s.groups)) };
    console.log(`measures-dev pooled (training)\n  measures ${fmt(all.measures)}\n  amounts  ${fmt(all.amounts)}\n  groups   ${fmt(all.groups)}`);
    expect(all.measures.precision).toBeGreaterThanOrEqual(0.98);
    expect(all.measures.recall).toBeGreaterThanOrEqual(0.96);
    expect(all.amounts.precision).toBeGreaterThanOrEqual(0.9);
    expect(all.amounts.recall).toBeGreaterThanOrEqual(0.96);
    expect(all.groups.recall).toBeGreaterThanOrEqual(0.92);
  });
});

/**
 * A second development set (test/fixtures/measures-dev-2): 台州 policy list with 【】 items, a service and a
 * recruitment drive, 安顺 办事指南 for two measures by facet, 玉溪 FAQ with a worked example, 齐齐哈尔 table of
 * ｜-separated rows, 淄博 prose with nested groups; labelled by a helper that saw no code, first measured before
 * any rule was written for it (measures P 0.79 / R 0.96, amounts 0.81 / 0.68, 4 of 10 verdicts), then tuned on.
 */
describe('measures on the second and third development sets (tuned on)', () => {
  // measures-dev-3 (安庆 articles, 通辽 FAQ of pronouns, 宜宾 tab table, 张掖 一是…二是 prose, 梅州 告知单), first seen at
  // measures P 0.82 / R 0.84, amounts 0.84 / 0.52: the tab table's rows (and cells holding 「；」) are now rows.
  it('the tab table of measures-dev-3 gives each row its tiers', async () => {
    const dir = DEV_DIR.replace(/measures-dev$/u, 'measures-dev-3');
    const dev = await blindDocuments(dir);
    const scores = blindGold(dir).map((g) => scoreBlind(g, dev.find((d) => d.file === g.file)!));
    const all = { amounts: pooled(scores.map((s) => s.amounts)) };
    expect(all.amounts.recall).toBeGreaterThanOrEqual(0.62);
  });

  it('keeps its measures, amounts and verdicts', async () => {
    const dir = DEV_DIR.replace(/measures-dev$/u, 'measures-dev-2');
    const dev = await blindDocuments(dir);
    const scores = blindGold(dir).map((g) => scoreBlind(g, dev.find((d) => d.file === g.file)!));
    expect(scores).toHaveLength(5);
    const all = { measures: pooled(scores.map((s) => s.measures)), amounts: pooled(scores.map((s) => s.amounts)), groups: pooled(scores.map((s) => s.groups)) };
    console.log(`measures-dev-2 pooled (training)\n  measures ${fmt(all.measures)}\n  amounts  ${fmt(all.amounts)}\n  groups   ${fmt(all.groups)}`);
    expect(all.measures.precision).toBeGreaterThanOrEqual(0.96);
    expect(all.measures.recall).toBeGreaterThanOrEqual(0.96);
    expect(all.amounts.recall).toBeGreaterThanOrEqual(0.95);
    expect(all.groups.recall).toBeGreaterThanOrEqual(0.95);
  });
});

/**
 * Later frozen blind sets, each written by a helper that saw no code, measured at the start of the session that
 * received it (src/measures/README.md) and never looked at one by one. Floors at those first figures.
 * measures-blind-2 (2026-12-02): 岳阳 第X条 notice, 邯郸 one-measure 告知单, 南充 问答 with pronouns, 清远 tab table,
 * 黄石 一是…二是 解读. measures-blind-3 (2026-12-03): 湘潭 list of labelled items, 漯河 one-measure 【】 guide, 泸州 问答,
 * 景德镇 prose notice, 威海 bar table.
 */
const LATER_BLIND_SETS = [
  { dir: BLIND2_DIR, floors: { measures: [0.8, 0.88], amounts: [0.8, 0.62], groups: [0.97, 0.62] }, scenarios: 3 },
  { dir: BLIND3_DIR, floors: { measures: [0.76, 1], amounts: [0.97, 0.86], groups: [0.95, 0.91] }, scenarios: 10 },
] as const;

describe.each(LATER_BLIND_SETS)('measures on a later blind set ($dir)', ({ dir, floors, scenarios }) => {
  it('pooled figures and verdicts stay at the blind figures', async () => {
    const docs2 = await blindDocuments(dir);
    const scores = blindGold(dir).map((g) => scoreBlind(g, docs2.find((d) => d.file === g.file)!));
    expect(scores).toHaveLength(5);
    const all = { measures: pooled(scores.map((s) => s.measures)), amounts: pooled(scores.map((s) => s.amounts)), groups: pooled(scores.map((s) => s.groups)) };
    console.log(`${dir.split('/').pop()} pooled\n  measures ${fmt(all.measures)}\n  amounts  ${fmt(all.amounts)}\n  groups   ${fmt(all.groups)}`);
    for (const k of ['measures', 'amounts', 'groups'] as const) {
      expect(all[k].precision, `${k} precision`).toBeGreaterThanOrEqual(floors[k][0]);
      expect(all[k].recall, `${k} recall`).toBeGreaterThanOrEqual(floors[k][1]);
    }
    const today = '2025-11-22';
    let right = 0;
    for (const s of blindScenarios(dir)) {
      const doc = docs2.find((d) => d.file === s.doc)!;
      const m = scenarioMeasure(s, extractFromDocument(doc).map((x) => ({ ...x, url: `http://localhost/docs/${doc.docId}#${x.paragraphId}` })));
      if (!m) continue;
      const input = scenarioProfile(s, today);
      const region = placesInQuestion(String(input['region']))[0] ?? String(input['region']);
      const r = evaluateMeasure(m, parseProfile({ ...input, region }, new Date(today)));
      if ((r.status === 'eligible' ? 'eligible' : r.status === 'unknown' ? 'unknown' : 'ineligible') === s.expected) right++;
    }
    expect(right).toBeGreaterThanOrEqual(scenarios);
  });
});
