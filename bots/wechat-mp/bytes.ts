/**
 * Passive replies are limited by bytes, not characters (about 2048 bytes of Content; beyond it
 * the platform drops the reply). A CJK character is 3 bytes in UTF-8, an emoji 4, so a part that
 * fits a character limit can still be too long: these helpers re-split by bytes.
 */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Splits `text` into pieces of at most `maxBytes`, preferring line breaks, never inside a code point. */
export function splitByBytes(text: string, maxBytes: number): string[] {
  if (maxBytes < 8) throw new Error('maxBytes too small');
  const out: string[] = [];
  let rest = text;
  while (utf8Bytes(rest) > maxBytes) {
    // Longest prefix (in code points) that fits.
    let bytes = 0;
    let cut = 0;
    for (const ch of rest) {
      const b = utf8Bytes(ch);
      if (bytes + b > maxBytes) break;
      bytes += b;
      cut += ch.length;
    }
    const newline = rest.lastIndexOf('\n', cut);
    // Break at a line end when that keeps at least half of the piece; otherwise cut mid-line.
    const at = newline > cut / 2 ? newline : cut;
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).replace(/^\n+/, '');
  }
  if (rest.trim()) out.push(rest);
  return out;
}

/** Re-splits any part over `maxBytes`, keeping the order. */
export function fitParts(parts: string[], maxBytes: number): string[] {
  return parts.flatMap((p) => (utf8Bytes(p) > maxBytes ? splitByBytes(p, maxBytes) : [p]));
}
