import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';

/**
 * An evaluation set asked of another corpus: 「questions.jsonl@+test/fixtures/unseen」 is the bundled
 * corpus with those documents added (as an operator would drop them in), 「questions.jsonl@dir」 that
 * folder alone. The set's documents are never copied into corpus/: a temporary corpus and index are
 * made (and reused while the sources are unchanged).
 */
export interface SetSpec {
  file: string;
  /** Documents added to the configured corpus (`@+dir`). */
  extra: string | null;
  /** A corpus used instead of the configured one (`@dir`). */
  only: string | null;
}

export function parseSetSpec(spec: string): SetSpec {
  const at = spec.lastIndexOf('@');
  if (at <= 0) return { file: spec, extra: null, only: null };
  const target = spec.slice(at + 1);
  return target.startsWith('+') ? { file: spec.slice(0, at), extra: target.slice(1), only: null } : { file: spec.slice(0, at), extra: null, only: target };
}

/** The key of a spec's corpus: '' for the configured corpus. */
export function corpusKey(s: SetSpec): string {
  return s.extra ? `+${s.extra}` : (s.only ?? '');
}

/** Document files of a folder (the question sets and READMEs beside them are not documents). */
const DOCUMENT = /\.(txt|md|html?|pdf|docx|xlsx)$/i;

/** The corpus and index directories for a spec, or null for the configured corpus. */
export function corpusFor(s: SetSpec, baseCorpus: string): { corpusDir: string; indexDir: string } | null {
  if (!s.extra && !s.only) return null;
  const root = path.join(os.tmpdir(), 'policybot-eval');
  const key = createHash('sha256').update(`${path.resolve(baseCorpus)}|${corpusKey(s)}`).digest('hex').slice(0, 12);
  const indexDir = path.join(root, `${key}-index`);
  if (s.only) return { corpusDir: path.resolve(s.only), indexDir };
  const extra = path.resolve(s.extra!);
  if (!fs.existsSync(extra)) throw new Error(`no such folder: ${s.extra}`);
  const corpusDir = path.join(root, `${key}-corpus`);
  // Rebuilt every run (cheap: a copy), so a changed document is seen; the index notices by its hash.
  fs.rmSync(corpusDir, { recursive: true, force: true });
  fs.cpSync(baseCorpus, corpusDir, { recursive: true });
  const into = path.join(corpusDir, `eval-${path.basename(extra)}`);
  fs.mkdirSync(into, { recursive: true });
  for (const f of fs.readdirSync(extra)) if (DOCUMENT.test(f) && !/^readme/i.test(f)) fs.copyFileSync(path.join(extra, f), path.join(into, f));
  return { corpusDir, indexDir };
}
