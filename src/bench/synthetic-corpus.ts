/**
 * Synthetic corpora for the scale benchmark (`npm run bench:scale`): markdown documents
 * recombined from the real paragraphs of a seed corpus (the bundled `corpus/`), of about N
 * chunks each.
 *
 * - The seed corpus is read once through the normal loaders; its paragraphs are cut into
 *   sentences, and each generated paragraph takes sentences drawn from anywhere in the pool
 *   (so they are shuffled across paragraphs and documents), with a length drawn from the real
 *   paragraph lengths.
 * - Each document has its own place (every province, prefecture and county of the gazetteer,
 *   in a seeded order): the place names of the real sentences are replaced by the document's,
 *   its title, issuer, 文号 and date are distinct, and amounts of money are varied.
 * - Documents are written one at a time (the generator never holds more than one), and each is
 *   parsed and chunked as ingest does right after being written, so generation stops as soon
 *   as the corpus reaches the requested number of chunks (overshooting by at most one document).
 * - Everything depends only on the seed: the same seed and size give the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadCorpus } from '../ingest/load-corpus.ts';
import { loadText } from '../ingest/load-text.ts';
import { buildDocument } from '../ingest/document.ts';
import { headingOf } from '../ingest/headings.ts';
import { chunkDocument, DEFAULT_CHUNKING } from '../chunk/chunk.ts';
import { splitSentences } from '../text/sentences.ts';
import { findPlaces, PLACES, type Place } from '../text/gazetteer.ts';

/** Lines the chunker skips (kept in step with src/chunk/chunk.ts). */
const BOILERPLATE = /^[(（]?\s*(来源|文章来源|图片来源|图|摄影?|责任编辑|编辑|审核|校对)\s*[:：]/;
/** Sentences that would be read as markup or metadata when written to a markdown line. */
const UNSAFE = /[|<>`\uFFFD]|^[\s#*>+-]|^---|[:：]\s*$|https?:\/\//;
const DOCS_PER_FOLDER = 500;
const MAX_PARAGRAPH_CHARS = DEFAULT_CHUNKING.maxChars - 10;

interface PoolSentence {
  text: string;
  /** Place mentions (start, length, level) to replace with the document's own places. */
  places: Array<{ index: number; length: number; level: 1 | 2 | 3 }>;
}

export interface SeedPool {
  sentences: PoolSentence[];
  /** Section headings of the seed corpus without their numbering. */
  headings: string[];
  /** Lengths (characters) of the seed corpus's body paragraphs, capped at the chunk size. */
  paragraphLengths: number[];
  /** Provinces, prefectures and counties in a seeded order. */
  places: Place[];
  /** Counties of each prefecture (for documents of a prefecture that mention a county). */
  countiesOf: Map<string, Place[]>;
  seedDocuments: number;
  seedParagraphs: number;
}

/** A small fast PRNG (mulberry32): deterministic for a given 32-bit seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed for document `i` of a corpus generated with `seed`. */
function mix(seed: number, i: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (i + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function shuffle<T>(xs: T[], r: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** Reads the seed corpus once: sentences, headings, paragraph lengths, and the places to use. */
export async function readSeedPool(seedCorpusDir: string, seed = 1): Promise<SeedPool> {
  const { documents } = await loadCorpus(seedCorpusDir);
  const sentences: PoolSentence[] = [];
  const seen = new Set<string>();
  const headings = new Set<string>();
  const paragraphLengths: number[] = [];
  let seedParagraphs = 0;
  for (const d of documents) {
    for (const p of d.paragraphs) {
      if (p.isHeading) {
        const h = p.text.replace(/^[\s●■◆▲·•\-—]*(?:第[一二三四五六七八九十百零〇\d]+[章节条部分]|[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．])\s*/u, '').trim();
        if (h.length >= 4 && h.length <= 24 && !/[？?：:|<>]/.test(h)) headings.add(h);
        continue;
      }
      if (BOILERPLATE.test(p.text)) continue;
      seedParagraphs++;
      paragraphLengths.push(Math.min(p.text.length, MAX_PARAGRAPH_CHARS));
      for (const s of splitSentences(p.text)) {
        const t = s.trim();
        if (t.length < 8 || t.length > MAX_PARAGRAPH_CHARS || UNSAFE.test(t) || seen.has(t)) continue;
        seen.add(t);
        const places = findPlaces(t, { short: 'major' })
          .filter((m) => m.place.level >= 1)
          .map((m) => ({ index: m.index, length: m.length, level: m.place.level as 1 | 2 | 3 }));
        sentences.push({ text: t, places });
      }
    }
  }
  if (!sentences.length) throw new Error(`no usable paragraphs in the seed corpus ${seedCorpusDir}`);
  const all = [...PLACES.values()].filter((p) => p.level >= 1);
  const countiesOf = new Map<string, Place[]>();
  for (const p of all) {
    if (p.level !== 3 || !p.parent) continue;
    countiesOf.set(p.parent, [...(countiesOf.get(p.parent) ?? []), p]);
  }
  return {
    sentences,
    headings: [...headings],
    paragraphLengths,
    places: shuffle(all, rng(mix(seed, 0xffffff))),
    countiesOf,
    seedDocuments: documents.length,
    seedParagraphs,
  };
}

const TOPICS = [
  '促进高校毕业生等青年就业',
  '稳定和扩大就业',
  '灵活就业人员社会保险补贴',
  '创业担保贷款及贴息',
  '失业保险稳岗返还',
  '失业保险金申领',
  '就业见习基地管理',
  '职业技能提升行动',
  '公益性岗位开发管理',
  '就业困难人员认定和援助',
  '企业职工基本养老保险',
  '城乡居民基本养老保险',
  '一次性创业补贴',
  '农民工返乡创业',
  '根治拖欠农民工工资',
  '劳动人事争议调解仲裁',
  '社会保险费补缴',
  '退役军人就业创业',
  '零工市场建设',
  '人力资源市场管理',
  '技能人才评价',
  '残疾人就业促进',
  '工伤保险待遇',
  '养老保险关系转移接续',
  '就业补助资金管理',
];
const SUFFIXES: Array<{ text: string; kind: 'policy' | 'faq' }> = [
  { text: '实施办法', kind: 'policy' },
  { text: '若干措施', kind: 'policy' },
  { text: '工作方案', kind: 'policy' },
  { text: '的通知', kind: 'policy' },
  { text: '政策问答', kind: 'faq' },
  { text: '办事指南', kind: 'faq' },
];
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function displayName(p: Place): string {
  // A county's canonical name carries its prefecture (青岛市城阳区); documents write the short one.
  return p.level === 3 ? (p.names[1] ?? p.name) : p.name;
}

function shortName(p: Place): string {
  const n = displayName(p);
  return n.replace(/(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|省|市|区|县|旗|盟)$/u, '').slice(0, 4) || n;
}

interface DocPlaces {
  self: Place;
  province: Place;
  city: Place;
  counties: Place[];
}

function docPlaces(pool: SeedPool, self: Place): DocPlaces {
  const chain: Place[] = [];
  let cur: Place | undefined = self;
  while (cur && cur.level >= 1) {
    chain.push(cur);
    cur = cur.parent ? PLACES.get(cur.parent) : undefined;
  }
  const province = chain.find((p) => p.level === 1) ?? self;
  const city = chain.find((p) => p.level === 2) ?? province;
  const counties = self.level === 3 ? [self] : (pool.countiesOf.get(city.name) ?? []);
  return { self, province, city, counties };
}

/** A sentence with the document's places in place of the seed's, and its amounts varied. */
function adapt(s: PoolSentence, places: DocPlaces, r: () => number): string {
  let text = s.text;
  for (const m of [...s.places].reverse()) {
    const target = m.level === 1 ? places.province : m.level === 2 ? places.city : places.counties.length ? pick(r, places.counties) : places.city;
    text = text.slice(0, m.index) + displayName(target) + text.slice(m.index + m.length);
  }
  return text.replace(/(\d+(?:\.\d+)?)(万元|元)/gu, (whole, n: string, unit: string) => {
    const f = pick(r, [0.5, 0.8, 1, 1, 1, 1.2, 1.5, 2]);
    if (f === 1) return whole;
    const v = Number(n) * f;
    return `${Number.isInteger(Number(n)) ? Math.round(v) : v.toFixed(1)}${unit}`;
  });
}

function paragraph(pool: SeedPool, places: DocPlaces, r: () => number): string {
  for (let attempt = 0; ; attempt++) {
    const target = pick(r, pool.paragraphLengths);
    let text = '';
    for (let n = 0; n < 6 && text.length < target; n++) {
      const s = adapt(pick(r, pool.sentences), places, r);
      if (text && text.length + s.length > MAX_PARAGRAPH_CHARS) break;
      text += s;
    }
    // A paragraph that would be read as a heading or skipped as boilerplate is drawn again.
    if (attempt < 20 && (text.length < 8 || text.length > MAX_PARAGRAPH_CHARS || BOILERPLATE.test(text) || headingOf(text)?.isHeading)) continue;
    return text;
  }
}

export interface GeneratedDocument {
  /** Path inside the corpus folder. */
  rel: string;
  markdown: string;
}

/** Document `i` of a corpus generated with `seed` (depends on nothing else). */
export function generateDocument(pool: SeedPool, seed: number, i: number): GeneratedDocument {
  const r = rng(mix(seed, i));
  const P = pool.places.length;
  const self = pool.places[i % P]!;
  const k = Math.floor(i / P);
  const topic = TOPICS[k % TOPICS.length]!;
  const suffix = SUFFIXES[Math.floor(k / TOPICS.length) % SUFFIXES.length]!;
  const year = 2015 + (Math.floor(k / (TOPICS.length * SUFFIXES.length)) % 12);
  const edition = Math.floor(k / (TOPICS.length * SUFFIXES.length * 12));
  const places = docPlaces(pool, self);
  const name = displayName(self);
  const title = `${name}${suffix.text === '的通知' ? '关于印发' : ''}${topic}${suffix.text}${edition ? `（第${edition + 1}版）` : ''}`;
  const issuer = `${name}人力资源和社会保障${self.level === 1 ? '厅' : '局'}`;
  const month = 1 + Math.floor(r() * 12);
  const day = 1 + Math.floor(r() * 28);
  const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const docNumber = `${shortName(self)}人社${pick(r, ['发', '规', '函'])}〔${year}〕${1 + Math.floor(r() * 60)}号`;
  const lines: string[] = [
    '---',
    `title: ${JSON.stringify(title)}`,
    `issuer: ${JSON.stringify(issuer)}`,
    `date: ${JSON.stringify(date)}`,
    `docNumber: ${JSON.stringify(docNumber)}`,
    `region: ${JSON.stringify(self.name)}`,
    `kind: ${suffix.kind}`,
    '---',
    '',
    `# ${title}`,
    '',
  ];
  const sections = 2 + Math.floor(r() * 4);
  for (let s = 0; s < sections; s++) {
    const heading = pool.headings.length ? pick(r, pool.headings) : topic;
    lines.push(`## ${NUMERALS[s % NUMERALS.length]!}、${heading}`, '');
    const paragraphs = 4 + Math.floor(r() * 14);
    for (let p = 0; p < paragraphs; p++) lines.push(paragraph(pool, places, r), '');
  }
  const folder = `g${String(Math.floor(i / DOCS_PER_FOLDER)).padStart(4, '0')}`;
  return { rel: `${folder}/d${String(i).padStart(7, '0')}.md`, markdown: lines.join('\n') };
}

/** Chunks ingest makes of one generated document (the same loaders and chunker). */
export function chunksOf(doc: GeneratedDocument): { paragraphs: number; chunks: number } {
  const bytes = Buffer.from(doc.markdown, 'utf8');
  const built = buildDocument(doc.rel, bytes, loadText(doc.markdown, doc.rel));
  return { paragraphs: built.paragraphs.length, chunks: chunkDocument(built).length };
}

export interface GenerateOptions {
  /** Where the documents are written (created; must be empty or absent). */
  outDir: string;
  /** Target number of chunks. */
  chunks: number;
  seed?: number;
  /** Progress (documents written, chunks so far). */
  onProgress?: (documents: number, chunks: number) => void;
}

export interface GenerateResult {
  documents: number;
  paragraphs: number;
  chunks: number;
  bytes: number;
  seconds: number;
}

/** Writes documents one at a time until the corpus holds at least `chunks` chunks. */
export function generateCorpus(pool: SeedPool, opts: GenerateOptions): GenerateResult {
  const t0 = performance.now();
  const seed = opts.seed ?? 1;
  if (fs.existsSync(opts.outDir) && fs.readdirSync(opts.outDir).length) throw new Error(`${opts.outDir} is not empty`);
  fs.mkdirSync(opts.outDir, { recursive: true });
  let documents = 0;
  let paragraphs = 0;
  let chunks = 0;
  let bytes = 0;
  let folder = '';
  while (chunks < opts.chunks) {
    const doc = generateDocument(pool, seed, documents);
    const dir = path.dirname(doc.rel);
    if (dir !== folder) {
      fs.mkdirSync(path.join(opts.outDir, dir), { recursive: true });
      folder = dir;
    }
    const body = Buffer.from(doc.markdown, 'utf8');
    fs.writeFileSync(path.join(opts.outDir, doc.rel), body);
    bytes += body.length;
    const c = chunksOf(doc);
    paragraphs += c.paragraphs;
    chunks += c.chunks;
    documents++;
    if (documents % 200 === 0) opts.onProgress?.(documents, chunks);
  }
  opts.onProgress?.(documents, chunks);
  return { documents, paragraphs, chunks, bytes, seconds: (performance.now() - t0) / 1000 };
}
