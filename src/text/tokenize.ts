import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
import { CJK_RUN, normalizeForMatch } from './normalize.ts';
import { loadLexicon } from './lexicon.ts';

/**
 * Chinese-aware analysis shared by the lexical index, the offline embedder, abstention
 * and answer composition (one tokenizer everywhere, so scores are comparable).
 * Never splits Chinese on whitespace: jieba search-mode words, number tokens kept whole
 * (1.29, 10.41, 0532-58659939, 55%), plus character bigrams for robustness to segmentation.
 */
let jieba: Jieba | null = null;
const userWords = new Set<string>();

function getJieba(): Jieba {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
    // The built-in lexicon's terms always; an operator's through addUserWords.
    for (const w of loadLexicon().userWords) userWords.add(w);
    loadWords(jieba, [...userWords]);
  }
  return jieba;
}

/** A user-dictionary frequency high enough that a policy term (创业担保贷款, 失业保险金) segments whole. */
const USER_WORD_FREQ = 50000;

function loadWords(j: Jieba, words: string[]): void {
  j.loadDict(Buffer.from(words.map((w) => `${w} ${USER_WORD_FREQ} n`).join('\n'), 'utf8'));
}

/**
 * Adds words to jieba's dictionary (the lexicon's terms: src/text/lexicon.ts). Segmentation is
 * part of the index pipeline, so the lexicon's id salts the index hash (index/build.ts).
 */
export function addUserWords(words: readonly string[]): void {
  const fresh = words.filter((w) => !userWords.has(w));
  if (!fresh.length) return;
  for (const w of fresh) userWords.add(w);
  if (jieba) loadWords(jieba, fresh);
}

/** Function words and question words that carry no topic. */
export const STOPWORDS = new Set(
  (
    '的 了 是 我 你 他 她 它 我们 你们 他们 在 和 与 及 或 对 给 都 也 就 还 会 被 把 为 以 从 到 向 于 这 那 这个 那个 这些 那些 ' +
    '吗 呢 吧 啊 呀 么 嘛 哦 哪 啥 什么 怎么 怎样 怎么样 如何 多少 几 几个 哪些 哪个 哪里 哪儿 是否 有没有 能否 可否 ' +
    '请问 请 一下 想 想要 要 能 能够 可以 可 有 没有 该 应该 需 需要 得 个 些 其 之 等 中 上 下 里 内 ' +
    '今年 去年 明年 现在 目前 最近 如今 本人 自己 大家 一个 关于 有关 进行 相关 一些 所以 因为 如果 但是 而且 并且 以及 ' +
    '告诉 知道 问 问题 吗 呢 好 谢谢 您好 你好'
  ).split(/\s+/),
);

const NUMBER_TOKEN = /\d+(?:[.\-/]\d+)*%?/g;
const PUNCT_OR_SPACE = /^[\s\p{P}\p{S}]+$/u;
const NUMERIC_PIECE = /^[\d.\-/%]+$/;

export interface Analysis {
  /** jieba words (search mode) and whole number tokens, stopwords removed. */
  words: string[];
  /** Character bigrams of every CJK run. */
  bigrams: string[];
}

/** Analyses text that is not yet normalised. */
export function analyze(text: string): Analysis {
  return analyzeNormalized(normalizeForMatch(text));
}

export function analyzeNormalized(norm: string): Analysis {
  const words: string[] = [];
  for (const w of getJieba().cutForSearch(norm, true)) {
    const t = w.trim();
    if (!t || PUNCT_OR_SPACE.test(t) || NUMERIC_PIECE.test(t) || STOPWORDS.has(t)) continue;
    words.push(t);
  }
  for (const m of norm.matchAll(NUMBER_TOKEN)) words.push(m[0]);
  return { words, bigrams: cjkBigrams(norm) };
}

export function cjkBigrams(norm: string): string[] {
  const out: string[] = [];
  for (const m of norm.matchAll(CJK_RUN)) {
    const run = m[0];
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return out;
}

/**
 * The words of a text as jieba's dictionary (with the lexicon's terms) has them, without guessing new
 * words: an unknown run stays single characters. The pieces put together are the text.
 */
export function dictionaryWords(text: string): string[] {
  return getJieba().cut(text, false);
}

/** Plain jieba segmentation (precise mode) of already-normalised text. */
export function cut(norm: string): string[] {
  return getJieba().cut(norm, true);
}
