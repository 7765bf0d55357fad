import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { errorMessage, PolicybotError } from '../errors.ts';
import type { Embedder } from './embedder.ts';
import type { Analysis } from '../text/tokenize.ts';
import { HashedEmbedder, HASHED_VERSION, type HashedState } from './hashed.ts';
import { createTransformersEmbedder, isModelAvailableLocally } from './transformers.ts';

/**
 * Chooses the embedder. `EMBEDDER=auto` (the default) uses the neural model when it can
 * be loaded — from EMBED_MODEL_PATH, the model cache, or a download where the network
 * (or an HF_ENDPOINT mirror) allows — and otherwise the built-in offline embedder, with
 * one log line saying so. Downloads are only attempted while building an index, never
 * while answering, so a question never waits on the network.
 */
export type EmbedderPlan = { kind: 'transformers' } | { kind: 'hashed'; reason: string };

export function transformersOptions(config: Config, logger: Logger) {
  return {
    model: config.embedder.model,
    modelPath: config.embedder.modelPath,
    cacheDir: config.embedder.cacheDir,
    remoteHost: config.embedder.remoteHost,
    allowDownload: config.embedder.allowDownload,
    queryInstruction: config.embedder.queryInstruction,
    logger,
  };
}

/** Which embedder an index should be built with right now (no network in this check). */
export function planEmbedder(config: Config, forBuild: boolean): EmbedderPlan {
  const { mode } = config.embedder;
  if (mode === 'hashed') return { kind: 'hashed', reason: 'EMBEDDER=hashed' };
  if (mode === 'transformers') return { kind: 'transformers' };
  if (isModelAvailableLocally(config.embedder)) return { kind: 'transformers' };
  if (forBuild && config.embedder.allowDownload) return { kind: 'transformers' };
  return { kind: 'hashed', reason: `model ${config.embedder.model} is not available locally` };
}

/** Creates the embedder for a new build. In auto mode a model that fails to load falls back to the offline embedder. */
/**
 * The embedder for a build. `analyses` (optional, in the order of `texts`) are the texts already
 * analysed: the built-in embedder is fitted from them instead of analysing every text again.
 */
export async function embedderForBuild(config: Config, texts: string[], logger: Logger, analyses?: readonly Analysis[]): Promise<Embedder> {
  const fitted = () => (analyses ? HashedEmbedder.fitAnalyses(analyses, config.embedder.hashedDim) : HashedEmbedder.fit(texts, config.embedder.hashedDim));
  const plan = planEmbedder(config, true);
  if (plan.kind === 'transformers') {
    try {
      return await createTransformersEmbedder(transformersOptions(config, logger));
    } catch (err) {
      if (config.embedder.mode === 'transformers') throw err;
      announceFallback(logger, errorMessage(err));
      return fitted();
    }
  }
  announceFallback(logger, plan.reason);
  return fitted();
}

/** Recreates the embedder an existing index was built with, for embedding questions. */
export async function embedderForQueries(config: Config, embedderId: string, state: unknown, logger: Logger): Promise<Embedder> {
  if (embedderId.startsWith(`${HASHED_VERSION}:`)) {
    if (!state) throw new PolicybotError('E_INDEX_CORRUPT', 'offline embedder state is missing from the index');
    return HashedEmbedder.fromState(state as HashedState);
  }
  return createTransformersEmbedder(transformersOptions(config, logger));
}

function announceFallback(logger: Logger, reason: string): void {
  logger.warn(
    { embedder: HASHED_VERSION, reason },
    'using the built-in offline embedder (lexical, not semantic): no neural model could be loaded — set EMBED_MODEL_PATH to a local model folder or allow a download to use bge-small-zh',
  );
}
