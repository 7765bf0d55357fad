import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Engine } from '../engine.ts';
import type { ChatCore } from './types.ts';

/**
 * A channel (Telegram, WeChat, Official Account …) as the launcher sees it. Each adapter in
 * `bots/<name>/` exports one `ChannelModule`; `bots/index.ts` lists them and the process entry
 * passes that list to the CLI, so the core never imports bot code.
 *
 * Channels that receive HTTP callbacks (Telegram webhook, Official Account) return routes;
 * the web server mounts them so one port serves everything.
 */
export interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string>;
  /** The raw body, undecoded. */
  body: string;
  ip: string;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  handle(req: HttpRequest): Promise<HttpResponse>;
}

export interface ChannelContext {
  config: Config;
  logger: Logger;
  engine: Engine;
  chat: ChatCore;
}

export interface RunningChannel {
  /** One line for the start-up summary, e.g. 「Telegram：长轮询，@policy_bot」. No secrets. */
  summary: string;
  routes: HttpRoute[];
  stop(): Promise<void>;
}

export interface ChannelModule {
  name: string;
  /** Whether the configuration needed to start this channel is present. */
  isConfigured(config: Config): boolean;
  /** One line telling the operator how to turn it on (which env vars). */
  howToEnable: string;
  /**
   * True when the channel holds one connection of its own (Telegram long polling, a WeChat login):
   * with several server processes it runs in one of them only. Webhook channels run in every one.
   */
  exclusive?(config: Config): boolean;
  start(ctx: ChannelContext): Promise<RunningChannel>;
}
