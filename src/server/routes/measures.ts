import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import { measuresForRegion, resolveRegion } from '../../measures/view.ts';

export interface MeasuresRouteDeps {
  engine: Engine;
}

/**
 * GET /api/measures[?region=广州市]: the measures catalog, `{region, count, measures}`.
 * An unknown region is E_BAD_INPUT, which the app's error handler turns into a 400 with the
 * Chinese message.
 */
export async function measuresRoutes(app: FastifyInstance, deps: MeasuresRouteDeps): Promise<void> {
  const { engine } = deps;
  app.get<{ Querystring: { region?: string } }>('/api/measures', async (req) => {
    const raw = typeof req.query.region === 'string' ? req.query.region.trim() : '';
    const region = raw ? resolveRegion(raw) : null;
    const measures = measuresForRegion(engine.measures, region);
    return { region, count: measures.length, measures };
  });
}
