/**
 * The `key | value | key | value |` metadata rows that government sites print above a
 * policy (索引号, 发文机关, 发文字号, 成文日期, 发布日期, 政策咨询电话 …), sometimes twice.
 */
const ROW = /^\s*([^|\n]{1,16}?)\s*\|\s*([^|\n]*?)\s*\|(?:\s*([^|\n]{1,16}?)\s*\|\s*([^|\n]*?)\s*\|)?\s*$/;

export interface MetaTable {
  fields: Record<string, string>;
  /** Display rows of the first printing, e.g. 「政策咨询部门：…；政策咨询电话：0532-58659939」. */
  rows: string[];
  /** Remaining lines after the table(s) were removed. */
  rest: string[];
}

export function extractMetaTable(lines: string[]): MetaTable {
  const fields: Record<string, string> = {};
  const rows: string[] = [];
  const rest: string[] = [];
  for (const line of lines) {
    const m = ROW.exec(line);
    if (!m) {
      rest.push(line);
      continue;
    }
    const pairs: Array<[string, string]> = [[m[1]!.trim(), m[2]!.trim()]];
    if (m[3]) pairs.push([m[3].trim(), (m[4] ?? '').trim()]);
    const fresh = pairs.filter(([k]) => !(k in fields));
    for (const [k, v] of pairs) if (!(k in fields)) fields[k] = v;
    const shown = fresh.filter(([, v]) => v !== '');
    if (shown.length) rows.push(shown.map(([k, v]) => `${k}：${v}`).join('；'));
  }
  return { fields, rows, rest };
}

const ISSUER_KEYS = ['发文机关', '发布机构', '发文单位', '发布单位', '制发机关'];
const NUMBER_KEYS = ['发文字号', '文号'];
const DATE_KEYS = ['成文日期', '发布日期', '印发日期', '发文日期'];

export function tableIssuer(f: Record<string, string>): string | null {
  return firstOf(f, ISSUER_KEYS);
}
export function tableDocNumber(f: Record<string, string>): string | null {
  const v = firstOf(f, NUMBER_KEYS);
  return v && v !== '无' ? v : null;
}
export function tableDate(f: Record<string, string>): string | null {
  return firstOf(f, DATE_KEYS);
}

function firstOf(f: Record<string, string>, keys: string[]): string | null {
  for (const k of keys) if (f[k]?.trim()) return f[k]!.trim();
  return null;
}
