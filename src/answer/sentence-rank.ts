/**
 * How an answer's sentences are ranked: what is known of each (coverage of the question, its
 * passage's score and rank, the kind of answer it gives) and the score made of it. A learned linear
 * order over these signals (and position, length, digits, kind) was fitted and cross-validated like
 * the passage rerank and did not beat this score (5-fold: 307 vs 312 of 432 first sentences), so it
 * stays hand-set.
 */
export interface SentenceSignals {
  /** Share of the question's weighted words the sentence (or its heading, at a discount) covers. */
  covered: number;
  /** Its passage's score relative to the best passage. */
  passage: number;
  /** Its passage's retrieval rank. */
  rank: number;
  /** From another place's document, for a question that names a place. */
  otherPlace: boolean;
  /** The question asks where or whom to call: another place's office or phone is no answer at all. */
  localKind: boolean;
  /** It gives the kind of answer asked for (answer-kinds.yml offers). */
  offers: boolean;
  /** Its part is labelled with the kind asked (「申请材料：…」). */
  labelled: boolean;
  /** The question is answered by a figure (FIGURE_KINDS). */
  figureKind: boolean;
  /** It states a sum for the period asked (「一个月多少」 → 每月…元). */
  figure: boolean;
  /** answerTypeFactor of what it enumerates, for a 「哪些」 question (1: not such a question). */
  listFactor: number;
  short: boolean;
  /** A worked case about a named person. */
  example: boolean;
  /** An FAQ's question line. */
  question: boolean;
  /** It opens with a benefit the question does not ask about (subject.ts). */
  otherSubject: boolean;
  /** How directly it states the quantity asked or bounds the person's figure (quantity.ts), 0..1. */
  quantity: number;
}

/**
 * A sentence that gives the kind of answer asked for is preferred this much (and leads the answer). For most kinds
 * (yes/no, who, procedure …) the kind's `offers` patterns hold for most sentences of a relevant document, so a large
 * boost mostly adds noise; a sum, period or number is found by patterns that do tell the answer apart. Over 19
 * training sets (918 answerable, 2026-12-06): 1.35 for all kinds gave hit@3 826, first sentence 675; 1.1 for all
 * 830 / 681; 1.1 and 1.35 for figures 831 / 683 (and the two sets new that day did not get worse with 1.1).
 */
const KIND_SENTENCE_BOOST = 1.1;
const FIGURE_KIND_SENTENCE_BOOST = 1.35;
/** For a question answered by a figure (FIGURE_KINDS), how much an unlabelled sentence counts. */
const NO_FIGURE_SENTENCE = 0.5;
const LABEL_SENTENCE_BOOST = 1.3;
const FIGURE_SENTENCE_BOOST = 1.25;
/** A sentence from another place's document, for a question that names a place. */
const OTHER_PLACE_SENTENCE = 0.6;
/** …and for a question of where to go or whom to call, whose answer is always some place's own office. */
const OTHER_PLACE_CONTACT = 0.25;
/** Retrieval rank counts: a sentence of the n-th passage is worth 1 / (1 + RANK_DECAY·n). */
const RANK_DECAY = 0.25;
const CASE_FACTOR = 0.6;
const OTHER_SUBJECT = 0.3;
/** A sentence that states the quantity asked (「多少岁」 → 45周岁) or the bound holding the person's figure: at most this much more. */
const QUANTITY_SENTENCE_BOOST = 1;

/** The hand-set score of a sentence. */
export function handScore(f: SentenceSignals): number {
  let score = f.covered * (0.3 + 0.7 * f.passage) * (1 / (1 + RANK_DECAY * f.rank)) * (f.otherPlace ? (f.localKind ? OTHER_PLACE_CONTACT : OTHER_PLACE_SENTENCE) : 1);
  if (f.offers) score *= f.figureKind ? FIGURE_KIND_SENTENCE_BOOST : KIND_SENTENCE_BOOST;
  // The part labelled with what is asked (「申请材料：…」 for 「要带啥材料」) over one that mentions it in passing.
  if (f.labelled) score *= LABEL_SENTENCE_BOOST;
  // 「有多少」「多久」 are answered by a figure: a sentence without one does not lead.
  else if (f.figureKind) score *= NO_FIGURE_SENTENCE;
  // 「一个月能领多少钱」: the sentence with the sum (per month) over the one with the rule behind it.
  if (f.figure) score *= FIGURE_SENTENCE_BOOST;
  score *= f.listFactor;
  if (f.short) score *= 0.3;
  // A worked case about a named person (「李先生名下有工商登记信息…」) illustrates a rule; the rule leads.
  if (f.example) score *= CASE_FACTOR;
  // An FAQ's question line is not an answer.
  if (f.question) score *= 0.2;
  // 「丧葬补助金按照…计发」 for 「失业金一个月能领多少」: the rule of another benefit.
  if (f.otherSubject) score *= OTHER_SUBJECT;
  // 「失业金能领几个月？我交了7年」: 「满5年不满10年的，最长18个月」 over the other tiers.
  score *= 1 + QUANTITY_SENTENCE_BOOST * f.quantity;
  return score;
}
