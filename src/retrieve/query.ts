import { normalizeForMatch } from '../text/normalize.ts';
import { analyzeNormalized, type Analysis } from '../text/tokenize.ts';
import { placesInQuestion, findPlaces } from '../text/gazetteer.ts';

/** A question, analysed once and shared by retrieval, abstention and answer composition. */
export interface Query {
  raw: string;
  norm: string;
  analysis: Analysis;
  /** Content words (deduplicated), place names excluded. */
  terms: string[];
  /** Places the question names, most specific only (青岛市城阳区). */
  places: string[];
  /** Surface forms of those places as typed (城阳, 广州 …). */
  placeWords: string[];
}

export function parseQuery(raw: string, region?: string | null): Query {
  const norm = normalizeForMatch(raw);
  const analysis = analyzeNormalized(norm);
  const mentions = findPlaces(norm, { short: true });
  const placeWords = [...new Set(mentions.map((m) => norm.slice(m.index, m.index + m.length)))];
  const places = placesInQuestion(norm);
  if (region && !places.length) places.push(...placesInQuestion(normalizeForMatch(region)));
  const isPlacey = (w: string) => placeWords.some((p) => p.includes(w) || w.includes(p));
  const terms = [...new Set(analysis.words)].filter((w) => !isPlacey(w));
  return { raw, norm, analysis, terms, places, placeWords };
}
