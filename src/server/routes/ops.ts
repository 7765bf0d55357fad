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
    // No index that can answer is a failure (503, so a load balancer stops sending users here);
    // a store that cannot save is degraded (200: answers still go out).
    const answering = engine.answering();
    if (answering) reply.code(503);
    return {
      status: answering ? 'down' : store?.problem ? 'degraded' : 'ok',
      ...(answering ? { answering } : {}),
      ...(store?.problem ? { store: store.problem, storeErrors: store.errors } : {}),
      indexLoaded: engine.documents.length > 0,
      embedder: engine.embedder.id,
      // Which index answers: its corpus hash, and whether a newer one is being built.
      corpusHash: engine.manifest.corpusHash,
      // The index version folder this process serves (replicas on one disk show the same after a roll-out).
      indexVersion: engine.manifest.version ?? null,
      builtAt: engine.manifest.builtAt,
      ...(engine.stale ? { rebuilding: true, staleReason: engine.stale } : {}),
      semantic: engine.embedder.semantic,
      documents: engine.manifest.counts.documents,
      // Which server process answered (several share the port with `start --workers N`).
      pid: process.pid,
    };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.registry.contentType).header('cache-control', 'no-store');
    return metrics.registry.metrics();
  });
}
