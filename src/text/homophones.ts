import { createRequire } from 'node:module';

/**
 * Homophone typos of the domain's words, put right by sound: people type Chinese by pinyin and
 * dictate it by voice, and both give a character of the same syllable for the intended one
 * (担宝贷款, 劳动仲才, 登计, 职业中界 for 担保贷款, 劳动仲裁, 登记, 职业中介). A run of the message that
 * reads, syllable for syllable (tones aside), like a lexicon term of three or more characters and
 * differs from it in one character (two in a term of five or more) is that term. misspellings.yml
 * lists the typos that are not homophones or are too short for this rule; this one needs no list.
 *
 * Only what the lexicon knows is corrected into, only the user's message (never a document), and
 * a run that sounds like two different terms is left as typed.
 */
export interface HomophoneOptions {
  /** Shortest term corrected into (a two-character word has too many homophones). */
  minLength: number;
  /**
   * The message's dictionary words (jieba without guessing new words): a character that is part of
   * a word of two or more characters was meant (非要, 今年, 举报, 执着), and is not put right.
   */
  words?: (text: string) => string[];
}

const DEFAULTS: HomophoneOptions = { minLength: 3 };
/** At most this many readings of a run are followed at once (a run of polyphones). */
const MAX_COMBINATIONS = 32;
const HAN = /^[\u3400-\u9fff]$/u;
/** Question words: a form holding one (罚多少, 怎么罚) is a way of asking, not the name of a thing to correct into. */
const ASKING = /多少|几|怎|咋|什么|啥|哪|谁|吗|么|否|不/u;

interface Pinyin {
  /** Every toneless reading of a character ([] when it has none: not a Han character). */
  readings(ch: string): readonly string[];
  /** The toneless readings of a word as read in it (行长 → hang zhang). */
  word(w: string): string[];
}

/** pinyin-pro, loaded on the first message (not at start). */
let loaded: Pinyin | null = null;
function pinyinOf(): Pinyin {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const pp = require('pinyin-pro') as { polyphonic: (t: string, o: object) => string[][]; pinyin: (t: string, o: object) => string[] };
  const cache = new Map<string, readonly string[]>();
  loaded = {
    readings(ch) {
      let r = cache.get(ch);
      if (!r) {
        r = HAN.test(ch) ? [...new Set(pp.polyphonic(ch, { toneType: 'none', type: 'array' })[0] ?? [])] : [];
        cache.set(ch, r);
      }
      return r;
    },
    word: (w) => pp.pinyin(w, { toneType: 'none', type: 'array' }),
  };
  return loaded;
}

export function homophoneCorrector(terms: readonly string[], options: Partial<HomophoneOptions> = {}): (text: string) => string {
  const { minLength, words: segment } = { ...DEFAULTS, ...options };
  const targets = [...new Set(terms.filter((t) => [...t].length >= minLength && [...t].every((c) => HAN.test(c)) && !ASKING.test(t)))];
  if (!targets.length) return (text) => text;
  const known = new Set(targets);
  // Each term under its own reading (the one it has in that word), and every leading part of those readings,
  // so that a run of the message is followed only while it still sounds like the start of a term. Built on
  // the first message.
  let index: { bySound: Map<string, string[]>; prefixes: Set<string> } | null = null;
  const build = (py: Pinyin) => {
    if (index) return index;
    const bySound = new Map<string, string[]>();
    const prefixes = new Set<string>();
    for (const w of targets) {
      const syllables = py.word(w);
      for (let n = 1; n <= syllables.length; n++) prefixes.add(syllables.slice(0, n).join(' '));
      const k = syllables.join(' ');
      bySound.set(k, [...(bySound.get(k) ?? []), w]);
    }
    index = { bySound, prefixes };
    return index;
  };
  const allowed = (n: number) => (n >= 5 ? 2 : 1);

  return (text) => {
    if (!/[\u3400-\u9fff]/u.test(text)) return text;
    const py = pinyinOf();
    const { bySound, prefixes } = build(py);
    const chars = [...text];
    // Characters inside a word of the dictionary (by code-point index), found when first needed.
    let inWord: Uint8Array | null = null;
    const wordAt = (j: number) => {
      if (!inWord) {
        inWord = new Uint8Array(chars.length);
        if (segment) {
          let at = 0;
          for (const w of segment(text)) {
            const n = [...w].length;
            if (n > 1) inWord.fill(1, at, at + n);
            at += n;
          }
        }
      }
      return inWord[j] === 1;
    };
    let out = '';
    for (let i = 0; i < chars.length; ) {
      // The terms each run starting here sounds like, by length (readings followed while they start a term).
      const bySize: Array<[number, string[]]> = [];
      let partial = [''];
      for (let n = 1; i + n <= chars.length && partial.length; n++) {
        const r = py.readings(chars[i + n - 1]!);
        const next: string[] = [];
        for (const p of partial) for (const x of r) {
          const k = p ? `${p} ${x}` : x;
          if (prefixes.has(k) && next.length < MAX_COMBINATIONS) next.push(k);
        }
        partial = next;
        if (n >= minLength) {
          const found = [...new Set(next.flatMap((k) => bySound.get(k) ?? []))];
          if (found.length) bySize.push([n, found]);
        }
      }
      let fixed: string | null = null;
      let length = 0;
      for (let b = bySize.length - 1; b >= 0 && !fixed && !length; b--) {
        const [n, found] = bySize[b]!;
        const run = chars.slice(i, i + n);
        // Already a term: nothing to put right here, and no shorter term inside it is looked for.
        if (known.has(run.join(''))) {
          length = n;
          break;
        }
        const near = found.filter((w) => {
          const wc = [...w];
          const at = wc.flatMap((c, j) => (c === run[j] ? [] : [j]));
          return at.length >= 1 && at.length <= allowed(n) && at.every((j) => !wordAt(i + j));
        });
        if (near.length === 1) {
          fixed = near[0]!;
          length = n;
        }
      }
      if (fixed) {
        out += fixed;
        i += length;
      } else if (length) {
        out += chars.slice(i, i + length).join('');
        i += length;
      } else out += chars[i++];
    }
    return out;
  };
}

/**
 * A domain word typed in pinyin because its characters would not come (「那个chuangye贷款」, 「shebao断了」): a run of
 * Latin letters that reads, syllable for syllable, like exactly one lexicon term of two or more characters is that
 * term. A run that reads like two terms (shiye: 失业 or 事业) or like none (app, LPR, wifi) is left as typed.
 */
export function pinyinRunCorrector(terms: readonly string[]): (text: string) => string {
  let bySound: Map<string, Set<string>> | null = null;
  const build = () => {
    if (bySound) return bySound;
    bySound = new Map();
    const py = pinyinOf();
    for (const t of new Set(terms)) {
      if ([...t].length < 2 || ![...t].every((c) => HAN.test(c)) || ASKING.test(t)) continue;
      const k = py.word(t).join('');
      if (!bySound.has(k)) bySound.set(k, new Set());
      bySound.get(k)!.add(t);
    }
    return bySound;
  };
  return (text) => {
    if (!LATIN_RUN.test(text)) return text;
    return text.replace(LATIN_RUNS, (run) => {
      const found = build().get(run.toLowerCase());
      return found && found.size === 1 ? [...found][0]! : run;
    });
  };
}
const LATIN_RUN = /[a-z]{4,}/iu;
const LATIN_RUNS = /(?<![a-z])[a-z]{4,}(?![a-z])/giu;
