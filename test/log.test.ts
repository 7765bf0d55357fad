import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '../src/log.ts';

const TG = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
const PUPPET = 'puppet_service_a1b2c3d4e5f6';

function capture(level = 'info', secrets: string[] = []) {
  const lines: string[] = [];
  const logger = createLogger(level, secrets, { write: (s: string) => void lines.push(s) });
  return { logger, text: () => lines.join('') };
}

describe('logs never carry secrets', () => {
  it('masks Telegram-shaped tokens and secret query parameters', () => {
    expect(scrubSecrets(`GET https://api.telegram.org/bot${TG}/getMe?token=abc&x=1`)).toBe('GET https://api.telegram.org/bot[redacted]/getMe?token=[redacted]&x=1');
  });

  it('masks the configured secrets in messages, errors and stacks', () => {
    const { logger, text } = capture('info', [PUPPET]);
    logger.error({ err: new Error(`discovery failed for https://x/v0/hosties/${PUPPET}`) }, `cannot start with ${PUPPET}`);
    logger.warn(`telegram ${TG} refused`);
    expect(text()).not.toContain(PUPPET);
    expect(text()).not.toContain(TG.split(':')[1]);
    expect(text()).toContain('[redacted]');
  });

  it('logs an `err` that is not an Error (a string, an object) instead of throwing', () => {
    const { logger, text } = capture('info', [PUPPET]);
    expect(() => logger.error({ err: `timeout talking to ${PUPPET}` }, 'request failed')).not.toThrow();
    expect(() => logger.error({ err: { code: 42 } }, 'odd failure')).not.toThrow();
    expect(text()).toContain('request failed');
    expect(text()).toContain('"code":42');
    expect(text()).not.toContain(PUPPET);
  });
});
