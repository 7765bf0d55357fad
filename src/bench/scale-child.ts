/**
 * One measurement of the scale benchmark, run by `src/bench/scale.ts` in a fresh child process
 * (so peak RSS and cold start are those of a process that did only this):
 *
 *   node --expose-gc --import tsx src/bench/scale-child.ts <ingest|serve|baseline> '<json args>'
 *
 * Progress goes to stderr; the result is the last stdout line, `SCALE_RESULT {json}`.
 */
import fs from 'node:fs';
import { loadConfig, withDirs, type Config } from '../config.ts';
import { silentLogger } from '../log.ts';
import { buildIndex } from '../index/build.ts';
import { openEngine } from '../engine.ts';
import { loadCorpus } from '../ingest/load-corpus.ts';
import { buildBaseline } from './baseline.ts';
import { percentile } from '../eval/evaluate.ts';
import type { Progress } from '../progress.ts';

export const RESULT_PREFIX = 'SCALE_RESULT ';

export interface ChildArgs {
  corpusDir: string;
  indexDir: string;
  embedder: 'auto' | 'hashed' | 'transformers';
  /** File with a JSON array of question strings (serve, baseline). */
  questionsFile?: string;
  /** Measured asks after one unmeasured pass over the questions. */
  asks?: number;
}

export interface IngestResult {
  seconds: number;
  maxRssKiB: number;
  counts: { documents: number; paragraphs: number; chunks: number };
  embedder: string;
}

export interface ServeResult {
  /** RSS after the modules are loaded, before the index is (KiB). */
  rssBeforeOpenKiB: number;
  /** `openEngine` on the built index (ms). */
  coldStartMs: number;
  /** The first `engine.ask` after opening (ms). */
  firstAskMs: number;
  asks: number;
  p50: number;
  p95: number;
  mean: number;
  /** process.memoryUsage().rss right after the measured asks (KiB). */
  rssKiB: number;
  maxRssKiB: number;
}

export interface BaselineResult {
  /** loadCorpus of the same files (s). */
  loadSeconds: number;
  /** MiniSearch over their paragraphs (s). */
  indexSeconds: number;
  paragraphs: number;
  asks: number;
  p50: number;
  p95: number;
  rssKiB: number;
  maxRssKiB: number;
}

const note = (line: string) => process.stderr.write(`${line}\n`);

function config(a: ChildArgs): Config {
  // The environment is the caller's (inherited); the folders and the embedder are the bench's.
  const c = withDirs(loadConfig(), { corpusDir: a.corpusDir, indexDir: a.indexDir });
  return { ...c, logLevel: 'silent', embedder: { ...c.embedder, mode: a.embedder } };
}

function questions(a: ChildArgs): string[] {
  if (!a.questionsFile) throw new Error('no questions file');
  const qs = JSON.parse(fs.readFileSync(a.questionsFile, 'utf8')) as unknown;
  if (!Array.isArray(qs) || !qs.length || !qs.every((q) => typeof q === 'string')) throw new Error('questions file must hold a JSON array of strings');
  return qs as string[];
}

/** Progress of a long build (stderr is not a TTY here): a line per 10 % of a stage, at most every 15 s, and its end. */
function lineProgress(prefix: string): Progress {
  let label = '';
  let total = 0;
  let last = -1;
  let t0 = 0;
  let printed = 0;
  return {
    start(l, t) {
      label = l;
      total = t;
      last = -1;
      t0 = printed = performance.now();
    },
    update(done) {
      if (total <= 1) return;
      const step = Math.floor((done / total) * 10);
      const now = performance.now();
      if (step === last || (step < 10 && now - printed < 15_000)) return;
      last = step;
      printed = now;
      note(`${prefix}${label} ${step * 10}% (${done}/${total}, ${((now - t0) / 1000).toFixed(0)} s)`);
    },
    stop() {},
  };
}

async function ingest(a: ChildArgs): Promise<IngestResult> {
  const t0 = performance.now();
  const built = await buildIndex(config(a), silentLogger, lineProgress('  ingest: '));
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, maxRssKiB: process.resourceUsage().maxRSS, counts: built.manifest.counts, embedder: built.manifest.embedder.id };
}

async function serve(a: ChildArgs): Promise<ServeResult> {
  const qs = questions(a);
  const rssBeforeOpenKiB = Math.round(process.memoryUsage().rss / 1024);
  const t0 = performance.now();
  const engine = await openEngine(config(a), { logger: silentLogger, rebuild: false });
  const coldStartMs = performance.now() - t0;
  const t1 = performance.now();
  await engine.ask(qs[0]!);
  const firstAskMs = performance.now() - t1;
  for (const q of qs) await engine.ask(q); // warm-up, not measured
  const n = Math.max(qs.length, a.asks ?? 250);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = qs[i % qs.length]!;
    const s = performance.now();
    await engine.ask(q);
    ms.push(performance.now() - s);
  }
  const rssKiB = Math.round(process.memoryUsage().rss / 1024);
  ms.sort((x, y) => x - y);
  return {
    rssBeforeOpenKiB,
    coldStartMs,
    firstAskMs,
    asks: ms.length,
    p50: percentile(ms, 0.5),
    p95: percentile(ms, 0.95),
    mean: ms.reduce((s, v) => s + v, 0) / ms.length,
    rssKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
}

async function baseline(a: ChildArgs): Promise<BaselineResult> {
  const qs = questions(a);
  const t0 = performance.now();
  const { documents } = await loadCorpus(a.corpusDir);
  const loadSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const index = buildBaseline(documents);
  const indexSeconds = (performance.now() - t1) / 1000;
  for (const q of qs) index.search(q, 3); // warm-up
  const n = Math.max(qs.length, a.asks ?? 250);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    index.search(qs[i % qs.length]!, 3);
    ms.push(performance.now() - s);
  }
  ms.sort((x, y) => x - y);
  return {
    loadSeconds,
    indexSeconds,
    paragraphs: index.paragraphs,
    asks: ms.length,
    p50: percentile(ms, 0.5),
    p95: percentile(ms, 0.95),
    rssKiB: Math.round(process.memoryUsage().rss / 1024),
    maxRssKiB: process.resourceUsage().maxRSS,
  };
}

async function main(): Promise<void> {
  const [mode, json] = process.argv.slice(2);
  const a = JSON.parse(json ?? '{}') as ChildArgs;
  const run = mode === 'ingest' ? ingest : mode === 'serve' ? serve : mode === 'baseline' ? baseline : null;
  if (!run) throw new Error(`unknown mode ${mode ?? '(none)'}: expected ingest, serve or baseline`);
  const result = await run(a);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

if (process.argv[1] && import.meta.filename === fs.realpathSync(process.argv[1])) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
