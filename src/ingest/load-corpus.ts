import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { IngestProblem, LoadedSource, PolicyDocument } from '../types.ts';
import { errorMessage } from '../errors.ts';
import { buildDocument, type Sidecar } from './document.ts';
import { loadHtml } from './load-html.ts';
import { loadText } from './load-text.ts';
import { loadPdf } from './load-pdf.ts';
import { loadDocx } from './load-docx.ts';
import { loadDoc } from './load-doc.ts';
import { loadCsv, loadXlsx } from './load-sheet.ts';
import { UnreadableFile } from './problem.ts';
import { sniff, SNIFFED_NAMES, type Sniffed } from './sniff.ts';
import { linkAttachments } from './attachments.ts';

type TextLoader = { type: 'text'; load: (raw: string, file: string) => LoadedSource };
type BinaryLoader = { type: 'binary'; expects: Sniffed; load: (bytes: Buffer, file: string) => Promise<LoadedSource> };
const text = (load: TextLoader['load']): TextLoader => ({ type: 'text', load });
const binary = (expects: Sniffed, load: BinaryLoader['load']): BinaryLoader => ({ type: 'binary', expects, load });

/** File extensions and their loaders: a new format is one new entry. */
const LOADERS: Record<string, TextLoader | BinaryLoader> = {
  '.txt': text(loadText),
  '.md': text(loadText),
  '.markdown': text(loadText),
  '.html': text(loadHtml),
  '.htm': text(loadHtml),
  '.csv': text(loadCsv),
  '.pdf': binary('pdf', loadPdf),
  '.docx': binary('zip', loadDocx),
  '.doc': binary('ole', loadDoc),
  '.xlsx': binary('zip', loadXlsx),
};

/** The formats `corpus/` takes, for messages and the README. */
export const SUPPORTED_EXTENSIONS = Object.keys(LOADERS);

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
export async function loadCorpus(root: string, onFile?: (file: string, done: number, total: number) => void): Promise<LoadResult> {
  const files = listCorpusFiles(root);
  const loaded: Array<{ doc: PolicyDocument; sidecar: Sidecar }> = [];
  const problems: IngestProblem[] = [];
  for (const [i, f] of files.entries()) {
    onFile?.(f.rel, i, files.length);
    try {
      const doc = await loadFile(f);
      if ('problem' in doc) problems.push(doc.problem);
      else loaded.push(doc);
    } catch (err) {
      if (err instanceof UnreadableFile) problems.push({ file: f.rel, code: err.code, reason: err.reason });
      else problems.push({ file: f.rel, code: 'E_BAD_DOCUMENT', reason: `无法解析：${errorMessage(err)}` });
    }
  }
  onFile?.('', files.length, files.length);
  const documents = loaded.map((l) => l.doc);
  linkAttachments(documents, new Map(loaded.map((l) => [l.doc.docId, l.sidecar.parent])));
  return { documents, problems };
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;

async function loadFile(f: CorpusFile): Promise<{ doc: PolicyDocument; sidecar: Sidecar } | { problem: IngestProblem }> {
  const problem = (code: string, reason: string) => ({ problem: { file: f.rel, code, reason } });
  const ext = path.extname(f.rel).toLowerCase();
  let loader = LOADERS[ext];
  if (!loader) return problem('E_UNSUPPORTED', `不支持的文件类型「${ext || '无扩展名'}」（支持 ${SUPPORTED_EXTENSIONS.join(' ')}）`);
  if (f.size === 0) return problem('E_BAD_DOCUMENT', '文件为空');
  if (f.size > MAX_FILE_BYTES) return problem('E_BAD_DOCUMENT', `文件过大（${Math.round(f.size / 1048576)} MB，上限 20 MB）`);
  const bytes = fs.readFileSync(f.abs);
  let src: LoadedSource;
  if (loader.type === 'binary') {
    const kind = sniff(bytes);
    if (kind !== loader.expects) {
      // Word files are often saved under the other Word extension; an encrypted .docx/.xlsx is an OLE container.
      if (ext === '.doc' && kind === 'zip') loader = LOADERS['.docx']!;
      else if ((ext === '.docx' || ext === '.xlsx') && kind === 'ole') return problem('E_ENCRYPTED', 'Office 文档已加密（需要密码），无法读取；请提供未加密的版本');
      else return problem('E_MISLABELLED', `扩展名是 ${ext}，但内容是 ${SNIFFED_NAMES[kind]}，没有收录`);
    }
    src = await (loader as BinaryLoader).load(bytes, f.rel);
  } else {
    const decoded = decode(bytes, ext);
    if ('error' in decoded) return problem('E_BAD_DOCUMENT', decoded.error);
    src = loader.load(decoded.text, f.rel);
  }
  if (src.blocks.join('').replace(/\s/g, '').length < 10) return problem('E_BAD_DOCUMENT', '没有可提取的正文');
  const sidecar = readSidecar(f.abs);
  return { doc: buildDocument(f.rel, bytes, src, sidecar), sidecar };
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
  // 「附件1.pdf」 → 附件1.meta.yml, or 附件1.pdf.meta.yml beside it.
  const file = [abs.replace(/\.[^.]+$/, '') + '.meta.yml', `${abs}.meta.yml`].find((f) => fs.existsSync(f));
  if (!file) return {};
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
    parent: s('parent') ?? s('attachmentOf'),
  };
}
