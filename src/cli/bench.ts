import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { PolicybotError } from '../errors.ts';
import { readEvalSet, renderMarkdown, renderSummary, runBench } from '../bench/run.ts';
import type { CliContext } from './io.ts';
import { println, withFlags } from './io.ts';
import { writeFileAtomic } from '../atomic-write.ts';

/** Held-out first (our blind set, once committed), then the realistic set, then the sets fitted on. */
const DEFAULT_FILES = [
  'test/fixtures/blind-12/blind-12.jsonl',
  'test/fixtures/blind-11/blind-11.jsonl',
  'test/fixtures/blind-10/blind-10.jsonl',
  'test/fixtures/blind-9/blind-9.jsonl',
  'test/fixtures/blind-8/blind-8.jsonl',
  'test/fixtures/blind-7/blind-7.jsonl',
  'test/fixtures/blind-6/blind-6.jsonl',
  'test/fixtures/blind-5/blind-5.jsonl',
  'test/fixtures/blind-4/blind-4.jsonl',
  'test/fixtures/blind-3/blind-3.jsonl',
  'test/fixtures/blind-2/blind-2.jsonl',
  'test/fixtures/blind.jsonl',
  '../shared/eval/colloquial.jsonl',
  '../shared/eval/dev.jsonl',
  'test/fixtures/colloquial-train.jsonl',
  'test/fixtures/calibration.jsonl',
  'test/fixtures/colloquial-train-2.jsonl',
];

/** Sections of BENCHMARKS.md that other benchmark scripts write. */
const KEPT_SECTIONS = ['api-bench', 'workers-bench', 'scale-bench', 'hnsw-bench', 'ingest-analysis', 'held-out-before-after'];

export const benchCommand = (base: CliContext) =>
  defineCommand({
    meta: { name: 'bench', description: '在本机测量建索引、冷启动、热查询延迟与内存，并与朴素 BM25 基线对比，写入 BENCHMARKS.md' },
    args: {
      questions: { type: 'string', description: `问题集 JSONL，逗号分隔（默认 ${DEFAULT_FILES.join('、')} 中存在的）` },
      out: { type: 'string', description: '输出文件（默认 BENCHMARKS.md）' },
      runs: { type: 'string', description: '建索引与冷启动的重复次数（默认 3）' },
      corpus: { type: 'string', description: '政策文件目录' },
    },
    async run({ args }) {
      const ctx = withFlags(base, { corpus: args.corpus });
      const runs = Math.max(1, Number.parseInt(args.runs ?? '3', 10) || 3);
      const files = args.questions
        ? args.questions.split(',').map((f) => f.trim()).filter(Boolean)
        : DEFAULT_FILES.filter((f) => fs.existsSync(f));
      for (const f of files) {
        if (!fs.existsSync(f)) throw new PolicybotError('E_BAD_INPUT', `no such file: ${f}`, { userMessage: `找不到文件 ${f}` });
      }
      if (!files.length) throw new PolicybotError('E_BAD_INPUT', 'no question files', { userMessage: '没有可用的问题集，请用 --questions 指定' });
      const sets = files.map(readEvalSet);
      const result = await runBench(ctx.config, { sets, runs, note: (l) => println(ctx.io.stderr, `bench: ${l}`) });
      const out = path.resolve(args.out ?? 'BENCHMARKS.md');
      // bench:api, bench:workers and bench:scale own delimited sections of the file: keep them.
      const previous = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
      const kept = KEPT_SECTIONS.map((name) => new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`).exec(previous)?.[0]).filter(Boolean);
      writeFileAtomic(out, `${renderMarkdown(result).replace(/\s*$/, '')}\n${kept.map((k) => `\n${k}\n`).join('')}`);
      println(ctx.io.stdout, renderSummary(result));
      println(ctx.io.stdout, `written to ${path.relative(process.cwd(), out) || out}`);
    },
  });
