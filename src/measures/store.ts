import { paragraphUrl } from '../links.ts';
import type { Measure } from './types.ts';

/**
 * The catalog is stored with docId + paragraphId only; links are made when it is read, so a
 * change of PUBLIC_BASE_URL needs no rebuild.
 */
export function withUrls(measures: readonly Measure[], baseUrl: string): Measure[] {
  return measures.map((m) => ({ ...m, url: paragraphUrl(baseUrl, m.docId, m.paragraphId) }));
}
