import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { openEngine, type Engine } from '../../src/engine.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { copyBundled } from './bundled.ts';

export { REPO_CORPUS } from './bundled.ts';

export interface TestEngine {
  root: string;
  config: Config;
  engine: Engine;
  logger: Logger;
  cleanup(): void;
}

/**
 * An engine over a temp copy of the bundled corpus with the offline embedder, its index,
 * state (DATA_DIR) and everything else under one temp dir (the index is a copy of the one
 * built once per run, unless `files` change the corpus). `env` adds or overrides variables;
 * `files` adds documents to the corpus copy.
 */
export async function testEngine(
  env: Record<string, string> = {},
  opts: { files?: Record<string, string>; prepare?: (corpusDir: string) => Promise<void> } = {},
): Promise<TestEngine> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-test-'));
  // The shared index of the bundled corpus is copied; extra files make it stale, so it is rebuilt.
  copyBundled(root);
  // Extra corpus files (path relative to the corpus → content), written before the index is built.
  for (const [rel, text] of Object.entries(opts.files ?? {})) fs.writeFileSync(path.join(root, 'corpus', rel), text);
  await opts.prepare?.(path.join(root, 'corpus'));
  const config = loadConfig(
    {
      EMBEDDER: 'hashed',
      LOG_LEVEL: 'silent',
      TODAY: '2026-11-22',
      CORPUS_DIR: path.join(root, 'corpus'),
      INDEX_DIR: path.join(root, 'index'),
      DATA_DIR: path.join(root, 'data'),
      ...env,
    },
    process.cwd(),
  );
  const logger = createLogger('silent');
  const engine = await openEngine(config, { logger });
  return { root, config, engine, logger, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}
