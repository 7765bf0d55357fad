import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../src/engine.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { FEATURES, crossValidateRerank, fitRerank, rerankScores } from '../src/retrieve/rerank.ts';
import { hitAt, type RankGroup } from '../src/retrieve/listwise.ts';
import model from '../src/retrieve/rerank-model.json' with { type: 'json' };
import { copyBundled } from './helpers/bundled.ts';

const at = (name: string) => FEATURES.indexOf(name);

/**
 * Questions whose answer the fused score puts 4th–8th, and whose answer is the only candidate that
 * offers the kind of answer asked (as an amount for 「多少钱」): a fitted model must find that out.
 */
function syntheticGroups(n: number, seed = 7): RankGroup[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, q) => {
    const gold = 3 + Math.floor(rand() * 5);
    const x = Array.from({ length: 20 }, (_, i) => {
      const v = new Array<number>(FEATURES.length).fill(0);
      v[at('logold')] = -0.1 * i;
      v[at('offers')] = i === gold || rand() < 0.1 ? 1 : 0;
      v[at('bm25')] = rand();
      return v;
    });
    return { id: `q${q}`, question: `q${q}`, x, y: x.map((_, i) => i === gold) };
  });
}

describe('learned rerank', () => {
  it('learns a signal the fused score misses, and cross-validation shows it on held-back folds', () => {
    const groups = syntheticGroups(120);
    const fused = groups.filter((g) => hitAt(g, g.x.map((_, i) => -i))).length;
    expect(fused).toBe(0);
    const m = fitRerank(groups);
    expect(m.weights[at('offers')]!).toBeGreaterThan(0.5);
    const learned = groups.filter((g) => hitAt(g, rerankScores(g.x, m))).length;
    expect(learned / groups.length).toBeGreaterThan(0.8);
    const cv = crossValidateRerank(groups, 5);
    expect(cv.prior).toBe(0);
    expect(cv.learned / cv.questions).toBeGreaterThan(0.8);
  });

  it('a model that only weighs the fused score keeps the fused order', () => {
    const [g] = syntheticGroups(1);
    const identity = { features: ['logold'], weights: [1] };
    const order = rerankScores(g!.x, identity).map((z, i) => ({ z, i })).sort((a, b) => b.z - a.z).map((o) => o.i);
    expect(order).toEqual(order.map((_, i) => i));
  });

  it('the shipped model says what it was fitted on and how it cross-validated', () => {
    expect(model.features.length).toBe(model.weights.length);
    expect(model.features.every((f) => FEATURES.includes(f))).toBe(true);
    expect(model.fittedOn).toMatch(/colloquial/);
    expect(model.crossValidation).toMatch(/fold/);
  });
});

describe('learned rerank in the engine', () => {
  let root: string;
  let engine: Engine;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-rerank-'));
    copyBundled(root);
    const env = { EMBEDDER: 'hashed', CORPUS_DIR: path.join(root, 'corpus'), INDEX_DIR: path.join(root, 'index') };
    engine = await openEngine(loadConfig(env, process.cwd()), { logger: createLogger('silent') });
  }, 60_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('switched off, the passages come in the fused order; on, the same candidates, scores still falling', async () => {
    const ins = await engine.inspect('公司倒闭了失业金一个月能领多少钱', { k: 5, pipeline: { abstain: false } });
    const query = ins.asks[0]!.query;
    const off = await engine.retriever.retrieve(query, { k: 200, rerank: false });
    const on = await engine.retriever.retrieve(query, { k: 200 });
    const fusedScores = off.map((p) => p.score);
    expect(fusedScores).toEqual([...fusedScores].sort((a, b) => b - a));
    expect(new Set(on.map((p) => p.key))).toEqual(new Set(off.map((p) => p.key)));
    const scores = on.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(on.every((p) => p.features.length === FEATURES.length)).toBe(true);
  });
});
