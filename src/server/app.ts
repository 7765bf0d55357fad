import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Engine } from '../engine.ts';
import type { ChatCore } from '../chat/types.ts';
import type { HttpRoute } from '../chat/channel.ts';
import { createMetrics, type ServerMetrics } from './metrics.ts';
import { BODY_LIMIT_BYTES, NOT_FOUND_API, toApiError } from './http-errors.ts';
import { apiRoutes } from './routes/api.ts';
import { pageRoutes } from './routes/pages.ts';
import { opsRoutes } from './routes/ops.ts';
import { channelRoutes } from './routes/channels.ts';
import { measuresRoutes } from './routes/measures.ts';
import { errorPage } from './views/layout.ts';

export interface ServerDeps {
  config: Config;
  logger: Logger;
  engine: Engine;
  chat: ChatCore;
  /** Extra routes from channels (webhooks), mounted with the raw body. */
  routes?: HttpRoute[];
}

export interface PolicybotServer {
  app: FastifyInstance;
  metrics: ServerMetrics;
}


/** TRUST_PROXY as a hop count: the nearest n addresses are proxies (as proxy-addr reads a number). */
function trustHops(n: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < n;
}

function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || req.url === '/api' || !(req.headers.accept ?? '').includes('text/html');
}

function sendError(req: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
  if (wantsJson(req) || req.url.startsWith('/api')) return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
  const text = status === 404 ? '您要找的页面不存在。' : status === 429 ? '访问太频繁了，请稍等一分钟再试。' : status < 500 ? '请求有误。' : '服务出错了，请稍后再试。';
  return reply.code(status).type('text/html; charset=utf-8').send(errorPage(status, text));
}

/** Builds the HTTP app (not listening yet): API, pages, health, metrics and channel routes. */
export async function buildServer(deps: ServerDeps): Promise<PolicybotServer> {
  const { config, logger, engine, chat } = deps;
  const metrics = createMetrics({ storeErrors: () => chat.health?.().errors ?? 0, corpusHash: () => engine.manifest.corpusHash });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Access logs only at LOG_LEVEL=debug or trace; errors are logged at every level.
    logController: new LogController({ disableRequestLogging: !logger.isLevelEnabled('debug') }),
    bodyLimit: BODY_LIMIT_BYTES,
    // X-Forwarded-For only from the proxies TRUST_PROXY names (none by default), so a client cannot
    // pick its own address and dodge the per-address rate limit.
    trustProxy: typeof config.server.trustProxy === 'number' ? trustHops(config.server.trustProxy) : config.server.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err);
    metrics.errors.inc({ code: e.code });
    if (e.status >= 500) req.log.error({ err, url: req.url }, 'request failed');
    return sendError(req, reply, e.status, e.code, e.message);
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api')) return sendError(req, reply, 404, NOT_FOUND_API.code, NOT_FOUND_API.message);
    return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, '您要找的页面不存在。'));
  });

  app.addHook('onResponse', async (req, reply) => {
    metrics.httpRequests.inc({ route: req.routeOptions.url ?? 'unmatched', method: req.method, status: String(reply.statusCode) });
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      // Scripts come only from /static (no inline script); plain-http deployments on a
      // LAN must not be told to upgrade to https.
      directives: { upgradeInsecureRequests: null },
    },
  });

  // CORS is off unless one origin is configured; then only that origin may call the API.
  const cors = config.server.corsOrigin;
  if (cors) {
    app.addHook('onRequest', async (req, reply) => {
      if (req.headers.origin === cors) reply.header('access-control-allow-origin', cors).header('vary', 'Origin');
    });
    app.options('/api/*', async (req, reply) => {
      if (req.headers.origin !== cors) return reply.code(403).send({ error: { code: 'E_CORS', message: '不允许跨域访问。(Origin not allowed.)' } });
      return reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600')
        .send();
    });
  }

  await app.register(opsRoutes, { engine, metrics, chat });
  await app.register(pageRoutes, { engine, config });
  await app.register(apiRoutes, { config, engine, chat, metrics });
  await app.register(measuresRoutes, { engine });
  if (deps.routes?.length) await app.register(channelRoutes, { routes: deps.routes });
  await app.ready();
  return { app, metrics };
}
