import { parse as parseYaml } from 'yaml';

export interface FrontMatter {
  data: Record<string, unknown>;
  body: string;
}

/**
 * Splits a leading `---\n…\n---` YAML block off a file. A block that is not valid YAML
 * is left in the body (it is then just text), never thrown on.
 */
export function splitFrontMatter(raw: string): FrontMatter {
  const text = raw.replace(/^\uFEFF/, '').replace(/^(?:[ \t]*\r?\n)+(?=---)/, '');
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { data: {}, body: text };
  try {
    const data: unknown = parseYaml(m[1]!);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return { data: {}, body: text };
    return { data: data as Record<string, unknown>, body: text.slice(m[0].length) };
  } catch {
    return { data: {}, body: text };
  }
}

export function fmString(data: Record<string, unknown>, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = data[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (typeof v === 'number') return String(v);
    if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  }
  return null;
}
