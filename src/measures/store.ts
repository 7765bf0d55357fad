import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { indexPath, readManifest } from '../index/store.ts';
import { paragraphUrl } from '../answer/contract.ts';
import { PolicybotError } from '../errors.ts';
import type { Measure, MeasuresCatalog } from './types.ts';

export const MEASURES_FILE = 'measures.json';

/**
 * The catalog is stored with docId + paragraphId only; links are made when it is read, so a
 * change of PUBLIC_BASE_URL needs no rebuild.
 */
export function withUrls(measures: readonly Measure[], baseUrl: string): Measure[] {
  return measures.map((m) => ({ ...m, url: paragraphUrl(baseUrl, m.docId, m.paragraphId) }));
}

/**
 * Reads `<indexDir>/index/measures.json` alone (without loading the vectors), checked against
 * the index manifest: a missing or corrupt index throws E_INDEX_MISSING / E_INDEX_CORRUPT.
 */
export function readMeasures(indexDir: string, baseUrl: string): Measure[] {
  const manifest = readManifest(indexDir);
  const file = path.join(indexPath(indexDir), MEASURES_FILE);
  if (!fs.existsSync(file)) throw new PolicybotError('E_INDEX_CORRUPT', `index file ${MEASURES_FILE} is missing`);
  const body = fs.readFileSync(file);
  if (createHash('sha256').update(body).digest('hex') !== manifest.files[MEASURES_FILE]) {
    throw new PolicybotError('E_INDEX_CORRUPT', `index file ${MEASURES_FILE} does not match its checksum`);
  }
  const catalog = JSON.parse(body.toString('utf8')) as MeasuresCatalog;
  return withUrls(catalog.measures, baseUrl);
}
