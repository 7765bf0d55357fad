import { normalizeForMatch } from '../text/normalize.ts';
import { analyzeNormalized, type Analysis } from '../text/tokenize.ts';
import { placesInQuestion, findPlaces } from '../text/gazetteer.ts';
import { expansions } from '../text/synonyms.ts';

/** A question, analysed once and shared by retrieval, abstention and answer composition. */
export interface Query {
  raw: string;
  norm: string;
  analysis: Analysis;
  /** Content words (deduplicated), place names excluded. */
  terms: string[];
  /** Formal equivalents of colloquial terms (打零工 → 灵活就业), matched as alternatives. */
  alternatives: Map<string, string[]>;
  /** Text used to search: the question plus the formal terms. */
  searchText: string;
  /** Places the question names, most specific only (青岛市城阳区). */
  places: string[];
  /** Surface forms of those places as typed (城阳, 广州 …). */
  placeWords: string[];
}

export function parseQuery(raw: string, region?: string | null): Query {
  const norm = normalizeForMatch(raw);
  const expanded = expansions(norm);
  const extra = [...new Set([...expanded.values()].flat())];
  const searchText = extra.length ? `${norm} ${extra.join(' ')}` : norm;
  const analysis = analyzeNormalized(searchText);
  const own = analyzeNormalized(norm);
  const mentions = findPlaces(norm, { short: true });
  const placeWords = [...new Set(mentions.map((m) => norm.slice(m.index, m.index + m.length)))];
  const places = placesInQuestion(norm);
  if (region && !places.length) places.push(...placesInQuestion(normalizeForMatch(region)));
  const isPlacey = (w: string) => placeWords.some((p) => p.includes(w) || w.includes(p));
  const terms = [...new Set(own.words)].filter((w) => !isPlacey(w));
  const alternatives = new Map<string, string[]>();
  for (const t of terms) {
    const alts = [...expanded.entries()].filter(([k]) => k.includes(t) || t.includes(k)).flatMap(([, v]) => v);
    if (alts.length) alternatives.set(t, [...new Set(alts)]);
  }
  return { raw, norm, analysis, terms, alternatives, searchText, places, placeWords };
}

/** Each content word with its formal alternatives, weighted by the rarer of its common forms. */
export function termWeights(query: Query, idf: (w: string) => number): Array<{ forms: string[]; weight: number }> {
  return query.terms.map((t) => {
    const forms = [t, ...(query.alternatives.get(t) ?? [])];
    return { forms, weight: Math.min(...forms.map(idf)) };
  });
}
