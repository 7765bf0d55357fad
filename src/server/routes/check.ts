import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import type { ChatCore } from '../../chat/types.ts';
import type { Config } from '../../config.ts';
import type { Engine } from '../../engine.ts';
import { checkProfile } from '../../eligibility/index.ts';
import { HttpError, RATE_LIMIT_MESSAGE } from '../http-errors.ts';
import { SESSION_ID } from './api.ts';

export interface CheckRouteDeps {
  config: Config;
  engine: Engine;
  chat: ChatCore;
}

const CallbackBody = z.object({ sessionId: SESSION_ID, data: z.string().min(1).max(64) });

/**
 * POST /api/check: body = profile JSON, answer = {results, nextQuestion}. A bad profile is a
 * PolicybotError E_BAD_INPUT, which the app's error handler turns into a 400 with the Chinese
 * message naming the field.
 */
export async function checkRoutes(app: FastifyInstance, deps: CheckRouteDeps): Promise<void> {
  const { config, engine, chat } = deps;
  // Its own limiter (the API plugin's is encapsulated there), same budget per client IP.
  await app.register(rateLimit, {
    max: config.server.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: () => Object.assign(new Error(RATE_LIMIT_MESSAGE), { statusCode: 429, code: 'E_RATE_LIMIT' }),
  });
  app.post('/api/check', async (req) => checkProfile(engine, req.body));

  // A press on a callback button of a web chat reply (the check dialogue's options): the
  // same path Telegram's buttons take, so the web gets the same dialogue.
  app.post('/api/chat/callback', async (req) => {
    const parsed = CallbackBody.safeParse(req.body);
    if (!parsed.success) throw new HttpError(400, 'E_BAD_INPUT', '请求内容有误：需要 sessionId 和 data。(sessionId and data are required.)');
    const { sessionId, data } = parsed.data;
    return { reply: await chat.handleCallback({ channel: 'web', userId: sessionId, chatId: sessionId, data }) };
  });
}
