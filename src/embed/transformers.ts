/**
 * Semantic embeddings with transformers.js (ONNX Runtime on the CPU), e.g. bge-small-zh-v1.5.
 * The library is imported lazily inside createTransformersEmbedder, so importing this module is cheap.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as Transformers from '@huggingface/transformers';
import type { Tensor } from '@huggingface/transformers';
import { PolicybotError, errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { l2normalize, type Embedder } from './embedder.ts';

export interface TransformersEmbedderOptions {
  /** Hub id, e.g. 'Xenova/bge-small-zh-v1.5'. */
  model: string;
  /** Local folder with config.json, tokenizer.json, onnx/model.onnx; when set, nothing is downloaded. */
  modelPath: string | null;
  /** Where downloaded models are cached. */
  cacheDir: string;
  /** Hub mirror such as https://hf-mirror.com; null → the library's default (huggingface.co). */
  remoteHost: string | null;
  /** False → local files only. */
  allowDownload: boolean;
  /** Prepended to queries. null → the bge Chinese instruction for bge *-zh models, else ''. */
  queryInstruction: string | null;
  /** Default 'cls' for bge models, 'mean' otherwise. */
  pooling?: 'cls' | 'mean';
  /** Give up loading (including download) after this long. Default 60000. */
  timeoutMs?: number;
  logger: Logger;
}

const BGE_ZH_INSTRUCTION = '为这个句子生成表示以用于检索相关文章：';
const BATCH_SIZE = 16;
/** Used when neither the tokenizer nor the config states a maximum length. */
const FALLBACK_MAX_LENGTH = 512;
/** The files we load: fp32 weights, the library's default on the CPU. */
const REQUIRED_FILES = ['config.json', 'tokenizer.json', path.join('onnx', 'model.onnx')];

/** The library's own default remote host, remembered before we first change it (env is global). */
let defaultRemoteHost: string | undefined;

/** True when the model can be loaded without network: modelPath exists with config.json, or the model is already in cacheDir. */
export function isModelAvailableLocally(opts: Pick<TransformersEmbedderOptions, 'model' | 'modelPath' | 'cacheDir'>): boolean {
  if (opts.modelPath !== null) return existsSync(path.join(opts.modelPath, 'config.json'));
  // transformers.js caches hub files as <cacheDir>/<owner>/<name>/<file>.
  return REQUIRED_FILES.every((f) => existsSync(path.join(opts.cacheDir, opts.model, f)));
}

export async function createTransformersEmbedder(opts: TransformersEmbedderOptions): Promise<Embedder> {
  const local = opts.modelPath !== null;
  // An absolute path is never mistaken for a hub id (a relative "a/b" would be looked up under env.localModelPath).
  const source = opts.modelPath !== null ? path.resolve(opts.modelPath) : opts.model;
  const name = local ? path.basename(source) : opts.model;
  const shortName = name.split('/').pop() ?? name;
  const isBge = /bge/i.test(name);
  const pooling = opts.pooling ?? (isBge ? 'cls' : 'mean');
  const instruction = opts.queryInstruction ?? (isBge && /-zh/i.test(name) ? BGE_ZH_INSTRUCTION : '');
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const fail = (reason: string, cause?: unknown): PolicybotError =>
    new PolicybotError('E_EMBEDDER_UNAVAILABLE', `Cannot load embedding model ${name}: ${reason}`, { cause });

  if (local && !isModelAvailableLocally(opts)) throw fail(`no config.json in ${source}`);
  if (!local && !opts.allowDownload && !isModelAvailableLocally(opts)) {
    throw fail(`not in the cache ${opts.cacheDir} and downloads are disabled`);
  }

  const started = Date.now();
  let tf: typeof Transformers;
  try {
    tf = await import('@huggingface/transformers');
  } catch (err) {
    throw fail(`@huggingface/transformers could not be imported (${errorMessage(err)})`, err);
  }
  const { env } = tf;
  env.logLevel = tf.LogLevel.ERROR; // also lowers ONNX Runtime's log level
  defaultRemoteHost ??= env.remoteHost;
  env.remoteHost = opts.remoteHost ?? defaultRemoteHost;
  env.allowLocalModels = true;
  env.allowRemoteModels = !local && opts.allowDownload;
  env.cacheDir = opts.cacheDir;

  // Abort downloads still running when we give up, instead of letting them go on in the background.
  const controller = new AbortController();
  const previousFetch = env.fetch;
  env.fetch = (input, init?: RequestInit) => previousFetch(input, { ...init, signal: controller.signal });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(fail(`loading did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const loadOptions = { cache_dir: opts.cacheDir, local_files_only: !env.allowRemoteModels };
  let tokenizer: Awaited<ReturnType<typeof tf.AutoTokenizer.from_pretrained>>;
  let model: Awaited<ReturnType<typeof tf.AutoModel.from_pretrained>>;
  try {
    [tokenizer, model] = await Promise.race([
      Promise.all([
        tf.AutoTokenizer.from_pretrained(source, loadOptions),
        tf.AutoModel.from_pretrained(source, { ...loadOptions, dtype: 'fp32', device: 'cpu' }),
      ]),
      timeout,
    ]);
  } catch (err) {
    throw err instanceof PolicybotError ? err : fail(errorMessage(err), err);
  } finally {
    clearTimeout(timer);
    env.fetch = previousFetch;
  }

  const tokenizerMax = Number(tokenizer.model_max_length);
  const positions = model.config.max_position_embeddings;
  const maxLength = Math.min(
    Number.isFinite(tokenizerMax) && tokenizerMax > 0 ? tokenizerMax : Infinity,
    positions > 0 ? positions : Infinity,
  );
  const maxTokens = Number.isFinite(maxLength) ? maxLength : FALLBACK_MAX_LENGTH;

  async function embedBatch(texts: string[]): Promise<Float32Array[]> {
    const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: maxTokens });
    const outputs = (await model(inputs)) as Record<string, Tensor | undefined>;
    const hidden = outputs['last_hidden_state'];
    if (!hidden) throw new Error(`model ${name} returned no last_hidden_state`);
    const pooled = pooling === 'cls' ? hidden.slice(null, 0) : tf.mean_pooling(hidden, inputs.attention_mask);
    const [rows, dims] = pooled.dims as [number, number];
    const data = pooled.data as Float32Array;
    return Array.from({ length: rows }, (_, i) => l2normalize(Float32Array.from(data.subarray(i * dims, (i + 1) * dims))));
  }

  let probe: Float32Array[];
  try {
    probe = await embedBatch(['probe']);
  } catch (err) {
    throw fail(`test embedding failed (${errorMessage(err)})`, err);
  }
  const dimension = probe[0]?.length ?? 0;
  if (dimension === 0) throw fail('the model produced empty embeddings');

  opts.logger.info({ model: name, pooling, dimension, maxTokens, ms: Date.now() - started }, 'embedding model loaded');

  return {
    id: `transformers:${name}:${pooling}:${dimension}`,
    dimension,
    semantic: true,
    description: `${shortName} (transformers.js, ${dimension} dims)`,
    async embedDocuments(texts, onProgress) {
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += BATCH_SIZE) {
        vectors.push(...(await embedBatch(texts.slice(i, i + BATCH_SIZE))));
        onProgress?.(vectors.length, texts.length);
      }
      return vectors;
    },
    async embedQuery(text) {
      const [vector] = await embedBatch([instruction + text]);
      return vector!;
    },
  };
}
