/**
 * Splits Chinese text into sentences at 。！？；!?; (keeping the mark), never inside
 * quotes' closing marks, and never at the dot of 1.29 or 10.41.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    cur += ch;
    if (/[。！？；!?;]/.test(ch) || ch === '\n') {
      // Keep closing quotes/brackets with the sentence they end.
      while (i + 1 < text.length && /[”’」』）)\]】]/.test(text[i + 1]!)) cur += text[++i];
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** A table row kept with its column headers (「补贴项目：一次性创业补贴；补贴标准：5000元」): one statement, not split. */
const FIELD = /^[^：:；;。]{1,20}[：:][^；;]+$/u;
export function isFieldRow(text: string): boolean {
  const parts = text.split(/[；;]/u).filter((p) => p.trim());
  return parts.length >= 2 && parts.every((p) => FIELD.test(p.trim()));
}

/** 「（一）」「(2)」「1.」「一、」「第五条」 opening a sentence or an item. */
const NUMBERING = /^(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|[一二三四五六七八九十]+、|第[一二三四五六七八九十百\d]+条)?\s*/u;

/** The sentence without the numbering it opens with. */
/** A bullet opening a list item (「• 本人身份证」, a Markdown list's 「- 」 read as •; 「●」「▲」「·」 in many notices). */
export const BULLET = /^\s*[•●▪▲△·]\s*/u;

export function withoutNumbering(text: string): string {
  return text.replace(NUMBERING, '');
}

/** An item number inside a paragraph (「…：1.本人身份证；2.…」): at its start or after a colon, semicolon or full stop. */
const INLINE_ITEM = /(?:^|[：:；;。\s])(\d{1,2})[.、．](?!\d)/gu;

function lastItemNumber(text: string): number | null {
  let n: number | null = null;
  for (const m of text.matchAll(INLINE_ITEM)) n = Number(m[1]);
  return n;
}

/**
 * A paragraph that lists its items inline (「申请材料：1.申请表一式两份；2.身份证；3.就业创业证。4.承诺书。」) is one list,
 * though an item ends with a full stop: the sentences that go on numbering it are joined to it with 「；」.
 */
export function joinInlineList(sentences: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of sentences) {
    const first = /^(\d{1,2})[.、．](?!\d)/u.exec(s);
    const prev = out[out.length - 1];
    if (first && prev !== undefined && lastItemNumber(prev) === Number(first[1]) - 1) out[out.length - 1] = `${prev.replace(/[。.]$/u, '；')}${s}`;
    else out.push(s);
  }
  return out;
}
