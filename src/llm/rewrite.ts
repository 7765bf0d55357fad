import { z } from 'zod';

/** The model's reading of a message: formal search queries, what each asks for, and the place. */
export interface Rewrite {
  queries: string[];
  kinds: string[];
  place: string | null;
}

const RewriteSchema = z.object({
  queries: z.array(z.string()).min(1),
  kinds: z.array(z.string()).optional(),
  place: z.string().nullable().optional(),
});

const MAX_QUERIES = 3;
const MAX_QUERY_CHARS = 60;

/**
 * Reads the model's JSON (tolerating a code fence or words around it). Null when there is no usable
 * object: the rewrite is an extra, and retrieval goes on with the message as typed.
 */
export function parseRewrite(text: string): Rewrite | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start, end + 1));
  } catch {
    return null;
  }
  const r = RewriteSchema.safeParse(json);
  if (!r.success) return null;
  const queries = r.data.queries
    .map((q) => q.replace(/\s+/g, ' ').trim())
    .filter((q) => q && [...q].length <= MAX_QUERY_CHARS)
    .slice(0, MAX_QUERIES);
  if (!queries.length) return null;
  const place = r.data.place?.trim();
  return { queries, kinds: (r.data.kinds ?? []).slice(0, MAX_QUERIES), place: place && place !== 'null' ? place : null };
}

/** The queries to retrieve with: a place the model read is put in front of a query that lacks it. */
export function variantQueries(r: Rewrite): string[] {
  return r.queries.map((q) => (r.place && !q.includes(r.place) ? `${r.place} ${q}` : q));
}
