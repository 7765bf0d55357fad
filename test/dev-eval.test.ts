import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../src/engine.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { copyBundled, sharedSetOr } from './helpers/bundled.ts';
import { parseEvalFile, renderReport, runItems, summarize, type EvalReport } from '../src/eval/evaluate.ts';

const FILE = sharedSetOr('dev.jsonl', 'calibration.jsonl');
const DEV = path.basename(FILE) === 'dev.jsonl' ? FILE : null;
const K = 3;

let root: string;
let engine: Engine;
let report: EvalReport;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-dev-eval-'));
  copyBundled(root);
  const config = loadConfig(
    { EMBEDDER: 'hashed', CORPUS_DIR: path.join(root, 'corpus'), INDEX_DIR: path.join(root, 'index'), TODAY: '2026-11-22' },
    process.cwd(),
  );
  engine = await openEngine(config, { logger: createLogger('silent') });
  const items = parseEvalFile(fs.readFileSync(FILE, 'utf8'), path.basename(FILE));
  report = summarize(await runItems(engine, items, K), K);
}, 120_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe(`eval set ${path.basename(FILE)}`, () => {
  it('has answerable and abstain questions', () => {
    expect(report.answerable).toBeGreaterThan(0);
    expect(report.abstention.expected).toBeGreaterThan(0);
  });

  // The product target on the dev set is hit@3 ≥ 0.95 (issue 2); the offline embedder reaches 1.0 (16/16).
  // Our own labelled set (used when ../shared is absent) is harder and reaches 0.868 (and 2 false abstentions).
  const HIT_FLOOR = FILE === DEV ? 0.95 : 0.8;
  it(`hit@${K} ≥ ${HIT_FLOOR}`, () => {
    expect(report.hitAtK, renderReport(report)).toBeGreaterThanOrEqual(HIT_FLOOR);
  });

  // Every dev abstain case must abstain; on the larger fallback set (written by us, 25 negatives) 22/25 is
  // the level reached today.
  it('abstains on the abstain questions', () => {
    const floor = FILE === DEV ? report.abstention.expected : Math.ceil(report.abstention.expected * 0.85);
    expect(report.abstention.correct, renderReport(report)).toBeGreaterThanOrEqual(floor);
  });

  // On our own set two questions phrased with words no passage uses (l05, m06) are still abstained on.
  it('does not abstain on answerable questions', () => {
    expect(report.falseAbstentions, renderReport(report)).toBeLessThanOrEqual(FILE === DEV ? 0 : 2);
  });
});
