import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import { filterMeasures, KIND_LABEL, measuresForRegion } from '../../measures/view.ts';
import { TARGET_GROUPS } from '../../measures/types.ts';
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
  app.get<{ Querystring: { region?: string; q?: string; group?: string; kind?: string; active?: string } }>('/measures', async (req, reply) => {
    reply.type('text/html; charset=utf-8');
    const str = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
    const raw = str(req.query.region, 30);
    try {
      const region = raw ? requirePlace(raw) : null;
      const today = engine.config.today().toISOString().slice(0, 10);
      const kind = str(req.query.kind, 20);
      const filter = {
        q: str(req.query.q, 30) || null,
        group: (TARGET_GROUPS as readonly string[]).includes(str(req.query.group, 20)) ? str(req.query.group, 20) : null,
        kind: kind in KIND_LABEL ? (kind as keyof typeof KIND_LABEL) : null,
        active: req.query.active === '1',
        today,
      };
      const all = measuresForRegion(engine.measures, region);
      return reply.send(measuresPage(filterMeasures(all, filter), { region, today, filter, total: all.length }));
    } catch (err) {
      if (!isPolicybotError(err, 'E_BAD_INPUT')) throw err;
      return reply.code(400).send(errorPage(400, err.userMessage, './'));
    }
  });
}
