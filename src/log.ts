import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Token-shaped substrings (Telegram bot tokens, `bot<token>` URLs, secret query params) are masked. */
const SECRET_PATTERNS: RegExp[] = [
  /\d{5,}:[A-Za-z0-9_-]{20,}/g,
  /([?&](?:token|access_token|secret|key|signature)=)[^&\s"']+/gi,
];

/** Masks token-shaped substrings and every configured secret (`secrets`: values from the config). */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join('[redacted]');
  for (const re of SECRET_PATTERNS) out = out.replace(re, (m, prefix?: string) => (typeof prefix === 'string' && m.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]'));
  return out;
}

/**
 * Structured logs on stderr, quiet by default (level `warn`). Secrets are redacted: known fields,
 * token-shaped strings, and the configured `secrets` wherever they appear in a message or error.
 */
export function createLogger(level: string = 'warn', secrets: readonly string[] = [], destination: DestinationStream = pino.destination(2)): Logger {
  const scrub = (t: string) => scrubSecrets(t, secrets);
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'secret', '*.secret', 'apiKey', '*.apiKey', 'config.telegram.token', 'config.wechaty.puppetToken', 'config.wechatMp.token'],
        censor: '[redacted]',
      },
      serializers: {
        // Anything may be logged as `err` (a string, a plain object): only Errors get the error serializer.
        err: (err: unknown) => {
          if (!(err instanceof Error)) return typeof err === 'string' ? scrub(err) : err;
          const s = stdSerializers.err(err);
          return { ...s, message: scrub(s.message), stack: s.stack ? scrub(s.stack) : s.stack };
        },
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
