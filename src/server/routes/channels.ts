import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpRoute } from '../../chat/channel.ts';

/** Webhook bodies (Telegram updates, Official Account XML) are small, but larger than questions. */
const CHANNEL_BODY_LIMIT = 1024 * 1024;

function flatQuery(q: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (q && typeof q === 'object') {
    for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
      if (typeof v === 'string') out[k] = v;
      else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
    }
  }
  return out;
}

function flatHeaders(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * Mounts the framework-neutral routes of the channels (src/chat/channel.ts). This plugin is
 * encapsulated: its content-type parser keeps every body as the raw string (XML, JSON or
 * anything else) because adapters verify signatures over the exact bytes and parse
 * themselves; the JSON API elsewhere keeps Fastify's JSON parser.
 */
export async function channelRoutes(app: FastifyInstance, deps: { routes: HttpRoute[] }): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: CHANNEL_BODY_LIMIT }, (_req, body, done) => done(null, body));

  for (const route of deps.routes) {
    app.route({
      method: route.method,
      url: route.path,
      bodyLimit: CHANNEL_BODY_LIMIT,
      handler: async (req, reply) => {
        const res = await route.handle({
          method: req.method,
          path: req.url.split('?')[0] ?? req.url,
          headers: flatHeaders(req),
          query: flatQuery(req.query),
          body: typeof req.body === 'string' ? req.body : '',
          ip: req.ip,
        });
        reply.code(res.status);
        for (const [k, v] of Object.entries(res.headers ?? {})) reply.header(k, v);
        return reply.send(res.body);
      },
    });
  }
}
