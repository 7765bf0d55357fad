import { normalizeForMatch } from '../text/normalize.ts';

/**
 * The check that keeps a model's answer honest: every sentence must cite a passage it was given
 * ([n]), and every number in it — amounts, percentages, dates, phone numbers, 文号 — must occur in
 * the passages it cites, after folding full/half width, traditional characters and Chinese
 * numerals (百分之九十 = 90%, 三个月 = 3个月, 30万元 = 300000元). A sentence that fails is dropped.
 */
export interface VerifiedAnswer {
  /** The kept sentences, markers renumbered 1…n in order of first use. */
  text: string;
  /** Given passages (0-based) in the order of the new numbers: cited[0] is [1]. */
  cited: number[];
  kept: number;
  dropped: number;
  /** Why each dropped sentence was dropped (for logs and eval), in order. */
  reasons: string[];
}

const MARKER = /[[【]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】]/g;
const END = /[。！？!?\n]/;
const TRAILING = /^[”’」』）)\s]*(?:[[【]\s*\d{1,2}(?:\s*[,，、]\s*\d{1,2})*\s*[\]】]\s*)*/;

/** Sentences of the model's text, each with the markers written right after its end mark. */
export function modelSentences(text: string): string[] {
  const out: string[] = [];
  let rest = text.replace(/\r/g, '');
  while (rest.length) {
    const m = END.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    let end = m.index + 1;
    // 「…2250元。[1]」: markers and closing quotes after the full stop belong to this sentence.
    end += TRAILING.exec(rest.slice(end))![0].length;
    out.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return out.map((s) => s.trim()).filter((s) => s && !/^[\s\p{P}]*$/u.test(s));
}

export function markersOf(sentence: string): number[] {
  const out: number[] = [];
  for (const m of sentence.matchAll(MARKER)) for (const n of m[1]!.split(/[,，、]/)) out.push(Number(n.trim()));
  return out;
}

const SCALE: Record<string, number> = { 万: 1e4, 亿: 1e8 };

/** The numbers a text states: each as written (digits) and as a value with 万/亿 applied. */
export function numbersOf(text: string): Array<{ raw: string; value: number }> {
  const norm = normalizeForMatch(text.replace(MARKER, ' '), { contextFreeNumerals: true });
  const out: Array<{ raw: string; value: number }> = [];
  for (const m of norm.matchAll(/(\d+(?:,\d{3})*(?:\.\d+)?)\s*([万亿])?/g)) {
    const raw = m[1]!.replace(/,/g, '');
    out.push({ raw, value: Number(raw) * (m[2] ? SCALE[m[2]]! : 1) });
  }
  return out;
}

function supported(n: { raw: string; value: number }, passage: Array<{ raw: string; value: number }>): boolean {
  return passage.some((p) => p.raw === n.raw || (Number.isFinite(n.value) && Math.abs(p.value - n.value) < 1e-6 * Math.max(1, n.value)));
}

/** Whether the model said the passages do not answer (it is told to write exactly this). */
export const NO_ANSWER = '无法回答';

export function verifyAnswer(text: string, passages: readonly string[]): VerifiedAnswer {
  const facts = passages.map((p) => numbersOf(p));
  const order: number[] = [];
  const kept: string[] = [];
  const reasons: string[] = [];
  for (const sentence of modelSentences(text)) {
    const markers = markersOf(sentence);
    const body = sentence.replace(MARKER, '').trim();
    if (!markers.length) {
      reasons.push('no citation');
      continue;
    }
    if (markers.some((n) => n < 1 || n > passages.length)) {
      reasons.push('cites a passage it was not given');
      continue;
    }
    const cited = [...new Set(markers.map((n) => n - 1))];
    const pool = cited.flatMap((i) => facts[i]!);
    const unsupported = numbersOf(body).filter((n) => !supported(n, pool));
    if (unsupported.length) {
      reasons.push(`number not in the cited passage: ${unsupported.map((n) => n.raw).join(', ')}`);
      continue;
    }
    for (const i of cited) if (!order.includes(i)) order.push(i);
    kept.push(sentence.replace(MARKER, (_m, list: string) => list.split(/[,，、]/).map((n) => `[${order.indexOf(Number(n.trim()) - 1) + 1}]`).join('')));
  }
  return { text: kept.join(''), cited: order, kept: kept.length, dropped: reasons.length, reasons };
}

/** True when the reply is the model saying it cannot answer from the passages. */
export function saysNoAnswer(text: string): boolean {
  const t = text.trim();
  return !t || t.startsWith(NO_ANSWER) || /^(?:NO_ANSWER|无法根据)/i.test(t);
}
