import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, generateDocument, readSeedPool, type SeedPool } from '../src/bench/synthetic-corpus.ts';
import { blockIdFor, failureReason, parseSize, sizeLabel, slope, writeScaleSection } from '../src/bench/scale.ts';
import { loadCorpus } from '../src/ingest/load-corpus.ts';
import { chunkDocument } from '../src/chunk/chunk.ts';

const CORPUS = path.join(import.meta.dirname, '..', 'corpus');

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else out.set(path.relative(dir, abs), fs.readFileSync(abs, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('synthetic corpus for bench:scale', () => {
  let tmp = '';
  let pool: SeedPool;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policybot-scale-test-'));
    pool = await readSeedPool(CORPUS, 1);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('is deterministic and has about the requested number of chunks, as ingest counts them', async () => {
    const a = generateCorpus(pool, { outDir: path.join(tmp, 'a'), chunks: 300, seed: 7 });
    const b = generateCorpus(pool, { outDir: path.join(tmp, 'b'), chunks: 300, seed: 7 });
    expect(a).toMatchObject({ documents: b.documents, chunks: b.chunks, bytes: b.bytes });
    expect(files(path.join(tmp, 'a'))).toEqual(files(path.join(tmp, 'b')));
    expect(a.chunks).toBeGreaterThanOrEqual(300);
    expect(a.chunks).toBeLessThan(300 * 1.25);

    const { documents, problems } = await loadCorpus(path.join(tmp, 'a'));
    expect(problems).toEqual([]);
    expect(documents).toHaveLength(a.documents);
    expect(documents.flatMap((d) => chunkDocument(d))).toHaveLength(a.chunks);
    // Front matter is read: each document has its own title, issuer and date.
    expect(new Set(documents.map((d) => d.title)).size).toBe(documents.length);
    for (const d of documents) {
      expect(d.issuer).toMatch(/人力资源和社会保障[局厅]$/);
      expect(d.date).toMatch(/^20\d\d-\d\d-\d\d$/);
    }
  });

  it('recombines real sentences: documents differ, another seed gives another corpus', () => {
    const d0 = generateDocument(pool, 1, 0).markdown;
    const d1 = generateDocument(pool, 1, 1).markdown;
    expect(d0).not.toBe(d1);
    expect(generateDocument(pool, 2, 0).markdown).not.toBe(d0);
    expect(generateDocument(pool, 1, 0).markdown).toBe(d0);
    const body = d0.split('\n---\n')[1]!;
    const sentences = body.split(/(?<=[。；！？])/).map((s) => s.trim()).filter((s) => s.length > 20 && !s.startsWith('#'));
    expect(sentences.length).toBeGreaterThan(5);
  });
});

describe('bench:scale helpers', () => {
  it('parses and labels sizes', () => {
    expect(['10000', '30k', '1M', '1m'].map(parseSize)).toEqual([10_000, 30_000, 1_000_000, 1_000_000]);
    expect([10_000, 100_000, 1_000_000, 1_500_000, 300].map(sizeLabel)).toEqual(['10k', '100k', '1M', '1.5M', '300']);
    expect(() => parseSize('lots')).toThrow();
  });

  it('computes log-log slopes', () => {
    expect(slope(10_000, 5, 100_000, 50)).toBeCloseTo(1);
    expect(slope(10_000, 5, 100_000, 5)).toBeCloseTo(0);
  });

  it('names the reason a child failed', () => {
    expect(failureReason(134, null, 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', null)).toMatch(/heap/);
    expect(failureReason(1, null, 'RangeError: Invalid string length', null)).toMatch(/Invalid string length/);
    expect(failureReason(null, 'SIGKILL', '', null)).toMatch(/SIGKILL/);
    expect(failureReason(null, 'SIGKILL', '', 5)).toMatch(/timed out/);
  });

  it('replaces only its own block of its own section', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policybot-scale-md-'));
    try {
      const file = path.join(dir, 'BENCHMARKS.md');
      const other = '# Benchmarks\n\nintro\n\n<!-- api-bench:start -->\n## HTTP API\nrows\n<!-- api-bench:end -->\n';
      fs.writeFileSync(file, other);
      writeScaleSection(file, blockIdFor('Before (commit a227522)'), '### Before (commit a227522)\n\nold table');
      writeScaleSection(file, blockIdFor(null), '### Latest run (commit abc)\n\nfirst-table');
      writeScaleSection(file, blockIdFor(null), '### Latest run (commit def)\n\nsecond');
      const text = fs.readFileSync(file, 'utf8');
      expect(text.startsWith(other.trimEnd())).toBe(true);
      expect(text.match(/## Scale \(bench:scale\)/g)).toHaveLength(1);
      expect(text).toContain('old table');
      expect(text).toContain('second');
      expect(text).not.toContain('first-table');
      expect(text.indexOf('second')).toBeLessThan(text.indexOf('old table'));
      expect(fs.readdirSync(dir)).toEqual(['BENCHMARKS.md']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
