import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import { measuresForRegion } from '../../measures/view.ts';
import { requirePlace } from '../../text/gazetteer.ts';
import { isPolicybotError } from '../../errors.ts';
import { measuresPage } from '../views/measures.ts';
import { errorPage } from '../views/layout.ts';

export interface MeasuresRouteDeps {
  engine: Engine;
}

/**
 * GET /api/measures[?region=广州市]: the measures catalog, `{region, count, measures}`;
 * GET /measures[?region=…]: the same as a page.
 * An unknown region is E_BAD_INPUT, which the app's error handler turns into a 400 with the
 * Chinese message.
 */
export async function measuresRoutes(app: FastifyInstance, deps: MeasuresRouteDeps): Promise<void> {
  const { engine } = deps;
  app.get<{ Querystring: { region?: string } }>('/api/measures', async (req) => {
    const raw = typeof req.query.region === 'string' ? req.query.region.trim() : '';
    const region = raw ? requirePlace(raw) : null;
    const measures = measuresForRegion(engine.measures, region);
    return { region, count: measures.length, measures };
  });

  // The same catalog as a page; an unknown region is a 400 page with the Chinese message.
  app.get<{ Querystring: { region?: string } }>('/measures', async (req, reply) => {
    reply.type('text/html; charset=utf-8');
    const raw = typeof req.query.region === 'string' ? req.query.region.trim().slice(0, 30) : '';
    try {
      const region = raw ? requirePlace(raw) : null;
      const today = engine.config.today().toISOString().slice(0, 10);
      return reply.send(measuresPage(measuresForRegion(engine.measures, region), { region, today }));
    } catch (err) {
      if (!isPolicybotError(err, 'E_BAD_INPUT')) throw err;
      return reply.code(400).send(errorPage(400, err.userMessage, './'));
    }
  });
}
