import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';

/** HTTP load with autocannon, shared by the API benchmarks (bench:api, bench:workers). */
export const CONNECTIONS = 10;

const FALLBACK_QUESTIONS = [
  '创业担保贷款的额度是多少？',
  '灵活就业人员的社会保险补贴给哪些人？',
  '领取失业保险金需要满足什么条件？',
  '高校毕业生有哪些就业补贴？',
  '今天天气怎么样？',
];

export interface RunStats {
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

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function questions(): string[] {
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

export async function run(label: string, url: string, seconds: number, requests: AutocannonRequest[], connections = CONNECTIONS): Promise<RunStats> {
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

export function revision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty ? `${rev}+dirty` : rev;
  } catch {
    return 'unknown';
  }
}

