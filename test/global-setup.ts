import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config.ts';
import { buildIndex, currentCorpusHash } from '../src/index/build.ts';
import { readManifest } from '../src/index/store.ts';
import { createLogger } from '../src/log.ts';

const REPO_CORPUS = path.join(import.meta.dirname, '..', 'corpus');

declare module 'vitest' {
  export interface ProvidedContext {
    /** An index of the bundled corpus (offline embedder), built once for the whole run. */
    bundledIndex: string;
  }
}

/**
 * Builds the index of the bundled corpus once per corpus-and-pipeline hash and hands its
 * folder to every test file, which copies it instead of rebuilding (tests that are about
 * building still build their own).
 */
export default async function setup(project: TestProject): Promise<void> {
  const hash = currentCorpusHash(REPO_CORPUS);
  const dir = path.join(os.tmpdir(), 'policybot-test-index', hash.slice(0, 16));
  let fresh = false;
  try {
    fresh = readManifest(dir).corpusHash === hash;
  } catch {
    fresh = false;
  }
  if (!fresh) {
    const config = loadConfig({ EMBEDDER: 'hashed', CORPUS_DIR: REPO_CORPUS, INDEX_DIR: dir, TODAY: '2026-11-22', LOG_LEVEL: 'silent' }, process.cwd());
    await buildIndex(config, createLogger('silent'));
  }
  project.provide('bundledIndex', dir);
}
