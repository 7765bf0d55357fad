import * as OpenCC from 'opencc-js';
import { foldNumerals } from './numerals.ts';
import { BoundedMemo } from '../bounded-memo.ts';

/**
 * Normalisation for matching only — text shown to users is never passed through here.
 * - NFKC folds full-width ASCII and punctuation (，：（） → ,:()) and compatibility forms;
 * - traditional characters become simplified (OpenCC, Hong Kong/Taiwan/standard variants);
 * - Latin letters are lower-cased; whitespace runs collapse to one space;
 * - Chinese numerals in quantities become digits (十五年 → 15年, 百分之五十 → 50%).
 */
let t2s: ((s: string) => string) | null = null;

function toSimplified(s: string): string {
  const convert = (t2s ??= OpenCC.Converter({ from: 'hk', to: 'cn' }));
  return convert(s);
}

// Characters OpenCC is only needed for: skip the conversion on pure simplified/ASCII text.
const MAYBE_TRADITIONAL = /[\u3400-\u9fff]/;

/**
 * Answers normalise the same sentences of the same passages ask after ask: short texts are
 * remembered (in a bounded memo).
 */
const memo = new BoundedMemo<string, string>(10_000);
const MEMO_MAX_CHARS = 600;

export function normalizeForMatch(text: string, opts: { contextFreeNumerals?: boolean } = {}): string {
  if (opts.contextFreeNumerals || text.length > MEMO_MAX_CHARS) return normalizeText(text, opts);
  return memo.get(text, () => normalizeText(text, opts));
}

function normalizeText(text: string, opts: { contextFreeNumerals?: boolean }): string {
  let s = text.normalize('NFKC').replace(/[\u200b-\u200f\u2060\ufeff]/g, '');
  if (MAYBE_TRADITIONAL.test(s)) s = toSimplified(s);
  s = s.toLowerCase().replace(/\s+/g, ' ').trim();
  return foldNumerals(s, { contextFree: opts.contextFreeNumerals === true });
}

/**
 * Drops whitespace and punctuation (both widths): used to compare gold strings with answers.
 * Numerals fold without looking at the preceding character, which a substring does not have
 * (gold 「一年至少进行一次」 inside 「参保人一年至少进行一次」).
 */
export function foldForCompare(text: string): string {
  return normalizeForMatch(text, { contextFreeNumerals: true }).replace(/[\s\p{P}\p{S}]/gu, '');
}

export const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
export const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;
