import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { openEngine, type Engine } from '../../src/engine.ts';
import { createLogger, type Logger } from '../../src/log.ts';

export const REPO_CORPUS = path.join(import.meta.dirname, '..', '..', 'corpus');

export interface TestEngine {
  root: string;
  config: Config;
  engine: Engine;
  logger: Logger;
  cleanup(): void;
}

/**
 * An engine over a temp copy of the bundled corpus with the offline embedder, its index,
 * state (DATA_DIR) and everything else under one temp dir. `env` adds or overrides variables;
 * `files` adds documents to the corpus copy.
 */
export async function testEngine(env: Record<string, string> = {}, opts: { files?: Record<string, string> } = {}): Promise<TestEngine> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-test-'));
  fs.cpSync(REPO_CORPUS, path.join(root, 'corpus'), { recursive: true });
  // Extra corpus files (path relative to the corpus → content), written before the index is built.
  for (const [rel, text] of Object.entries(opts.files ?? {})) fs.writeFileSync(path.join(root, 'corpus', rel), text);
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
