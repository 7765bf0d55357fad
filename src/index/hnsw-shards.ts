import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { HNSW_BUILD, HnswIndex, type VectorIndex } from './vector-index.ts';

/**
 * A vector index in shards, built side by side on worker threads (hnswlib-node inserts on one
 * thread; HNSW insertion is most of a large ingest). Each shard holds a contiguous run of chunks
 * under their global labels, so a search asks every shard and keeps the best k.
 */
export class ShardedVectorIndex implements VectorIndex {
  readonly size: number;
  constructor(
    readonly shards: readonly HnswIndex[],
    readonly dimension: number,
  ) {
    this.size = shards.reduce((n, s) => n + s.size, 0);
  }

  search(query: Float32Array, k: number, exact = k): Array<{ label: number; similarity: number }> {
    // The best `exact` overall are among every shard's best `exact`; k in all is reached by asking each
    // shard for its share (a shard's search costs about its ef, which k raises above the default).
    const each = Math.max(Math.min(exact, k), Math.ceil(k / this.shards.length));
    const all = this.shards.flatMap((s) => s.search(query, each));
    all.sort((a, b) => b.similarity - a.similarity || a.label - b.label);
    return all.slice(0, k);
  }

  /** Shard 0 goes to `file`, shard i to `file.i`; returns the files written. */
  save(file: string): string[] {
    return this.shards.flatMap((s, i) => s.save(shardFile(file, i)));
  }
}

/** Where shard i of the vectors artifact `file` lives. */
export function shardFile(file: string, i: number): string {
  return i === 0 ? file : `${file}.${i}`;
}

/** The shard files of an artifact named `base` in a manifest's file list, in order. */
export function shardNames(base: string, files: Iterable<string>): string[] {
  const names = [base];
  const set = new Set(files);
  for (let i = 1; set.has(`${base}.${i}`); i++) names.push(`${base}.${i}`);
  return names;
}

export function loadShards(files: readonly string[], dimension: number): VectorIndex {
  const shards = files.map((f) => HnswIndex.load(f, dimension));
  return shards.length === 1 ? shards[0]! : new ShardedVectorIndex(shards, dimension);
}

/** loadShards on the native thread pool (hnswlib's asynchronous reader), all shards at once. */
export async function loadShardsAsync(files: readonly string[], dimension: number): Promise<VectorIndex> {
  const shards = await Promise.all(files.map((f) => HnswIndex.loadAsync(f, dimension)));
  return shards.length === 1 ? shards[0]! : new ShardedVectorIndex(shards, dimension);
}

export interface ShardOptions {
  /** Below this many vectors one index is built on this thread. */
  minShardSize?: number;
  /** At most this many shards (default: the cores available). */
  maxShards?: number;
  /** Drop each vector from `vectors` once it is copied for its shard's thread, so a large corpus's vectors are not held twice. */
  release?: boolean;
}

/** A corpus smaller than this is built as one index: a shard is not worth a thread. */
export const MIN_SHARD_SIZE = 10_000;

/** How many shards `n` vectors are built in. */
export function shardCount(n: number, opts: ShardOptions = {}): number {
  const min = opts.minShardSize ?? MIN_SHARD_SIZE;
  const cores = opts.maxShards ?? os.availableParallelism();
  return Math.max(1, Math.min(cores, Math.floor(n / min)));
}

/**
 * Builds the vector index: one HNSW graph for a small corpus, else one per core built at once on
 * worker threads, each from a shared copy of its vectors, written to `workDir` and loaded back.
 */
export async function buildVectorIndex(vectors: Float32Array[], dimension: number, workDir: string, opts: ShardOptions = {}): Promise<VectorIndex> {
  const count = shardCount(vectors.length, opts);
  if (count <= 1) return HnswIndex.build(vectors, dimension);
  fs.mkdirSync(workDir, { recursive: true });
  const per = Math.ceil(vectors.length / count);
  const files: string[] = [];
  const jobs: Array<Promise<void>> = [];
  for (let s = 0; s < count; s++) {
    const start = s * per;
    const end = Math.min(vectors.length, start + per);
    const shared = new Float32Array(new SharedArrayBuffer((end - start) * dimension * 4));
    for (let i = start; i < end; i++) {
      const v = vectors[i]!;
      if (v.length !== dimension) throw new Error(`vector ${i} has dimension ${v.length}, expected ${dimension}`);
      shared.set(v, (i - start) * dimension);
      if (opts.release) vectors[i] = RELEASED;
    }
    const file = path.join(workDir, `shard-${s}.hnsw`);
    files.push(file);
    jobs.push(runShardWorker({ module: HNSWLIB, file, vectors: shared, dimension, start, ...HNSW_BUILD }));
  }
  await Promise.all(jobs);
  return loadShards(files, dimension);
}

const RELEASED = new Float32Array(0);
const HNSWLIB = createRequire(import.meta.url).resolve('hnswlib-node');

interface ShardJob {
  module: string;
  file: string;
  vectors: Float32Array;
  dimension: number;
  start: number;
  m: number;
  efConstruction: number;
  seed: number;
}

function runShardWorker(job: ShardJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SHARD_WORKER, { eval: true, workerData: job });
    worker.once('message', (m: { error?: string }) => (m.error ? reject(new Error(`HNSW shard build failed: ${m.error}`)) : resolve()));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the HNSW shard thread exited with code ${code}`));
    });
  });
}

/** The worker: HnswIndex.build's loop over one shard, in plain JavaScript (eval workers run without the TypeScript loader). */
const SHARD_WORKER = `
const { parentPort, workerData: j } = require('node:worker_threads');
try {
  const { HierarchicalNSW } = require(j.module);
  const n = j.vectors.length / j.dimension;
  const index = new HierarchicalNSW('cosine', j.dimension);
  index.initIndex({ maxElements: Math.max(1, n), m: j.m, efConstruction: j.efConstruction, randomSeed: j.seed });
  for (let i = 0; i < n; i++) index.addPoint(Array.from(j.vectors.subarray(i * j.dimension, (i + 1) * j.dimension)), j.start + i);
  index.writeIndexSync(j.file);
  parentPort.postMessage({});
} catch (err) {
  parentPort.postMessage({ error: err && err.message ? err.message : String(err) });
}
`;
