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
  /** Defaults to http://localhost:$PORT. */
  PUBLIC_BASE_URL: z.string().url().optional(),
  EMBEDDER: z.enum(['auto', 'transformers', 'hashed']).default('auto'),
  EMBED_MODEL: z.string().min(1).default('Xenova/bge-small-zh-v1.5'),
  EMBED_MODEL_PATH: z.string().optional(),
  EMBED_QUERY_INSTRUCTION: z.string().optional(),
  EMBED_ALLOW_DOWNLOAD: boolish.default(true),
  /** Dimensions of the built-in offline embedder's vectors (fewer: faster ingest, smaller index). */
  HASHED_DIM: z.coerce.number().int().min(64).max(4096).default(512),
  HF_ENDPOINT: z.string().url().optional(),
  HF_HUB_OFFLINE: boolish.default(false),
  /** Extra lexicon folders (concept *.yml files, terms.txt), comma-separated; see src/text/lexicon/README.md. */
  LEXICON_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  TODAY: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  // Web server (src/server)
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  CORS_ORIGIN: z.string().optional(),
  // Per client address: generous enough for an office behind one NAT (many people, one address).
  HTTP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(300),
  /**
   * Which X-Forwarded-For to believe, as Fastify's trustProxy: unset or false trusts none (the
   * connection's address is the client's); true trusts all; a number is the count of proxy hops;
   * otherwise comma-separated addresses or CIDRs (e.g. 127.0.0.1,10.0.0.0/8) of your proxies.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(?:true|false|\d{1,2}|[0-9A-Fa-f:./,\s]+|loopback|linklocal|uniquelocal)$/, 'true, false, a hop count, or comma-separated proxy addresses/CIDRs')
    .optional(),
  // Conversation core (src/chat)
  DATA_DIR: z.string().min(1).default('data'),
  CHAT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(10),
  /** Chat questions per minute from one client address (web), whatever session ids it uses. */
  CHAT_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().positive().default(200),
  CHAT_TIMEOUT_MS: z.coerce.number().int().positive().default(15000),
  /**
   * PostgreSQL for the chat state (postgres://user:password@host:5432/db), shared by every instance
   * that points at it; unset: the SQLite file under DATA_DIR. A secret (its password): never logged.
   */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(?:ql)?:\/\/\S+$/, 'must be a PostgreSQL URL: postgres://user:password@host:5432/database')
    .refine((v) => URL.canParse(v), 'is not a valid URL (percent-encode special characters in the password)')
    .optional(),
  /** How long chat records (questions, answers, feedback, settings) are kept. */
  RETENTION_DAYS: z.coerce.number().int().positive().max(3650).default(180),
  // Telegram (bots/telegram)
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'must look like 123456789:AA… (the token @BotFather gives you)')
    .optional(),
  TELEGRAM_WEBHOOK_URL: z.string().url().optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'only A-Z, a-z, 0-9, _ and - are allowed (Telegram secret_token rules)')
    .optional(),
  TELEGRAM_API_ROOT: z.string().url().optional(),
  // WeChat via Wechaty (bots/wechat)
  WECHATY_PUPPET: z.string().min(1).optional(),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().min(1).optional(),
  WECHATY_NAME: z.string().min(1).default('policybot'),
  // WeChat Official Account (bots/wechat-mp)
  WECHAT_MP_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3–32 letters or digits (the Token set in the 公众号 console)')
    .optional(),
  WECHAT_MP_APPID: z.string().min(1).optional(),
  WECHAT_MP_PATH: z.string().startsWith('/').default('/wechat-mp'),
  /** 安全模式 / 兼容模式: the 43-character EncodingAESKey from the console. */
  WECHAT_MP_ENCODING_AES_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/, 'must be the 43 letters and digits of the EncodingAESKey in the 公众号 console')
    .optional(),
  /** plain (明文模式), compatible (兼容模式: both accepted), safe (安全模式: encrypted only). Default: safe with a key, else plain. */
  WECHAT_MP_MODE: z.enum(['plain', 'compatible', 'safe']).optional(),
  /** Set by `start --workers N` in the server processes it forks (1…N); never by hand. */
  POLICYBOT_WORKER: z.coerce.number().int().min(1).max(64).optional(),
  // Optional language model (src/llm): off unless LLM_PROVIDER is set.
  LLM_PROVIDER: z.enum(['openai', 'ollama', 'off', 'none']).optional(),
  LLM_BASE_URL: z.string().url().optional(),
  LLM_API_KEY: z.string().min(8, 'looks too short for an API key').optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(8000),
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
    /** Vector dimensions of the built-in offline embedder. */
    hashedDim: number;
  };
  /** Operator lexicon folders loaded after the built-in lexicon. */
  lexiconDirs: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Reference date for DATED warnings; tests pin it. */
  today: () => Date;
  server: {
    host: string;
    port: number;
    /** Allowed CORS origin; null keeps CORS off. */
    corsOrigin: string | null;
    rateLimitPerMinute: number;
    /** Fastify's trustProxy: false (default) trusts no X-Forwarded-For. */
    trustProxy: boolean | number | string[];
  };
  chat: {
    /** Where the SQLite state file lives (git-ignored). */
    dataDir: string;
    /** PostgreSQL for the chat state instead of the SQLite file (DATABASE_URL); null: SQLite. A secret. */
    databaseUrl: string | null;
    rateLimitPerMinute: number;
    /** Per client address (CHAT_RATE_LIMIT_PER_ADDRESS). */
    rateLimitPerAddress: number;
    timeoutMs: number;
    /** Records older than this many days are deleted (RETENTION_DAYS). */
    retentionDays: number;
  };
  telegram: {
    token: string | null;
    webhookUrl: string | null;
    webhookSecret: string | null;
    /** Bot API root; tests point it at telegram-test-api. */
    apiRoot: string | null;
  };
  wechaty: {
    puppet: string | null;
    puppetToken: string | null;
    name: string;
  };
  wechatMp: {
    token: string | null;
    appId: string | null;
    path: string;
    /** The message encryption key (安全模式, 兼容模式); null in 明文模式. */
    encodingAesKey: string | null;
    mode: 'plain' | 'compatible' | 'safe';
  };
  /** The optional language model; null when LLM_PROVIDER is unset (answers are extractive). */
  llm: LlmConfig | null;
  /** This process's number among `start --workers N` (1…N); null outside a cluster. */
  worker: number | null;
}

export interface LlmConfig {
  provider: 'openai' | 'ollama';
  /** OpenAI-compatible endpoint (…/v1) or the Ollama server; null: the provider's default. */
  baseUrl: string | null;
  apiKey: string | null;
  model: string;
  timeoutMs: number;
}

const OLLAMA_DEFAULT_URL = 'http://127.0.0.1:11434';

function llmConfig(e: z.infer<typeof EnvSchema>): LlmConfig | null {
  const provider = e.LLM_PROVIDER;
  if (!provider || provider === 'off' || provider === 'none') return null;
  const missing = (what: string, zh: string) =>
    new PolicybotError('E_CONFIG', `invalid configuration: LLM_PROVIDER=${provider} needs ${what}`, { userMessage: `已设置 LLM_PROVIDER=${provider}，还需要设置 ${zh}` });
  if (!e.LLM_MODEL) throw missing('LLM_MODEL', 'LLM_MODEL（模型名称，例如 deepseek-chat、qwen-plus、qwen2.5:7b）');
  // An OpenAI-compatible endpoint needs a key unless it is a local server (vLLM, LM Studio…).
  if (provider === 'openai' && !e.LLM_API_KEY && !(e.LLM_BASE_URL && isLocal(e.LLM_BASE_URL))) {
    throw missing('LLM_API_KEY (or a local LLM_BASE_URL)', 'LLM_API_KEY（接口密钥），或把 LLM_BASE_URL 指向本机的兼容服务');
  }
  return {
    provider,
    baseUrl: (e.LLM_BASE_URL ?? (provider === 'ollama' ? OLLAMA_DEFAULT_URL : null))?.replace(/\/+$/, '') ?? null,
    apiKey: e.LLM_API_KEY ?? null,
    model: e.LLM_MODEL,
    timeoutMs: e.LLM_TIMEOUT_MS,
  };
}

function isLocal(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host) || /^10\./.test(host) || /^192\.168\./.test(host);
}

function parseTrustProxy(v: string | undefined): boolean | number | string[] {
  if (!v || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  return v.split(',').map((x) => x.trim()).filter(Boolean);
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PolicybotError('E_CONFIG', `invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  // Encrypted modes need the key, and the AppID that every encrypted message must carry.
  const mpMode = e.WECHAT_MP_MODE ?? (e.WECHAT_MP_ENCODING_AES_KEY ? 'safe' : 'plain');
  if (mpMode !== 'plain' && (!e.WECHAT_MP_ENCODING_AES_KEY || !e.WECHAT_MP_APPID)) {
    throw new PolicybotError('E_CONFIG', `invalid configuration: WECHAT_MP_MODE=${mpMode} needs WECHAT_MP_ENCODING_AES_KEY and WECHAT_MP_APPID`, {
      userMessage: `公众号${mpMode === 'safe' ? '安全模式' : '兼容模式'}需要同时设置 WECHAT_MP_ENCODING_AES_KEY（消息加解密密钥）和 WECHAT_MP_APPID`,
    });
  }
  const indexDir = path.resolve(cwd, e.INDEX_DIR);
  return {
    corpusDir: path.resolve(cwd, e.CORPUS_DIR),
    indexDir,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT || 3000}`).replace(/\/+$/, ''),
    embedder: {
      mode: e.EMBEDDER,
      model: e.EMBED_MODEL,
      modelPath: e.EMBED_MODEL_PATH ? path.resolve(cwd, e.EMBED_MODEL_PATH) : null,
      queryInstruction: e.EMBED_QUERY_INSTRUCTION ?? null,
      allowDownload: e.EMBED_ALLOW_DOWNLOAD && !e.HF_HUB_OFFLINE,
      remoteHost: e.HF_ENDPOINT ?? null,
      cacheDir: path.join(indexDir, 'models'),
      hashedDim: e.HASHED_DIM,
    },
    lexiconDirs: (e.LEXICON_DIR ?? '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => path.resolve(cwd, d)),
    logLevel: e.LOG_LEVEL,
    today: e.TODAY ? () => new Date(`${e.TODAY}T00:00:00Z`) : () => new Date(),
    server: {
      host: e.HOST,
      port: e.PORT,
      corsOrigin: e.CORS_ORIGIN ?? null,
      rateLimitPerMinute: e.HTTP_RATE_LIMIT_PER_MINUTE,
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
    },
    chat: {
      dataDir: path.resolve(cwd, e.DATA_DIR),
      databaseUrl: e.DATABASE_URL ?? null,
      rateLimitPerMinute: e.CHAT_RATE_LIMIT_PER_MINUTE,
      rateLimitPerAddress: e.CHAT_RATE_LIMIT_PER_ADDRESS,
      timeoutMs: e.CHAT_TIMEOUT_MS,
      retentionDays: e.RETENTION_DAYS,
    },
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN ?? null,
      webhookUrl: e.TELEGRAM_WEBHOOK_URL ?? null,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET ?? null,
      apiRoot: e.TELEGRAM_API_ROOT ?? null,
    },
    wechaty: {
      puppet: e.WECHATY_PUPPET ?? null,
      puppetToken: e.WECHATY_PUPPET_SERVICE_TOKEN ?? null,
      name: e.WECHATY_NAME,
    },
    wechatMp: {
      token: e.WECHAT_MP_TOKEN ?? null,
      appId: e.WECHAT_MP_APPID ?? null,
      path: e.WECHAT_MP_PATH,
      encodingAesKey: e.WECHAT_MP_ENCODING_AES_KEY ?? null,
      mode: mpMode,
    },
    llm: llmConfig(e),
    worker: e.POLICYBOT_WORKER ?? null,
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

/** The secret values of a config (tokens), for masking wherever text leaves the process. */
export function configSecrets(config: Config): string[] {
  return [
    config.telegram.token,
    config.telegram.webhookSecret,
    config.wechaty.puppetToken,
    config.wechatMp.token,
    config.wechatMp.encodingAesKey,
    config.llm?.apiKey,
    config.chat.databaseUrl,
    databasePassword(config.chat.databaseUrl),
  ].filter((s): s is string => !!s);
}

/** The password in a DATABASE_URL (as typed and decoded), masked on its own too: a driver may quote it without the URL. */
function databasePassword(url: string | null): string | null {
  if (!url) return null;
  try {
    const raw = new URL(url).password;
    return raw ? decodeURIComponent(raw) : null;
  } catch {
    return null;
  }
}
