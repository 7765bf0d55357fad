import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, loadCorpus } from '../src/ingest/load-corpus.ts';
import { buildIndex } from '../src/index/build.ts';
import { readManifest } from '../src/index/store.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';

/** GBK encoder built by inverting the platform's GB18030 decoder over the two-byte range. */
function gbkEncode(text: string): Buffer {
  const table = new Map<string, number[]>();
  const dec = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = dec.decode(Uint8Array.from([hi, lo]));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`no GBK code for ${ch}`);
      out.push(...bytes);
    }
  }
  return Buffer.from(out);
}

const GOOD = '灵活就业人员社会保险补贴办法\n\n对就业困难人员实现灵活就业的，按规定给予社会保险补贴，补贴期限最长不超过3年。\n\n申请人应当向户籍所在地公共就业服务机构提出申请。\n';
const GBK_TEXT = '你好，失业保险金申领指南\n\n失业人员应当在终止劳动关系之日起60日内，到公共就业服务机构办理失业登记，并申领失业保险金。\n';

let dir: string;
let indexDir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-problems-'));
  indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-problems-idx-'));
  fs.writeFileSync(path.join(dir, 'good.txt'), GOOD);
  fs.writeFileSync(path.join(dir, 'empty.txt'), '');
  fs.writeFileSync(path.join(dir, 'binary.txt'), Buffer.concat([Buffer.from('PK'), Buffer.alloc(64, 0), Buffer.from('社会保险补贴社会保险补贴')]));
  // 0xFF never starts a character in UTF-8 or GB18030.
  fs.writeFileSync(path.join(dir, 'garbled.txt'), Buffer.concat([Buffer.from('abc '), Buffer.alloc(200, 0xff), Buffer.from(' xyz')]));
  fs.writeFileSync(path.join(dir, 'gbk.txt'), gbkEncode(GBK_TEXT));
  fs.writeFileSync(path.join(dir, 'scan.pdf'), Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', 'latin1'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(indexDir, { recursive: true, force: true });
});

describe('decode', () => {
  it('decodes GBK bytes for 你好', () => {
    const bytes = Buffer.from('c4e3bac3'.repeat(3), 'hex');
    expect(decode(bytes)).toEqual({ text: '你好你好你好' });
  });
  it('rejects NUL bytes and undecodable bytes with a reason', () => {
    expect(decode(Buffer.from([0x41, 0, 0x42]))).toHaveProperty('error');
    expect(decode(Buffer.alloc(100, 0xff))).toHaveProperty('error');
  });
  it('decodes UTF-8 with a BOM and UTF-16LE with a BOM', () => {
    const u8 = decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('社会保险')]));
    expect('text' in u8 && u8.text.replace(/^\ufeff/, '')).toBe('社会保险');
    const u16 = decode(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('失业保险', 'utf16le')]));
    expect('text' in u16 && u16.text.replace(/^\ufeff/, '')).toBe('失业保险');
  });
});

describe('loadCorpus with bad files', () => {
  it('reports every bad file by name with a reason and ingests the good ones', async () => {
    const { documents, problems } = await loadCorpus(dir);
    const files = documents.map((d) => d.file).sort();
    expect(files).toEqual(['gbk.txt', 'good.txt']);

    const byFile = new Map(problems.map((p) => [p.file, p]));
    expect([...byFile.keys()].sort()).toEqual(['binary.txt', 'empty.txt', 'garbled.txt', 'scan.pdf']);
    for (const p of problems) {
      expect(p.reason.length).toBeGreaterThan(2);
      expect(p.code).toMatch(/^E_/);
    }
    expect(byFile.get('empty.txt')!.reason).toMatch(/空/);
    expect(byFile.get('binary.txt')!.reason).toMatch(/二进制|NUL/);
    expect(byFile.get('garbled.txt')!.reason).toMatch(/编码/);
    // A PDF header with nothing readable after it: reported as damaged, not indexed empty.
    expect(byFile.get('scan.pdf')!.code).toBe('E_BAD_DOCUMENT');
    expect(byFile.get('scan.pdf')!.reason).toMatch(/PDF.*损坏|PDF.*无法读取/);
  });

  it('decodes the GBK file correctly', async () => {
    const d = (await loadCorpus(dir)).documents.find((x) => x.file === 'gbk.txt')!;
    const text = [d.title, ...d.paragraphs.map((p) => p.text)].join('\n');
    expect(text).toContain('你好，失业保险金申领指南');
    expect(text).toContain('到公共就业服务机构办理失业登记');
    expect(text).not.toContain('\ufffd');
  });
});

describe('buildIndex on a corpus with bad files', () => {
  it('succeeds and lists the problems in the manifest', async () => {
    const config = loadConfig({ EMBEDDER: 'hashed', CORPUS_DIR: dir, INDEX_DIR: indexDir, TODAY: '2026-11-22' }, process.cwd());
    const res = await buildIndex(config, createLogger('silent'));
    expect(res.manifest.counts.documents).toBe(2);
    const manifest = readManifest(indexDir);
    expect(manifest.problems.map((p) => p.file).sort()).toEqual(['binary.txt', 'empty.txt', 'garbled.txt', 'scan.pdf']);
    expect(manifest.counts.chunks).toBeGreaterThanOrEqual(3);
  });

  it('fails with E_EMPTY_CORPUS when nothing is readable', async () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-allbad-'));
    try {
      fs.writeFileSync(path.join(bad, 'empty.txt'), '');
      const config = loadConfig({ EMBEDDER: 'hashed', CORPUS_DIR: bad, INDEX_DIR: path.join(bad, '.idx'), TODAY: '2026-11-22' }, process.cwd());
      await expect(buildIndex(config, createLogger('silent'))).rejects.toMatchObject({ code: 'E_EMPTY_CORPUS' });
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });
});
