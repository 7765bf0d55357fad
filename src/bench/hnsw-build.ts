/**
 * `npm run bench:hnsw`: how the HNSW build setting (efConstruction) trades build time for recall, on
 * a corpus recombined from the bundled paragraphs (two random chunks per text), embedded by the
 * built-in offline embedder. Recall is measured against the exact neighbours (brute force) of the
 * colloquial question sets, at the number of vector candidates the retrieval asks for. The setting in
 * use (src/index/vector-index.ts) and the previous one are measured in the same run. Writes the
 * `hnsw-bench` section of BENCHMARKS.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { writeSection } from '../atomic-write.ts';
import type * as Hnswlib from 'hnswlib-node';
import { loadConfig } from '../config.ts';
import { readIndex } from '../index/store.ts';
import { HashedEmbedder } from '../embed/hashed.ts';
import { machineInfo, median } from './run.ts';

const require = createRequire(import.meta.url);
const { HierarchicalNSW } = require('hnswlib-node') as typeof Hnswlib;
const REPO = path.join(import.meta.dirname, '..', '..');
const START = '<!-- hnsw-bench:start -->';
const END = '<!-- hnsw-bench:end -->';
/** Vector candidates per question (hybrid.ts asks for CANDIDATES × 2). */
const K = 160;
const EF_SEARCH = 96;
const QUESTION_SETS = ['../shared/eval/colloquial.jsonl', 'test/fixtures/colloquial-train.jsonl', 'test/fixtures/colloquial-train-2.jsonl'];

const { values } = parseArgs({
  options: {
    chunks: { type: 'string', default: '10000' },
    dims: { type: 'string', default: '1024,512,256' },
    ef: { type: 'string', default: '200,100,50' },
    runs: { type: 'string', default: '1' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
  },
});

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const config = loadConfig(undefined, REPO);
const base = readIndex(config.indexDir).chunks.map((c) => c.text);
const n = Number(values.chunks);
const rnd = lcg(1);
const texts = Array.from({ length: n }, () => base[Math.floor(rnd() * base.length)]! + base[Math.floor(rnd() * base.length)]!);
const questions = QUESTION_SETS.map((f) => path.resolve(REPO, f))
  .filter((f) => fs.existsSync(f))
  .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { q: string }).q));
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

const rows: string[] = [];
for (const dim of values.dims.split(',').map(Number)) {
  const emb = HashedEmbedder.fit(texts, dim);
  const vecs = texts.map((t) => emb.embedText(t));
  const qv = questions.map((q) => emb.embedText(q));
  const exact = qv.map((q) => vecs.map((v, i) => ({ i, s: dot(q, v) })).sort((a, b) => b.s - a.s).slice(0, K).map((x) => x.i));
  for (const ef of values.ef.split(',').map(Number)) {
    const builds: number[] = [];
    let recall = 0;
    let top10 = 0;
    for (let r = 0; r < Number(values.runs); r++) {
      const t0 = performance.now();
      const h = new HierarchicalNSW('cosine', dim);
      h.initIndex({ maxElements: n, m: 16, efConstruction: ef, randomSeed: 100 });
      vecs.forEach((v, i) => h.addPoint(Array.from(v), i));
      builds.push((performance.now() - t0) / 1000);
      h.setEf(EF_SEARCH);
      recall = 0;
      top10 = 0;
      qv.forEach((q, j) => {
        const got = new Set(h.searchKnn(Array.from(q), K).neighbors);
        recall += exact[j]!.filter((x) => got.has(x)).length / K;
        top10 += exact[j]!.slice(0, 10).filter((x) => got.has(x)).length / 10;
      });
    }
    const row = `| ${dim} | ${ef} | ${median(builds).toFixed(1)} | ${(recall / qv.length).toFixed(3)} | ${(top10 / qv.length).toFixed(3)} |`;
    rows.push(row);
    process.stderr.write(`${row}\n`);
  }
}
const m = machineInfo();
const section = [
  START,
  '## HNSW build setting (`npm run bench:hnsw`)',
  '',
  `${new Date().toISOString()}, ${m.cpu} (${m.cores} cores), Node ${m.node}. ${n} texts recombined from the bundled paragraphs, built-in offline embedder; ${questions.length} colloquial questions; recall of the exact ${K} nearest (the vector candidates the retrieval takes) at efSearch ${EF_SEARCH}, M 16; build time median of ${values.runs} run(s). The setting in use is in src/index/vector-index.ts.`,
  '',
  '| dims | efConstruction | build s | recall@160 | exact top 10 found |',
  '| ---: | ---: | ---: | ---: | ---: |',
  ...rows,
  END,
].join('\n');
const out = path.resolve(REPO, values.out);
writeSection(out, section, START, END);
process.stdout.write(`${section}\n`);
