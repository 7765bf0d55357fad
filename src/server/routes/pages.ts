import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import type { Config } from '../../config.ts';
import { chatPage } from '../views/chat.ts';
import { docPage } from '../views/doc.ts';
import { errorPage } from '../views/layout.ts';

const STATIC_DIR = path.join(import.meta.dirname, '..', 'static');
const STATIC_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** The files under static/, read once: a fixed allow-list, so no path from a URL touches the disk. */
function loadStatic(): Map<string, { body: string; type: string }> {
  const files = new Map<string, { body: string; type: string }>();
  for (const name of fs.readdirSync(STATIC_DIR)) {
    const type = STATIC_TYPES[path.extname(name)];
    if (type) files.set(name, { body: fs.readFileSync(path.join(STATIC_DIR, name), 'utf8'), type });
  }
  return files;
}

/** HTML pages: the web chat at /, the paragraph-anchored viewer at /docs/:docId, and their scripts. */
export async function pageRoutes(app: FastifyInstance, deps: { engine: Engine; config: Config }): Promise<void> {
  const { engine, config } = deps;
  const statics = loadStatic();
  const home = chatPage({ documents: engine.documents.length });

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(home));

  app.get<{ Params: { docId: string } }>('/docs/:docId', async (req, reply) => {
    const doc = engine.document(req.params.docId);
    reply.type('text/html; charset=utf-8');
    if (!doc) return reply.code(404).send(errorPage(404, '没有找到这份政策文件，可能已被移除或链接有误。', '../'));
    return reply.header('cache-control', 'public, max-age=300').send(docPage(doc, config.today()));
  });

  app.get<{ Params: { file: string } }>('/static/:file', async (req, reply) => {
    const file = statics.get(req.params.file);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return reply.type(file.type).header('cache-control', 'public, max-age=300').send(file.body);
  });
}
