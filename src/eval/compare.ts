import type { Engine, PipelineSwitches } from '../engine.ts';
import { renderReport, runItems, summarize, type EvalItem, type EvalReport } from './evaluate.ts';

/**
 * Evaluation sets side by side with the naive baseline measured in the same run, and the
 * ablation of the pipeline's components. The baseline (MiniSearch, a dev dependency) is loaded
 * only here; without it the comparison says so instead of failing.
 */
/** What each set is, so a reader knows which figures are held out and which were fitted on. */
export const SET_NOTES: Record<string, string> = {
  'blind-2.jsonl': '**Held out.** Written on 2026-12-01 by a helper that saw no code and no other question set, frozen before the changes of that day, committed after the last one; never tuned on (test/fixtures/blind-2).',
  'blind-2-newdocs.jsonl': '**Held out.** Three invented documents of other provinces (test/fixtures/blind-2/newdocs) added to the corpus, with colloquial questions; same helper, frozen and never tuned on.',
  'blind.jsonl': '**Held out.** Written from the documents by helper sessions that saw no code and no other question set; frozen before the changes it measures; never tuned on.',
  'colloquial.jsonl': 'Realistic WeChat-style questions (shared). **Calibration data**: the abstention model is fitted on it, so these are training figures.',
  'dev.jsonl': 'Short formal questions (shared). **Fitted on** by earlier sessions; training figures.',
  'colloquial-train.jsonl': 'Our own colloquial questions, written for calibration. **Fitted on**; training figures.',
  'calibration.jsonl': 'Our own formal questions. **Fitted on**; training figures.',
  'colloquial-train-2.jsonl': 'Our own colloquial questions on the bundled corpus, second batch (written by a helper that saw no code). **Fitted on**; training figures.',
  'questions-train.jsonl': 'Six invented documents of other provinces (test/fixtures/unseen-train) added to the corpus, with colloquial questions. A development set: **looked at and fitted on**; training figures.',
  'questions-train-2.jsonl': 'Five invented documents of other provinces (test/fixtures/unseen-train-2: an HTML notice with a metadata table, 第X条 rules in markdown, a 问/答 FAQ, a news article, a notice of labelled parts) with colloquial questions, written on 2026-12-01 by a helper that saw no code. A development set: **looked at and fitted on**; training figures.',
  'questions-train-3.jsonl': 'Five invented documents of other provinces in table, Q&A and prose shapes (test/fixtures/unseen-train-3/docs: a two-column 办事指南 table, a notice with a subsidy table, a policy with long mixed paragraphs, an HTML Q&A, a 解读 with an attachment list) with colloquial questions, written on 2026-12-01 by a helper that saw no code. A development set: **looked at and fitted on**; training figures.',
  'blind-3.jsonl': '**Held out.** Written on 2026-12-01 by a helper that saw no code and no other question set, frozen before that session changed retrieval, committed after its last change; never tuned on (test/fixtures/blind-3).',
  'blind-3-newdocs.jsonl': '**Held out.** Four invented documents of other provinces (test/fixtures/blind-3/newdocs) added to the corpus, with colloquial questions; same helper, frozen and never tuned on.',
  'blind-4.jsonl': '**Held out.** Written on 2026-12-01 by a helper that saw no code and no other question set, frozen before that session\'s learned rerank, committed after its last change; never tuned on (test/fixtures/blind-4).',
  'blind-5.jsonl': '**Held out.** Written on 2026-12-01 (the fourth session that day) by a helper that saw no code and no other question set, frozen and measured before that session\'s changes, committed after its last one; never tuned on (test/fixtures/blind-5).',
  'blind-5-newdocs.jsonl': '**Held out.** Four invented documents (of four cities no other file names: an HTML notice with 第X条, a .txt 办事指南, a Markdown 政策解读, an HTML subsidy table; test/fixtures/blind-5/newdocs) added to the corpus, with colloquial questions; same helper, frozen and never tuned on.',
  'blind-6.jsonl': '**Held out.** Written on 2026-12-02 by a helper that saw no code and no other question set, frozen and measured before that session\'s changes, committed after its ranking and composition changes but before its two abstention changes; never tuned on (test/fixtures/blind-6).',
  'blind-6-newdocs.jsonl': '**Held out.** Four invented documents (of four cities no other file names: an HTML notice with 第X条, a .txt 办事指南, a Markdown 政策解读, an HTML subsidy table; test/fixtures/blind-6/newdocs) added to the corpus, with colloquial questions; same helper, frozen and never tuned on.',
  'blind-8.jsonl': '**Held out.** Written on 2026-12-02 (the third session that day) by a helper that saw no code and no other question set, frozen and measured at that session\'s start (94fb39a), committed mid-session (23cc093) and measured again after its last change to answers (9e8a057: 0.875 → 0.850); never tuned on (test/fixtures/blind-8).',
  'blind-8-newdocs.jsonl': '**Held out.** Four invented documents of 泉州, 包头, 绍兴 and 天水 (an HTML notice with 第X条 and an info table, a .txt 办事指南, a Markdown 问/答, an HTML table of measures; test/fixtures/blind-8/newdocs) added to the corpus, with colloquial questions written with blind-8; never tuned on.',
  'blind-9.jsonl': '**Held out.** Written on 2026-12-03 by a helper that saw no code and no other question set (50 questions on the corpus: voice-typed run-ons, long stories before the ask, vague pointers, everyday words far from the documents\' terms), frozen and measured at that session\'s start (618070d: hit@3 0.800) and after its last change to answers (be73264: 0.800, first sentence 0.650 → 0.675); never tuned on (test/fixtures/blind-9).',
  'blind-9-newdocs.jsonl': '**Held out.** Four invented documents of 荆州, 衡阳, 德州 and 江门 (an HTML 政策解读 in bold questions with an info table, a .txt 汇编 of 【】 labels, a Markdown notice with a table, a two-column HTML 办事指南), with colloquial questions by a second helper that saw no code; measured at 618070d (0.679) and be73264 (0.750); never tuned on.',
  'blind-7.jsonl': '**Held out.** Written on 2026-12-02 (the second session that day) by a helper that saw no code and no other question set, frozen and measured at that session\'s start; the session kept no change to retrieval, answers or abstention, so it was committed unchanged; never tuned on (test/fixtures/blind-7).',
  'blind-7-newdocs.jsonl': '**Held out.** Four invented documents (an HTML notice with 第X条, a .txt 办事指南, a Markdown 政策解读, an HTML table with 办理说明; test/fixtures/blind-7/newdocs) added to the corpus, with colloquial questions; same helper, frozen and never tuned on.',
  'blind-4-newdocs.jsonl': '**Held out.** Four invented documents (芜湖, 曲靖, 牡丹江, 漳州: an HTML notice, a sectioned .txt notice, a Markdown Q&A, an HTML subsidy table; test/fixtures/blind-4/newdocs) added to the corpus, with colloquial questions; same helper, frozen and never tuned on.',
  'questions-train-4.jsonl': 'Five invented documents of other provinces (test/fixtures/unseen-train-4/docs: an HTML page of 第X条 articles, a sectioned .txt notice, a Markdown FAQ, an HTML subsidy table, a prose 解读) with colloquial questions, written on 2026-12-01 by a helper that saw no code; first measured before anything was fitted on it (hit@3 0.717), then **looked at and fitted on**; training figures.',
  'questions-train-5.jsonl': 'Six invented documents of 汕头, 邢台, 金华, 南阳, 常州 and 北海 (test/fixtures/unseen-train-5/docs: an HTML two-column table 办事指南 with <br> lists, a .txt 解读 of numbered questions with worked examples, a Markdown list of items with bold labels, an HTML notice with a subsidy table, a two-column page with a <dl> 办事指南, a .txt 汇编 of 【】 labels) with colloquial questions, written on 2026-12-03 by a helper that saw no code; first measured before anything was fitted on it (hit@3 0.771, first sentence 0.542, 3/6 refused, 2 false refusals), then **looked at and fitted on**; training figures.',
  'blind-10.jsonl': '**Held out.** Written on 2026-12-03 (the session after blind-9) by a helper that saw no code and no other question set (50 questions on the corpus: long stories, two asks, voice-typed run-ons, vague pointers, dialect, everyday words), frozen and measured at that session\'s start (3e6964d: hit@3 0.675, first sentence 0.600, 3 false refusals) and after its last change to answers (af5e1f0: 0.700, 0.600, 3); never tuned on (test/fixtures/blind-10).',
  'blind-10-newdocs.jsonl': '**Held out.** Four invented documents of 株洲, 赣州, 淄博 and 湛江 (an HTML 政策清单 of one measure per table row, a .txt 通知 numbered 一、（一）1.（1）, a Markdown page of ### 问： headings, an HTML 一图读懂 of <br> lines with emoji bullets), with colloquial questions by a second helper that saw no code; measured at 3e6964d (hit@3 0.821, first sentence 0.500, 0/4 refused) and af5e1f0 (unchanged); never tuned on.',
  'colloquial-train-3.jsonl': 'Our own colloquial questions on the bundled corpus, third batch (test/fixtures/colloquial-train-3: voice-typed run-ons, long stories, vague pointers, everyday words; written on 2026-12-03 by a helper that saw no code); first measured before anything was fitted on it (3e6964d: hit@3 0.688, first sentence 0.542, 8/12 refused, 2 false refusals), then **looked at and fitted on**; training figures.',
  'unseen-train-6.jsonl': 'Five invented documents of 遵义, 咸阳, 盐城, 玉林 and 宜春 (test/fixtures/unseen-train-6/docs: an HTML two-column table 办事指南, a .txt 问/答, a Markdown notice with conditions and a standards table, an HTML 解读 with <h3> parts, a .txt 汇编 of inline labels) with colloquial questions, written on 2026-12-03 by a helper that saw no code; first measured before anything was fitted on it (3e6964d: hit@3 0.771, first sentence 0.542, 1/6 refused, 3 false refusals), then **looked at and fitted on**; training figures.',
  'blind-11.jsonl': '**Held out.** Written on 2026-12-03 (the third session that day) by a helper that saw no code and no other question set (50 questions on the corpus), frozen and measured at that session\'s start (8299b64: hit@3 0.675, first sentence 0.525, 8/10 refused, 5 false refusals) and after its last change to answers (f7107e3: 0.700, 0.550, 8/10, 4); never tuned on (test/fixtures/blind-11).',
  'blind-11-newdocs.jsonl': '**Held out.** Four invented documents of 六盘水, 渭南, 连云港 and 钦州 (an HTML 政策问答 of <dl><dt><dd>, a .txt 实施办法 of 第X章/第X条, a Markdown 办事指南 of bold labels and lists, an HTML table with rowspan categories), with colloquial questions by a second helper that saw no code; measured at 8299b64 (hit@3 0.679, first sentence 0.607, 1/4 refused, 4 false refusals) and f7107e3 (0.786, 0.643, 1/4, 2); never tuned on.',
  'blind-13.jsonl': '**Held out.** Written on 2026-12-06 by a helper that saw no code and no other question set (50 questions on the corpus: 40 answerable, 5 in-domain unanswered, 5 off-topic), frozen before the session changed anything and measured in aggregate only (never its misses): at the session\'s start code 3c032c8 hit@3 0.725, first sentence 0.575, 8/10 refused, 1 false refusal; at its final code hit@3 0.750, first sentence 0.650, 8/10, 1 (measured four times in aggregate, BENCHMARKS.md says when); never tuned on (test/fixtures/blind-13).',
  'blind-13-newdocs.jsonl': '**Held out.** Four invented documents of 嘉兴, 驻马店, 宿迁 and 黄冈 (an HTML 政务服务 「退休一件事」 page, a .txt 12345 热线知识库 entry, a .txt 工伤认定 一次性告知书 with a tear-off 回执, a Markdown 村务公开 notice of a village\'s public-welfare jobs), with colloquial questions by a helper that saw no code, written and frozen on 2026-12-06; at the start code 3c032c8 hit@3 0.536, first sentence 0.393, 2/4 refused, 3 false refusals; at the session\'s final code hit@3 0.607, first sentence 0.464, 2/4, 3; never tuned on (test/fixtures/blind-13).',
  'blind-12.jsonl': '**Held out.** Written on 2026-12-04 by a helper that saw no code and no other question set (50 questions on the corpus: 40 answerable, 5 in-domain unanswered, 5 off-topic), frozen and measured without looking at its misses; the session changed no answers, so before = after (22aad49 answers: hit@3 0.725, first sentence 0.600, 7/10 refused, 1 false refusal); never tuned on (test/fixtures/blind-12).',
  'blind-12-newdocs.jsonl': '**Held out.** Four invented documents of 南充, 襄阳, 唐山 and 安庆 (an HTML page of 局长信箱 letters and replies, an HTML 新闻发布会 transcript, a .txt 办事指南 numbered in two levels (4.3), a Markdown 图解 解读 of image captions and lists), with colloquial questions by a helper that saw no code, written and frozen on 2026-12-04; measured at that session\'s start code (22aad49: hit@3 0.821, first sentence 0.643, 1/4 refused, 2 false refusals); the session changed no answers; never tuned on (test/fixtures/blind-12).',
  'colloquial-train-4.jsonl': 'Our own colloquial questions on the bundled corpus, fourth batch (test/fixtures/colloquial-train-4: long stories with the ask in the middle, two asks about different benefits, vague asks, facts stated loosely, dialects, voice typing; written on 2026-12-03 by a helper that saw no code); first measured before anything was fitted on it (34400fa: hit@3 0.750, first sentence 0.625, 8/12 refused, 2 false refusals), then **looked at and fitted on**; training figures.',
  'unseen-train-7.jsonl': 'Five invented documents of 上饶, 开封, 揭阳, 十堰 and 营口 (test/fixtures/unseen-train-7/docs: an HTML accordion of <h4> questions, a .txt 解读 of 【】 headings and 一是…二是…, a Markdown table with <br> in its cells, an HTML news release with officials quoted, a .txt 公众号 post with emoji) with colloquial questions, written on 2026-12-03 by a helper that saw no code; first measured before anything was fitted on it (d8dbb1f: hit@3 0.686, first sentence 0.571, 3/5 refused, 8 false refusals), then **looked at and fitted on**; training figures.',
  'colloquial-train-5.jsonl': 'Our own colloquial questions on the bundled corpus, fifth batch (test/fixtures/colloquial-train-5: long stories, asks in the middle, two asks, wrong names, voice-typed run-ons, six dialects; written on 2026-12-04 by a helper that saw no code); first measured before anything was fitted on it (b1cc410: hit@3 0.708, first sentence 0.521, 6/12 refused, 3 false refusals), then **looked at**; training figures.',
  'unseen-train-8.jsonl': 'Five invented documents of 徐州, 岳阳, 宜宾, 鞍山 and 佛山 (test/fixtures/unseen-train-8/docs: a two-column HTML 办事指南 table, a .txt 通知 with 附件 lists, a Markdown **问：** FAQ, an 一图读懂 transcript of arrows and short lines, an HTML <dl> guide) with colloquial questions, written on 2026-12-04 by a helper that saw no code; first measured before anything was fitted on it (b1cc410: hit@3 0.914, first sentence 0.657, 2/5 refused, 0 false refusals), then **looked at**; training figures.',
  'unseen-train-9.jsonl': 'Five invented documents of 齐齐哈尔, 湖州, 孝感, 汉中 and 桂林 (test/fixtures/unseen-train-9/docs: a .txt 办事指南 in 一、…十三、 sections of numbered lines, an HTML FAQ page of 12 questions, a .txt 通知 with 一、（一）1.（1） numbering and a standards table, a Markdown 解读, a .txt news release stating its figures in prose) with colloquial questions, written on 2026-12-06 by a helper that saw no code; first measured before anything was fitted on it (3c032c8: hit@3 0.765, first sentence 0.529, 2/6 refused, 0 false refusals), then **looked at**; training figures.',
  'unseen-train-10.jsonl': 'Five invented documents of 莆田, 蚌埠, 乐山, 景德镇 and 晋城 (test/fixtures/unseen-train-10/docs: a .txt 政策明白卡 of ★ headings over ▲/● short lines, a Markdown 办事攻略 of ### steps and > 温馨提示 quotes, an HTML overview table with rowspan and colspan, an HTML 告示 of 【】 headings with an 附件 list and 联系人 lines, a .txt 征求意见稿 of 第一条…第二十条 with its 起草说明) with colloquial questions, written on 2026-12-06 by a helper that saw no code; first measured before anything was fitted on it (88d6d07: hit@3 0.676, first sentence 0.529, 1/6 refused, 2 false refusals), then **looked at**; training figures.',
  'colloquial-train-6.jsonl': 'Our own colloquial questions on the bundled corpus, sixth batch (test/fixtures/colloquial-train-6: half of the answerable ones yes/no asks whose deciding fact is in the story, long stories, two asks, dialects; written on 2026-12-06 by a helper that saw no code); first measured before anything was fitted on it (88d6d07: hit@3 0.792, first sentence 0.604, 11/12 refused, 0 false refusals), then looked at; training figures.',
  'questions.jsonl': '**Held out.** Six invented documents of other provinces (test/fixtures/unseen) added to the corpus, with colloquial questions; written by a helper that saw no code; never tuned on.',
};

/** The file name of a reported set (「questions.jsonl (+unseen)」 → questions.jsonl). */
export function setFile(set: string): string {
  return set.split(' ')[0]!;
}

/** Sets whose questions must not be looked at one by one: their misses are hidden unless asked for. */
export const HELD_OUT_SETS = new Set(['blind-13.jsonl', 'blind-13-newdocs.jsonl', 'blind-12.jsonl', 'blind-12-newdocs.jsonl', 'blind-11.jsonl', 'blind-11-newdocs.jsonl', 'blind-10.jsonl', 'blind-10-newdocs.jsonl', 'blind-9.jsonl', 'blind-9-newdocs.jsonl', 'blind-8.jsonl', 'blind-8-newdocs.jsonl', 'blind.jsonl', 'questions.jsonl', 'blind-2.jsonl', 'blind-2-newdocs.jsonl', 'blind-3.jsonl', 'blind-3-newdocs.jsonl', 'blind-4.jsonl', 'blind-4-newdocs.jsonl', 'blind-5.jsonl', 'blind-5-newdocs.jsonl', 'blind-6.jsonl', 'blind-6-newdocs.jsonl', 'blind-7.jsonl', 'blind-7-newdocs.jsonl']);

export interface EvalSetInput {
  name: string;
  items: EvalItem[];
}

export interface BaselineFigures {
  hitAtK: number;
  mrr: number;
  latencyMs: { p50: number; p95: number };
}

export interface SetComparison {
  set: string;
  policybot: EvalReport;
  baseline: BaselineFigures | null;
}

async function loadBaseline(engine: Engine) {
  try {
    const { buildBaseline, evaluateBaseline } = await import('../bench/baseline.ts');
    const index = buildBaseline([...engine.documents]);
    return (items: EvalItem[], k: number) => evaluateBaseline(index, items, k);
  } catch {
    return null;
  }
}

export async function compareSets(engine: Engine, sets: EvalSetInput[], k: number): Promise<SetComparison[]> {
  const baseline = await loadBaseline(engine);
  const out: SetComparison[] = [];
  for (const s of sets) {
    const policybot = summarize(await runItems(engine, s.items, k), k);
    out.push({ set: s.name, policybot, baseline: baseline ? baseline(s.items, k) : null });
  }
  return out;
}

const f3 = (v: number) => v.toFixed(3);

export function renderComparison(results: SetComparison[], opts: { misses: boolean; heldOutMisses?: boolean; embedder: string; answeredBy?: string }): string {
  const lines: string[] = [`embedder ${opts.embedder}; answers ${opts.answeredBy ?? 'extractive'}; baseline: paragraph BM25 (MiniSearch) over jieba tokens, never abstains`];
  for (const r of results) {
    const heldOut = HELD_OUT_SETS.has(setFile(r.set));
    const misses = opts.misses && (!heldOut || opts.heldOutMisses === true);
    lines.push('', `== ${r.set}`, ...(SET_NOTES[setFile(r.set)] ? [SET_NOTES[setFile(r.set)]!.replace(/\*\*/g, '')] : []), renderReport(r.policybot, { misses }));
    if (heldOut && opts.misses && !misses && r.policybot.misses.length) lines.push(`misses: ${r.policybot.misses.length} (held out: not listed; --held-out-misses lists them)`);
    if (r.baseline) lines.push(`baseline           hit@${r.policybot.k} ${f3(r.baseline.hitAtK)}  MRR ${f3(r.baseline.mrr)}  p50 ${r.baseline.latencyMs.p50} ms`);
    else lines.push('baseline           not measured (minisearch is a dev dependency: npm ci without --omit=dev)');
  }
  return lines.join('\n');
}

export const ABLATIONS: Array<{ name: string; pipeline: PipelineSwitches }> = [
  { name: 'full pipeline', pipeline: {} },
  { name: 'no lexicon expansion', pipeline: { expand: false } },
  { name: 'with pseudo-relevance feedback (off by default)', pipeline: { prf: true } },
  { name: 'no answer-kind rerank', pipeline: { kindRerank: false } },
  { name: 'no learned rerank', pipeline: { rerank: false } },
  { name: 'no vectors', pipeline: { vectors: false } },
  { name: 'no ask splitting', pipeline: { split: false } },
  { name: 'no refusal gate', pipeline: { abstain: false } },
];

export interface AblationRow {
  name: string;
  sets: Array<{ set: string; report: EvalReport }>;
}

export async function runAblation(engine: Engine, sets: EvalSetInput[], k: number): Promise<AblationRow[]> {
  const rows: AblationRow[] = [];
  for (const a of ABLATIONS) {
    const out: AblationRow = { name: a.name, sets: [] };
    for (const s of sets) out.sets.push({ set: s.name, report: summarize(await runItems(engine, s.items, k, { pipeline: a.pipeline }), k) });
    rows.push(out);
  }
  return rows;
}

/** Markdown: one row per configuration, per set hit@3 / MRR / first sentence / refusals right / false refusals. */
export function renderAblation(rows: AblationRow[], _ablations = ABLATIONS): string {
  const sets = rows[0]?.sets.map((s) => s.set) ?? [];
  const head = ['| configuration |', ...sets.map((s) => ` ${s} hit@3 | MRR | first sentence | refused right | false refusals |`)].join('');
  const sep = ['|---|', ...sets.map(() => '---:|---:|---:|---:|---:|')].join('');
  const body = rows.map((r) =>
    [
      `| ${r.name} |`,
      ...r.sets.map(
        ({ report: p }) => ` ${f3(p.hitAtK)} | ${f3(p.mrr)} | ${f3(p.firstSentenceContainsGold)} | ${p.abstention.correct}/${p.abstention.expected} | ${p.falseAbstentions} |`,
      ),
    ].join(''),
  );
  return [head, sep, ...body].join('\n');
}
