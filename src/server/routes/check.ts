import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../../config.ts';
import type { Engine } from '../../engine.ts';
import { checkProfile } from '../../eligibility/index.ts';
import { RATE_LIMIT_MESSAGE } from '../http-errors.ts';

export interface CheckRouteDeps {
  config: Config;
  engine: Engine;
}

/**
 * POST /api/check: body = profile JSON, answer = {results, nextQuestion}. A bad profile is a
 * PolicybotError E_BAD_INPUT, which the app's error handler turns into a 400 with the Chinese
 * message naming the field.
 */
export async function checkRoutes(app: FastifyInstance, deps: CheckRouteDeps): Promise<void> {
  const { config, engine } = deps;
  // Its own limiter (the API plugin's is encapsulated there), same budget per client IP.
  await app.register(rateLimit, {
    max: config.server.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: () => Object.assign(new Error(RATE_LIMIT_MESSAGE), { statusCode: 429, code: 'E_RATE_LIMIT' }),
  });
  app.post('/api/check', async (req) => checkProfile(engine, req.body));
}
