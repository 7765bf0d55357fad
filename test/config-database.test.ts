import { describe, expect, it } from 'vitest';
import { configSecrets, loadConfig } from '../src/config.ts';
import { scrubSecrets } from '../src/log.ts';
import { isPolicybotError } from '../src/errors.ts';
import { describeDatabaseUrl } from '../src/chat/store-open.ts';

describe('DATABASE_URL', () => {
  it('is optional: without it the chat state is the SQLite file', () => {
    expect(loadConfig({}).chat.databaseUrl).toBeNull();
  });

  it('must be a postgres:// URL', () => {
    for (const bad of ['mysql://u:p@h/db', 'postgres:/nohost', 'postgres://user:p w@host/db', 'sqlite:data.db']) {
      let err: unknown;
      try {
        loadConfig({ DATABASE_URL: bad });
      } catch (e) {
        err = e;
      }
      expect(isPolicybotError(err, 'E_CONFIG'), bad).toBe(true);
      expect((err as Error).message).toContain('DATABASE_URL');
    }
    expect(loadConfig({ DATABASE_URL: 'postgresql://policybot@db.internal:5432/policybot' }).chat.databaseUrl).toBe('postgresql://policybot@db.internal:5432/policybot');
  });

  it('is a secret: the URL and its password (also decoded) are masked wherever they are logged, and never shown', () => {
    const url = 'postgres://policybot:p%40ss-w0rd-42@db.internal:5432/policybot';
    const config = loadConfig({ DATABASE_URL: url });
    const secrets = configSecrets(config);
    expect(secrets).toContain(url);
    expect(secrets).toContain('p@ss-w0rd-42');
    expect(scrubSecrets(`connect to ${url} failed; password p@ss-w0rd-42 rejected`, secrets)).not.toMatch(/p@ss-w0rd-42|p%40ss/);
    expect(describeDatabaseUrl(url)).toBe('postgres://policybot@db.internal:5432/policybot');
  });
});
