import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Chunk, IngestProblem, PolicyDocument } from '../types.ts';
import { PolicybotError, errorMessage } from '../errors.ts';
import type { Bm25Index } from './bm25.ts';
import { readLexical, writeLexical } from './lexical-file.ts';
import { ChunkNorms } from './chunk-norms.ts';
import { sha256File } from './hash-file.ts';
import { HnswIndex, type VectorIndex } from './vector-index.ts';
import type { Measure, MeasuresCatalog } from '../measures/types.ts';

/**
 * The persisted index: a folder `<indexDir>/index/` holding a manifest and its artifacts.
 * Builds write into a sibling temp folder and are swapped in by rename, so a crash
 * mid-build never leaves a broken index in place. The manifest is written last and
 * records a checksum of every artifact: a folder without a valid manifest, or whose
 * files do not match it, is detected and rebuilt instead of crashing the reader.
 */
export const FORMAT_VERSION = 3;

export interface EmbedderInfo {
  id: string;
  dimension: number;
  description: string;
  semantic: boolean;
}

export interface Manifest {
  formatVersion: number;
  embedder: EmbedderInfo;
  corpusHash: string;
  builtAt: string;
  buildSeconds: number;
  counts: { documents: number; paragraphs: number; chunks: number };
  problems: IngestProblem[];
  /** sha256 of each artifact file. */
  files: Record<string, string>;
  /** sha256 of the manifest's own fields (everything but this one), so an edited manifest is caught too. */
  checksum?: string;
}

/** The manifest's own checksum: sha256 of its JSON without the checksum field, keys in a fixed order. */
export function manifestChecksum(m: Omit<Manifest, 'checksum'> & { checksum?: string }): string {
  const { checksum: _omit, ...rest } = m;
  void _omit;
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex');
}

export interface IndexData {
  manifest: Manifest;
  documents: PolicyDocument[];
  chunks: Chunk[];
  lexical: Bm25Index;
  /** Each chunk's normalised context and text, as matching uses it (stored at ingest). */
  norms: ChunkNorms;
  vectors: VectorIndex;
  /** Opaque state of an embedder that learns from the corpus (the offline one). */
  embedderState: unknown;
  /** The measures catalog extracted at ingest (src/measures); links are added by measures/store.withUrls. */
  measures: MeasuresCatalog;
}

const ARTIFACTS = {
  documents: 'documents.json',
  chunks: 'chunks.json',
  lexical: 'lexical.bin',
  norms: 'norms.bin',
  vectors: 'vectors.hnsw',
  embedder: 'embedder.json',
  measures: 'measures.json',
} as const;

export function indexPath(indexDir: string): string {
  return path.join(indexDir, 'index');
}

export function writeIndex(indexDir: string, data: Omit<IndexData, 'manifest'> & { manifest: Omit<Manifest, 'files'> }): Manifest {
  fs.mkdirSync(indexDir, { recursive: true });
  const target = indexPath(indexDir);
  const tmp = path.join(indexDir, `.index-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(tmp);
  try {
    const write = (name: string, body: string) => fs.writeFileSync(path.join(tmp, name), body);
    write(ARTIFACTS.documents, JSON.stringify(data.documents));
    write(ARTIFACTS.chunks, JSON.stringify(data.chunks));
    writeLexical(path.join(tmp, ARTIFACTS.lexical), data.lexical);
    data.norms.write(path.join(tmp, ARTIFACTS.norms));
    write(ARTIFACTS.embedder, JSON.stringify(data.embedderState ?? null));
    write(ARTIFACTS.measures, JSON.stringify(data.measures));
    data.vectors.save(path.join(tmp, ARTIFACTS.vectors));
    const files: Record<string, string> = {};
    for (const name of Object.values(ARTIFACTS)) files[name] = sha256File(path.join(tmp, name));
    const unsigned: Manifest = { ...data.manifest, files };
    const manifest: Manifest = { ...unsigned, checksum: manifestChecksum(unsigned) };
    write('manifest.json', JSON.stringify(manifest, null, 2));
    const old = fs.existsSync(target) ? `${tmp}-old` : null;
    if (old) fs.renameSync(target, old);
    fs.renameSync(tmp, target);
    if (old) fs.rmSync(old, { recursive: true, force: true });
    return manifest;
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    cleanupStale(indexDir);
  }
}

/** Removes temp folders left by builds that crashed. */
export function cleanupStale(indexDir: string): void {
  for (const name of fs.existsSync(indexDir) ? fs.readdirSync(indexDir) : []) {
    if (!name.startsWith('.index-tmp-')) continue;
    const pid = Number(/^\.index-tmp-(\d+)-/.exec(name)?.[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    fs.rmSync(path.join(indexDir, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isFinite(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Reads only the manifest; throws E_INDEX_MISSING / E_INDEX_CORRUPT. */
export function readManifest(indexDir: string): Manifest {
  const dir = indexPath(indexDir);
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(dir)) throw new PolicybotError('E_INDEX_MISSING', `no index at ${dir}`);
  if (!fs.existsSync(file)) throw new PolicybotError('E_INDEX_CORRUPT', `index at ${dir} has no manifest (half-written build?)`);
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    // Not JSON, or not readable at all (permissions): either way this index cannot be used.
    throw new PolicybotError('E_INDEX_CORRUPT', `index manifest cannot be read: ${errorMessage(err)}`, { cause: err });
  }
  if (!m || typeof m !== 'object' || !m.embedder || !m.files || typeof m.corpusHash !== 'string') {
    throw new PolicybotError('E_INDEX_CORRUPT', 'index manifest is incomplete');
  }
  if (m.formatVersion !== FORMAT_VERSION) {
    throw new PolicybotError('E_INDEX_STALE', `index format ${m.formatVersion} ≠ ${FORMAT_VERSION}`);
  }
  if (typeof m.checksum !== 'string') throw new PolicybotError('E_INDEX_STALE', 'index manifest has no checksum (built by an older version)');
  if (m.checksum !== manifestChecksum(m)) throw new PolicybotError('E_INDEX_CORRUPT', 'index manifest does not match its checksum (edited or damaged)');
  return m;
}

export function readIndex(indexDir: string): IndexData {
  const manifest = readManifest(indexDir);
  const dir = indexPath(indexDir);
  for (const name of Object.values(ARTIFACTS)) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new PolicybotError('E_INDEX_CORRUPT', `index file ${name} is missing`);
    let sum: string;
    try {
      sum = sha256File(file);
    } catch (err) {
      throw new PolicybotError('E_INDEX_CORRUPT', `index file ${name} cannot be read: ${errorMessage(err)}`, { cause: err });
    }
    if (sum !== manifest.files[name]) throw new PolicybotError('E_INDEX_CORRUPT', `index file ${name} does not match its checksum`);
  }
  try {
    const json = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    const documents = json(ARTIFACTS.documents) as PolicyDocument[];
    const chunks = json(ARTIFACTS.chunks) as Chunk[];
    const lexical = readLexical(path.join(dir, ARTIFACTS.lexical));
    const norms = ChunkNorms.read(path.join(dir, ARTIFACTS.norms));
    const vectors = HnswIndex.load(path.join(dir, ARTIFACTS.vectors), manifest.embedder.dimension);
    if (vectors.size !== chunks.length || lexical.size !== chunks.length || norms.size !== chunks.length) {
      throw new Error(`index holds ${vectors.size} vectors, ${lexical.size} lexical entries and ${norms.size} matching texts for ${chunks.length} chunks`);
    }
    const measures = json(ARTIFACTS.measures) as MeasuresCatalog;
    if (!measures || !Array.isArray(measures.measures)) throw new Error('measures.json holds no measures list');
    return { manifest, documents, chunks, lexical, norms, vectors, embedderState: json(ARTIFACTS.embedder), measures };
  } catch (err) {
    throw new PolicybotError('E_INDEX_CORRUPT', `index could not be read: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * Reads the measures catalog alone (without loading the vectors), checked against the index
 * manifest: a missing or corrupt index throws E_INDEX_MISSING / E_INDEX_CORRUPT. Stored
 * without links (measures/store.withUrls adds them).
 */
export function readMeasures(indexDir: string): Measure[] {
  const manifest = readManifest(indexDir);
  const file = path.join(indexPath(indexDir), ARTIFACTS.measures);
  if (!fs.existsSync(file)) throw new PolicybotError('E_INDEX_CORRUPT', `index file ${ARTIFACTS.measures} is missing`);
  const body = fs.readFileSync(file);
  if (createHash('sha256').update(body).digest('hex') !== manifest.files[ARTIFACTS.measures]) {
    throw new PolicybotError('E_INDEX_CORRUPT', `index file ${ARTIFACTS.measures} does not match its checksum`);
  }
  return (JSON.parse(body.toString('utf8')) as MeasuresCatalog).measures;
}
