import { pino, stdSerializers, type Logger } from 'pino';

export type { Logger };

/** Token-shaped substrings (Telegram bot tokens, `bot<token>` URLs, secret query params) are masked. */
const SECRET_PATTERNS: RegExp[] = [
  /\d{5,}:[A-Za-z0-9_-]{20,}/g,
  /([?&](?:token|access_token|secret|key|signature)=)[^&\s"']+/gi,
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) out = out.replace(re, (m, prefix?: string) => (typeof prefix === 'string' && m.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]'));
  return out;
}

/** Structured logs on stderr, quiet by default (level `warn`). Secrets are redacted. */
export function createLogger(level: string = 'warn'): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'secret', '*.secret', 'apiKey', '*.apiKey', 'config.telegram.token', 'config.wechaty.puppetToken', 'config.wechatMp.token'],
        censor: '[redacted]',
      },
      serializers: {
        err: (err: Error) => {
          const s = stdSerializers.err(err);
          return { ...s, message: scrubSecrets(s.message), stack: s.stack ? scrubSecrets(s.stack) : s.stack };
        },
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
