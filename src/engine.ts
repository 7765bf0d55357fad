import path from 'node:path';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { PolicybotError, isPolicybotError, errorMessage } from './errors.ts';
import { buildIndex, currentCorpusHash } from './index/build.ts';
import { readIndex, readManifest, type IndexData, type Manifest } from './index/store.ts';
import { embedderForQueries, planEmbedder } from './embed/resolve.ts';
import { HASHED_VERSION } from './embed/hashed.ts';
import type { Embedder } from './embed/embedder.ts';
import { HybridRetriever } from './retrieve/hybrid.ts';
import { parseQuery } from './retrieve/query.ts';
import { abstainFeatures, shouldAbstain, type AbstainFeatures } from './retrieve/abstain.ts';
import { composeAnswer, DEFAULT_COMPOSE } from './answer/compose.ts';
import { warningsFor } from './answer/warnings.ts';
import { ABSTAIN_TEXT, type Answer } from './answer/contract.ts';
import { noProgress, type Progress } from './progress.ts';
import type { PolicyDocument } from './types.ts';
import { CJK } from './text/normalize.ts';
import type { Measure } from './measures/types.ts';
import { withUrls } from './measures/store.ts';

export const MAX_QUESTION_CHARS = 500;

/** Length as people count it: characters (code points), so an emoji is one, not two. */
export function charCount(text: string): number {
  return [...text].length;
}

export interface AskOptions {
  k?: number;
  /** The user's region when the question does not name one (e.g. from /region). */
  region?: string | null;
}

export interface Engine {
  readonly config: Config;
  readonly manifest: Manifest;
  readonly embedder: Embedder;
  readonly retriever: HybridRetriever;
  /** Every indexed document in corpus order (source list, viewer). */
  readonly documents: readonly PolicyDocument[];
  document(docId: string): PolicyDocument | undefined;
  /** The measures catalog (src/measures), with paragraph links for the configured base URL. */
  readonly measures: readonly Measure[];
  ask(question: string, opts?: AskOptions): Promise<Answer>;
  /** Retrieval and abstention features without composing an answer (eval, calibration). */
  inspect(question: string, opts?: AskOptions): Promise<{ features: AbstainFeatures; abstained: boolean; answer: Answer }>;
}

export interface OpenOptions {
  logger: Logger;
  progress?: Progress;
  /** Rebuild a missing, stale or corrupt index (default) or fail with its error code. */
  rebuild?: boolean;
}

/** Why an existing index cannot be used as is, or null when it is fresh. */
export function staleness(config: Config, manifest: Manifest): string | null {
  if (manifest.corpusHash !== currentCorpusHash(config.corpusDir)) return 'the corpus has changed';
  const plan = planEmbedder(config, false);
  const built = manifest.embedder.id;
  if (plan.kind === 'hashed') {
    if (!built.startsWith(`${HASHED_VERSION}:`)) return `it was built with ${built}, which is not available now (${plan.reason})`;
    return null;
  }
  const expected = `transformers:${config.embedder.modelPath ? path.basename(config.embedder.modelPath) : config.embedder.model}:`;
  if (!built.startsWith(expected)) return `it was built with ${built}, the configured model is ${expected.slice(13, -1)}`;
  return null;
}

/** Loads the index, building it first when it is missing, stale or corrupt. */
export async function ensureIndex(config: Config, logger: Logger, progress: Progress = noProgress, rebuild = true): Promise<IndexData> {
  let reason: string | null = null;
  try {
    const manifest = readManifest(config.indexDir);
    reason = staleness(config, manifest);
    if (!reason) return readIndex(config.indexDir);
    if (!rebuild) throw new PolicybotError('E_INDEX_STALE', `index is stale: ${reason}`);
  } catch (err) {
    if (!isPolicybotError(err) || !['E_INDEX_MISSING', 'E_INDEX_CORRUPT', 'E_INDEX_STALE'].includes(err.code)) throw err;
    if (!rebuild) throw err;
    reason = err.message;
    if (err.code === 'E_INDEX_CORRUPT') logger.warn({ code: err.code }, `index is corrupt (${err.message}); rebuilding`);
  }
  logger.info({ reason }, 'building the index');
  await buildIndex(config, logger, progress);
  return readIndex(config.indexDir);
}

export async function openEngine(config: Config, opts: OpenOptions): Promise<Engine> {
  const { logger } = opts;
  const data = await ensureIndex(config, logger, opts.progress, opts.rebuild ?? true);
  let embedder: Embedder;
  try {
    embedder = await embedderForQueries(config, data.manifest.embedder.id, data.embedderState, logger);
  } catch (err) {
    throw new PolicybotError('E_EMBEDDER_UNAVAILABLE', `cannot embed questions with ${data.manifest.embedder.id}: ${errorMessage(err)}`, { cause: err });
  }
  logger.info({ embedder: embedder.id, semantic: embedder.semantic }, `embedder: ${embedder.description}`);
  const retriever = new HybridRetriever(data, embedder);
  const idf = (w: string) => retriever.idf(w);

  const run = async (question: string, o: AskOptions = {}) => {
    const t0 = performance.now();
    const q = question.trim();
    const length = charCount(q);
    if (length > MAX_QUESTION_CHARS) {
      throw new PolicybotError('E_BAD_QUESTION', `question of ${length} characters exceeds ${MAX_QUESTION_CHARS}`, {
        userMessage: `问题太长了（${length}字），请精简到${MAX_QUESTION_CHARS}字以内再问。`,
      });
    }
    const query = parseQuery(q, o.region ?? null);
    const passages = /\p{L}/u.test(q) ? await retriever.retrieve(query, o.k ?? 5) : [];
    const tRetrieve = performance.now() - t0;
    const features = abstainFeatures(query, passages, idf);
    const abstained = shouldAbstain(query, passages, features);
    let answer: Answer;
    if (abstained) {
      answer = {
        question,
        abstained: true,
        answer: !/[\p{L}\p{N}]/u.test(q)
          ? '请输入一个与就业、社保政策有关的问题，例如「灵活就业人员的社会保险补贴给哪些人？」'
          : !CJK.test(q) && /[A-Za-z]/.test(q)
            ? `政策文件都是中文的，请用中文提问，例如「灵活就业人员的社会保险补贴给哪些人？」。Please ask in Chinese. ${ABSTAIN_TEXT}`
            : ABSTAIN_TEXT,
        citations: [],
        warnings: [],
        timingsMs: { retrieve: 0, total: 0 },
      };
    } else {
      const { answer: text, cited } = composeAnswer(query, passages, idf, { ...DEFAULT_COMPOSE, baseUrl: config.publicBaseUrl });
      const warnings = warningsFor(
        cited.map((c) => ({ citation: c.citation, doc: c.passage.doc, paragraphText: c.passage.paragraph.text })),
        query.places,
        config.today(),
      );
      answer = { question, abstained: false, answer: text, citations: cited.map((c) => c.citation), warnings, timingsMs: { retrieve: 0, total: 0 } };
    }
    answer.timingsMs = { retrieve: round(tRetrieve), total: round(performance.now() - t0) };
    return { features, abstained, answer };
  };

  const byId = new Map(data.documents.map((d) => [d.docId, d]));
  return {
    config,
    manifest: data.manifest,
    embedder,
    retriever,
    documents: data.documents,
    document: (docId) => byId.get(docId),
    measures: withUrls(data.measures.measures, config.publicBaseUrl),
    ask: async (question, o) => (await run(question, o)).answer,
    inspect: run,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
