import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVectorIndex, shardCount, shardNames } from '../src/index/hnsw-shards.ts';
import { indexPath, readIndex, readIndexAsync, writeIndex, type IndexData } from '../src/index/store.ts';
import { buildIndex } from '../src/index/build.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { rng } from '../src/bench/synthetic-corpus.ts';
import { cosine, unitVector } from './helpers/vectors.ts';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-shards-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('a vector index built in shards on worker threads', () => {
  it('a small corpus stays one index; a large one gets one shard per core', () => {
    expect(shardCount(5_000, { maxShards: 2 })).toBe(1);
    expect(shardCount(30_000, { maxShards: 2 })).toBe(2);
    expect(shardCount(1_000_000, { maxShards: 2 })).toBe(2);
    expect(shardCount(1_000_000, { maxShards: 1 })).toBe(1);
  });

  it('finds the same nearest vectors as brute force, under their global labels', async () => {
    const rand = rng(11);
    const dim = 32;
    const vectors = Array.from({ length: 900 }, () => unitVector(rand, dim));
    const index = await buildVectorIndex(vectors, dim, path.join(root, 'work'), { minShardSize: 300, maxShards: 3 });
    expect(index.size).toBe(900);
    let recall = 0;
    for (let q = 0; q < 12; q++) {
      const query = unitVector(rand, dim);
      const exact = vectors.map((v, label) => ({ label, sim: cosine(v, query) })).sort((a, b) => b.sim - a.sim).slice(0, 10);
      const got = index.search(query, 10);
      expect(got).toHaveLength(10);
      expect(got[0]!.label).toBe(exact[0]!.label);
      for (let i = 1; i < got.length; i++) expect(got[i]!.similarity).toBeLessThanOrEqual(got[i - 1]!.similarity + 1e-6);
      const truth = new Set(exact.map((e) => e.label));
      recall += got.filter((g) => truth.has(g.label)).length / 10;
    }
    expect(recall / 12).toBeGreaterThanOrEqual(0.9);
    // Asked for 40 of which the best 10 must be exact, each shard is asked for less; the best 10 are the same.
    for (let q = 0; q < 6; q++) {
      const query = unitVector(rand, dim);
      const full = index.search(query, 40);
      const lean = index.search(query, 40, 10);
      expect(lean).toHaveLength(40);
      expect(lean.slice(0, 10).map((h) => h.label)).toEqual(full.slice(0, 10).map((h) => h.label));
    }
    // Each stored vector is found as itself, whichever shard holds it.
    for (const i of [0, 299, 300, 650, 899]) expect(index.search(vectors[i]!, 1)[0]!.label).toBe(i);
  });

  it('is written, checked and read back as one index; a damaged or missing shard is E_INDEX_CORRUPT', async () => {
    const corpusDir = path.join(root, 'corpus');
    fs.cpSync(path.join(import.meta.dirname, '..', 'corpus'), corpusDir, { recursive: true });
    const indexDir = path.join(root, 'index');
    await buildIndex(loadConfig({ EMBEDDER: 'hashed', CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, TODAY: '2026-11-22' }, process.cwd()), createLogger('silent'));
    const data: IndexData = readIndex(indexDir);
    const n = data.chunks.length;
    const dim = data.manifest.embedder.dimension;
    const rand = rng(3);
    const vectors = Array.from({ length: n }, () => unitVector(rand, dim));
    const sharded = await buildVectorIndex(vectors, dim, path.join(root, 'work2'), { minShardSize: Math.ceil(n / 2), maxShards: 2 });
    // writeIndex signs a new manifest: the old one's file list, version and checksum are its own.
    const manifest: Partial<IndexData['manifest']> = { ...data.manifest };
    delete manifest.files;
    delete manifest.version;
    delete manifest.checksum;
    const written = writeIndex(indexDir, { ...data, manifest: manifest as IndexData['manifest'], vectors: sharded });
    expect(shardNames('vectors.hnsw', Object.keys(written.files))).toEqual(['vectors.hnsw', 'vectors.hnsw.1']);

    for (const read of [readIndex(indexDir), await readIndexAsync(indexDir)]) {
      expect(read.vectors.size).toBe(n);
      for (const i of [0, n - 1]) expect(read.vectors.search(vectors[i]!, 1)[0]!.label).toBe(i);
    }

    const live = indexPath(indexDir);
    const shard = path.join(live, 'vectors.hnsw.1');
    const bytes = fs.readFileSync(shard);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    fs.writeFileSync(shard, bytes);
    expect(() => readIndex(indexDir)).toThrow(expect.objectContaining({ code: 'E_INDEX_CORRUPT' }));
    await expect(readIndexAsync(indexDir)).rejects.toMatchObject({ code: 'E_INDEX_CORRUPT' });
    fs.rmSync(shard);
    expect(() => readIndex(indexDir)).toThrow(expect.objectContaining({ code: 'E_INDEX_CORRUPT', message: expect.stringContaining('vectors.hnsw.1') }));
  }, 120_000);
});
