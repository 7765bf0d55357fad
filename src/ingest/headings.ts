/**
 * Recognises the numbering of Chinese official documents and laws and assigns each
 * paragraph the path of headings above it: 第X编/章/节/条, 一、 / (一) / 1. / (1).
 */
import { BULLET } from '../text/sentences.ts';

const CN_NUM = '[一二三四五六七八九十百千零〇两\\d]+';

interface Marker {
  level: number;
  re: RegExp;
}

const MARKERS: Marker[] = [
  { level: 0, re: new RegExp(`^第${CN_NUM}编`) },
  { level: 1, re: new RegExp(`^第${CN_NUM}章`) },
  { level: 2, re: new RegExp(`^第${CN_NUM}节`) },
  { level: 3, re: new RegExp(`^第${CN_NUM}条`) },
  { level: 4, re: /^[一二三四五六七八九十]+[、.．]/ },
  // Notices and 明白卡 head their sections with a bracketed name (「【岗位设置】」) or a star or square (「★ 哪些人可以领」);
  // the same marks on a run of short lines with nothing under each are list items (the list rule below).
  // Only a line that is nothing but such a name: 「【补贴标准】取得初级证书的补贴1000元」 is a labelled part, not a heading.
  { level: 4, re: /^【[^】]{1,20}】$/u },
  { level: 4, re: /^[★☆■◆◇]\s*[^。；;，,：:]{1,20}$/u },
  { level: 5, re: /^[(（][一二三四五六七八九十]+[)）]/ },
  { level: 6, re: /^\d{1,2}[.．、](?!\d)/ },
  { level: 7, re: /^[(（]\d{1,2}[)）]/ },
  { level: 7, re: /^[①②③④⑤⑥⑦⑧⑨⑩]/ },
  { level: 9, re: BULLET },
];

export interface HeadingInfo {
  level: number;
  /** The heading line, or for an article the 第X条 label. */
  label: string;
  /** A standalone heading line (no sentence of its own). */
  isHeading: boolean;
}

/** A question line of an FAQ (「二、创业担保贷款最高可以申请多少额度？」 「问：…？」): its answer follows. */
const QUESTION_LINE = /^(?:问[:：]|Q[:：]|\d{1,2}[.．、]|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）])?[^。；;]{2,60}[？?]$/;
const QUESTION_LEVEL = 8;

export function headingOf(text: string): HeadingInfo | null {
  const t = text.trim();
  if (QUESTION_LINE.test(t)) {
    const marked = MARKERS.find((m) => m.level >= 4 && m.re.test(t));
    return { level: marked ? marked.level : QUESTION_LEVEL, label: t, isHeading: true };
  }
  for (const { level, re } of MARKERS) {
    const m = re.exec(t);
    if (!m) continue;
    const short = t.length <= 40 && !/[。；;！!？?：:，,]$/.test(t) && !/[。；;]/.test(t);
    if (level === 3) return { level, label: m[0], isHeading: false };
    if (level <= 2) return { level, label: t.slice(0, 40), isHeading: short };
    return short ? { level, label: t, isHeading: true } : { level, label: m[0], isHeading: false };
  }
  return null;
}

/** A heading by markup only (a Word 「标题 1」 without numbering): h1 as 一、, h2 as （一）, deeper as 1. */
function markedHeading(text: string, marked?: ReadonlyMap<string, number>): HeadingInfo | null {
  const level = marked?.get(text);
  if (level === undefined || text.length > 60) return null;
  return { level: Math.min(6, 3 + level), label: text.trim(), isHeading: true };
}

/** Whether what follows a heading line is its content: body text, or numbering one level deeper. */
function opensSection(h: HeadingInfo, next: HeadingInfo | null, hasNext: boolean): boolean {
  if (!hasNext) return false;
  if (!next) return true;
  return next.level > h.level;
}

export interface PathedBlock {
  text: string;
  headingPath: string[];
  isHeading: boolean;
}

/** A sentence that introduces a list: 「失业人员同时符合下列条件的，可以领取失业保险金：」. */
const LEAD_IN = /[:：]$/;
const LEAD_IN_LEVEL = 10;

/**
 * Walks blocks in order keeping a stack of open headings. A lead-in sentence ending in
 * a colon stays open over the numbered items that follow it, so each item keeps the
 * condition it belongs to in its path; a plain paragraph or a new heading closes it.
 */
export function assignHeadingPaths(blocks: string[], marked?: ReadonlyMap<string, number>): PathedBlock[] {
  const stack: Array<{ level: number; label: string }> = [];
  const out: PathedBlock[] = [];
  const popLeadIns = () => {
    while (stack.length && stack[stack.length - 1]!.level === LEAD_IN_LEVEL) stack.pop();
  };
  const path = () => stack.map((s) => s.label);
  const infos = blocks.map((text) => headingOf(text) ?? markedHeading(text, marked));
  let itemLevel = -1;
  for (const [i, text] of blocks.entries()) {
    let h = infos[i] ?? null;
    // A short numbered line with nothing under it is a list item (「1. 本人身份证」 then 「2. …」), not a heading.
    // So is one right after such an item of its level (the last item of a list, before the text resumes).
    if (h?.isHeading && h.level >= 4 && h.level !== QUESTION_LEVEL && !marked?.has(text)) {
      if (!opensSection(h, infos[i + 1] ?? null, i + 1 < blocks.length) || itemLevel === h.level) {
        h = { ...h, isHeading: false };
        itemLevel = h.level;
      }
    } else if (!h || h.level <= 3) itemLevel = -1;
    if (h && (h.isHeading || h.level === 3)) {
      popLeadIns();
      while (stack.length && stack[stack.length - 1]!.level >= h.level) stack.pop();
      out.push({ text, headingPath: path(), isHeading: h.isHeading });
      stack.push({ level: h.level, label: h.label });
    } else if (LEAD_IN.test(text.trim()) && text.length <= 160) {
      popLeadIns();
      if (h) while (stack.length && stack[stack.length - 1]!.level >= h.level) stack.pop();
      out.push({ text, headingPath: path(), isHeading: false });
      stack.push({ level: LEAD_IN_LEVEL, label: text.trim() });
    } else if (h) {
      // A numbered item with a body: under the open lead-in, if any.
      const leadIn = stack.length && stack[stack.length - 1]!.level === LEAD_IN_LEVEL ? stack.pop() : undefined;
      while (stack.length && stack[stack.length - 1]!.level >= h.level) stack.pop();
      if (leadIn) stack.push(leadIn);
      out.push({ text, headingPath: path(), isHeading: false });
    } else {
      popLeadIns();
      out.push({ text, headingPath: path(), isHeading: false });
    }
  }
  return out;
}
