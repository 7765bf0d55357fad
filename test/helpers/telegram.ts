import telegramTestApi from 'telegram-test-api';
import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { freePort } from './net.ts';

// The package is CommonJS with `exports.default`: depending on the loader's interop the class is the
// default import itself or sits one level down.
const imported = telegramTestApi as unknown as typeof TelegramServer & { default?: typeof TelegramServer };
const TelegramServerClass = imported.default ?? imported;


/** A started telegram-test-api server (the Bot API emulated on loopback). */
export async function startTelegramTestServer(): Promise<TelegramServer> {
  const server = new TelegramServerClass({ port: await freePort(), host: '127.0.0.1' });
  await server.start();
  return server;
}
