import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { IngestProblem, LoadedSource, PolicyDocument } from '../types.ts';
import { errorMessage } from '../errors.ts';
import { buildDocument, type Sidecar } from './document.ts';
import { loadHtml } from './load-html.ts';
import { loadText } from './load-text.ts';

/** File extensions and their loaders: a new format is one new entry. */
const LOADERS: Record<string, (raw: string, file: string) => LoadedSource> = {
  '.txt': loadText,
  '.md': loadText,
  '.markdown': loadText,
  '.html': loadHtml,
  '.htm': loadHtml,
};

const SIDECAR = /\.meta\.ya?ml$/i;
/** Documentation that lives beside the documents and is not itself a document. */
const IGNORED = /^(readme(\.[a-z]+)?|license(\.[a-z]+)?|\.gitkeep)$/i;

export interface CorpusFile {
  /** Path relative to the corpus root, with `/` separators. */
  rel: string;
  abs: string;
  size: number;
}

/** Every candidate file under the corpus root, sorted for a stable order. */
export function listCorpusFiles(root: string): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.isFile() && !IGNORED.test(entry.name) && !SIDECAR.test(entry.name)) {
        out.push({ rel: path.relative(root, abs).split(path.sep).join('/'), abs, size: fs.statSync(abs).size });
      }
    }
  };
  walk(root);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

export interface LoadResult {
  documents: PolicyDocument[];
  problems: IngestProblem[];
}

/** Loads every readable document; files that cannot be read are reported by name and skipped. */
export function loadCorpus(root: string, onFile?: (file: string, done: number, total: number) => void): LoadResult {
  const files = listCorpusFiles(root);
  const documents: PolicyDocument[] = [];
  const problems: IngestProblem[] = [];
  files.forEach((f, i) => {
    onFile?.(f.rel, i, files.length);
    try {
      const doc = loadFile(f);
      if ('problem' in doc) problems.push(doc.problem);
      else documents.push(doc);
    } catch (err) {
      problems.push({ file: f.rel, code: 'E_BAD_DOCUMENT', reason: `无法解析：${errorMessage(err)}` });
    }
  });
  onFile?.('', files.length, files.length);
  return { documents, problems };
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;

function loadFile(f: CorpusFile): PolicyDocument | { problem: IngestProblem } {
  const problem = (code: string, reason: string) => ({ problem: { file: f.rel, code, reason } });
  const ext = path.extname(f.rel).toLowerCase();
  const loader = LOADERS[ext];
  if (!loader) return problem('E_UNSUPPORTED', `不支持的文件类型「${ext || '无扩展名'}」（支持 ${Object.keys(LOADERS).join(' ')}）`);
  if (f.size === 0) return problem('E_BAD_DOCUMENT', '文件为空');
  if (f.size > MAX_FILE_BYTES) return problem('E_BAD_DOCUMENT', `文件过大（${Math.round(f.size / 1048576)} MB，上限 20 MB）`);
  const bytes = fs.readFileSync(f.abs);
  const decoded = decode(bytes, ext);
  if ('error' in decoded) return problem('E_BAD_DOCUMENT', decoded.error);
  const src = loader(decoded.text, f.rel);
  if (src.blocks.join('').replace(/\s/g, '').length < 10) return problem('E_BAD_DOCUMENT', '没有可提取的正文');
  return buildDocument(f.rel, bytes, src, readSidecar(f.abs));
}

/** UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK as government sites often serve. */
export function decode(bytes: Buffer, ext = ''): { text: string } | { error: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes) };
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of sample) if (b === 0 || (b < 9 && b !== 0)) control++;
  if (control > 0) return { error: '二进制文件，不是文本（含 NUL 或控制字符）' };
  const declared = /charset\s*=\s*["']?\s*(gb2312|gbk|gb18030)/i.test(sample.toString('latin1')) && /\.html?$/.test(ext);
  if (!declared) {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      // fall through to GB18030
    }
  }
  const gb = new TextDecoder('gb18030').decode(bytes);
  const bad = (gb.match(/\ufffd/g) ?? []).length;
  if (bad > Math.max(3, gb.length / 1000)) return { error: '编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）' };
  return { text: gb };
}

function readSidecar(abs: string): Sidecar {
  const file = abs.replace(/\.[^.]+$/, '') + '.meta.yml';
  if (!fs.existsSync(file)) return {};
  const data: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
  if (!data || typeof data !== 'object') return {};
  const d = data as Record<string, unknown>;
  const s = (k: string): string | undefined => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : undefined);
  const kind = s('kind');
  return {
    title: s('title'),
    issuer: s('issuer'),
    docNumber: s('docNumber') ?? s('doc_number'),
    date: s('date'),
    region: s('region'),
    kind: kind === 'policy' || kind === 'law' || kind === 'faq' || kind === 'news' ? kind : undefined,
    sourceUrl: s('sourceUrl') ?? s('url'),
  };
}
