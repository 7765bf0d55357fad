import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import type { Engine } from '../../engine.ts';
import type { ChatCore } from '../../chat/types.ts';
import type { Config } from '../../config.ts';
import type { PolicyDocument } from '../../types.ts';
import type { ServerMetrics } from '../metrics.ts';
import { checkRoutes } from './check.ts';
import { SESSION_ID } from './session-id.ts';
import { HttpError, RATE_LIMIT_MESSAGE } from '../http-errors.ts';

/** A web visitor's id: the random value the page keeps in localStorage. */

const AskBody = z.object({
  question: z.string(),
  region: z.string().trim().min(1).max(40).nullish(),
});

const ChatBody = z.object({ question: z.string(), sessionId: SESSION_ID });

const FeedbackBody = z.object({
  answerId: z.string().min(1).max(100),
  vote: z.enum(['up', 'down']),
  sessionId: SESSION_ID,
  /** Why an answer did not help (a 👎 reason), optional. */
  comment: z.string().max(500).optional(),
});

/** Validates a JSON body; failures become a 400 naming the field, in Chinese and English. */
function parseBody<T>(schema: z.ZodType<T>, req: FastifyRequest): T {
  const parsed = schema.safeParse(req.body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  throw new HttpError(400, 'E_BAD_INPUT', `请求内容有误：字段「${field}」不符合要求。(Invalid field "${field}": ${issue?.message ?? 'invalid'}.)`);
}

export function docSummary(d: PolicyDocument) {
  return {
    docId: d.docId,
    title: d.title,
    issuer: d.issuer,
    date: d.date,
    docNumber: d.docNumber,
    region: d.region,
    kind: d.kind,
    sourceUrl: d.sourceUrl,
    paragraphCount: d.paragraphs.length,
  };
}

export interface ApiDeps {
  config: Config;
  engine: Engine;
  chat: ChatCore;
  metrics: ServerMetrics;
}

/** /api/*: JSON in, JSON out, rate limited per client IP. */
export async function apiRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { engine, chat, metrics, config } = deps;

  // Registered inside this plugin, so only the API is limited (pages, health and channel
  // webhooks are not; webhooks all come from a few platform addresses).
  await app.register(rateLimit, {
    max: config.server.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: () => Object.assign(new Error(RATE_LIMIT_MESSAGE), { statusCode: 429, code: 'E_RATE_LIMIT' }),
  });

  // The check API and the chat's button presses share this plugin's limiter: one budget per client.
  await app.register(checkRoutes, { config, engine, chat });

  app.post('/api/ask', async (req) => {
    const body = parseBody(AskBody, req);
    const stop = metrics.answerSeconds.startTimer({ endpoint: 'ask' });
    const answer = await engine.ask(body.question, { region: body.region ?? null });
    stop();
    if (answer.abstained) metrics.abstentions.inc({ endpoint: 'ask' });
    return answer;
  });

  /** One web chat question through the chat core, timed and counted like every answer. */
  const webChat = async (req: FastifyRequest, onToken?: (t: string) => void) => {
    const body = parseBody(ChatBody, req);
    const stop = metrics.answerSeconds.startTimer({ endpoint: 'chat' });
    const reply = await chat.handleMessage({
      channel: 'web',
      userId: body.sessionId,
      chatId: body.sessionId,
      text: body.question,
      kind: 'text',
      isGroup: false,
      mentioned: true,
      address: req.ip,
      ...(onToken ? { onToken } : {}),
    });
    stop();
    if (reply?.kind === 'abstain') metrics.abstentions.inc({ endpoint: 'chat' });
    return reply;
  };

  app.post('/api/chat', async (req) => ({ reply: await webChat(req) }));

  // The same as /api/chat, as server-sent events: `token` events while a language model writes
  // (its unverified text, for display only), then one `reply` event with the verified reply.
  app.post('/api/chat/stream', async (req, reply) => {
    // A malformed body is a plain JSON 400, before the stream starts.
    parseBody(ChatBody, req);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    try {
      send('reply', { reply: await webChat(req, (t) => send('token', { t })) });
    } finally {
      res.end();
    }
  });

  app.post('/api/feedback', async (req) => {
    const body = parseBody(FeedbackBody, req);
    await chat.recordFeedback({ channel: 'web', userId: body.sessionId, answerId: body.answerId, vote: body.vote, ...(body.comment ? { comment: body.comment } : {}) });
    return { ok: true };
  });

  app.get('/api/docs', async () => ({ documents: engine.documents.map(docSummary) }));

  app.get<{ Params: { docId: string } }>('/api/docs/:docId', async (req) => {
    const doc = engine.document(req.params.docId);
    if (!doc) throw new HttpError(404, 'E_NOT_FOUND', `没有找到这份文件：${req.params.docId}。(No document with this id.)`);
    return {
      ...docSummary(doc),
      validUntil: doc.validUntil,
      paragraphs: doc.paragraphs.map((p) => ({ id: p.id, text: p.text, headingPath: p.headingPath, isHeading: p.isHeading })),
    };
  });
}
