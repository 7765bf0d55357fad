import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { IngestProblem, PolicyDocument } from '../types.ts';
import { PolicybotError } from '../errors.ts';
import { chunkDocument } from '../chunk/chunk.ts';
import { contextOf } from '../chunk/context.ts';
import { loadCorpus } from '../ingest/load-corpus.ts';
import { corpusFingerprint } from '../ingest/fingerprint.ts';
import { embedderForBuild } from '../embed/resolve.ts';
import { HashedEmbedder } from '../embed/hashed.ts';
import type { Embedder } from '../embed/embedder.ts';
import { addUserWords, analyze, type Analysis } from '../text/tokenize.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import { loadLexicon, type Lexicon } from '../text/lexicon.ts';
import { noProgress, type Progress } from '../progress.ts';
import { Bm25Index, type FieldedTokens } from './bm25.ts';
import { ChunkNormsBuilder } from './chunk-norms.ts';
import { buildVectorIndex } from './hnsw-shards.ts';
import type { VectorIndex } from './vector-index.ts';
import { FORMAT_VERSION, writeIndex, type Manifest } from './store.ts';
import { extractMeasures } from '../measures/extract.ts';
import { sourceRoot } from '../paths.ts';

/**
 * The corpus hash is salted with the index format and the source of every stage that
 * shapes the index (loading, chunking, text analysis, index building), so an upgrade of
 * policybot that changes how documents are parsed also marks an old index stale.
 */
let pipelineSalt: string | null = null;
function pipelineVersion(): string {
  if (pipelineSalt) return pipelineSalt;
  const h = createHash('sha256').update(`format-${FORMAT_VERSION}`);
  const srcRoot = sourceRoot();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile() && !e.name.endsWith('.md')) h.update(e.name).update(fs.readFileSync(abs));
    }
  };
  for (const dir of ['ingest', 'chunk', 'text', 'index', 'embed', 'measures']) {
    const abs = path.join(srcRoot, dir);
    if (fs.existsSync(abs)) walk(abs);
  }
  pipelineSalt = h.digest('hex').slice(0, 16);
  return pipelineSalt;
}

/**
 * The index's corpus hash: the corpus files, salted with the pipeline's source and the lexicon
 * in use (its terms change how text is segmented).
 */
export function currentCorpusHash(corpusDir: string, lexiconDirs: readonly string[] = []): string {
  return corpusFingerprint(corpusDir, `policybot-index-${pipelineVersion()}-${useLexicon(lexiconDirs).id}`);
}

/** Loads the lexicon (built-in plus the operator's folders) and gives its terms to the tokenizer. */
export function useLexicon(lexiconDirs: readonly string[]): Lexicon {
  const lexicon = loadLexicon(lexiconDirs);
  addUserWords(lexicon.userWords);
  return lexicon;
}

export interface BuildResult {
  manifest: Manifest;
  documents: PolicyDocument[];
  problems: IngestProblem[];
  embedder: Embedder;
}

/** corpus → documents → chunks → BM25 + embeddings → HNSW, written atomically. */
export async function buildIndex(config: Config, logger: Logger, progress: Progress = noProgress): Promise<BuildResult> {
  const t0 = performance.now();
  const corpusHash = currentCorpusHash(config.corpusDir, config.lexiconDirs);

  progress.start('读取文件', 1);
  const { documents, problems } = await loadCorpus(config.corpusDir, (_f, done, total) => {
    if (done === 0) progress.start('读取文件', total);
    progress.update(done);
  });
  progress.stop();
  for (const p of problems) logger.warn({ file: p.file, code: p.code }, `skipped ${p.file}: ${p.reason}`);
  if (documents.length === 0) {
    throw new PolicybotError('E_EMPTY_CORPUS', `no readable documents in ${config.corpusDir}`);
  }

  const byId = new Map(documents.map((d) => [d.docId, d]));
  const chunks = documents.flatMap((d) => chunkDocument(d));
  const embedTexts = chunks.map((c) => `${contextOf(byId.get(c.docId), c)}\n${c.text}`);

  progress.start('分词', chunks.length);
  const fielded: FieldedTokens[] = [];
  // Each chunk is analysed once and each distinct context (title and heading path, shared by the
  // chunks under one heading) once: BM25 takes the parts, the built-in embedder their union, which
  // is what analysing 「context⏎text」 gives (test/build-analysis.test.ts checks it).
  const contexts = new Map<string, Analysis>();
  const analyses: Analysis[] = [];
  // The matching text retrieval uses (retrieve/hybrid.ts), stored so a start need not recompute it.
  const norms = new ChunkNormsBuilder();
  for (const [i, c] of chunks.entries()) {
    const a = analyze(c.text);
    const context = embedTexts[i]!.slice(0, embedTexts[i]!.length - c.text.length - 1);
    let ctx = contexts.get(context);
    if (!ctx) contexts.set(context, (ctx = analyze(context)));
    fielded.push({ words: a.words, bigrams: a.bigrams, context: ctx.words });
    analyses.push({ words: [...ctx.words, ...a.words], bigrams: [...ctx.bigrams, ...a.bigrams] });
    norms.add(normalizeForMatch(`${context} ${c.text}`));
    if (i % 100 === 0) {
      progress.update(i);
      // A build in the background (a changed corpus while serving) lets requests through now and then.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  progress.update(chunks.length);
  progress.stop();
  const lexical = Bm25Index.build(fielded);

  const embedder = await embedderForBuild(config, embedTexts, logger, analyses);
  progress.start(`向量化 (${embedder.id})`, chunks.length);
  const onEmbedded = (done: number) => progress.update(done);
  const vectors = embedder instanceof HashedEmbedder ? embedder.embedAnalyses(analyses, onEmbedded) : await embedder.embedDocuments(embedTexts, onEmbedded);
  analyses.length = 0;
  progress.stop();

  progress.start('建立 HNSW 索引', 1);
  // A large corpus is built in shards, one per core, on worker threads (hnsw-shards.ts).
  const shardDir = path.join(config.indexDir, `.index-tmp-${process.pid}-hnsw`);
  let hnsw: VectorIndex;
  try {
    hnsw = await buildVectorIndex(vectors, embedder.dimension, shardDir, { release: true });
  } finally {
    // The shards are loaded into memory: their work files go.
    fs.rmSync(shardDir, { recursive: true, force: true });
  }
  progress.update(1);
  progress.stop();

  // The measures catalog is rebuilt with the index and written in the same atomic swap.
  const measures = extractMeasures(documents);

  const manifest = writeIndex(config.indexDir, {
    manifest: {
      formatVersion: FORMAT_VERSION,
      embedder: { id: embedder.id, dimension: embedder.dimension, description: embedder.description, semantic: embedder.semantic },
      corpusHash,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((performance.now() - t0) / 10) / 100,
      counts: { documents: documents.length, paragraphs: documents.reduce((n, d) => n + d.paragraphs.length, 0), chunks: chunks.length },
      problems,
    },
    documents,
    chunks,
    lexical,
    norms: norms.finish(),
    vectors: hnsw,
    embedderState: embedder instanceof HashedEmbedder ? embedder.toState() : null,
    measures: { formatVersion: 1, builtAt: new Date().toISOString(), measures },
  });
  logger.info({ ...manifest.counts, measures: measures.length, embedder: embedder.id, seconds: manifest.buildSeconds }, 'index built');
  return { manifest, documents, problems, embedder };
}
