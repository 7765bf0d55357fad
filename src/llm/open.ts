import type { Config } from '../config.ts';
import { configSecrets } from '../config.ts';
import { openEngine, type Engine, type OpenOptions } from '../engine.ts';
import { langchainModel } from './langchain.ts';
import { withLanguageModel } from './model-engine.ts';

/**
 * The engine the product answers with: extractive, or — when LLM_PROVIDER is set — helped by the
 * configured language model (src/llm/model-engine.ts). Without one, this is `openEngine` exactly.
 */
export async function openAnsweringEngine(config: Config, opts: OpenOptions): Promise<Engine> {
  const engine = await openEngine(config, opts);
  if (!config.llm) return engine;
  const model = await langchainModel(config.llm);
  opts.logger.info({ model: model.id, timeoutMs: model.timeoutMs }, 'language model on');
  return withLanguageModel(engine, model, opts.logger, configSecrets(config));
}
