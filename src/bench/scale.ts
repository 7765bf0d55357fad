/**
 * Scale benchmark (`npm run bench:scale`): synthetic corpora of N chunks recombined from the
 * real paragraphs of `corpus/` (src/bench/synthetic-corpus.ts), each size built and served in
 * fresh child processes (src/bench/scale-child.ts), with the MiniSearch baseline
 * (src/bench/baseline.ts) over the same files in the same run. Medians of `--runs` runs.
 *
 *   npm run bench:scale -- [--sizes 10000,30000,100000] [--runs 3] [--out BENCHMARKS.md]
 *                          [--label "Before (commit a227522)"] [--note "…"] [--seed 1] [--asks 250]
 *                          [--embedder hashed|auto|transformers] [--heap-mb N] [--timeout-min 120]
 *                          [--json results.json] [--from-json results.json] [--no-write] [--keep] [--tmp DIR]
 *
 * Writes the delimited section `## Scale (bench:scale)` of BENCHMARKS.md (the rest of the file is
 * kept): one block per label, replaced when the same label is measured again (no label: "Latest run").
 * A size that cannot be built or served (a child out of memory, a file too large) is recorded as
 * failed with its reason; the other sizes are still measured, and the exit code is 1.
 * `--json` keeps the raw figures (written after each size); `--from-json` renders them again
 * without measuring.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo, median, type MachineInfo } from './run.ts';
import { generateCorpus, readSeedPool, type GenerateResult } from './synthetic-corpus.ts';
import { RESULT_PREFIX, type BaselineResult, type ChildArgs, type IngestResult, type ServeResult } from './scale-child.ts';
import { indexPath } from '../index/store.ts';
import { writeFileAtomic } from '../atomic-write.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./scale-child.ts', import.meta.url));
const START = '<!-- scale-bench:start -->';
const END = '<!-- scale-bench:end -->';
const BLOCK = /<!-- scale-bench:block ([a-z0-9-]+) -->\n/g;
const QUESTION_FILES = ['colloquial.jsonl', 'dev.jsonl'];
const FALLBACK_QUESTIONS = ['创业担保贷款的额度是多少？', '灵活就业人员的社会保险补贴给哪些人？', '领取失业保险金需要满足什么条件？', '高校毕业生有哪些就业补贴？', '今天天气怎么样？'];

interface Options {
  sizes: number[];
  runs: number;
  out: string;
  label: string | null;
  /** Free text added under the table (e.g. what else was running). */
  note: string | null;
  seed: number;
  asks: number;
  embedder: ChildArgs['embedder'];
  heapMb: number | null;
  timeoutMin: number;
  json: string | null;
  /** Render a block from the raw results of an earlier run (`--json`) instead of measuring. */
  fromJson: string | null;
  write: boolean;
  keep: boolean;
  tmp: string;
  seedCorpus: string;
}

interface Failure {
  stage: 'generate' | 'ingest' | 'serve' | 'baseline';
  run: number;
  reason: string;
}

interface RunResult {
  ingest: IngestResult;
  indexBytes: number;
  serve?: ServeResult;
  baseline?: BaselineResult;
}

interface SizeResult {
  requested: number;
  corpus?: GenerateResult;
  runs: RunResult[];
  failure?: Failure;
  loadAverages: number[];
}

interface ScaleResult {
  machine: MachineInfo;
  date: string;
  revision: string;
  label: string | null;
  note?: string | null;
  seed: number;
  runs: number;
  embedder: string;
  questions: { count: number; source: string };
  asks: number;
  heapMb: number | null;
  sizes: SizeResult[];
}

const note = (line: string) => process.stderr.write(`bench:scale: ${line}\n`);

/** 10000, 30k, 1m, 1M → numbers. */
export function parseSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(s);
  if (!m) throw new Error(`bad size "${s}"`);
  const n = Number(m[1]) * (m[2] ? (m[2].toLowerCase() === 'k' ? 1e3 : 1e6) : 1);
  if (!Number.isInteger(n) || n < 10) throw new Error(`bad size "${s}" (at least 10 chunks)`);
  return n;
}

/** 10000 → 10k, 1000000 → 1M. */
export function sizeLabel(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '10000,30000,100000' },
      runs: { type: 'string', default: '3' },
      out: { type: 'string', default: 'BENCHMARKS.md' },
      label: { type: 'string' },
      note: { type: 'string' },
      seed: { type: 'string', default: '1' },
      asks: { type: 'string', default: '250' },
      embedder: { type: 'string', default: 'hashed' },
      'heap-mb': { type: 'string' },
      'timeout-min': { type: 'string', default: '180' },
      json: { type: 'string' },
      'from-json': { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      tmp: { type: 'string', default: os.tmpdir() },
      'seed-corpus': { type: 'string', default: path.join(REPO, 'corpus') },
    },
    strict: true,
  });
  const int = (v: string, name: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  const embedder = values.embedder;
  if (embedder !== 'hashed' && embedder !== 'auto' && embedder !== 'transformers') throw new Error('--embedder must be hashed, auto or transformers');
  return {
    sizes: values.sizes.split(',').map(parseSize).sort((a, b) => a - b),
    runs: int(values.runs, 'runs', 1),
    out: path.resolve(values.out),
    label: values.label?.trim() || null,
    note: values.note?.trim() || null,
    seed: int(values.seed, 'seed', 0),
    asks: int(values.asks, 'asks', 1),
    embedder,
    heapMb: values['heap-mb'] ? int(values['heap-mb'], 'heap-mb', 256) : null,
    timeoutMin: int(values['timeout-min'], 'timeout-min', 1),
    json: values.json ? path.resolve(values.json) : null,
    fromJson: values['from-json'] ? path.resolve(values['from-json']) : null,
    write: !values['no-write'],
    keep: values.keep,
    tmp: path.resolve(values.tmp),
    seedCorpus: path.resolve(values['seed-corpus']),
  };
}

/** The question text of the shared realistic sets (speed only: gold answers are not used). */
function readQuestions(): { questions: string[]; source: string } {
  const dir = path.resolve(REPO, '..', 'shared', 'eval');
  const qs: string[] = [];
  const used: string[] = [];
  for (const f of QUESTION_FILES) {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) continue;
    used.push(f);
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const q = (JSON.parse(line) as { q?: unknown }).q;
      if (typeof q === 'string' && q.trim()) qs.push(q.trim());
    }
  }
  if (!qs.length) return { questions: FALLBACK_QUESTIONS, source: `${FALLBACK_QUESTIONS.length} built-in questions (../shared/eval not found)` };
  return { questions: qs, source: used.map((f) => `../shared/eval/${f}`).join(' + ') };
}

function revision(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? ' + uncommitted changes' : ''}`;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(abs) : e.isFile() ? fs.statSync(abs).size : 0;
  }
  return n;
}

/** Why a child failed, from its exit and the end of its stderr. */
export function failureReason(code: number | null, signal: string | null, stderr: string, timedOut: number | null): string {
  if (timedOut !== null) return `timed out after ${timedOut} min / 超时（${timedOut} 分钟）`;
  if (/JavaScript heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) return 'V8 heap limit reached (JavaScript heap out of memory) / 内存不足：V8 堆达到上限';
  if (/Invalid string length/i.test(stderr)) return 'a string longer than V8 allows (RangeError: Invalid string length) / 字符串超过 V8 上限';
  if (/ERR_FS_FILE_TOO_LARGE|greater than 2 GiB|greater than 2147483647/i.test(stderr)) return 'a file over 2 GiB read whole (ERR_FS_FILE_TOO_LARGE) / 文件超过 2 GiB，无法整体读取';
  if (/Array buffer allocation failed|ENOMEM|Cannot allocate memory/i.test(stderr)) return 'out of memory (allocation failed) / 内存不足';
  if (signal === 'SIGKILL') return 'killed by SIGKILL (the kernel OOM killer?) / 进程被 SIGKILL 终止（可能是内存不足）';
  const last = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '))
    .filter((l) => /error|fail|错误/i.test(l))
    .pop();
  return `${signal ? `signal ${signal}` : `exit code ${code}`}${last ? `: ${last.slice(0, 200)}` : ''}`;
}

type ChildOutcome<T> = { ok: true; result: T; wallMs: number } | { ok: false; reason: string; wallMs: number };

let current: ReturnType<typeof spawn> | null = null;

function runChild<T>(mode: 'ingest' | 'serve' | 'baseline', args: ChildArgs, opts: Options, tag: string): Promise<ChildOutcome<T>> {
  const node = [...(opts.heapMb ? [`--max-old-space-size=${opts.heapMb}`] : []), '--expose-gc', '--import', 'tsx', CHILD, mode, JSON.stringify(args)];
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, node, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let stdout = '';
    let stderr = '';
    let pending = '';
    let timedOut: number | null = null;
    const timer = setTimeout(() => {
      timedOut = opts.timeoutMin;
      child.kill('SIGKILL');
    }, opts.timeoutMin * 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-16_384);
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('  ingest: ')) note(`${tag} ${l.trim()}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = null;
      const wallMs = performance.now() - t0;
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) resolve({ ok: true, result: JSON.parse(line.slice(RESULT_PREFIX.length)) as T, wallMs });
      else resolve({ ok: false, reason: failureReason(code, signal, stderr, timedOut), wallMs });
    });
  });
}

const load1 = () => Math.round((os.loadavg()[0] ?? 0) * 100) / 100;

async function measureSize(size: number, opts: Options, ctx: { root: string; questionsFile: string; pool: Awaited<ReturnType<typeof readSeedPool>> }): Promise<SizeResult> {
  const label = sizeLabel(size);
  const res: SizeResult = { requested: size, runs: [], loadAverages: [] };
  const dir = path.join(ctx.root, `size-${size}`);
  const corpusDir = path.join(dir, 'corpus');
  try {
    note(`${label}: generating the corpus (seed ${opts.seed})…`);
    let lastNote = performance.now();
    res.corpus = generateCorpus(ctx.pool, {
      outDir: corpusDir,
      chunks: size,
      seed: opts.seed,
      onProgress: (docs, chunks) => {
        if (performance.now() - lastNote < 10_000) return;
        lastNote = performance.now();
        note(`${label}: generated ${docs} documents, ${chunks} chunks`);
      },
    });
    const c = res.corpus;
    note(`${label}: ${c.documents} documents, ${c.chunks} chunks, ${fmtBytes(c.bytes)} in ${c.seconds.toFixed(1)} s`);
  } catch (err) {
    res.failure = { stage: 'generate', run: 1, reason: err instanceof Error ? err.message : String(err) };
    report(size, res.failure);
    return res;
  }
  try {
    for (let r = 1; r <= opts.runs; r++) {
      const tag = `${label} run ${r}/${opts.runs}`;
      const indexDir = path.join(dir, `index-${r}`);
      const args: ChildArgs = { corpusDir, indexDir, embedder: opts.embedder, questionsFile: ctx.questionsFile, asks: opts.asks };
      const fail = (stage: Failure['stage'], reason: string) => {
        res.failure = { stage, run: r, reason };
        report(size, res.failure);
      };

      note(`${tag}: ingest…`);
      res.loadAverages.push(load1());
      const ing = await runChild<IngestResult>('ingest', args, opts, tag);
      if (!ing.ok) {
        fail('ingest', ing.reason);
        break;
      }
      const run: RunResult = { ingest: ing.result, indexBytes: dirBytes(indexPath(indexDir)) };
      res.runs.push(run);
      note(`${tag}: ingest ${ing.result.seconds.toFixed(1)} s, peak RSS ${fmtKiB(ing.result.maxRssKiB)}, ${ing.result.counts.chunks} chunks, index ${fmtBytes(run.indexBytes)}`);

      res.loadAverages.push(load1());
      const srv = await runChild<ServeResult>('serve', args, opts, tag);
      if (!srv.ok) {
        fail('serve', srv.reason);
        break;
      }
      run.serve = srv.result;
      const s = srv.result;
      note(`${tag}: cold start ${(s.coldStartMs / 1000).toFixed(2)} s, warm p50 ${s.p50.toFixed(1)} / p95 ${s.p95.toFixed(1)} ms over ${s.asks} asks, RSS ${fmtKiB(s.rssKiB)}`);

      res.loadAverages.push(load1());
      const base = await runChild<BaselineResult>('baseline', args, opts, tag);
      if (!base.ok) {
        fail('baseline', base.reason);
        break;
      }
      run.baseline = base.result;
      const b = base.result;
      note(`${tag}: baseline ingest ${(b.loadSeconds + b.indexSeconds).toFixed(1)} s (load ${b.loadSeconds.toFixed(1)} + MiniSearch ${b.indexSeconds.toFixed(1)}), warm p50 ${b.p50.toFixed(2)} / p95 ${b.p95.toFixed(2)} ms`);
      if (!opts.keep) fs.rmSync(indexDir, { recursive: true, force: true });
    }
  } finally {
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  return res;
}

function report(size: number, f: Failure): void {
  process.stderr.write(
    `bench:scale: 规模 ${size} 个片段在第 ${f.run} 次运行的「${STAGE_ZH[f.stage]}」阶段失败：${f.reason}\n` +
      `bench:scale: size ${size} chunks failed at ${f.stage} (run ${f.run}): ${f.reason}\n`,
  );
}
const STAGE_ZH: Record<Failure['stage'], string> = { generate: '生成语料', ingest: '建索引', serve: '加载与查询', baseline: '基线' };

// ---- rendering -------------------------------------------------------------------------

function fmtKiB(kib: number): string {
  return fmtBytes(kib * 1024);
}

function fmtBytes(b: number): string {
  const mib = b / 1024 ** 2;
  if (mib >= 1024) return `${(mib / 1024).toFixed(mib >= 10 * 1024 ? 1 : 2)} GiB`;
  return `${mib >= 10 ? Math.round(mib) : mib.toFixed(1)} MiB`;
}

/** Three significant figures, the way the issue writes them (11.1, 172, 4.58). */
function sig(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toFixed(v >= 0.1 ? 2 : 3);
}

interface Row {
  size: SizeResult;
  chunks: number | null;
  ingestS: number | null;
  baselineIngestS: number | null;
  ingestRssKiB: number | null;
  indexBytes: number | null;
  coldMs: number | null;
  firstAskMs: number | null;
  p50: number | null;
  p95: number | null;
  baseP50: number | null;
  baseP95: number | null;
  rssKiB: number | null;
  rssBeforeOpenKiB: number | null;
}

const med = (xs: Array<number | undefined>): number | null => {
  const v = xs.filter((x): x is number => typeof x === 'number');
  return v.length ? median(v) : null;
};

function row(s: SizeResult): Row {
  const r = s.runs;
  return {
    size: s,
    chunks: r[0]?.ingest.counts.chunks ?? null,
    ingestS: med(r.map((x) => x.ingest.seconds)),
    baselineIngestS: med(r.map((x) => (x.baseline ? x.baseline.loadSeconds + x.baseline.indexSeconds : undefined))),
    ingestRssKiB: med(r.map((x) => x.ingest.maxRssKiB)),
    indexBytes: med(r.map((x) => x.indexBytes)),
    coldMs: med(r.map((x) => x.serve?.coldStartMs)),
    firstAskMs: med(r.map((x) => x.serve?.firstAskMs)),
    p50: med(r.map((x) => x.serve?.p50)),
    p95: med(r.map((x) => x.serve?.p95)),
    baseP50: med(r.map((x) => x.baseline?.p50)),
    baseP95: med(r.map((x) => x.baseline?.p95)),
    rssKiB: med(r.map((x) => x.serve?.rssKiB)),
    rssBeforeOpenKiB: med(r.map((x) => x.serve?.rssBeforeOpenKiB)),
  };
}

/** log-log slope of y against x between two points. */
export function slope(x1: number, y1: number, x2: number, y2: number): number {
  return Math.log(y2 / y1) / Math.log(x2 / x1);
}

function exponents(rows: Row[], pick: (r: Row) => number | null): string {
  const pts = rows.filter((r) => r.chunks && pick(r)).map((r) => ({ x: r.chunks!, y: pick(r)!, label: sizeLabel(r.size.requested) }));
  if (pts.length < 2) return 'not enough sizes measured';
  const parts: string[] = [];
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  parts.push(`**${slope(first.x, first.y, last.x, last.y).toFixed(2)}** from ${first.label} to ${last.label}`);
  if (pts.length > 2) {
    const steps = pts.slice(1).map((p, i) => `${pts[i]!.label}→${p.label} ${slope(pts[i]!.x, pts[i]!.y, p.x, p.y).toFixed(2)}`);
    parts.push(`(${steps.join(', ')})`);
  }
  return parts.join(' ');
}

const dash = (v: number | null, f: (x: number) => string) => (v === null ? '—' : f(v));

export function renderBlock(r: ScaleResult): string {
  const m = r.machine;
  const rows = r.sizes.map(row);
  const loads = r.sizes.flatMap((s) => s.loadAverages);
  const loadMin = loads.length ? Math.min(...loads) : 0;
  const loadMax = loads.length ? Math.max(...loads) : 0;
  const busy = loadMax > 1.5;
  const heading = r.label ?? `Latest run (commit ${r.revision.split(' ')[0]})`;
  const out: string[] = [
    `### ${heading}`,
    '',
    `Measured ${r.date} on ${m.cpu} (${m.cores} logical cores), ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.os}; code ${r.revision}. ` +
      `Embedder \`${r.embedder}\`; corpus seed ${r.seed}; medians of ${r.runs} run${r.runs > 1 ? 's' : ''} per size; ` +
      `warm latency over ${r.asks} asks cycling through ${r.questions.count} questions (${r.questions.source}) after one unmeasured pass` +
      `${r.heapMb ? `; children ran with --max-old-space-size=${r.heapMb}` : ''}.`,
    '',
    '| chunks | ingest s (baseline) | ingest peak RSS | index | cold start | warm p50 / p95 (baseline) | serving RSS |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const x of rows) {
    const s = x.size;
    const name = `${sizeLabel(s.requested)}${x.chunks ? ` (${x.chunks.toLocaleString('en-US')})` : ''}`;
    const failed = s.failure ? `**failed** at ${s.failure.stage}${r.runs > 1 ? ` (run ${s.failure.run})` : ''}: ${s.failure.reason.replace(/\|/g, '\\|')}` : null;
    if (!s.runs.length) {
      out.push(`| ${name} | ${failed ?? '—'} | — | — | — | — | — |`);
      continue;
    }
    const ingest = `${dash(x.ingestS, sig)} (${dash(x.baselineIngestS, sig)})`;
    const warm = x.p50 === null ? (failed ?? '—') : `${sig(x.p50)} / ${sig(x.p95!)} ms (${dash(x.baseP50, sig)} / ${dash(x.baseP95, sig)})`;
    const cells = [name, ingest, dash(x.ingestRssKiB, fmtKiB), dash(x.indexBytes, fmtBytes), dash(x.coldMs, (v) => `${sig(v / 1000)} s`), warm, dash(x.rssKiB, fmtKiB)];
    if (failed && x.p50 !== null) cells[0] = `${name} — ${failed}`;
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push(
    '',
    `Query-cost exponent (log-log slope of warm p50 against chunks): ${exponents(rows, (x) => x.p50)}. ` +
      `Baseline (MiniSearch): ${exponents(rows, (x) => x.baseP50)}. ` +
      `Ingest: ${exponents(rows, (x) => x.ingestS)}. Cold start: ${exponents(rows, (x) => x.coldMs)}. Serving RSS: ${exponents(rows, (x) => x.rssKiB)}.`,
    '',
    `1-minute load average before each child: ${loadMin.toFixed(2)}–${loadMax.toFixed(2)} ` +
      (busy
        ? '(**the machine was busy**: other sessions were using the 2 cores during the run, so times are inflated and noisy; compare runs made under similar load).'
        : '(a measuring child keeps about one core busy; values well above 1 mean other work was running).'),
    '',
    ...(r.note ? [r.note, ''] : []),
    '<details><summary>Per run</summary>',
    '',
    ...(r.sizes.some((s) => s.runs.length) ? [] : ['No run completed.', '']),
    '| chunks | run | ingest s | ingest peak RSS | index | cold start s | first answer ms | warm p50 / p95 ms | serving RSS | RSS before open | baseline load + index s | baseline p50 / p95 ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const s of r.sizes) {
    s.runs.forEach((x, i) => {
      const v = x.serve;
      const b = x.baseline;
      out.push(
        `| ${sizeLabel(s.requested)} | ${i + 1} | ${sig(x.ingest.seconds)} | ${fmtKiB(x.ingest.maxRssKiB)} | ${fmtBytes(x.indexBytes)} | ` +
          `${v ? sig(v.coldStartMs / 1000) : '—'} | ${v ? sig(v.firstAskMs) : '—'} | ${v ? `${sig(v.p50)} / ${sig(v.p95)}` : '—'} | ${v ? fmtKiB(v.rssKiB) : '—'} | ${v ? fmtKiB(v.rssBeforeOpenKiB) : '—'} | ` +
          `${b ? `${sig(b.loadSeconds)} + ${sig(b.indexSeconds)}` : '—'} | ${b ? `${sig(b.p50)} / ${sig(b.p95)}` : '—'} |`,
      );
    });
  }
  const gen = r.sizes.filter((s) => s.corpus).map((s) => `${sizeLabel(s.requested)}: ${s.corpus!.documents.toLocaleString('en-US')} documents, ${fmtBytes(s.corpus!.bytes)}, generated in ${sig(s.corpus!.seconds)} s`);
  out.push('', `Corpora — ${gen.join('; ')}.`, '', '</details>');
  return out.join('\n');
}

const INTRO = [
  '## Scale (bench:scale)',
  '',
  'Generated by `npm run bench:scale` (`src/bench/scale.ts`; `-- --sizes 10000,30000,100000 --runs 3` by default, `--sizes 1000000` works too; `--label "…"` keeps a separately named block, e.g. the figures before a change).',
  '',
  '- **Corpus:** synthetic, recombined from the real paragraphs of `corpus/` (`src/bench/synthetic-corpus.ts`): markdown documents with front matter (distinct title, issuer, 文号, date and place per document: every province, prefecture and county in a seeded order), paragraphs made of real sentences drawn across all paragraphs, with the place names replaced by the document\'s and amounts varied; streamed to disk, one document at a time, until the chunker makes the requested number of chunks (the real count, read from the built manifest, is in brackets).',
  '- **Every figure comes from a fresh child process** (`src/bench/scale-child.ts`, run through tsx). *ingest s* and *ingest peak RSS*: `buildIndex` into an empty folder (load, chunk, analyse, embed, HNSW, write) and the child\'s `process.resourceUsage().maxRSS`. *index*: bytes of the built `index/` folder. *cold start*: `openEngine` on the built index in a new process (reading and checking the index, the lexicon, the retriever; module loading excluded, the first answer is in the per-run table). *warm p50 / p95*: `engine.ask` on that engine. *serving RSS*: the process\'s RSS right after the warm asks (module code under tsx included: see “RSS before open”).',
  '- **Baseline in the same run:** `src/bench/baseline.ts` — MiniSearch BM25 over the paragraphs of the same files, in its own child: ingest = `loadCorpus` + `addAll`, warm latency = `search` top-3 over the same questions.',
  '- The query-cost exponent is the log-log slope of warm p50 between sizes (1.0: linear in the corpus; the issue targets ≤ 0.5 from 10k to 100k).',
].join('\n');

/** Replaces this label's block in the delimited section of `file` (or adds the section), atomically. */
export function writeScaleSection(file: string, blockId: string, block: string): void {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const a = old.indexOf(START);
  const b = old.indexOf(END);
  const inside = a >= 0 && b > a ? old.slice(a + START.length, b) : '';
  const blocks = new Map<string, string>();
  const marks = [...inside.matchAll(BLOCK)];
  marks.forEach((mk, i) => {
    const from = mk.index + mk[0].length;
    const to = i + 1 < marks.length ? marks[i + 1]!.index : inside.length;
    blocks.set(mk[1]!, inside.slice(from, to).trim());
  });
  blocks.set(blockId, block.trim());
  const order = [...(blocks.has('latest') ? ['latest'] : []), ...[...blocks.keys()].filter((k) => k !== 'latest')];
  const section = [START, INTRO, '', ...order.flatMap((id) => [`<!-- scale-bench:block ${id} -->`, blocks.get(id)!, '']), END].join('\n');
  const next = a >= 0 && b > a ? `${old.slice(0, a)}${section}${old.slice(b + END.length)}` : `${old.replace(/\s*$/, '')}\n\n${section}\n`;
  writeFileAtomic(file, next);
}

export function blockIdFor(label: string | null): string {
  if (!label) return 'latest';
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'labelled'
  );
}

function finish(result: ScaleResult, opts: Options): number {
  const block = renderBlock(result);
  process.stdout.write(`${block}\n`);
  if (opts.json) {
    fs.writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
    note(`raw results written to ${opts.json}`);
  }
  if (opts.write) {
    writeScaleSection(opts.out, blockIdFor(opts.label), block);
    note(`written to ${opts.out} (block "${blockIdFor(opts.label)}")`);
  }
  const failed = result.sizes.filter((s) => s.failure);
  if (failed.length) {
    process.stderr.write(
      `bench:scale: ${failed.length} 个规模未能完成：${failed.map((s) => sizeLabel(s.requested)).join('、')}（原因见上文与表格）\n` +
        `bench:scale: ${failed.length} size(s) could not be completed: ${failed.map((s) => sizeLabel(s.requested)).join(', ')} (reasons above and in the table)\n`,
    );
    return 1;
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const opts = options(argv);
  if (opts.fromJson) {
    const saved = JSON.parse(fs.readFileSync(opts.fromJson, 'utf8')) as ScaleResult;
    return finish({ ...saved, label: opts.label ?? saved.label, note: opts.note ?? saved.note ?? null }, { ...opts, json: null });
  }
  const root = fs.mkdtempSync(path.join(opts.tmp, 'policybot-scale-'));
  const cleanup = () => {
    if (!opts.keep) fs.rmSync(root, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    current?.kill('SIGKILL');
    cleanup();
    process.stderr.write(`bench:scale: 已中断 / interrupted (${sig})\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { questions, source } = readQuestions();
    const questionsFile = path.join(root, 'questions.json');
    fs.writeFileSync(questionsFile, JSON.stringify(questions));
    note(`sizes ${opts.sizes.map(sizeLabel).join(', ')}, ${opts.runs} run(s) each, ${questions.length} questions (${source}), work folder ${root}`);
    const pool = await readSeedPool(opts.seedCorpus, opts.seed);
    note(`seed pool: ${pool.sentences.length} sentences from ${pool.seedParagraphs} paragraphs of ${pool.seedDocuments} documents, ${pool.places.length} places`);
    const result: ScaleResult = {
      machine: machineInfo(),
      date: new Date().toISOString(),
      revision: revision(),
      label: opts.label,
      note: opts.note,
      seed: opts.seed,
      runs: opts.runs,
      embedder: opts.embedder,
      questions: { count: questions.length, source },
      asks: Math.max(questions.length, opts.asks),
      heapMb: opts.heapMb,
      sizes: [],
    };
    for (const size of opts.sizes) {
      result.sizes.push(await measureSize(size, opts, { root, questionsFile, pool }));
      result.embedder = result.sizes.flatMap((s) => s.runs).find((x) => x.ingest.embedder)?.ingest.embedder ?? result.embedder;
      // The raw results so far, so that a long run interrupted later is not lost.
      if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
    }
    return finish(result, opts);
  } finally {
    cleanup();
  }
}

if (process.argv[1] && import.meta.filename === fs.realpathSync(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench:scale: 失败 / failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
