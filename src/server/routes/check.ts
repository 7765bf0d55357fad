import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChatCore } from '../../chat/types.ts';
import type { Config } from '../../config.ts';
import type { Engine } from '../../engine.ts';
import { checkProfile } from '../../eligibility/index.ts';
import { HttpError } from '../http-errors.ts';
import { SESSION_ID } from './session-id.ts';

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
  const { engine, chat } = deps;
  // Registered inside the API plugin (routes/api.ts): one rate-limit budget per client for all of /api.
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
