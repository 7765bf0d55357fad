import type { WechatyOptions } from 'wechaty';
import type { Config } from '../../src/index.ts';
import { PolicybotError, errorMessage } from '../../src/index.ts';

/** A Wechaty puppet instance (the protocol implementation behind the bot). */
export type WechatyPuppet = Exclude<NonNullable<WechatyOptions['puppet']>, string>;

// An npm package name, optionally scoped: never a path, so WECHATY_PUPPET cannot load arbitrary files.
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/**
 * Loads the puppet named by WECHATY_PUPPET. Done here rather than inside Wechaty so a missing
 * package becomes one clear message (how to install it) and the service token is passed as an
 * option without ever being logged.
 */
export async function loadPuppet(config: Config): Promise<WechatyPuppet> {
  const name = config.wechaty.puppet;
  if (!name) throw new PolicybotError('E_CONFIG', 'WECHATY_PUPPET is not set');
  if (!PACKAGE_NAME.test(name)) throw new PolicybotError('E_CONFIG', `WECHATY_PUPPET must be an npm package name, got "${name}"`);
  let mod: unknown;
  try {
    mod = await import(name);
  } catch (err) {
    throw new PolicybotError('E_CONFIG', `cannot load the Wechaty puppet "${name}" (${errorMessage(err)}); install it with: npm install ${name}`, {
      cause: err,
    });
  }
  // ES modules export the class as `default`; CommonJS builds nest it one or two levels deeper.
  let ctor: unknown = mod;
  for (let i = 0; i < 3 && typeof ctor !== 'function'; i++) ctor = (ctor as { default?: unknown } | null)?.default;
  if (typeof ctor !== 'function') throw new PolicybotError('E_CONFIG', `"${name}" does not look like a Wechaty puppet (no default export)`);
  const options: Record<string, unknown> = {};
  if (config.wechaty.puppetToken) options['token'] = config.wechaty.puppetToken;
  return new (ctor as new (opts: Record<string, unknown>) => WechatyPuppet)(options);
}
