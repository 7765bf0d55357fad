import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

export const REPO_CORPUS = path.join(import.meta.dirname, '..', '..', 'corpus');

/**
 * A private copy of the bundled corpus at `<root>/corpus` and of the index built once by
 * test/global-setup.ts at `<root>/index`, so a test file opens an engine without rebuilding
 * (the copy is its own: tests may damage or rebuild it).
 */
export function copyBundled(root: string): { corpus: string; index: string } {
  const corpus = path.join(root, 'corpus');
  const index = path.join(root, 'index');
  fs.cpSync(REPO_CORPUS, corpus, { recursive: true });
  fs.cpSync(inject('bundledIndex'), index, { recursive: true });
  return { corpus, index };
}

const REPO = path.join(import.meta.dirname, '..', '..');

/** A shared eval set (`../shared/eval/<name>`) when the checkout has ../shared beside it, else our fixture. */
export function sharedSetOr(name: string, fixture: string): string {
  const shared = path.resolve(REPO, '..', 'shared', 'eval', name);
  return fs.existsSync(shared) ? shared : path.join(REPO, 'test', 'fixtures', fixture);
}
