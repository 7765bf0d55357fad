import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/index/vector-index.ts';
import { createHash } from 'node:crypto';
import { readIndex, readIndexAsync, readManifest, indexPath, currentVersion, manifestChecksum, FORMAT_VERSION, type IndexData, type Manifest } from '../src/index/store.ts';
import { sha256File, sha256FilesInWorker } from '../src/index/hash-file.ts';
import { readLexical } from '../src/index/lexical-file.ts';
import { contextOf } from '../src/chunk/context.ts';
import { normalizeForMatch } from '../src/text/normalize.ts';
import { buildIndex } from '../src/index/build.ts';
import { ensureIndex, openEngine, staleness } from '../src/engine.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { analyze } from '../src/text/tokenize.ts';
import { isPolicybotError } from '../src/errors.ts';
import { rng } from '../src/bench/synthetic-corpus.ts';
import { cosine, unitVector } from './helpers/vectors.ts';

const logger = createLogger('silent');
const REPO_CORPUS = path.join(import.meta.dirname, '..', 'corpus');

describe('HNSW agrees with brute-force cosine', () => {
  it('top-1 matches and recall@10 ≥ 0.9 on random unit vectors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 64 }), fc.integer({ min: 50, max: 300 }), fc.integer(), (dim, n, seed) => {
        const rand = rng(seed);
        const vectors = Array.from({ length: n }, () => unitVector(rand, dim));
        const index = HnswIndex.build(vectors, dim);
        expect(index.size).toBe(n);
        let recallSum = 0;
        const queries = 8;
        for (let q = 0; q < queries; q++) {
          const query = unitVector(rand, dim);
          const exact = vectors
            .map((v, label) => ({ label, sim: cosine(v, query) }))
            .sort((a, b) => b.sim - a.sim)
            .slice(0, 10);
          const got = index.search(query, 10);
          expect(got).toHaveLength(10);
          expect(got[0]!.label).toBe(exact[0]!.label);
          expect(got[0]!.similarity).toBeCloseTo(exact[0]!.sim, 4);
          const truth = new Set(exact.map((e) => e.label));
          recallSum += got.filter((g) => truth.has(g.label)).length / 10;
          // Best first.
          for (let i = 1; i < got.length; i++) expect(got[i]!.similarity).toBeLessThanOrEqual(got[i - 1]!.similarity + 1e-6);
        }
        expect(recallSum / queries).toBeGreaterThanOrEqual(0.9);
      }),
      { numRuns: 12, seed: 20261122 },
    );
  });

  it('returns at most size results and survives save/load', () => {
    const rand = rng(7);
    const vectors = Array.from({ length: 5 }, () => unitVector(rand, 16));
    const index = HnswIndex.build(vectors, 16);
    expect(index.search(vectors[2]!, 10)).toHaveLength(5);
    expect(index.search(vectors[2]!, 1)[0]!.label).toBe(2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-hnsw-'));
    try {
      const file = path.join(dir, 'v.hnsw');
      index.save(file);
      const loaded = HnswIndex.load(file, 16);
      expect(loaded.size).toBe(5);
      expect(loaded.search(vectors[4]!, 1)[0]!.label).toBe(4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

let root: string;
let corpusDir: string;
let pristine: string;
let data: IndexData;

const configFor = (indexDir: string): Config =>
  loadConfig({ EMBEDDER: 'hashed', CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, TODAY: '2026-11-22' }, process.cwd());

/** A fresh copy of the index built in beforeAll. */
function copyIndex(name: string): string {
  const dir = path.join(root, name);
  fs.cpSync(pristine, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-store-'));
  corpusDir = path.join(root, 'corpus');
  fs.cpSync(REPO_CORPUS, corpusDir, { recursive: true });
  pristine = path.join(root, 'pristine');
  await buildIndex(configFor(pristine), logger);
  data = readIndex(pristine);
}, 60_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('BM25', () => {
  it('ranks the chunk holding an exact clause first', () => {
    const clauses = [
      { clause: '按照每人每年不高于100元标准给予意外伤害保险补贴', file: '003_364ccae54bd3fdc8.txt' },
      { clause: '个人依法享受社会保险待遇，有权监督本单位为其缴费情况', file: 'laws/社会保险法(2018-12-29).md' },
    ];
    for (const { clause, file } of clauses) {
      const hits = data.lexical.search(analyze(clause), 5);
      expect(hits.length).toBeGreaterThan(0);
      const top = data.chunks[hits[0]!.index]!;
      expect(top.text).toContain(clause);
      const doc = data.documents.find((d) => d.docId === top.docId)!;
      expect(doc.file).toBe(file);
      if (hits[1]) expect(hits[0]!.score).toBeGreaterThan(hits[1].score);
    }
  });

  it('round-trips through the persisted index with the same ranking', () => {
    expect(data.lexical.size).toBe(data.chunks.length);
    expect(data.vectors.size).toBe(data.chunks.length);
    const q = analyze('失业保险金 领取 条件');
    const again = readIndex(pristine).lexical.search(q, 10);
    expect(again).toEqual(data.lexical.search(q, 10));
  });
});

describe('binary artifacts', () => {
  it('sha256 is streamed and equals the hash of the whole file (sizes around the read buffer)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-sha-'));
    try {
      for (const size of [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2.5 * (1 << 20)]) {
        const body = Buffer.alloc(size);
        for (let i = 0; i < size; i++) body[i] = (i * 2654435761) >>> 24;
        const file = path.join(dir, `f${size}`);
        fs.writeFileSync(file, body);
        expect(sha256File(file)).toBe(createHash('sha256').update(body).digest('hex'));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the lexical index is a binary file, not JSON, and a damaged one is E_INDEX_CORRUPT', () => {
    const dir = indexPath(pristine);
    expect(fs.existsSync(path.join(dir, 'lexical.json'))).toBe(false);
    const file = path.join(dir, 'lexical.bin');
    expect(data.manifest.files['lexical.bin']).toBe(sha256File(file));
    expect(data.manifest.files['norms.bin']).toBe(sha256File(path.join(dir, 'norms.bin')));
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-lex-'));
    try {
      const truncated = path.join(scratch, 'truncated.bin');
      fs.writeFileSync(truncated, fs.readFileSync(file).subarray(0, Math.floor(fs.statSync(file).size / 2)));
      expect(() => readLexical(truncated)).toThrow(expect.objectContaining({ code: 'E_INDEX_CORRUPT' }));
      const garbage = path.join(scratch, 'garbage.bin');
      fs.writeFileSync(garbage, '{"version":1,"size":3}');
      expect(() => readLexical(garbage)).toThrow(expect.objectContaining({ code: 'E_INDEX_CORRUPT' }));
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('stores each chunk’s normalised matching text, and finds substrings as a scan of all chunks would', () => {
    const docs = new Map(data.documents.map((d) => [d.docId, d]));
    const texts = data.chunks.map((c) => normalizeForMatch(`${contextOf(docs.get(c.docId), c)} ${c.text}`));
    expect(data.norms.size).toBe(texts.length);
    texts.forEach((t, i) => expect(data.norms.get(i)).toBe(t));
    const rand = rng(11);
    const needles = ['失业保险金', '不在语料里的一句话', 'z', ''];
    for (let i = 0; i < 200; i++) {
      const t = texts[Math.floor(rand() * texts.length)]!;
      const at = Math.floor(rand() * t.length);
      needles.push(t.slice(at, at + 1 + Math.floor(rand() * 8)));
      // Longer than the filter tests bigrams of, present and (one unit changed) mostly absent.
      const long = t.slice(at, at + 40);
      needles.push(long, `${long.slice(0, 20)}※${long.slice(21)}`);
    }
    // The end of one chunk and the start of the next are not one text.
    needles.push(`${texts[0]!.slice(-3)}${texts[1]!.slice(0, 3)}`, `${texts[0]!.slice(-2)}\n${texts[1]!.slice(0, 2)}`);
    for (const n of needles) expect(data.norms.someIncludes(n), JSON.stringify(n)).toBe(texts.some((t) => t.includes(n)));
  });

  it('an index of the previous format is stale and rebuilt in the new one', async () => {
    const dir = copyIndex('oldformat');
    const file = path.join(indexPath(dir), 'manifest.json');
    const old = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
    const unsigned: Manifest = { ...old, formatVersion: FORMAT_VERSION - 1, checksum: undefined };
    fs.writeFileSync(file, JSON.stringify({ ...unsigned, checksum: manifestChecksum(unsigned) }));
    expect(() => readManifest(dir)).toThrow(expect.objectContaining({ code: 'E_INDEX_STALE' }));
    const rebuilt = await ensureIndex(configFor(dir), logger);
    expect(rebuilt.manifest.formatVersion).toBe(FORMAT_VERSION);
    expect(rebuilt.lexical.search(analyze('失业保险金 领取 条件'), 10)).toEqual(data.lexical.search(analyze('失业保险金 领取 条件'), 10));
  }, 60_000);
});

describe('versioned index folders', () => {
  it('a build writes a new version and switches CURRENT to it; the previous one is kept, older ones removed', async () => {
    const dir = copyIndex('versions');
    const corpus = path.join(root, 'versions-corpus');
    fs.cpSync(corpusDir, corpus, { recursive: true });
    const config = loadConfig({ EMBEDDER: 'hashed', CORPUS_DIR: corpus, INDEX_DIR: dir, TODAY: '2026-11-22' }, process.cwd());
    const first = readManifest(dir).version!;
    expect(currentVersion(dir)).toBe(first);
    const versions = () => fs.readdirSync(path.join(dir, 'versions')).filter((n) => !n.startsWith('.')).sort();
    for (let i = 0; i < 2; i++) {
      fs.writeFileSync(path.join(corpus, `zz-${i}.md`), `---\ntitle: 版本测试${i}\nissuer: 测试局\ndate: 2026-01-01\n---\n# 一、总则\n\n本文件用于测试第${i}个版本。\n`);
      await ensureIndex(config, logger);
    }
    const live = currentVersion(dir)!;
    expect(live).not.toBe(first);
    expect(readManifest(dir).version).toBe(live);
    expect(indexPath(dir)).toBe(path.join(dir, 'versions', live));
    // The live one and the one before it; the first is gone.
    expect(versions()).toHaveLength(2);
    expect(versions()).toContain(live);
    expect(versions()).not.toContain(first);
  }, 120_000);
});

describe('the offline embedder’s dimensions', () => {
  it('HASHED_DIM makes an index of another dimension stale; it is rebuilt with that many; a bad value is refused', async () => {
    const dir = copyIndex('dims');
    const config = loadConfig({ EMBEDDER: 'hashed', HASHED_DIM: '256', CORPUS_DIR: corpusDir, INDEX_DIR: dir, TODAY: '2026-11-22' }, process.cwd());
    expect(staleness(config, readManifest(dir))).toMatch(/HASHED_DIM/);
    const rebuilt = await ensureIndex(config, logger);
    expect(rebuilt.manifest.embedder.id).toBe('hashed-v1:256');
    expect(rebuilt.manifest.embedder.dimension).toBe(256);
    expect(() => loadConfig({ HASHED_DIM: '8' }, process.cwd())).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  }, 60_000);
});

describe('atomic and corrupt indexes', () => {
  const expectCorrupt = (fn: () => unknown) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(isPolicybotError(err, 'E_INDEX_CORRUPT'), String(err)).toBe(true);
  };

  it('a truncated vectors.hnsw is detected, rebuilt by ensureIndex, and the engine answers', async () => {
    const dir = copyIndex('truncated');
    const file = path.join(indexPath(dir), 'vectors.hnsw');
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 3));
    expectCorrupt(() => readIndex(dir));
    const rebuilt = await ensureIndex(configFor(dir), logger);
    expect(rebuilt.chunks.length).toBe(data.chunks.length);
    expect(() => readIndex(dir)).not.toThrow();
    const engine = await openEngine(configFor(dir), { logger });
    const a = await engine.ask('新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？');
    expect(a.abstained).toBe(false);
    expect(a.citations.length).toBeGreaterThan(0);
  }, 60_000);

  it('opening with the vectors hashed on a worker thread reads the same index, and catches one changed byte', async () => {
    const dir = copyIndex('one-byte');
    const sound = await readIndexAsync(dir);
    expect(sound.chunks.map((c) => c.id)).toEqual(data.chunks.map((c) => c.id));
    expect(sound.vectors.size).toBe(data.vectors.size);
    const file = path.join(indexPath(dir), 'vectors.hnsw');
    const bytes = fs.readFileSync(file);
    const at = bytes.length >> 1;
    bytes[at] = bytes[at]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const err = await readIndexAsync(dir).then(() => null, (e: unknown) => e);
    expect(isPolicybotError(err, 'E_INDEX_CORRUPT'), String(err)).toBe(true);
    expect(String((err as Error).message)).toContain('vectors.hnsw does not match its checksum');
    // The thread's hash is the one sha256File gives; an unreadable file is reported, not thrown.
    const [same, missing] = await sha256FilesInWorker([file, path.join(dir, 'no-such-file')]);
    expect(same).toEqual({ sum: sha256File(file) });
    expect(missing && 'error' in missing).toBe(true);
  }, 60_000);

  it('a half-written index folder without a manifest is detected and rebuilt', async () => {
    const dir = copyIndex('half');
    const idx = indexPath(dir);
    fs.rmSync(path.join(idx, 'manifest.json'));
    fs.rmSync(path.join(idx, 'vectors.hnsw'));
    expectCorrupt(() => readManifest(dir));
    expectCorrupt(() => readIndex(dir));
    const rebuilt = await ensureIndex(configFor(dir), logger);
    expect(rebuilt.manifest.counts.chunks).toBe(data.chunks.length);
    // The rebuild is a new version; CURRENT names it.
    expect(indexPath(dir)).not.toBe(idx);
    expect(fs.existsSync(path.join(indexPath(dir), 'manifest.json'))).toBe(true);
    expect(fs.existsSync(path.join(indexPath(dir), 'vectors.hnsw'))).toBe(true);
  }, 60_000);

  it('a garbage manifest is detected and rebuilt', async () => {
    const dir = copyIndex('garbage');
    fs.writeFileSync(path.join(indexPath(dir), 'manifest.json'), '{"formatVersion": 2, "embedder": ');
    expectCorrupt(() => readManifest(dir));
    const rebuilt = await ensureIndex(configFor(dir), logger);
    expect(rebuilt.manifest.corpusHash).toBe(data.manifest.corpusHash);
    expect(() => readIndex(dir)).not.toThrow();
  }, 60_000);

  it('one digit changed in the manifest (the vector dimension) is caught by its checksum and rebuilt', async () => {
    const dir = copyIndex('edited');
    const file = path.join(indexPath(dir), 'manifest.json');
    const text = fs.readFileSync(file, 'utf8');
    const dim = String(data.manifest.embedder.dimension);
    fs.writeFileSync(file, text.replace(`"dimension": ${dim}`, `"dimension": ${Number(dim) + 10}`));
    expect(fs.readFileSync(file, 'utf8')).not.toBe(text);
    expectCorrupt(() => readManifest(dir));
    const engine = await openEngine(configFor(dir), { logger });
    const a = await engine.ask('新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？');
    expect(a.citations.length).toBeGreaterThan(0);
    expect(readManifest(dir).embedder.dimension).toBe(data.manifest.embedder.dimension);
  }, 60_000);

  it('temp folders of a killed build are removed at the next start, without a rebuild', async () => {
    const dir = copyIndex('killed');
    const leftover = path.join(dir, '.index-tmp-999998-cafebabe');
    fs.mkdirSync(leftover);
    fs.writeFileSync(path.join(leftover, 'vectors.hnsw'), Buffer.alloc(1024));
    const before = readManifest(dir).builtAt;
    await ensureIndex(configFor(dir), logger);
    expect(fs.existsSync(leftover)).toBe(false);
    expect(readManifest(dir).builtAt).toBe(before);
  });

  it('a fresh index is reused, not rebuilt', async () => {
    const dir = copyIndex('fresh');
    const config = configFor(dir);
    expect(staleness(config, readManifest(dir))).toBeNull();
    const loaded = await ensureIndex(config, logger);
    expect(loaded.manifest.builtAt).toBe(data.manifest.builtAt);
  });

  it('a changed corpus file makes the index stale; ensureIndex rebuilds and cleans dead temp folders', async () => {
    const dir = copyIndex('stale');
    const leftover = path.join(dir, '.index-tmp-999999-deadbeef');
    fs.mkdirSync(leftover);
    fs.writeFileSync(path.join(leftover, 'documents.json'), '[]');
    const config = configFor(dir);
    expect(staleness(config, readManifest(dir))).toBeNull();

    fs.appendFileSync(path.join(corpusDir, '001_b1925dd0fc404eb3.txt'), '\n新增段落：青岛市将继续开展就业援助月活动，帮助就业困难人员尽快就业。\n');
    try {
      const before = readManifest(dir);
      expect(staleness(config, before)).not.toBeNull();
      const rebuilt = await ensureIndex(config, logger);
      expect(rebuilt.manifest.corpusHash).not.toBe(before.corpusHash);
      expect(staleness(config, rebuilt.manifest)).toBeNull();
      expect(rebuilt.chunks.some((c) => c.text.includes('就业援助月活动'))).toBe(true);
      expect(fs.existsSync(leftover)).toBe(false);
      expect(fs.readdirSync(dir).filter((n) => n.startsWith('.index-tmp-'))).toEqual([]);
    } finally {
      fs.copyFileSync(path.join(REPO_CORPUS, '001_b1925dd0fc404eb3.txt'), path.join(corpusDir, '001_b1925dd0fc404eb3.txt'));
    }
  }, 60_000);

  it('with rebuild disabled, a corrupt index fails with its code', async () => {
    const dir = copyIndex('norebuild');
    fs.writeFileSync(path.join(indexPath(dir), 'chunks.json'), '[]');
    await expect(ensureIndex(configFor(dir), logger, undefined, false)).rejects.toMatchObject({ code: 'E_INDEX_CORRUPT' });
    const missing = path.join(root, 'missing');
    await expect(ensureIndex(configFor(missing), logger, undefined, false)).rejects.toMatchObject({ code: 'E_INDEX_MISSING' });
  });
});
