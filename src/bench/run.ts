import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withDirs, type Config } from '../config.ts';
import { silentLogger, type Logger } from '../log.ts';
import { openEngine } from '../engine.ts';
import { buildIndex } from '../index/build.ts';
import { loadCorpus } from '../ingest/load-corpus.ts';
import { parseEvalFile, percentile, runItems, summarize, type EvalItem, type EvalReport } from '../eval/evaluate.ts';
import { buildBaseline, evaluateBaseline, type BaselineReport } from './baseline.ts';
import { renderAblation, runAblation, SET_NOTES, setFile, type AblationRow } from '../eval/compare.ts';

/** The sets the ablation table is measured on. */
const ABLATION_SETS = ['dev.jsonl', 'colloquial.jsonl'];

/** Targets from the issue. */
export const TARGETS = { warmP50Ms: 20, coldStartMs: 2000, ingestSeconds: 15 } as const;
export const MIN_WARM_ASKS = 500;

const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]dist[\\/]?$/, '');
/** The command users run (compiled dist/, built first when stale) and, as the baseline, the sources through tsx. */
const ENTRIES = {
  compiled: [path.join(REPO, 'bin', 'policybot.js')],
  tsx: ['--import', 'tsx', path.join(REPO, 'bin', 'run.ts')],
} as const;
type Entry = keyof typeof ENTRIES;
const TIME = '/usr/bin/time';

export interface EvalSet {
  name: string;
  items: EvalItem[];
}

export interface BenchOptions {
  sets: EvalSet[];
  runs: number;
  /** Progress lines (stderr). */
  note?: (line: string) => void;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
}

export interface BenchResult {
  machine: MachineInfo;
  date: string;
  /** `git describe`-like revision of the code measured, with "+dirty" when the tree had uncommitted changes. */
  revision: string;
  embedder: string;
  corpus: { documents: number; paragraphs: number; chunks: number };
  runs: number;
  ingestSeconds: number[];
  /** The compiled executable (`bin/policybot.js` → dist/). */
  coldStartMs: number[];
  /** The same command run from the TypeScript sources through tsx (how it ran before there was a build). */
  coldStartTsxMs: number[];
  /** Peak RSS of the cold-start children in KiB (from /usr/bin/time -v), or null when not measurable. */
  coldStartMaxRssKiB: number[] | null;
  coldStartRssNote: string;
  warm: { asks: number; distinctQuestions: number; p50: number; p95: number; mean: number };
  /** process.resourceUsage().maxRSS after the warm run (KiB): the bench process's lifetime peak. */
  benchMaxRssKiB: number;
  /** process.memoryUsage().rss right after the warm run (KiB). */
  benchRssAfterWarmKiB: number;
  comparison: { set: string; policybot: EvalReport; baseline: BaselineReport }[];
  /** Each pipeline component switched off in turn, on dev.jsonl and colloquial.jsonl (when present). */
  ablation: AblationRow[];
  baselineParagraphs: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
  };
}

export function readEvalSet(file: string): EvalSet {
  return { name: path.basename(file), items: parseEvalFile(fs.readFileSync(file, 'utf8'), path.basename(file)) };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function gitRevision(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? ' + uncommitted changes' : ''}`;
}

function hasGnuTime(): boolean {
  if (!fs.existsSync(TIME)) return false;
  const r = spawnSync(TIME, ['-v', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /Maximum resident set size/.test(r.stderr);
}

/** Spawns `policybot ask --json "<q>" --index <dir> --corpus <dir>` once (inheriting the environment); wall time in ms. */
function coldStart(entry: Entry, config: Config, indexDir: string, question: string, withTime: boolean): { ms: number; maxRssKiB: number | null } {
  const args = [...ENTRIES[entry], 'ask', '--json', question, '--index', indexDir, '--corpus', config.corpusDir];
  const cmd = withTime ? TIME : process.execPath;
  const argv = withTime ? ['-v', process.execPath, ...args] : args;
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd: REPO });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`cold-start child failed (exit ${r.status}): ${r.stderr.slice(-500)}`);
  const answer = JSON.parse(r.stdout) as { question?: unknown };
  if (answer.question !== question) throw new Error('cold-start child returned an unexpected answer');
  const m = withTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr) : null;
  return { ms, maxRssKiB: m?.[1] ? Number(m[1]) : null };
}

export async function runBench(config: Config, opts: BenchOptions): Promise<BenchResult> {
  const note = opts.note ?? (() => {});
  const logger: Logger = silentLogger;
  const runs = Math.max(1, opts.runs);
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'policybot-bench-'));
  try {
    // 1. Ingest: a fresh index dir each run, default embedder resolution.
    const ingestSeconds: number[] = [];
    let indexDir = '';
    let built: Awaited<ReturnType<typeof buildIndex>> | null = null;
    for (let i = 0; i < runs; i++) {
      indexDir = path.join(tmpRoot, `index-${i}`);
      const t0 = performance.now();
      built = await buildIndex(withDirs(config, { indexDir }), logger);
      ingestSeconds.push((performance.now() - t0) / 1000);
      note(`ingest run ${i + 1}/${runs}: ${ingestSeconds[i]!.toFixed(2)} s (${built.embedder.id})`);
    }
    if (!built) throw new Error('no ingest run');
    const cfg = withDirs(config, { indexDir });

    const allItems = opts.sets.flatMap((s) => s.items);
    const firstQ = allItems[0]?.q ?? '灵活就业人员的社会保险补贴给哪些人？';

    // 2. Cold start: a new process per run, including module loading and index loading;
    // the compiled executable and the tsx-run sources alternate. One unmeasured run first
    // compiles dist/ if it is stale.
    const withTime = hasGnuTime();
    const coldStartMs: number[] = [];
    const coldStartTsxMs: number[] = [];
    const coldRss: number[] = [];
    coldStart('compiled', cfg, indexDir, firstQ, false);
    for (let i = 0; i < runs; i++) {
      const r = coldStart('compiled', cfg, indexDir, firstQ, withTime);
      coldStartMs.push(r.ms);
      if (r.maxRssKiB !== null) coldRss.push(r.maxRssKiB);
      const t = coldStart('tsx', cfg, indexDir, firstQ, false);
      coldStartTsxMs.push(t.ms);
      note(`cold start ${i + 1}/${runs}: ${r.ms.toFixed(0)} ms compiled, ${t.ms.toFixed(0)} ms through tsx`);
    }

    // 3. Warm ask latency on one opened engine.
    const engine = await openEngine(cfg, { logger, rebuild: false });
    await engine.ask(firstQ);
    const questions = allItems.map((it) => it.q);
    const cycles = Math.max(1, Math.ceil(MIN_WARM_ASKS / Math.max(1, questions.length)));
    const warmMs: number[] = [];
    for (let c = 0; c < cycles; c++) {
      for (const q of questions) {
        const t0 = performance.now();
        await engine.ask(q);
        warmMs.push(performance.now() - t0);
      }
    }
    warmMs.sort((a, b) => a - b);
    note(`warm: ${warmMs.length} asks`);

    // 4. RSS right after the warm run.
    const benchMaxRssKiB = process.resourceUsage().maxRSS;
    const benchRssAfterWarmKiB = Math.round(process.memoryUsage().rss / 1024);

    // 5. policybot vs the naive baseline, per eval set.
    const baseline = buildBaseline((await loadCorpus(config.corpusDir)).documents);
    baseline.search(firstQ, 3); // warm-up, as the engine had one
    const comparison: BenchResult['comparison'] = [];
    for (const set of opts.sets) {
      const policybot = summarize(await runItems(engine, set.items, 3), 3);
      const base = evaluateBaseline(baseline, set.items, 3);
      comparison.push({ set: set.name, policybot, baseline: base });
      note(`${set.name}: policybot hit@3 ${policybot.hitAtK}, baseline hit@3 ${base.hitAtK}`);
    }
    const ablationSets = opts.sets.filter((x) => ABLATION_SETS.includes(x.name));
    const ablation = ablationSets.length ? await runAblation(engine, ablationSets, 3) : [];
    if (ablation.length) note(`ablation: ${ablation.length} configurations on ${ablationSets.map((x) => x.name).join(', ')}`);

    const r2 = (v: number) => Math.round(v * 100) / 100;
    return {
      machine: machineInfo(),
      date: new Date().toISOString(),
      revision: gitRevision(),
      embedder: built.manifest.embedder.id,
      corpus: built.manifest.counts,
      runs,
      ingestSeconds: ingestSeconds.map(r2),
      coldStartMs: coldStartMs.map((v) => Math.round(v)),
      coldStartTsxMs: coldStartTsxMs.map((v) => Math.round(v)),
      coldStartMaxRssKiB: withTime ? coldRss : null,
      coldStartRssNote: withTime ? `${TIME} -v` : `${TIME} -v not available: not measured`,
      warm: {
        asks: warmMs.length,
        distinctQuestions: new Set(questions).size,
        p50: r2(percentile(warmMs, 0.5)),
        p95: r2(percentile(warmMs, 0.95)),
        mean: r2(warmMs.reduce((s, v) => s + v, 0) / Math.max(1, warmMs.length)),
      },
      benchMaxRssKiB,
      benchRssAfterWarmKiB,
      comparison,
      ablation,
      baselineParagraphs: baseline.paragraphs,
    };
  } finally {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
}

const mib = (kib: number) => `${Math.round(kib / 1024)} MiB`;
const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const ratio = (a: number, b: number, d = 2) => (b > 0 ? `${(a / b).toFixed(d)}×` : '—');

export function renderMarkdown(r: BenchResult): string {
  const m = r.machine;
  const ingest = median(r.ingestSeconds);
  const cold = median(r.coldStartMs);
  const met = (ok: boolean) => (ok ? 'yes' : '**no**');
  const out: string[] = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (`policybot bench`); every figure below was measured in one run on this machine.',
    '',
    '| | |',
    '|---|---|',
    `| Date | ${r.date} |`,
    `| Code | ${r.revision} |`,
    `| CPU | ${m.cpu} (${m.cores} logical cores) |`,
    `| RAM | ${m.ramGiB} GiB |`,
    `| Node | ${m.node} |`,
    `| OS | ${m.os} |`,
    `| Embedder | \`${r.embedder}\` (default resolution${r.embedder.startsWith('hashed') ? ': no neural model could be loaded here, so the built-in offline embedder' : ''}) |`,
    `| Corpus | ${r.corpus.documents} documents, ${r.corpus.paragraphs} paragraphs, ${r.corpus.chunks} chunks |`,
    '',
    '## policybot vs baseline',
    '',
    `Baseline: paragraph-level BM25 (MiniSearch 7) over jieba tokens of normalised text, top-3 of ${r.baselineParagraphs} paragraphs, never abstains. ` +
      'policybot figures come from `summarize(runItems(engine, items, 3), 3)` on the same questions. ' +
      'hit@3: a gold string appears in one of the top-3 citations (policybot) or top-3 paragraphs (baseline). ' +
      'Latency is per question on an already opened engine / built index; the ratio is policybot ÷ baseline. ' +
      'policybot counts a wrongly abstained answerable question as a miss; the baseline never abstains, so it cannot lose hits that way.',
    '',
  ];
  for (const c of r.comparison) {
    const p = c.policybot;
    const b = c.baseline;
    out.push(
      `### ${c.set} (${p.questions} questions: ${p.answerable} answerable, ${p.abstention.expected} should abstain)`,
      '',
      ...(SET_NOTES[setFile(c.set)] ? [SET_NOTES[setFile(c.set)]!, ''] : []),
      '| Metric | policybot | baseline | ratio |',
      '|---|---:|---:|---:|',
      `| hit@3 | ${fmt(p.hitAtK, 3)} | ${fmt(b.hitAtK, 3)} | ${ratio(p.hitAtK, b.hitAtK)} |`,
      `| MRR | ${fmt(p.mrr, 3)} | ${fmt(b.mrr, 3)} | ${ratio(p.mrr, b.mrr)} |`,
      `| answer contains gold | ${fmt(p.answerContainsGold, 3)} | — | — |`,
      `| first sentence contains gold | ${fmt(p.firstSentenceContainsGold, 3)} | — | — |`,
      `| abstention correct / expected | ${p.abstention.correct}/${p.abstention.expected} (${fmt(p.abstention.accuracy, 3)}) | ` +
        `${b.abstention.correct}/${b.abstention.expected} (${fmt(b.abstention.accuracy, 3)}) | — |`,
      `| — off-topic refused | ${p.abstentionOfftopic.correct}/${p.abstentionOfftopic.expected} | 0/${p.abstentionOfftopic.expected} | — |`,
      `| — in-domain unanswered refused | ${p.abstentionIndomain.correct}/${p.abstentionIndomain.expected} | 0/${p.abstentionIndomain.expected} | — |`,
      `| false abstentions | ${p.falseAbstentions} | 0 | — |`,
      `| latency p50 (ms) | ${fmt(p.latencyMs.p50)} | ${fmt(b.latencyMs.p50)} | ${ratio(p.latencyMs.p50, b.latencyMs.p50, 1)} |`,
      `| latency p95 (ms) | ${fmt(p.latencyMs.p95)} | ${fmt(b.latencyMs.p95)} | ${ratio(p.latencyMs.p95, b.latencyMs.p95, 1)} |`,
      '',
    );
  }
  if (r.ablation.length) {
    out.push(
      '## Ablation',
      '',
      'The full pipeline, then each component switched off alone (`policybot eval --ablation`), same engine and questions. ' +
        'hit@3 / MRR / first sentence count answerable questions; refused right counts questions that should be refused; false refusals are answerable questions refused.',
      '',
      renderAblation(r.ablation),
      '',
    );
  }
  const coldRss = r.coldStartMaxRssKiB?.length ? `${mib(median(r.coldStartMaxRssKiB))} (median peak, ${r.coldStartRssNote})` : r.coldStartRssNote;
  out.push(
    '## Ingest, cold start, warm latency, memory',
    '',
    `Medians of ${r.runs} runs unless stated.`,
    '',
    '| Measure | Result | Runs | Target | Met? |',
    '|---|---:|---|---:|---|',
    `| Ingest of corpus/ into a fresh index dir (s) | ${fmt(ingest)} | ${r.ingestSeconds.map((v) => fmt(v)).join(', ')} | ≤ ${TARGETS.ingestSeconds} | ${met(ingest <= TARGETS.ingestSeconds)} |`,
    `| Cold start to first answer (ms): \`policybot ask --json …\` child process (compiled dist/), wall time incl. module and index load | ${cold} | ${r.coldStartMs.join(', ')} | ≤ ${TARGETS.coldStartMs} | ${met(cold <= TARGETS.coldStartMs)} |`,
    `| Baseline, same run: the same command from the TypeScript sources through tsx (how it ran before the build) | ${median(r.coldStartTsxMs)} | ${r.coldStartTsxMs.join(', ')} | — | — |`,
    `| Warm \`engine.ask\` p50 (ms), ${r.warm.asks} asks over ${r.warm.distinctQuestions} distinct questions | ${fmt(r.warm.p50)} | — | ≤ ${TARGETS.warmP50Ms} | ${met(r.warm.p50 <= TARGETS.warmP50Ms)} |`,
    `| Warm \`engine.ask\` p95 (ms) | ${fmt(r.warm.p95)} | — | — | — |`,
    `| Warm \`engine.ask\` mean (ms) | ${fmt(r.warm.mean)} | — | — | — |`,
    `| Peak RSS of the bench process after the warm run (\`process.resourceUsage().maxRSS\`; lifetime peak, includes the ${r.runs} in-process ingests) | ${mib(r.benchMaxRssKiB)} | — | — | — |`,
    `| RSS of the bench process right after the warm run (\`process.memoryUsage().rss\`) | ${mib(r.benchRssAfterWarmKiB)} | — | — | — |`,
    `| Peak RSS of the cold-start \`ask\` child | ${coldRss} | ${r.coldStartMaxRssKiB?.map(mib).join(', ') ?? '—'} | — | — |`,
    '',
  );
  return out.join('\n');
}

export function renderSummary(r: BenchResult): string {
  const lines = [
    `machine   ${r.machine.cpu} ×${r.machine.cores}, ${r.machine.ramGiB} GiB, Node ${r.machine.node}, ${r.machine.os}; embedder ${r.embedder}`,
    `ingest    median ${fmt(median(r.ingestSeconds))} s (target ≤ ${TARGETS.ingestSeconds} s)`,
    `cold      median ${median(r.coldStartMs)} ms compiled, ${median(r.coldStartTsxMs)} ms through tsx (target ≤ ${TARGETS.coldStartMs} ms)`,
    `warm      p50 ${fmt(r.warm.p50)} ms, p95 ${fmt(r.warm.p95)} ms over ${r.warm.asks} asks (target p50 ≤ ${TARGETS.warmP50Ms} ms)`,
    `rss       bench peak ${mib(r.benchMaxRssKiB)}; cold-start child ${r.coldStartMaxRssKiB?.length ? mib(median(r.coldStartMaxRssKiB)) : 'not measured'}`,
  ];
  for (const c of r.comparison) {
    const p = c.policybot;
    const b = c.baseline;
    lines.push(
      `${c.set}: policybot hit@3 ${p.hitAtK} MRR ${p.mrr} abstain ${p.abstention.correct}/${p.abstention.expected} p50 ${p.latencyMs.p50} p95 ${p.latencyMs.p95} ms | ` +
        `baseline hit@3 ${b.hitAtK} MRR ${b.mrr} abstain 0/${b.abstention.expected} p50 ${b.latencyMs.p50} p95 ${b.latencyMs.p95} ms`,
    );
  }
  return lines.join('\n');
}
