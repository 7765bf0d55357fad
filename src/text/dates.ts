/** Chinese and ISO dates → ISO strings; stated end dates of measures. */

const ISO = /(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?/;
const CN = /(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?/;

function pad(n: string | number): string {
  return String(n).padStart(2, '0');
}

/** '2024-07-16', '2024年7月16日', 'Mon, 03 Jan 2022 13:49:33 GMT', '2022-05-13 12:21:57 +0800' → ISO date. */
export function toIsoDate(input: string | null | undefined): string | null {
  if (!input) return null;
  const s = String(input).trim();
  const m = ISO.exec(s) ?? CN.exec(s);
  if (m) {
    const [, y, mo, d] = m;
    if (Number(mo) < 1 || Number(mo) > 12) return null;
    return d ? `${y}-${pad(mo!)}-${pad(d)}` : `${y}-${pad(mo!)}`;
  }
  if (/^\d{4}\s*年?$/.test(s)) return s.slice(0, 4);
  const t = Date.parse(s);
  if (!Number.isNaN(t)) return new Date(t).toISOString().slice(0, 10);
  const y = /^(\d{4})\s*年?$/.exec(s);
  return y ? y[1]! : null;
}

/** The last day covered by a partial ISO date: '2024' → 2024-12-31, '2024-07' → 2024-07-31. */
export function endOfIsoDate(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number) as [number, number | undefined, number | undefined];
  if (d) return new Date(Date.UTC(y, (m ?? 1) - 1, d));
  if (m) return new Date(Date.UTC(y, m, 0));
  return new Date(Date.UTC(y, 11, 31));
}

const END_PATTERNS: RegExp[] = [
  // 执行至2025年12月31日 / 延长至2024年年底 / 有效期至2026年6月30日 / 实施期限为…至…
  /(?:有效期|执行|实施|延长|延续|继续|截止|申请)[^。；;]{0,40}?至\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?|(年?底|年末))/g,
  // 2025年12月31日前(申请) / 截止日期为2025年12月31日
  /截止(?:日期|时间)?(?:为|是)?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/g,
];

/** Stated end dates of measures in a paragraph, as ISO dates (latest first). */
export function statedEndDates(text: string): string[] {
  const out = new Set<string>();
  for (const re of END_PATTERNS) {
    for (const m of text.matchAll(re)) {
      const y = m[1]!;
      if (m[4] || !m[2]) out.add(`${y}-12-31`);
      else if (m[3]) out.add(`${y}-${pad(m[2])}-${pad(m[3])}`);
      else out.add(endOfIsoDate(`${y}-${pad(m[2])}`).toISOString().slice(0, 10));
    }
  }
  return [...out].sort().reverse();
}
