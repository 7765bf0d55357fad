import crypto from 'node:crypto';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger, ChatCore, HttpRequest, HttpResponse, HttpRoute } from '../../src/index.ts';

/**
 * The webhook endpoint, mounted by the web server. Telegram signs each call with the
 * secret_token given to setWebhook (header x-telegram-bot-api-secret-token); anything else is
 * refused. The update is acknowledged at once and handled in the background, because Telegram
 * re-sends updates it has not had a 200 for; re-sent update ids are dropped.
 */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export interface WebhookRoute extends HttpRoute {
  /** Resolves when every update accepted so far has been handled (shutdown, tests). */
  drain(): Promise<void>;
}

export function webhookRoute(opts: { path: string; secret: string; bot: Telegraf; chat: ChatCore; logger: Logger }): WebhookRoute {
  const { bot, chat, logger } = opts;
  const inFlight = new Set<Promise<void>>();
  const text = (status: number, body: string): HttpResponse => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });

  return {
    method: 'POST',
    path: opts.path,
    async handle(req: HttpRequest): Promise<HttpResponse> {
      if (!safeEqual(header(req, SECRET_HEADER), opts.secret)) {
        logger.warn({ ip: req.ip }, 'telegram webhook call without the right secret token');
        return text(403, 'forbidden');
      }
      let update: Update;
      try {
        update = JSON.parse(req.body) as Update;
      } catch {
        return text(400, 'bad json');
      }
      if (typeof update !== 'object' || update === null || typeof update.update_id !== 'number') return text(400, 'not an update');
      if (!(await chat.markProcessed('telegram', `update:${update.update_id}`))) return text(200, 'ok');
      const p = bot
        .handleUpdate(update)
        .catch((err: unknown) => logger.error({ err, updateId: update.update_id }, 'telegram webhook update failed'))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      return text(200, 'ok');
    },
    async drain() {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  };
}

function header(req: HttpRequest, name: string): string {
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === name) return v ?? '';
  return '';
}

/** Constant-time comparison, so the secret cannot be guessed byte by byte from response times. */
function safeEqual(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y) && a.length > 0;
}
