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
/** A run whose characters have more readings than this together is not looked up further. */
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

/** Every reading of a typed run (each character as any of its readings), as keys; [] when a character has none or there are too many. */
function keys(chars: readonly string[], py: Pinyin): string[] {
  let out = [''];
  for (const ch of chars) {
    const r = py.readings(ch);
    if (!r.length || out.length * r.length > MAX_COMBINATIONS) return [];
    out = out.flatMap((prefix) => r.map((x) => (prefix ? `${prefix} ${x}` : x)));
  }
  return out;
}

export function homophoneCorrector(terms: readonly string[], options: Partial<HomophoneOptions> = {}): (text: string) => string {
  const { minLength, words: segment } = { ...DEFAULTS, ...options };
  const targets = [...new Set(terms.filter((t) => [...t].length >= minLength && [...t].every((c) => HAN.test(c)) && !ASKING.test(t)))];
  if (!targets.length) return (text) => text;
  const known = new Set(targets);
  const maxLength = Math.max(...targets.map((w) => [...w].length));
  let bySound: Map<string, string[]> | null = null;
  // Each term under its own reading (the one it has in that word), built on the first message.
  const index = (py: Pinyin) => {
    if (bySound) return bySound;
    bySound = new Map();
    for (const w of targets) {
      const k = py.word(w).join(' ');
      bySound.set(k, [...(bySound.get(k) ?? []), w]);
    }
    return bySound;
  };
  const allowed = (n: number) => (n >= 5 ? 2 : 1);

  return (text) => {
    if (!/[\u3400-\u9fff]/u.test(text)) return text;
    const py = pinyinOf();
    const sound = index(py);
    const chars = [...text];
    // Characters inside a word of the dictionary (by code-point index).
    const inWord = new Uint8Array(chars.length);
    if (segment) {
      let at = 0;
      for (const w of segment(text)) {
        const n = [...w].length;
        if (n > 1) inWord.fill(1, at, at + n);
        at += n;
      }
    }
    let out = '';
    for (let i = 0; i < chars.length; ) {
      let fixed: string | null = null;
      let length = 0;
      for (let n = Math.min(maxLength, chars.length - i); n >= minLength && !fixed; n--) {
        const run = chars.slice(i, i + n);
        // Already a term: nothing to put right here, and no shorter term inside it is looked for.
        if (known.has(run.join(''))) {
          length = n;
          break;
        }
        const found = new Set<string>();
        for (const k of keys(run, py)) for (const w of sound.get(k) ?? []) found.add(w);
        const near = [...found].filter((w) => {
          const wc = [...w];
          const at = wc.flatMap((c, j) => (c === run[j] ? [] : [j]));
          return at.length >= 1 && at.length <= allowed(n) && at.every((j) => !inWord[i + j]);
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
