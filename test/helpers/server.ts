import { createChatCore } from '../../src/chat/core.ts';
import type { HttpRoute } from '../../src/chat/channel.ts';
import type { Engine } from '../../src/engine.ts';
import { buildServer } from '../../src/server/app.ts';
import { startServer } from '../../src/server/start.ts';
import type { TestEngine } from './engine.ts';

export interface TestServer {
  base: string;
  chat: ReturnType<typeof createChatCore>;
  close(): Promise<void>;
}

/** The production server over real HTTP on a free loopback port, with its own chat core. */
export async function testServer(t: TestEngine, opts: { engine?: Engine; routes?: HttpRoute[] } = {}): Promise<TestServer> {
  const engine = opts.engine ?? t.engine;
  const chat = createChatCore({ config: t.config, logger: t.logger, engine });
  const srv = await buildServer({ config: t.config, logger: t.logger, engine, chat, routes: opts.routes ?? [] });
  const listening = await startServer(srv.app, { host: '127.0.0.1', port: 0 });
  return {
    base: `http://127.0.0.1:${listening.port}`,
    chat,
    close: async () => {
      await listening.close();
      await chat.close();
    },
  };
}
