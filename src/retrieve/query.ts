import { periodWords } from './figures.ts';
import { analyzeNormalized, cjkBigrams, cut } from '../text/tokenize.ts';
import type { AnswerKind, Concept, Lexicon } from '../text/lexicon.ts';
import type { Ask, Understanding } from '../understand/message.ts';
import { quantitiesOf, type QuantityInAsk } from './quantity.ts';

/**
 * One ask, ready for retrieval, abstention and composition: its content words weighted by
 * where they come from (the ask itself, the message's background, the lexicon), the topic
 * concepts it is about, the kind of answer it wants and the places it names.
 */
export interface QueryTerm {
  term: string;
  /** The term and its formal equivalents from the lexicon (打零工 → 灵活就业), matched as alternatives. */
  forms: string[];
  /** 1 for words of the ask, less for background words (see WEIGHTS). */
  weight: number;
}

export interface QueryConcept {
  concept: Concept;
  weight: number;
}

export interface Query {
  /** The ask as the user wrote it (noise removed). */
  raw: string;
  /** Normalised ask. */
  norm: string;
  kind: AnswerKind | null;
  terms: QueryTerm[];
  /** Topic concepts (from the ask, inherited, or from the background). */
  concepts: QueryConcept[];
  /** Weighted BM25 query: word and bigram → weight. */
  lexical: { words: Map<string, number>; bigrams: Map<string, number> };
  /** Text the embedder gets: the ask, its topic's formal terms and the background. */
  searchText: string;
  places: string[];
  placeWords: string[];
  /**
   * Benefits the ask names that the lexicon does not know (「宠物补贴」): a word before a benefit noun,
   * from the ask or the narrative before it, with that word (宠物).
   */
  benefits: Array<{ name: string; qualifier: string }>;
  /** The quantity the ask asks for (「多少岁」) and the ones the person states (「交了7年」), quantity.ts. */
  quantities: QuantityInAsk[];
}

/** How much a word counts by where it comes from. */
export const WEIGHTS = {
  ask: 1,
  /** Formal terms of concepts the ask names, added to the search. */
  formal: 0.7,
  /** Concepts an ask without a topic takes from the message (「是按什么算的？」). */
  inherited: 0.8,
  /** Words of the narrative clauses (「我在工地干了大半年」). */
  background: 0.35,
  /** Narrative right before an ask that names no topic (「…有车贷，这样会不会申请不了？」). */
  near: 0.7,
  /** Formal words of the answer kind (材料, 标准 …). */
  kind: 0.25,
  /** Words that do not say what is asked (phrases.yml weak_words: 一个月, 规定 …): a factor. */
  weak: 0.3,
  /** What two places named imply (省内, 跨省: phrases.yml place_relations). */
  places: 1,
  /** Words that name a role or common act (roles.yml: 公司 → 用人单位, 领 → 领取): a factor. */
  role: 0.5,
} as const;

/** At most this many formal terms of a concept are added to a search. */
const MAX_FORMAL_TERMS = 3;

export interface QueryOptions {
  /** Expand with the lexicon's formal terms (ablation switch; default on). */
  expand?: boolean;
}

function addWeighted(map: Map<string, number>, key: string, w: number): void {
  map.set(key, Math.max(map.get(key) ?? 0, w));
}

export function buildQuery(ask: Ask, u: Understanding, lexicon: Lexicon, opts: QueryOptions = {}): Query {
  const expand = opts.expand !== false;
  const isPlacey = (w: string) => u.placeWords.some((p) => p.includes(w) || w.includes(p));
  const words = new Map<string, number>();
  const bigrams = new Map<string, number>();
  const terms = new Map<string, QueryTerm>();
  const concepts = new Map<string, QueryConcept>();

  const roleForms = new Set(u.concepts.filter((h) => h.concept.common).map((h) => h.form));
  const cueWord = questionPhraseWords(ask.norm, lexicon);
  const factor = (w: string) =>
    lexicon.phrases.weakWords.has(w) || cueWord(w) ? WEIGHTS.weak : [...roleForms].some((f) => f.includes(w)) ? WEIGHTS.role : 1;
  const addText = (norm: string, base: number, asTerms: boolean) => {
    const a = analyzeNormalized(norm);
    for (const w of a.words) {
      // A lone digit (「一个月」 → 1个月) says nothing about the topic.
      if (/^\d$/.test(w)) continue;
      const weight = base * factor(w);
      addWeighted(words, w, weight);
      if (asTerms && !/^\d/.test(w)) {
        // A place named in the passage itself is evidence too (「可以前往香港工会联合会」 for a 广州
        // pension asked about from 香港), at the weight of background: the region preference does the rest.
        const tw = isPlacey(w) ? Math.min(weight, WEIGHTS.background) : weight;
        const t = terms.get(w);
        if (!t) terms.set(w, { term: w, forms: [w], weight: tw });
        else t.weight = Math.max(t.weight, tw);
      }
    }
    // The story's character bigrams (a long message has hundreds) are left out: its words are searched, and
    // bigrams are there to rescue the ask's own segmentation.
    if (base > WEIGHTS.background) for (const b of a.bigrams) addWeighted(bigrams, b, base);
  };
  addText(ask.norm, WEIGHTS.ask, true);
  if (ask.near) addText(ask.near, WEIGHTS.near, true);
  // 「…自己把营业执照注销了，这种情况能领失业金吗」: whether one can is decided by the story told, so for a yes/no ask the
  // story's words (and its bigrams) weigh as the narrative right before an ask (19 training sets: first sentences
  // 685 → 690 of 918; at 0.5 688; at 1.0 685 with three more false refusals; without the story's bigrams 688).
  const backgroundWeight = ask.kind === 'yesno' ? WEIGHTS.near : WEIGHTS.background;
  if (u.background) addText(u.background, backgroundWeight, true);

  const addConcept = (c: Concept, weight: number, form: string) => {
    if (c.topic) {
      const q = concepts.get(c.name);
      if (!q) concepts.set(c.name, { concept: c, weight });
      else q.weight = Math.max(q.weight, weight);
    }
    if (!expand) return;
    // The formal terms become alternatives of the words of the form that named the concept.
    const formal = c.formal.filter((f) => f !== form);
    // A one-character word is part of a form only when it is the form (「想去见习」's 去 is not 去年毕业's).
    for (const t of terms.values()) {
      if ((t.term.length > 1 && form.includes(t.term)) || t.term.includes(form)) t.forms = [...new Set([...t.forms, ...formal])];
    }
    // Whole formal terms only (the tokenizer keeps them whole: they are in its user dictionary).
    for (const f of formal.slice(0, MAX_FORMAL_TERMS)) {
      addWeighted(words, f, weight * WEIGHTS.formal);
      for (const b of cjkBigrams(f)) addWeighted(bigrams, b, weight * WEIGHTS.formal * 0.5);
    }
  };
  for (const h of ask.concepts) addConcept(h.concept, WEIGHTS.ask, h.form);
  for (const h of ask.inherited) addConcept(h.concept, WEIGHTS.inherited, h.form);
  const backgroundHits = u.background ? u.concepts.filter((h) => u.background.includes(h.form)) : [];
  for (const h of backgroundHits) addConcept(h.concept, WEIGHTS.background, h.form);
  if (ask.inherited.length) {
    // The inherited topic's forms are searched as words of the ask.
    for (const h of ask.inherited) {
      for (const w of analyzeNormalized(h.form).words) {
        addWeighted(words, w, WEIGHTS.inherited);
        if (isPlacey(w)) continue;
        const t = terms.get(w);
        if (!t) terms.set(w, { term: w, forms: [w, ...(expand ? h.concept.formal : [])], weight: WEIGHTS.inherited });
        else t.weight = Math.max(t.weight, WEIGHTS.inherited * factor(w));
      }
    }
  }
  // 「从深圳跳槽到广州，养老保险要转吗」: documents say 省内 (or 跨省) where a person names two cities.
  if (u.placeRelation && expand) {
    const rel = u.placeRelation === 'same-province' ? lexicon.phrases.placeRelations.sameProvince : lexicon.phrases.placeRelations.otherProvince;
    for (const f of rel) {
      addWeighted(words, f, WEIGHTS.places);
      if (!terms.has(f)) terms.set(f, { term: f, forms: [f], weight: WEIGHTS.places });
    }
  }
  if (ask.kind && expand) {
    for (const f of lexicon.kind(ask.kind).expand) for (const w of analyzeNormalized(f).words) addWeighted(words, w, WEIGHTS.kind);
    // 「一天给多少」: the sum is written per 每天 / 每人每天.
    if (ask.kind === 'amount') for (const f of periodWords(ask.norm)) for (const w of analyzeNormalized(f).words) addWeighted(words, w, WEIGHTS.kind);
  }
  // Place words are matched through the region preference, not as content.
  for (const w of [...words.keys()]) if (isPlacey(w)) words.set(w, Math.min(words.get(w)!, WEIGHTS.background));

  const formalText = [...concepts.values()].filter((c) => c.weight >= WEIGHTS.inherited).flatMap((c) => c.concept.formal.slice(0, 2));
  return {
    raw: ask.text,
    norm: ask.norm,
    kind: ask.kind,
    terms: [...terms.values()],
    concepts: [...concepts.values()],
    lexical: { words, bigrams },
    searchText: [ask.norm, ...(expand ? formalText : []), u.background].filter(Boolean).join(' '),
    places: u.places,
    placeWords: u.placeWords,
    quantities: quantitiesOf(lexicon.quantities, ask.norm, u.background),
    benefits: (() => {
      const own = namedBenefits(ask.norm, lexicon);
      const named = own.length || !ask.near ? own : namedBenefits(ask.near, lexicon);
      return named.filter((b) => !lexicon.findConcepts(b.name).some((h) => h.concept.topic && !h.concept.generic));
    })(),
  };
}

/**
 * The words of an ask that only say what kind of answer it wants: every occurrence lies inside a
 * question phrase and is a question word (「多长时间」 → 多长, 多长时间; 「去哪里办」 → 哪里). They weigh like weak words:
 * the answer kind is searched through its own expansion and rerank, and a passage that happens to say
 * 时间 is not about the question for that.
 */
const QUESTION_WORD = /多少|多长|多久|多大|几|哪|什么|啥|怎|咋|谁/u;

function questionPhraseWords(norm: string, lexicon: Lexicon): (w: string) => boolean {
  const inCue = new Array<boolean>(norm.length).fill(false);
  for (const c of lexicon.questionPhrases) for (let i = norm.indexOf(c); i >= 0; i = norm.indexOf(c, i + 1)) inCue.fill(true, i, i + c.length);
  return (w) => {
    // Only question words themselves (多长, 哪里, 几天): 电话 or 材料 in 「电话多少」「要带什么材料」 are what is asked.
    if (!QUESTION_WORD.test(w)) return false;
    let i = norm.indexOf(w);
    if (i < 0) return false;
    for (; i >= 0; i = norm.indexOf(w, i + 1)) if (!inCue.slice(i, i + w.length).every(Boolean)) return false;
    return true;
  };
}

/**
 * 「有没有租房补贴」 → 租房补贴: a benefit noun (phrases.yml benefit_nouns) with the word before it, or a
 * word that ends in one (创业担保贷款). Modifiers such as 额外/其他 make names no document uses too; the
 * rule that reads them (abstain.ts, unknown-benefit) acts only when the qualifying word is unknown as well.
 */
export function namedBenefits(norm: string, lexicon: Lexicon): Array<{ name: string; qualifier: string }> {
  const nouns = lexicon.phrases.benefitNouns;
  const words = cut(norm);
  const out = new Map<string, string>();
  words.forEach((w, i) => {
    const noun = nouns.find((n) => w.endsWith(n));
    if (!noun) return;
    // 「那个补贴」「这些补贴」 refer to a benefit; they do not name one.
    // 「来领补贴」「去申请补贴」 are acts: a verb of getting (phrases.yml elided_object_verbs) names no benefit either.
    // 「有没有补贴」「能不能补贴」 ask whether there is one: a question word names none either.
    const names = (qualifier: string) =>
      !lexicon.phrases.referenceWords.has(qualifier) && !isGettingVerb(qualifier, lexicon) && !lexicon.phrases.questionCues.some((c) => qualifier.includes(c));
    if (w.length > noun.length) {
      if (names(w.slice(0, -noun.length))) out.set(w, w.slice(0, -noun.length));
    } else {
      const before = words[i - 1];
      if (before && before.length >= 2 && /^[\u4e00-\u9fff]+$/u.test(before) && names(before)) out.set(before + w, before);
    }
  });
  return [...out].map(([name, qualifier]) => ({ name, qualifier }));
}

const GETTING_PREFIX = /^(?:来|去|想|能|要|可以|才能|再|多|冒|还|会|也|都|就|不)/u;
function isGettingVerb(word: string, lexicon: Lexicon): boolean {
  const bare = word.replace(GETTING_PREFIX, '');
  return lexicon.phrases.elidedObjectVerbs.includes(bare) || lexicon.phrases.givingVerbs.includes(bare) || /^骗取?$/u.test(bare);
}

/** The summed weight of the terms (any of their forms) a normalised text contains. */
export function coveredWeight(weights: ReadonlyArray<{ forms: string[]; weight: number }>, norm: string): number {
  let covered = 0;
  for (const w of weights) if (w.forms.some((f) => norm.includes(f))) covered += w.weight;
  return covered;
}

/** Each content word with its formal alternatives, weighted by the rarer of its forms and by where it comes from. */
export function termWeights(query: Query, idf: (w: string) => number): Array<{ forms: string[]; weight: number }> {
  return query.terms.map((t) => ({ forms: t.forms, weight: t.weight * Math.min(...t.forms.map(idf)) }));
}
