import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import type { Config } from '../../config.ts';
import { chatPage } from '../views/chat.ts';
import { EXTRACTIVE } from '../../answer/contract.ts';
import { docPage } from '../views/doc.ts';
import { errorPage } from '../views/layout.ts';

const STATIC_DIR = path.join(import.meta.dirname, '..', 'static');
/** Content types of original files; a page's HTML is served as text, so nothing in it runs here. */
const ORIGINAL_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.doc': 'application/msword',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.markdown': 'text/plain; charset=utf-8',
  '.html': 'text/plain; charset=utf-8',
  '.htm': 'text/plain; charset=utf-8',
};
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
  const home = chatPage({ documents: engine.documents.length, model: engine.answeredBy === EXTRACTIVE ? null : engine.answeredBy });

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(home));

  app.get<{ Params: { docId: string } }>('/docs/:docId', async (req, reply) => {
    const doc = engine.document(req.params.docId);
    reply.type('text/html; charset=utf-8');
    if (!doc) return reply.code(404).send(errorPage(404, '没有找到这份政策文件，可能已被移除或链接有误。', '../'));
    const links = {
      parent: doc.attachmentOf ? engine.document(doc.attachmentOf) : undefined,
      attachments: (doc.attachments ?? []).map((id) => engine.document(id)).filter((d): d is NonNullable<typeof d> => Boolean(d)),
    };
    return reply.header('cache-control', 'public, max-age=300').send(docPage(doc, config.today(), links));
  });

  // The original file, as a download: a fixed content type by format, never rendered or run on this site.
  app.get<{ Params: { docId: string } }>('/docs/:docId/original', async (req, reply) => {
    const doc = engine.document(req.params.docId);
    const missing = (why: string) => reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, why, '../../'));
    if (!doc) return missing('没有找到这份政策文件，可能已被移除或链接有误。');
    const root = path.resolve(config.corpusDir);
    const abs = path.resolve(root, doc.file);
    if (!abs.startsWith(root + path.sep)) return missing('没有找到这份文件的原件。');
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(abs);
    } catch {
      return missing('原件已不在政策库目录中（文件可能已被移动或删除），请重新建立索引。');
    }
    const name = path.basename(doc.file);
    return reply
      .type(ORIGINAL_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "sandbox; default-src 'none'")
      .header('cache-control', 'private, max-age=300')
      .send(bytes);
  });

  app.get<{ Params: { file: string } }>('/static/:file', async (req, reply) => {
    const file = statics.get(req.params.file);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return reply.type(file.type).header('cache-control', 'public, max-age=300').send(file.body);
  });
}
