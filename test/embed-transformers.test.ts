import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../src/embed/embedder.ts';
import { createTransformersEmbedder, isModelAvailableLocally, type TransformersEmbedderOptions } from '../src/embed/transformers.ts';
import { isPolicybotError } from '../src/errors.ts';
import { silentLogger } from '../src/log.ts';

const FIXTURE = 'test/fixtures/tiny-bert';
const config = JSON.parse(readFileSync(path.join(FIXTURE, 'config.json'), 'utf8')) as {
  hidden_size: number;
  max_position_embeddings: number;
};

let cacheDir: string;
beforeAll(() => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'policybot-embed-'));
});
afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
});

function options(overrides: Partial<TransformersEmbedderOptions> = {}): TransformersEmbedderOptions {
  return {
    model: 'Xenova/bge-small-zh-v1.5',
    modelPath: FIXTURE,
    cacheDir,
    remoteHost: null,
    allowDownload: false,
    queryInstruction: '',
    logger: silentLogger,
    ...overrides,
  };
}

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

async function expectUnavailable(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isPolicybotError(err, 'E_EMBEDDER_UNAVAILABLE'), String(err)).toBe(true);
}

describe('transformers embedder on the tiny BERT fixture', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await createTransformersEmbedder(options());
  });

  it('reads its dimension from the model and describes itself', () => {
    expect(embedder.dimension).toBe(config.hidden_size);
    expect(embedder.semantic).toBe(true);
    expect(embedder.id).toBe(`transformers:tiny-bert:mean:${config.hidden_size}`);
    expect(embedder.description).toContain(`${config.hidden_size} dims`);
  });

  it('returns one unit vector per text, in order, deterministically', async () => {
    const texts = ['失业保险金怎么领取', '退休以后养老金如何计算', '灵活就业人员参保', '住房公积金提取条件'];
    const progress: Array<[number, number]> = [];
    const a = await embedder.embedDocuments(texts, (done, total) => progress.push([done, total]));
    expect(a).toHaveLength(texts.length);
    for (const v of a) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(config.hidden_size);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(progress.at(-1)).toEqual([texts.length, texts.length]);

    // Same texts again, one at a time and in reverse order: same vectors, whatever the batch and padding.
    const b = await embedder.embedDocuments([...texts].reverse());
    for (let i = 0; i < texts.length; i++) expect(maxDiff(a[i]!, b[texts.length - 1 - i]!)).toBeLessThan(1e-5);
    for (let i = 0; i < texts.length; i++) {
      const [single] = await embedder.embedDocuments([texts[i]!]);
      expect(maxDiff(a[i]!, single!)).toBeLessThan(1e-5);
    }
    // Different texts, different vectors.
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) expect(maxDiff(a[i]!, a[j]!)).toBeGreaterThan(1e-3);
    }
  });

  it('batches more texts than one batch holds and reports progress', async () => {
    const texts = Array.from({ length: 37 }, (_, i) => `第${i}条 就业补贴申请`);
    const progress: number[] = [];
    const vectors = await embedder.embedDocuments(texts, (done, total) => {
      expect(total).toBe(37);
      progress.push(done);
    });
    expect(vectors).toHaveLength(37);
    expect(progress).toEqual([16, 32, 37]);
    expect(await embedder.embedDocuments([])).toEqual([]);
  });

  it('embeds a text longer than the maximum length (truncated)', async () => {
    const long = '社会保险费缴纳基数按照上年度职工月平均工资确定'.repeat(20);
    expect(long.length).toBeGreaterThan(config.max_position_embeddings * 2);
    const [v] = await embedder.embedDocuments([long]);
    expect(v!.length).toBe(config.hidden_size);
    expect(norm(v!)).toBeCloseTo(1, 5);
    expect(v!.every(Number.isFinite)).toBe(true);
  });

  it('uses no query instruction when it is empty', async () => {
    const q = '失业了能领多少钱';
    const [doc] = await embedder.embedDocuments([q]);
    expect(maxDiff(await embedder.embedQuery(q), doc!)).toBeLessThan(1e-6);
  });

  it('prepends the query instruction to queries only', async () => {
    const withInstruction = await createTransformersEmbedder(options({ queryInstruction: '为这个句子生成表示以用于检索相关文章：' }));
    const q = '失业了能领多少钱';
    const [doc] = await withInstruction.embedDocuments([q]);
    const query = await withInstruction.embedQuery(q);
    expect(norm(query)).toBeCloseTo(1, 5);
    expect(maxDiff(query, doc!)).toBeGreaterThan(1e-3);
    // The instruction only touches queries: documents match the embedder without one.
    const [plain] = await embedder.embedDocuments([q]);
    expect(maxDiff(doc!, plain!)).toBeLessThan(1e-6);
  });

  it('honours the pooling option in its id and output', async () => {
    const cls = await createTransformersEmbedder(options({ pooling: 'cls' }));
    expect(cls.id).toBe(`transformers:tiny-bert:cls:${config.hidden_size}`);
    const [a] = await cls.embedDocuments(['养老保险']);
    const [b] = await embedder.embedDocuments(['养老保险']);
    expect(maxDiff(a!, b!)).toBeGreaterThan(1e-3);
  });
});

describe('model availability', () => {
  it('isModelAvailableLocally sees the fixture and not a missing folder', () => {
    expect(isModelAvailableLocally({ model: 'x', modelPath: FIXTURE, cacheDir })).toBe(true);
    expect(isModelAvailableLocally({ model: 'x', modelPath: path.join(cacheDir, 'missing'), cacheDir })).toBe(false);
    expect(isModelAvailableLocally({ model: 'Xenova/bge-small-zh-v1.5', modelPath: null, cacheDir })).toBe(false);
  });

  it('loads a hub model from cacheDir without network, with bge defaults (cls pooling, Chinese instruction)', async () => {
    const model = 'fixtures/bge-tiny-zh';
    const opts = options({ model, modelPath: null, allowDownload: false, queryInstruction: null, remoteHost: 'http://127.0.0.1:9' });
    expect(isModelAvailableLocally(opts)).toBe(false);
    cpSync(FIXTURE, path.join(cacheDir, model), { recursive: true });
    expect(isModelAvailableLocally(opts)).toBe(true);
    const e = await createTransformersEmbedder(opts);
    expect(e.id).toBe(`transformers:${model}:cls:${config.hidden_size}`);
    expect(e.description).toBe(`bge-tiny-zh (transformers.js, ${config.hidden_size} dims)`);
    const [doc] = await e.embedDocuments(['生育津贴']);
    expect(maxDiff(await e.embedQuery('生育津贴'), doc!)).toBeGreaterThan(1e-3);
  });

  it('a missing modelPath is E_EMBEDDER_UNAVAILABLE', async () => {
    await expectUnavailable(createTransformersEmbedder(options({ modelPath: path.join(cacheDir, 'missing') })));
  });

  it('a folder with config.json but no ONNX weights is E_EMBEDDER_UNAVAILABLE', async () => {
    const broken = mkdtempSync(path.join(cacheDir, 'broken-'));
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(path.join(FIXTURE, f), path.join(broken, f));
    await expectUnavailable(createTransformersEmbedder(options({ modelPath: broken })));
  });

  it('no modelPath, downloads off and an empty cache fails fast without network', async () => {
    const started = Date.now();
    await expectUnavailable(
      createTransformersEmbedder(options({ modelPath: null, allowDownload: false, remoteHost: 'http://127.0.0.1:9' })),
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up after timeoutMs when the hub does not answer', async () => {
    const server = createServer(() => {}); // accepts requests and never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const started = Date.now();
      const promise = createTransformersEmbedder(
        options({ modelPath: null, allowDownload: true, remoteHost: `http://127.0.0.1:${port}`, timeoutMs: 300 }),
      );
      await expectUnavailable(promise);
      await promise.catch((e: unknown) => expect(String(e)).toMatch(/300 ms/));
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
