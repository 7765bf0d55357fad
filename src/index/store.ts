import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Chunk, IngestProblem, PolicyDocument } from '../types.ts';
import { PolicybotError, errorMessage } from '../errors.ts';
import type { Bm25Index } from './bm25.ts';
import { readLexical, writeLexical } from './lexical-file.ts';
import { ChunkNorms } from './chunk-norms.ts';
import { sha256File, sha256FilesInWorker } from './hash-file.ts';
import { restoreChunks, storeChunks, type StoredChunk } from './chunk-file.ts';
import type { VectorIndex } from './vector-index.ts';
import { loadShards, loadShardsAsync, shardNames } from './hnsw-shards.ts';
import type { Measure, MeasuresCatalog } from '../measures/types.ts';

/**
 * The persisted index: versioned folders `<indexDir>/versions/<version>/`, each holding a manifest
 * and its artifacts, and `<indexDir>/CURRENT` naming the live one. A build writes into a temp
 * folder, renames it to its version, then replaces CURRENT (atomically, by rename): a crash
 * mid-build never leaves a broken index in place, and servers of other processes (replicas on a
 * shared disk) load the newest complete version at start, on SIGHUP or when CURRENT changes
 * (index/watch.ts), while answering from the one they have. The previous version is kept, older
 * ones removed. The manifest is written last and records a checksum of every artifact: a folder
 * without a valid manifest, or whose files do not match it, is detected and rebuilt instead of
 * crashing the reader. (An index of the older layout, a single `<indexDir>/index/`, is still read.)
 */
export const FORMAT_VERSION = 4;

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
  /** The version folder's name: build time and a hash of the artifacts (20261201-165012345-ab12cd34). */
  version?: string;
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

/** The file naming the live version. */
const CURRENT = 'CURRENT';
/** Versions kept besides the live one (a reader that resolved the previous one can finish). */
const KEEP_PREVIOUS = 1;

/** The live index folder: the version CURRENT names, else the older single `index/` folder. */
export function indexPath(indexDir: string): string {
  const version = currentVersion(indexDir);
  if (version && fs.existsSync(path.join(indexDir, 'versions', version))) return path.join(indexDir, 'versions', version);
  return path.join(indexDir, 'index');
}

/** The version CURRENT names, or null (no versioned index yet). */
export function currentVersion(indexDir: string): string | null {
  try {
    const name = fs.readFileSync(path.join(indexDir, CURRENT), 'utf8').trim();
    return /^[\w.-]+$/.test(name) ? name : null;
  } catch {
    return null;
  }
}

function versionName(builtAt: string, files: Record<string, string>): string {
  const stamp = builtAt.replace(/[-:]/g, '').replace('T', '-').replace('.', '').slice(0, 18);
  const digest = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 8);
  return `${stamp}-${digest}`;
}

export function writeIndex(indexDir: string, data: Omit<IndexData, 'manifest'> & { manifest: Omit<Manifest, 'files'> }): Manifest {
  fs.mkdirSync(path.join(indexDir, 'versions'), { recursive: true });
  const tmp = path.join(indexDir, `.index-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(tmp);
  try {
    const write = (name: string, body: string) => fs.writeFileSync(path.join(tmp, name), body);
    write(ARTIFACTS.documents, JSON.stringify(data.documents));
    write(ARTIFACTS.chunks, JSON.stringify(storeChunks(data.chunks, data.documents)));
    writeLexical(path.join(tmp, ARTIFACTS.lexical), data.lexical);
    data.norms.write(path.join(tmp, ARTIFACTS.norms));
    write(ARTIFACTS.embedder, JSON.stringify(data.embedderState ?? null));
    write(ARTIFACTS.measures, JSON.stringify(data.measures));
    const vectorFiles = data.vectors.save(path.join(tmp, ARTIFACTS.vectors)).map((f) => path.basename(f));
    const files: Record<string, string> = {};
    for (const name of [...Object.values(ARTIFACTS), ...vectorFiles]) files[name] = sha256File(path.join(tmp, name));
    const version = versionName(data.manifest.builtAt, files);
    const unsigned: Manifest = { ...data.manifest, files, version };
    const manifest: Manifest = { ...unsigned, checksum: manifestChecksum(unsigned) };
    write('manifest.json', JSON.stringify(manifest, null, 2));
    fs.renameSync(tmp, path.join(indexDir, 'versions', version));
    // The switch: CURRENT is replaced by rename, so a reader sees the old name or the new one.
    const pointer = `${tmp}.current`;
    fs.writeFileSync(pointer, `${version}\n`);
    fs.renameSync(pointer, path.join(indexDir, CURRENT));
    pruneVersions(indexDir, version);
    return manifest;
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    cleanupStale(indexDir);
  }
}

/** Keeps the live version and the one before it; removes older ones and the older single `index/` folder. */
function pruneVersions(indexDir: string, live: string): void {
  const dir = path.join(indexDir, 'versions');
  const older = fs
    .readdirSync(dir)
    .filter((n) => n !== live && !n.startsWith('.'))
    .sort()
    .reverse();
  for (const name of older.slice(KEEP_PREVIOUS)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  fs.rmSync(path.join(indexDir, 'index'), { recursive: true, force: true });
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
  return readManifestAt(indexPath(indexDir));
}

function readManifestAt(dir: string): Manifest {
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

/** The artifacts read as JSON (each read once: hashed, then parsed from the same bytes). */
const JSON_ARTIFACTS = [ARTIFACTS.documents, ARTIFACTS.chunks, ARTIFACTS.embedder, ARTIFACTS.measures] as const;
/**
 * The binary artifacts, hashed before they are loaded (the native HNSW reader must not see a damaged
 * file): the vectors (with their further shards, as the manifest lists them), lexical index, norms.
 */
function binaryArtifacts(manifest: Manifest): string[] {
  return [...vectorArtifacts(manifest), ARTIFACTS.lexical, ARTIFACTS.norms];
}

function vectorArtifacts(manifest: Manifest): string[] {
  return shardNames(ARTIFACTS.vectors, Object.keys(manifest.files));
}

type HashResult = { sum: string } | { error: string };

/** Reads the live index, checking every artifact against the manifest; E_INDEX_CORRUPT when one does not match. */
export function readIndex(indexDir: string): IndexData {
  const { dir, manifest } = openIndexDir(indexDir);
  const binaries = binaryArtifacts(manifest);
  const sums = hashBinaries(dir, binaries);
  binaries.forEach((name, i) => verifySum(manifest, name, sums[i]!));
  return loadArtifacts(dir, manifest, readJsonArtifacts(dir, manifest));
}

/**
 * readIndex with the binary artifacts (the vectors: most of a large index's bytes) hashed on a worker
 * thread while this one reads and parses the JSON ones, and the vectors, once their checksums hold,
 * loaded on the native thread pool meanwhile: the same checks, in less wall time.
 */
export async function readIndexAsync(indexDir: string): Promise<IndexData> {
  const { dir, manifest } = openIndexDir(indexDir);
  const binaries = binaryArtifacts(manifest);
  const vectorNames = vectorArtifacts(manifest);
  const pending = sha256FilesInWorker(binaries.map((name) => path.join(dir, name)));
  // The native reader sees a vector file only after its checksum held.
  const vectorsLoaded = pending.then((sums) => {
    vectorNames.forEach((name, i) => verifySum(manifest, name, sums[i]!));
    return loadShardsAsync(vectorNames.map((name) => path.join(dir, name)), manifest.embedder.dimension);
  });
  // Settled even if the JSON below throws, so a rejected promise is never left unhandled.
  const settled = pending.then(
    (sums) => ({ sums }),
    (err: unknown) => ({ failed: err }),
  );
  const vectorsSettled = vectorsLoaded.then(
    (vectors) => ({ vectors }),
    (err: unknown) => ({ failed: err }),
  );
  const json = await readJsonArtifactsYielding(dir, manifest);
  const result = await settled;
  // A thread that could not run (resource limits) leaves the hashing to this one.
  const sums = 'sums' in result ? result.sums : hashBinaries(dir, binaries);
  binaries.forEach((name, i) => verifySum(manifest, name, sums[i]!));
  const loaded = await vectorsSettled;
  if ('failed' in loaded && 'sums' in result) throw new PolicybotError('E_INDEX_CORRUPT', `index could not be read: ${errorMessage(loaded.failed)}`, { cause: loaded.failed });
  return loadArtifacts(dir, manifest, json, 'vectors' in loaded ? loaded.vectors : undefined);
}

/** The binary artifacts' hashes, on this thread. */
function hashBinaries(dir: string, names: readonly string[]): HashResult[] {
  return names.map((name) => {
    try {
      return { sum: sha256File(path.join(dir, name)) };
    } catch (err) {
      return { error: errorMessage(err) };
    }
  });
}

function openIndexDir(indexDir: string): { dir: string; manifest: Manifest } {
  // Resolved once: a build that switches CURRENT meanwhile does not mix two versions' files.
  const dir = indexPath(indexDir);
  const manifest = readManifestAt(dir);
  for (const name of [...Object.values(ARTIFACTS), ...vectorArtifacts(manifest)]) {
    if (!fs.existsSync(path.join(dir, name))) throw new PolicybotError('E_INDEX_CORRUPT', `index file ${name} is missing`);
  }
  return { dir, manifest };
}

function verifySum(manifest: Manifest, name: string, result: HashResult): void {
  if ('error' in result) throw new PolicybotError('E_INDEX_CORRUPT', `index file ${name} cannot be read: ${result.error}`);
  if (result.sum !== manifest.files[name]) throw new PolicybotError('E_INDEX_CORRUPT', `index file ${name} does not match its checksum`);
}

type JsonArtifacts = Record<(typeof JSON_ARTIFACTS)[number], unknown>;

function readJsonArtifacts(dir: string, manifest: Manifest): JsonArtifacts {
  const out = {} as JsonArtifacts;
  for (const name of JSON_ARTIFACTS) out[name] = readJsonArtifact(dir, manifest, name);
  return out;
}

/** readJsonArtifacts, letting other work start between files (the vectors' load once their hash is in). */
async function readJsonArtifactsYielding(dir: string, manifest: Manifest): Promise<JsonArtifacts> {
  const out = {} as JsonArtifacts;
  for (const name of JSON_ARTIFACTS) {
    out[name] = readJsonArtifact(dir, manifest, name);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

function readJsonArtifact(dir: string, manifest: Manifest, name: string): unknown {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(dir, name));
  } catch (err) {
    throw new PolicybotError('E_INDEX_CORRUPT', `index file ${name} cannot be read: ${errorMessage(err)}`, { cause: err });
  }
  verifySum(manifest, name, { sum: createHash('sha256').update(bytes).digest('hex') });
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new PolicybotError('E_INDEX_CORRUPT', `index could not be read: ${errorMessage(err)}`, { cause: err });
  }
}

function loadArtifacts(dir: string, manifest: Manifest, json: JsonArtifacts, loadedVectors?: VectorIndex): IndexData {
  try {
    const documents = json[ARTIFACTS.documents] as PolicyDocument[];
    const chunks = restoreChunks(json[ARTIFACTS.chunks] as StoredChunk[], documents);
    const lexical = readLexical(path.join(dir, ARTIFACTS.lexical));
    const norms = ChunkNorms.read(path.join(dir, ARTIFACTS.norms));
    const vectors = loadedVectors ?? loadShards(vectorArtifacts(manifest).map((name) => path.join(dir, name)), manifest.embedder.dimension);
    if (vectors.size !== chunks.length || lexical.size !== chunks.length || norms.size !== chunks.length) {
      throw new Error(`index holds ${vectors.size} vectors, ${lexical.size} lexical entries and ${norms.size} matching texts for ${chunks.length} chunks`);
    }
    const measures = json[ARTIFACTS.measures] as MeasuresCatalog;
    if (!measures || !Array.isArray(measures.measures)) throw new Error('measures.json holds no measures list');
    return { manifest, documents, chunks, lexical, norms, vectors, embedderState: json[ARTIFACTS.embedder], measures };
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
  const dir = indexPath(indexDir);
  const manifest = readManifestAt(dir);
  const file = path.join(dir, ARTIFACTS.measures);
  if (!fs.existsSync(file)) throw new PolicybotError('E_INDEX_CORRUPT', `index file ${ARTIFACTS.measures} is missing`);
  const body = fs.readFileSync(file);
  if (createHash('sha256').update(body).digest('hex') !== manifest.files[ARTIFACTS.measures]) {
    throw new PolicybotError('E_INDEX_CORRUPT', `index file ${ARTIFACTS.measures} does not match its checksum`);
  }
  return (JSON.parse(body.toString('utf8')) as MeasuresCatalog).measures;
}
