/**
 * HTTP API benchmark (`npm run bench:api`): POST /api/ask under load with autocannon against
 * an in-process server, next to GET /healthz (no retrieval) as the baseline of what the
 * HTTP stack alone costs. Writes a delimited "## HTTP API" section into BENCHMARKS.md
 * (replacing the previous one) unless `--no-write`; `--seconds N` sets each run's length.
 *
 * Load generator and server share this process and the machine's cores, so the figures are
 * a floor for throughput and a ceiling for latency compared with a separate load machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { configSecrets, loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { openEngine, type Engine } from '../engine.ts';
import { createChatCore } from '../chat/core.ts';
import { openChatStore } from '../chat/store.ts';
import { buildServer } from '../server/app.ts';
import { startServer } from '../server/start.ts';
import { machineInfo } from './run.ts';

const START = '<!-- api-bench:start -->';
const END = '<!-- api-bench:end -->';
const CONNECTIONS = 10;

const FALLBACK_QUESTIONS = [
  '创业担保贷款的额度是多少？',
  '灵活就业人员的社会保险补贴给哪些人？',
  '领取失业保险金需要满足什么条件？',
  '高校毕业生有哪些就业补贴？',
  '今天天气怎么样？',
];

interface RunStats {
  label: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function questions(): string[] {
  const file = path.resolve('..', 'shared', 'eval', 'dev.jsonl');
  if (!fs.existsSync(file)) return FALLBACK_QUESTIONS;
  const qs = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { q?: string }).q)
    .filter((q): q is string => typeof q === 'string' && q.length > 0);
  return qs.length ? qs : FALLBACK_QUESTIONS;
}

async function run(label: string, url: string, seconds: number, requests: AutocannonRequest[], connections = CONNECTIONS): Promise<RunStats> {
  const times: number[] = [];
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const inst = autocannon({ url, connections, duration: seconds, requests }, (err, res) => (err ? reject(err) : resolve(res)));
    inst.on('response', (_client, _status, _bytes, responseTime) => {
      times.push(responseTime);
    });
  });
  times.sort((a, b) => a - b);
  return {
    label,
    requests: times.length,
    rps: times.length / result.duration,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? 0,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** The same questions straight into engine.ask, one at a time: what the HTTP layer adds on top. */
async function direct(engine: Engine, qs: string[], seconds: number): Promise<RunStats> {
  const times: number[] = [];
  const until = performance.now() + seconds * 1000;
  let i = 0;
  while (performance.now() < until) {
    const t0 = performance.now();
    await engine.ask(qs[i++ % qs.length]!);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    label: 'engine.ask, no HTTP (1 at a time)',
    requests: times.length,
    rps: times.length / seconds,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? 0,
    non2xx: 0,
    errors: 0,
  };
}

function revision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty ? `${rev}+dirty` : rev;
  } catch {
    return 'unknown';
  }
}

function render(stats: RunStats[], meta: { seconds: number; embedder: string; documents: number; questions: number; load: number }): string {
  const m = machineInfo();
  const ms = (x: number) => x.toFixed(2);
  const rows = stats.map(
    (s) => `| ${s.label} | ${s.rps.toFixed(0)} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} | ${s.requests} | ${s.non2xx} | ${s.errors} |`,
  );
  const [, ask, askOne, engineOnly] = stats;
  const ratio =
    ask && askOne && engineOnly
      ? ` One question at a time, POST /api/ask takes ${ms(askOne.p50)} ms (p50) against ${ms(engineOnly.p50)} ms for engine.ask itself: HTTP, validation and JSON add about ${ms(Math.max(0, askOne.p50 - engineOnly.p50))} ms. With ${CONNECTIONS} connections the latency is mostly queueing, since one Node process answers one question at a time, and the load generator takes CPU from the same process.`
      : '';
  return [
    START,
    '## HTTP API',
    '',
    `Generated by \`npm run bench:api\` (\`src/bench/api.ts\`) on ${new Date().toISOString()}, code ${revision()}: autocannon, ${CONNECTIONS} connections, ${meta.seconds} s per endpoint, against an in-process server (Fastify, the production \`buildServer\` with the rate limit lifted). Load generator and server share the machine (${m.cpu}, ${m.cores} logical cores, ${m.ramGiB} GiB, Node ${m.node}, ${m.os}). Embedder \`${meta.embedder}\`, ${meta.documents} documents; POST /api/ask cycles through ${meta.questions} questions of the dev set (answerable and not). Latency in ms per request, measured by the client. 1-minute load average when the run started: ${meta.load.toFixed(2)} (other work on the machine slows every row alike).`,
    '',
    '| Endpoint | req/s | p50 | p95 | p99 | max | requests | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Baselines: GET /healthz does no retrieval, so it shows what the HTTP stack (helmet, metrics hook, JSON) costs under the same load; the last row asks the engine directly, without HTTP or concurrency.${ratio}`,
    END,
  ].join('\n');
}

/** Replaces the delimited section in the file, or appends it. */
function writeSection(file: string, section: string): void {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const a = old.indexOf(START);
  const b = old.indexOf(END);
  const next = a >= 0 && b > a ? `${old.slice(0, a)}${section}${old.slice(b + END.length)}` : `${old.replace(/\s*$/, '')}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}

async function main(argv: string[]): Promise<void> {
  const secondsArg = argv.indexOf('--seconds');
  const seconds = secondsArg >= 0 ? Math.max(1, Number(argv[secondsArg + 1]) || 10) : 10;
  const write = !argv.includes('--no-write');
  const base = loadConfig();
  // The per-IP limit would turn the benchmark into a 429 benchmark.
  const config = { ...base, server: { ...base.server, rateLimitPerMinute: 1_000_000_000 } };
  const logger = createLogger(config.logLevel, configSecrets(config));
  const engine = await openEngine(config, { logger });
  // A throwaway store: the benchmark must not write into the operator's data/ folder.
  const chat = createChatCore({ config, logger, engine, store: openChatStore(':memory:') });
  const { app } = await buildServer({ config, logger, engine, chat });
  const server = await startServer(app, { host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  const qs = questions();
  const load = os.loadavg()[0] ?? 0;
  let i = 0;
  try {
    process.stderr.write(`warming up…\n`);
    await run('warm-up', url, 2, [{ method: 'POST', path: '/api/ask', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: qs[0] }) }]);
    process.stderr.write(`GET /healthz for ${seconds} s…\n`);
    const health = await run('GET /healthz (baseline)', url, seconds, [{ method: 'GET', path: '/healthz' }]);
    process.stderr.write(`POST /api/ask for ${seconds} s…\n`);
    const askRequests: AutocannonRequest[] = [
      {
        method: 'POST',
        path: '/api/ask',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ question: qs[i++ % qs.length] }) }),
      },
    ];
    const ask = await run(`POST /api/ask (${CONNECTIONS} connections)`, url, seconds, askRequests);
    process.stderr.write(`POST /api/ask, 1 connection, for ${seconds} s…\n`);
    const askOne = await run('POST /api/ask (1 connection)', url, seconds, askRequests, 1);
    process.stderr.write(`engine.ask directly for ${seconds} s…\n`);
    const engineOnly = await direct(engine, qs, seconds);
    const section = render([health, ask, askOne, engineOnly], { seconds, embedder: engine.embedder.id, documents: engine.documents.length, questions: qs.length, load });
    process.stdout.write(`${section}\n`);
    if (write) {
      writeSection(path.resolve('BENCHMARKS.md'), section);
      process.stderr.write('written to BENCHMARKS.md\n');
    }
  } finally {
    await server.close();
    await chat.close();
  }
}

await main(process.argv.slice(2));
