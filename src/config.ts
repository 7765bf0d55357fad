import path from 'node:path';
import { z } from 'zod';
import { PolicybotError } from './errors.ts';

/**
 * The one place the environment is read. `loadConfig(env)` validates and returns a
 * typed object that is passed down; nothing else reads `process.env`.
 */
const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const EnvSchema = z.object({
  CORPUS_DIR: z.string().min(1).default('corpus'),
  INDEX_DIR: z.string().min(1).default('embeddings'),
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
  EMBEDDER: z.enum(['auto', 'transformers', 'hashed']).default('auto'),
  EMBED_MODEL: z.string().min(1).default('Xenova/bge-small-zh-v1.5'),
  EMBED_MODEL_PATH: z.string().optional(),
  EMBED_QUERY_INSTRUCTION: z.string().optional(),
  EMBED_ALLOW_DOWNLOAD: boolish.default(true),
  HF_ENDPOINT: z.string().url().optional(),
  HF_HUB_OFFLINE: boolish.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  TODAY: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});

export interface Config {
  corpusDir: string;
  indexDir: string;
  publicBaseUrl: string;
  embedder: {
    mode: 'auto' | 'transformers' | 'hashed';
    model: string;
    modelPath: string | null;
    queryInstruction: string | null;
    allowDownload: boolean;
    remoteHost: string | null;
    cacheDir: string;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Reference date for DATED warnings; tests pin it. */
  today: () => Date;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PolicybotError('E_CONFIG', `invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  const indexDir = path.resolve(cwd, e.INDEX_DIR);
  return {
    corpusDir: path.resolve(cwd, e.CORPUS_DIR),
    indexDir,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    embedder: {
      mode: e.EMBEDDER,
      model: e.EMBED_MODEL,
      modelPath: e.EMBED_MODEL_PATH ? path.resolve(cwd, e.EMBED_MODEL_PATH) : null,
      queryInstruction: e.EMBED_QUERY_INSTRUCTION ?? null,
      allowDownload: e.EMBED_ALLOW_DOWNLOAD && !e.HF_HUB_OFFLINE,
      remoteHost: e.HF_ENDPOINT ?? null,
      cacheDir: path.join(indexDir, 'models'),
    },
    logLevel: e.LOG_LEVEL,
    today: e.TODAY ? () => new Date(`${e.TODAY}T00:00:00Z`) : () => new Date(),
  };
}

/** Override parts of a config (CLI flags such as --corpus and --index). */
export function withDirs(config: Config, dirs: { corpusDir?: string | undefined; indexDir?: string | undefined }): Config {
  const indexDir = dirs.indexDir ? path.resolve(dirs.indexDir) : config.indexDir;
  return {
    ...config,
    corpusDir: dirs.corpusDir ? path.resolve(dirs.corpusDir) : config.corpusDir,
    indexDir,
    embedder: {
      ...config.embedder,
      cacheDir: dirs.indexDir ? path.join(indexDir, 'models') : config.embedder.cacheDir,
    },
  };
}

function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
