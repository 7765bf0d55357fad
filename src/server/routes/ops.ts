import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import type { ServerMetrics } from '../metrics.ts';
import type { ChatCore } from '../../chat/types.ts';

/** Health for load balancers and Prometheus metrics; neither is rate limited. */
export async function opsRoutes(app: FastifyInstance, deps: { engine: Engine; metrics: ServerMetrics; chat?: ChatCore }): Promise<void> {
  const { engine, metrics, chat } = deps;

  app.get('/healthz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    // Answers are served either way; a store that cannot save them is reported, not hidden.
    const store = chat?.health?.();
    return {
      status: store?.problem ? 'degraded' : 'ok',
      ...(store?.problem ? { store: store.problem, storeErrors: store.errors } : {}),
      // The engine only exists once its index has been loaded (or rebuilt), so a running
      // server always has one; the field is there for monitors that check it.
      indexLoaded: engine.documents.length > 0,
      embedder: engine.embedder.id,
      // Which index answers: its corpus hash, and whether a newer one is being built.
      corpusHash: engine.manifest.corpusHash,
      ...(engine.stale ? { rebuilding: true, staleReason: engine.stale } : {}),
      semantic: engine.embedder.semantic,
      documents: engine.manifest.counts.documents,
    };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.registry.contentType).header('cache-control', 'no-store');
    return metrics.registry.metrics();
  });
}
