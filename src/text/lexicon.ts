import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { PolicybotError, errorMessage } from '../errors.ts';
import { normalizeForMatch } from './normalize.ts';

/**
 * The domain lexicon, kept as data (src/text/lexicon/, README there): how people talk about
 * 人社 matters versus how documents are written. Concept files map everyday variants to the
 * documents' formal terms; `answer-kinds.yml` says what kind of answer a question asks for and
 * what text gives it; `phrases.yml` lists chat phrases that carry no topic. Operators extend it
 * with their own concept files (LEXICON_DIR); the built-in files are always loaded first.
 */

const ConceptFileSchema = z.object({
  family: z.string().min(1),
  /** false for roles and common verbs: they expand searches but are not a question's topic. */
  topic: z.boolean().default(true),
  /** Roles and everyday verbs said in almost every question (公司, 领): they count for less in a search (a procedure step such as 补发 does not). */
  common: z.boolean().default(false),
  /** A generic name (补贴, 补助): it puts a question in the domain but names no particular measure. */
  generic: z.boolean().default(false),
  concepts: z
    .array(
      z.object({
        name: z.string().min(1),
        /** May be empty in a file that only adds everyday words to an existing concept (a new concept then uses its name). */
        formal: z.array(z.string().min(1)).default([]),
        everyday: z.array(z.string().min(1)).default([]),
        /** An ask that names it is refused whatever else it names (「帮我写个爬虫抓招聘网站」 is a task, not a question). */
        refuse: z.boolean().default(false),
        /** Who does handle it (「个人所得税由税务部门管理，可拨打 12366」): said instead of the 人社 hotline when it is refused. */
        refer: z.string().min(1).optional(),
      }),
    )
    .min(1),
});

const PhrasesSchema = z.object({
  politeness: z.array(z.string().min(1)),
  urgency: z.array(z.string().min(1)),
  openers: z.array(z.string().min(1)),
  fillers: z.array(z.string().min(1)),
  ask_joiners: z.array(z.string().min(1)),
  question_cues: z.array(z.string().min(1)),
  weak_cues: z.array(z.string().min(1)).default([]),
  not_questions: z.array(z.string().min(1)).default([]),
  benefit_nouns: z.array(z.string().min(1)).default([]),
  reference_words: z.array(z.string().min(1)).default([]),
  weak_words: z.array(z.string().min(1)),
  inserted_words: z.array(z.string().min(1)).default([]),
  elided_object_verbs: z.array(z.string().min(1)).default([]),
  giving_verbs: z.array(z.string().min(1)).default([]),
  received_nouns: z.array(z.string().min(1)).default([]),
  place_relations: z.object({ same_province: z.array(z.string().min(1)).default([]), other_province: z.array(z.string().min(1)).default([]) }).default({ same_province: [], other_province: [] }),
});

const MisspellingsSchema = z.object({ misspellings: z.record(z.string().min(1), z.string().min(1)).default({}) });
/** Dialect question words and pronouns and their Mandarin (dialect.yml), put in the same way before a message is read. */
const DialectSchema = z.object({ dialect: z.record(z.string().min(1), z.string().min(1)).default({}) });

export const ANSWER_KINDS = ['materials', 'where', 'amount', 'duration', 'number', 'consequence', 'procedure', 'who', 'yesno', 'what'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];
/** Kinds answered by a figure (a sum, a period, a count), which any text may mention in passing. */
export const FIGURE_KINDS: ReadonlySet<AnswerKind> = new Set(['amount', 'duration', 'number']);

const KindsSchema = z.object({
  quantities: z
    .array(
      z.object({
        name: z.string().min(1),
        ask: z.array(z.string().min(1)),
        fact: z.array(z.string().min(1)).default([]),
        states: z.string().min(1),
        bounds: z.boolean().default(false),
      }),
    )
    .default([]),
  kinds: z.array(
    z.object({
      kind: z.enum(ANSWER_KINDS),
      priority: z.number().int(),
      label: z.string().min(1),
      ask: z.array(z.string().min(1)),
      offers: z.array(z.string().min(1)),
      labels: z.array(z.string().min(1)).default([]),
      not_offers: z.array(z.string().min(1)).default([]),
      expand: z.array(z.string().min(1)).default([]),
    }),
  ),
});

export interface Concept {
  name: string;
  family: string;
  /** Whether the concept can be what a question is about (false: roles, common verbs). */
  topic: boolean;
  /** Said in almost every question (roles, everyday verbs): weighs less in a search. */
  common?: boolean;
  /** Naming it makes an ask one the bot does not answer (a task such as writing code or a poem). */
  refuse?: boolean;
  /** Who handles a matter outside 人社 (out-of-scope.yml): the refusal points there instead of 12333. */
  refer?: string;
  /** A generic name (「补贴」 alone): in the domain, but no particular measure — the refusal rules look past it. */
  generic?: boolean;
  /** Terms as documents write them (normalised). */
  formal: string[];
  /** Every surface form that names the concept: formal and everyday (normalised), longest first. */
  forms: string[];
}

export interface KindSpec {
  kind: AnswerKind;
  priority: number;
  label: string;
  ask: string[];
  offers: RegExp[];
  /** Spans that look like this kind's answer but are not (a statistic 「累计发放1.2亿元」 for a sum): ignored by `offers`. */
  notOffers: RegExp[];
  /** Labels of a document's parts that give this kind of answer (申请材料：…, 补贴标准：…), normalised. */
  labels: string[];
  expand: string[];
}

/** A quantity a question asks for or a person states (answer-kinds.yml quantities): age, days, years, people … */
export interface QuantitySpec {
  name: string;
  /** Phrases that ask for it (「多少岁」「能领几个月」). */
  ask: RegExp[];
  /** A person's own figure (「今年47岁」「交了7年」): group 1 is the number. */
  fact: RegExp[];
  /** The text states one (「45周岁」「18个月」). */
  states: RegExp;
  /** A bound of it (「不超过45周岁」) answers a person who states one even when their figure lies outside. */
  bounds: boolean;
}

export interface ConceptHit {
  concept: Concept;
  /** The surface form found. */
  form: string;
  index: number;
}

export interface Phrases {
  /** Politeness, urgency, openers and fillers: removed before looking for the topic (longest first). */
  noise: string[];
  askJoiners: string[];
  questionCues: string[];
  /** Cues that also mean "a few" (几): they make only a sentence's last clause an ask. */
  weakCues: string[];
  /** Phrases that contain a question cue but state (「开着呢」): removed before the cues are looked for. */
  notQuestions: string[];
  /** Head nouns of a benefit's name (补贴, 贷款 …): 「租房补贴」 in a question names a benefit. */
  benefitNouns: string[];
  /** Demonstratives and the like (那个, 这些): 「那个补贴」 refers to a benefit, it does not name one. */
  referenceWords: ReadonlySet<string>;
  /** Words common in questions that do not say what is asked (一个月, 规定, 能领): searched, with little weight. */
  weakWords: ReadonlySet<string>;
  /** Adverbs people put inside a phrase (「包工头直接跑路」, 「压根没给交」): removed when reading a message. */
  insertedWords: string[];
  /** Verbs of getting a benefit (领, 申请 …): an ask that ends with one names no object of its own (「要交够几年社保才能领」). */
  elidedObjectVerbs: string[];
  /** 给, 发, 有 …: 「还给补贴」 asks whether a benefit is given; it names none. */
  givingVerbs: string[];
  /** Head nouns of what one receives (补贴, 金, 待遇 …): a concept whose name ends in one is a thing the ask can be about. */
  receivedNouns: string[];
  /** How documents name movement between two places a message names: within one province (省内) or across provinces (跨省). */
  placeRelations: { sameProvince: string[]; otherProvince: string[] };
}

export interface Lexicon {
  /** Content hash: part of the index's pipeline salt (the user dictionary changes segmentation). */
  readonly id: string;
  /** A message with the homophone typos of misspellings.yml put right (「补帖」 → 「补贴」); documents are never corrected. */
  correct(text: string): string;
  readonly concepts: readonly Concept[];
  readonly kinds: readonly KindSpec[];
  readonly quantities: readonly QuantitySpec[];
  readonly phrases: Phrases;
  /** Words for jieba's user dictionary: every multi-character form plus terms.txt. */
  readonly userWords: readonly string[];
  /** Every phrase that asks (the kinds' `ask` cues and the question cues), longest first. */
  readonly questionPhrases: readonly string[];
  /** Concepts named in normalised text, longest form first, non-overlapping, in text order. */
  findConcepts(norm: string): ConceptHit[];
  conceptByName(name: string): Concept | undefined;
  kind(kind: AnswerKind): KindSpec;
  /**
   * The kinds of answer a labelled part gives, from the label it opens with (「（三）申请材料：…」 →
   * materials, 「补贴标准为：…」 → amount, 「申领渠道：…」 → where and procedure), or none for running text.
   */
  labelKinds(norm: string): readonly AnswerKind[];
}

/** Spoken and written forms of one question word: a cue written with 怎么 is also asked with 咋 and 如何 (「咋操作」「如何操作」). */
const QUESTION_WORD_FORMS = ['怎么', '咋', '如何'];

function withSpokenForms(cues: readonly string[]): string[] {
  const out = [...cues];
  for (const c of cues) if (c.startsWith('怎么') && c.length > 2) for (const f of QUESTION_WORD_FORMS) out.push(f + c.slice(2));
  return out;
}

/** A text without the 的 between two Chinese characters, and where each of its characters stands in the original. */
function withoutLinkingDe(norm: string): { text: string; at: number[] } {
  const at: number[] = [];
  let text = '';
  for (let i = 0; i < norm.length; i++) {
    if (norm[i] === '的' && i > 0 && i < norm.length - 1 && HAN.test(norm[i - 1]!) && HAN.test(norm[i + 1]!)) continue;
    at.push(i);
    text += norm[i];
  }
  return { text, at };
}
const HAN = /[\u4e00-\u9fff]/u;

export const BUILTIN_LEXICON_DIR = path.join(import.meta.dirname, 'lexicon');

function readYaml(file: string): unknown {
  try {
    return YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PolicybotError('E_CONFIG', `lexicon file ${file}: ${errorMessage(err)}`, { userMessage: `词表文件 ${path.basename(file)} 无法读取：${errorMessage(err)}` });
  }
}

function parse<T>(schema: z.ZodType<T>, file: string): T {
  const r = schema.safeParse(readYaml(file));
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid';
    throw new PolicybotError('E_CONFIG', `lexicon file ${file}: ${where}`, { userMessage: `词表文件 ${path.basename(file)} 格式有误（${where}）。` });
  }
  return r.data;
}

/** Files of an operator's folder that are not concept files (read by their own loaders). */
const NOT_CONCEPTS = new Set(['misspellings.yml', 'dialect.yml']);

const yamlFiles = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f) && !NOT_CONCEPTS.has(f))
        .sort()
        .map((f) => path.join(dir, f))
    : [];

const cache = new Map<string, Lexicon>();

/**
 * Loads the built-in lexicon and, after it, the concept files (`*.yml`) and `terms.txt` of each
 * extra folder. The same folders give the same (cached) object.
 */
/** Replaces each misspelling (longest first, left to right) by its correct form; text without one is returned as is. */
function misspellingCorrector(map: ReadonlyMap<string, string>): (text: string) => string {
  if (!map.size) return (text) => text;
  const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp([...map.keys()].sort((a, b) => b.length - a.length).map(escape).join('|'), 'gu');
  return (text) => text.replace(pattern, (w) => map.get(w) ?? w);
}

export function loadLexicon(extraDirs: readonly string[] = []): Lexicon {
  const key = extraDirs.join('\n');
  const hit = cache.get(key);
  if (hit) return hit;
  for (const d of extraDirs) {
    if (!fs.existsSync(d) || !fs.statSync(d).isDirectory()) {
      throw new PolicybotError('E_CONFIG', `LEXICON_DIR ${d} is not a folder`, { userMessage: `词表目录 ${d} 不存在。` });
    }
  }
  const hash = createHash('sha256');
  const conceptFiles = [...yamlFiles(path.join(BUILTIN_LEXICON_DIR, 'concepts')), ...extraDirs.flatMap(yamlFiles)];
  const concepts: Concept[] = [];
  for (const file of conceptFiles) {
    const data = parse(ConceptFileSchema, file);
    hash.update(JSON.stringify(data));
    for (const c of data.concepts) {
      const existing = concepts.find((x) => x.name === c.name);
      const formal = uniqueNorm(c.formal.length || existing ? c.formal : [c.name]);
      const forms = uniqueNorm([...formal, ...c.everyday]).sort((a, b) => b.length - a.length);
      if (existing) {
        // An operator file may add forms to a built-in concept.
        existing.formal = uniqueNorm([...existing.formal, ...formal]);
        existing.forms = uniqueNorm([...existing.forms, ...forms]).sort((a, b) => b.length - a.length);
        if (c.refuse) existing.refuse = true;
        if (c.refer) existing.refer = c.refer;
      } else concepts.push({ name: c.name, family: data.family, topic: data.topic, ...(data.common ? { common: true } : {}), ...(c.refuse ? { refuse: true } : {}), ...(c.refer ? { refer: c.refer } : {}), ...(data.generic ? { generic: true } : {}), formal, forms });
    }
  }
  const phrasesRaw = parse(PhrasesSchema, path.join(BUILTIN_LEXICON_DIR, 'phrases.yml'));
  const kindsRaw = parse(KindsSchema, path.join(BUILTIN_LEXICON_DIR, 'answer-kinds.yml'));
  hash.update(JSON.stringify(phrasesRaw)).update(JSON.stringify(kindsRaw));
  const kinds: KindSpec[] = kindsRaw.kinds
    .map((k) => ({
      ...k,
      ask: uniqueNorm(withSpokenForms(k.ask)).sort((a, b) => b.length - a.length),
      offers: k.offers.map((o) => pattern(o, 'u')),
      notOffers: k.not_offers.map((o) => pattern(o, 'gu')),
      labels: uniqueNorm(k.labels),
      expand: uniqueNorm(k.expand),
    }))
    .sort((a, b) => a.priority - b.priority);
  const quantities: QuantitySpec[] = kindsRaw.quantities.map((q) => ({
    name: q.name,
    ask: q.ask.map((a) => pattern(a, 'u')),
    fact: q.fact.map((f) => pattern(f, 'gu')),
    states: pattern(q.states, 'gu'),
    bounds: q.bounds,
  }));
  for (const k of ANSWER_KINDS) {
    if (!kinds.some((x) => x.kind === k)) throw new PolicybotError('E_CONFIG', `answer-kinds.yml lacks kind ${k}`);
  }
  const phrases: Phrases = {
    noise: uniqueNorm([...phrasesRaw.politeness, ...phrasesRaw.urgency, ...phrasesRaw.openers, ...phrasesRaw.fillers]).sort((a, b) => b.length - a.length),
    askJoiners: uniqueNorm(phrasesRaw.ask_joiners).sort((a, b) => b.length - a.length),
    questionCues: uniqueNorm(phrasesRaw.question_cues),
    weakCues: uniqueNorm(phrasesRaw.weak_cues),
    notQuestions: uniqueNorm(phrasesRaw.not_questions),
    benefitNouns: uniqueNorm(phrasesRaw.benefit_nouns),
    referenceWords: new Set(uniqueNorm(phrasesRaw.reference_words)),
    // Numerals fold by context (一个月 alone → 1个月, inside a sentence it may stay): keep both forms.
    weakWords: new Set([...phrasesRaw.weak_words, ...uniqueNorm(phrasesRaw.weak_words)]),
    insertedWords: uniqueNorm(phrasesRaw.inserted_words).sort((a, b) => b.length - a.length),
    elidedObjectVerbs: uniqueNorm(phrasesRaw.elided_object_verbs).sort((a, b) => b.length - a.length),
    givingVerbs: uniqueNorm(phrasesRaw.giving_verbs),
    receivedNouns: uniqueNorm([...phrasesRaw.benefit_nouns, ...phrasesRaw.received_nouns]),
    placeRelations: { sameProvince: uniqueNorm(phrasesRaw.place_relations.same_province), otherProvince: uniqueNorm(phrasesRaw.place_relations.other_province) },
  };
  // The built-in file of a name, then each operator folder's.
  const layered = (name: string) => [path.join(BUILTIN_LEXICON_DIR, name), ...extraDirs.map((d) => path.join(d, name))].filter((f) => fs.existsSync(f));
  // Typos (misspellings.yml) and dialect words (dialect.yml) are put right the same way; a typo listed wins.
  const misspellings = new Map<string, string>();
  const replacements: Array<[string, (f: string) => Record<string, string>]> = [
    ['misspellings.yml', (f) => parse(MisspellingsSchema, f).misspellings],
    ['dialect.yml', (f) => parse(DialectSchema, f).dialect],
  ];
  for (const [name, read] of replacements) {
    for (const f of layered(name)) {
      const pairs = read(f);
      hash.update(JSON.stringify(pairs));
      for (const [from, to] of Object.entries(pairs)) if (from !== to && (name === 'misspellings.yml' || !misspellings.has(from))) misspellings.set(from, to);
    }
  }
  const correct = misspellingCorrector(misspellings);
  const termFiles = layered('terms.txt');
  const extraTerms = termFiles.flatMap((f) => {
    const text = fs.readFileSync(f, 'utf8');
    hash.update(text);
    return text.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
  });
  const cjk = /^[\u3400-\u9fff]{2,}$/u;
  const userWords = uniqueNorm([...concepts.flatMap((c) => c.forms), ...extraTerms]).filter((w) => cjk.test(w));

  // Every form → its concepts, scanned longest first.
  const byForm = new Map<string, Concept[]>();
  for (const c of concepts) for (const f of c.forms) byForm.set(f, [...(byForm.get(f) ?? []), c]);
  const forms = [...byForm.keys()].sort((a, b) => b.length - a.length);
  const byName = new Map(concepts.map((c) => [c.name, c]));
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  const labelCache = new Map<string, AnswerKind[]>();
  // Longest label first, so 申请材料 is read before 材料 and 补贴对象 before 对象.
  const labels = kinds.flatMap((k) => k.labels.map((l) => ({ label: l, kind: k.kind }))).sort((a, b) => b.label.length - a.label.length);

  const lexicon: Lexicon = {
    id: hash.digest('hex').slice(0, 16),
    correct,
    concepts,
    kinds,
    quantities,
    phrases,
    userWords,
    questionPhrases: [...new Set([...kinds.flatMap((k) => k.ask), ...phrases.questionCues])].sort((a, b) => b.length - a.length),
    findConcepts(norm) {
      const taken = new Uint8Array(norm.length);
      const hits: ConceptHit[] = [];
      const claim = (f: string, i: number, end: number) => {
        if (taken.subarray(i, end).some((x) => x === 1)) return;
        taken.fill(1, i, end);
        for (const concept of byForm.get(f)!) hits.push({ concept, form: f, index: i });
      };
      for (const f of forms) for (let i = norm.indexOf(f); i >= 0; i = norm.indexOf(f, i + 1)) claim(f, i, i + f.length);
      // 「被征地的农民」「农村的养老」「初级的证」: a 的 put between the words of a phrase. The phrase is found in the
      // text without it too, where no form matched already.
      if (norm.includes('的')) {
        const { text, at } = withoutLinkingDe(norm);
        for (const f of forms) {
          if (f.includes('的')) continue;
          for (let j = text.indexOf(f); j >= 0; j = text.indexOf(f, j + 1)) {
            const i = at[j]!;
            const end = at[j + f.length - 1]! + 1;
            if (end - i !== f.length) claim(f, i, end);
          }
        }
      }
      return hits.sort((a, b) => a.index - b.index);
    },
    conceptByName: (name) => byName.get(name),
    kind: (kind) => byKind.get(kind)!,
    labelKinds(norm) {
      // A label lies in a part's first characters (marker, ≤ 10 characters, 为, colon): read once per opening.
      const head = norm.slice(0, LABEL_SPAN);
      let kinds = labelCache.get(head);
      if (kinds === undefined) {
        const m = LABELLED.exec(head);
        const longest = m ? labels.find((l) => m[1]!.endsWith(l.label)) : undefined;
        kinds = longest ? labels.filter((l) => l.label === longest.label).map((l) => l.kind) : [];
        if (labelCache.size >= 50_000) labelCache.clear();
        labelCache.set(head, kinds);
      }
      return kinds;
    },
  };
  cache.set(key, lexicon);
  return lexicon;
}

/** A part that opens with its label: an optional item marker, up to ten characters, an optional 为/是, a colon. */
const LABELLED = /^\s*(?:[(（]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)?([\u4e00-\u9fff]{2,10}?)(?:为|是)?[:：]/u;

/** How far into a part its label can reach: an item marker (（十二）), ten characters, 为, the colon. */
const LABEL_SPAN = 20;

/** Whether a (normalised) part opens with a label (「补贴标准：…」): its subject is then the heading above it. */
export function opensWithLabel(norm: string): boolean {
  return LABELLED.test(norm);
}

/** A pattern of answer-kinds.yml; a malformed one is a configuration error that names it. */
function pattern(source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new PolicybotError('E_CONFIG', `answer-kinds.yml: bad pattern ${source}: ${errorMessage(err)}`, { userMessage: `词表文件 answer-kinds.yml 中的正则「${source}」有误：${errorMessage(err)}` });
  }
}

function uniqueNorm(xs: readonly string[]): string[] {
  return [...new Set(xs.map((x) => normalizeForMatch(x)).filter(Boolean))];
}
