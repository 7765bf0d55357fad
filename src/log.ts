import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs on stderr, quiet by default (level `warn`). Secrets are redacted. */
export function createLogger(level: string = 'warn'): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['token', '*.token', 'secret', '*.secret', 'apiKey', '*.apiKey'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
