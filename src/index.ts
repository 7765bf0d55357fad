/**
 * The core's public surface for channel adapters (bots/): what a channel may use to turn
 * a platform message into a ChatCore call and render the reply. Everything else in src/
 * is internal; the lint config keeps bots/ on this file.
 */
export type { Config } from './config.ts';
export type { Logger } from './log.ts';
export { scrubSecrets } from './log.ts';
export { PolicybotError, errorMessage, isPolicybotError } from './errors.ts';
export type { ChannelContext, ChannelModule, RunningChannel, HttpRequest, HttpResponse, HttpRoute } from './chat/channel.ts';
export type { ChatCore, ChatReply, IncomingMessage, MessageKind } from './chat/types.ts';
export { renderPlain, renderTelegramHtml } from './chat/format.ts';
