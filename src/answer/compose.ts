import type { Passage } from '../retrieve/hybrid.ts';
import type { Query } from '../retrieve/query.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import { BULLET, isFieldRow, joinInlineList, splitSentences, withoutNumbering } from '../text/sentences.ts';
import type { Citation } from './contract.ts';
import { paragraphUrl } from '../links.ts';
import { coveredWeight, termWeights } from '../retrieve/query.ts';
import { statesFigure } from '../retrieve/figures.ts';
import { related } from '../text/gazetteer.ts';
import { FIGURE_KINDS, opensWithLabel, type AnswerKind } from '../text/lexicon.ts';
import { metaFieldAsked, metaSentence, metaSource } from './metadata.ts';
import { answerTypeFactor, answerTypeOf, enumerationSize } from '../retrieve/answer-type.ts';
import { handScore, type SentenceSignals } from './sentence-rank.ts';
import { quantityMatch } from '../retrieve/quantity.ts';

/**
 * Extractive answers, no language model: the few sentences of the retrieved passages
 * that best cover the question, each followed by its citation marker [n]. Nothing is
 * written that is not in a cited passage.
 */
export interface ComposeOptions {
  baseUrl: string;
  /** Target length of the answer body in characters. */
  maxChars: number;
  maxSentences: number;
  maxSources: number;
  /** Whether a normalised sentence offers the kind of answer asked for (answer-kinds.yml). */
  offersKind: (norm: string, kind: AnswerKind | null) => boolean;
  /** The kinds a labelled part gives by its label (「申请材料：…」 → materials; answer-kinds.yml labels). */
  labelKinds?: (norm: string) => readonly AnswerKind[];
  /** Whether a normalised sentence opens with a benefit the query is not about (subject.ts). */
  otherSubject?: (query: Query, norm: string) => boolean;
  /**
   * Sentences (normalised) that open an earlier part of the same message: the reader has them already,
   * so they count REPEATED_LEAD as much for this part (「…能领吗？…怎么申请？」 must not open twice with one rule).
   */
  ledBefore?: ReadonlySet<string>;
}

/** What a sentence that already opens an earlier part of the message counts for in a later one. */
const REPEATED_LEAD = 0.5;

/** The normalised form compared across parts: no final punctuation. */
export function leadKey(text: string): string {
  return normalizeForMatch(text).replace(/[\p{P}\s]+$/u, '');
}

export const DEFAULT_COMPOSE = { maxChars: 300, maxSentences: 4, maxSources: 3 };

/** Questions after one fact (a sum, a date, a place, a number): a short answer, ≤ 150 characters. */
export const ONE_FACT_KINDS: ReadonlySet<AnswerKind> = new Set(['amount', 'number', 'duration', 'where']);
export const ONE_FACT_CHARS = 150;
/** Questions whose answer is a list: a lead-in sentence is scored and quoted with its items. */
const LIST_KINDS: ReadonlySet<AnswerKind> = new Set(['who', 'materials', 'what', 'procedure', 'yesno']);
/** Questions answered by a numbered list in the documents (the steps, the materials). */
const SEQUENCE_KINDS: ReadonlySet<AnswerKind> = new Set(['procedure', 'materials']);
/** Kinds answered by a whole list, also one a paragraph numbers inline. */
const INLINE_LIST_KINDS: ReadonlySet<AnswerKind> = new Set(['procedure', 'materials', 'who']);
/** A sentence that gives the asked kind shares its paragraph's topic: it is credited with this share of the paragraph's coverage. */
const PARAGRAPH_CONTEXT = 1;
/** …in a short paragraph (an FAQ answer), whose sentences are about one thing; a long one mixes measures. */
const SHORT_PARAGRAPH_SENTENCES = 3;

interface Candidate {
  passage: Passage;
  rank: number;
  position: number;
  text: string;
  score: number;
  /** This sentence introduces the passage's list items, which are quoted with it. */
  leadIn: boolean;
  /** The sentence is one of those list items. */
  isItem: boolean;
  /** It gives the kind of answer asked for. */
  offers: boolean;
  /** From another place's document, for a question that names a place. */
  otherPlace: boolean;
  /**
   * The share of the question's words the sentence itself has (before its paragraph's are lent to it):
   * of sentences scored alike, the one naming what was asked leads.
   */
  own: number;
}

/** A sentence that introduces a list: ends with a colon or announces 「以下/下列…条件」. */
const LEAD_IN = /[:：]$|(?:以下|下列)[^。；]{0,12}(?:条件|情形|情况|材料|要求|规定|之一|方式|对象|人员)/;
/** Terms found only in the passage's title or headings count this much (「五、创业带动就业补贴」 over its clauses). */
const HEADING_CREDIT = 0.5;

const LONG_SENTENCE = 150;
/** 「补贴对象：符合条件的创业者。」: a labelled part that only says 「those who qualify」. */
const VACUOUS_PART = /^[^：:]{2,10}[：:]\s*(?:符合(?:条件|规定|要求)的?|相关的?|有关的?)[\u4e00-\u9fff]{1,8}[。.；;]?$/u;
/** A sentence of fewer characters (numbering and final marks aside) is too short to answer. */
const SHORT_SENTENCE = 8;

/** Every sentence (and list item) of the passages that could go into the answer, with its score. */
function sentenceCandidates(query: Query, passages: Passage[], idf: (w: string) => number, opts: Pick<ComposeOptions, 'offersKind' | 'labelKinds' | 'otherSubject'>): Candidate[] {
  const weights = termWeights(query, idf);
  const total = weights.reduce((a, b) => a + b.weight, 0) || 1;
  const kind = query.kind;
  // 「…适用于哪些人员？」: a sentence (or a lead-in with its items) that lists several is the answer.
  const answerType = answerTypeOf(query.norm);
  const top = passages[0]?.score ?? 1;

  // A question about a place is answered first from that place's documents (or national/unknown ones).
  const otherPlace = (p: Passage) =>
    query.places.length > 0 && !!p.region && p.region !== '全国' && !query.places.some((a) => related(a, p.region!));
  const candidates: Candidate[] = [];
  passages.forEach((passage, rank) => {
    // The document's title and the passage's headings are its context: terms found only there count half.
    const heading = normalizeForMatch(`${passage.doc.title} ${passage.chunk.headingPath.join(' ')}`);
    const body = passage.lead ? `${passage.lead.replace(/[:：。]$/u, '')}：` : passage.items.length ? passage.paragraph.text : passage.text;
    // Sub-list items stay in the cited passage; the answer quotes the top-level items.
    // A list asked for (materials, steps, who) is quoted whole when the paragraph numbers its items inline.
    const split = (text: string) => (kind !== null && INLINE_LIST_KINDS.has(kind) ? joinInlineList(splitSentences(text)) : splitSentences(text));
    const sentences = passage.lead || isFieldRow(body) ? [body] : split(body);
    const lead = passage.lead ? 0 : passage.items.length ? findLastIndex(sentences, (x) => LEAD_IN.test(x)) : -1;
    const passageCovered = coveredWeight(weights, passage.textNorm);
    // A labelled part (「补贴标准：每户8000元」) is about the measure its heading names: heading terms count in full.
    const headingCredit = opensWithLabel(passage.textNorm) ? 1 : HEADING_CREDIT;
    // …and so is a heading's list whose heading names what it lists (「五、申请材料」, 「…网上申请流程」).
    const labelled = kind !== null && (opts.labelKinds?.(passage.lead ? headingLabel(passage.lead) : passage.textNorm) ?? []).includes(kind);
    // The words of the question a text has, those only in the heading at headingCredit.
    const coverage = (norm: string): number => {
      let covered = 0;
      for (const w of weights) {
        if (w.forms.some((f) => norm.includes(f))) covered += w.weight;
        else if (w.forms.some((f) => heading.includes(f))) covered += headingCredit * w.weight;
      }
      return covered;
    };
    let labelledPart: number | null = null;
    [...sentences, ...passage.items].forEach((raw, position) => {
      const isItem = position >= sentences.length;
      // FAQ answers open with 「答：」; the answer reads better without it.
      const sentence = headed(raw.replace(/^答[:：]\s*/, ''));
      const text = sentence.length > LONG_SENTENCE && position !== lead ? focus(sentence, weights) : sentence;
      // A lead-in is quoted with its items, so it is scored with them (「补贴条件：」 alone says little) —
      // when the question asks for a list (who, materials, what); otherwise it is one sentence.
      const isLead = position === lead && (kind === null || LIST_KINDS.has(kind));
      const norm = normalizeForMatch(isLead ? [text, ...passage.items].join('\n') : text);
      let covered = coverage(norm);
      const own = covered / total;
      const offers = kind !== null && kind !== 'what' && opts.offersKind(norm, kind);
      // 「…按最低工资标准的百分之九十计发。目前发放标准为每月2250元。」: the second sentence names no topic
      // word, but gives what is asked about the paragraph's topic.
      if (offers && sentences.length <= SHORT_PARAGRAPH_SENTENCES) covered = Math.max(covered, PARAGRAPH_CONTEXT * passageCovered);
      // A part labelled with what is asked (「申请材料：1.…；2.…」) answers it as a whole, whatever its length,
      // about the measure its heading names.
      else if (offers && labelled) covered = Math.max(covered, PARAGRAPH_CONTEXT * (labelledPart ??= coverage(passage.textNorm)));
      const f: SentenceSignals = {
        covered: covered / total,
        passage: passage.score / top,
        rank,
        otherPlace: otherPlace(passage),
        localKind: kind === 'where',
        offers,
        labelled,
        figureKind: kind !== null && FIGURE_KINDS.has(kind),
        figure: kind === 'amount' && statesFigure(norm, query.norm),
        listFactor: answerType
          ? answerTypeFactor(Math.max(enumerationSize(norm, answerType, []), isLead ? passage.items.length : 0), LIST_ANSWER_BOOST)
          : // Steps and materials are written as numbered lists: 「怎么申请」 is answered by the list with its lead-in.
            isLead && kind !== null && SEQUENCE_KINDS.has(kind)
            ? answerTypeFactor(passage.items.length, LIST_ANSWER_BOOST)
            : 1,
        // A bare numbered title (「（一）线上办理。」) says nothing either.
        // …and neither does a label over 「符合条件的创业者」: whom it names is whoever qualifies.
        short: (withoutNumbering(text).replace(/[\p{P}\s]+$/u, '').length < SHORT_SENTENCE && !isLead) || VACUOUS_PART.test(text),
        example: CASE_SENTENCE.test(text),
        question: /[？?]$/u.test(text),
        otherSubject: opts.otherSubject?.(query, normalizeForMatch(text)) ?? false,
        quantity: query.quantities.length ? quantityMatch(norm, query.quantities) : 0,
      };
      candidates.push({ passage, rank, position, text, score: handScore(f), leadIn: isLead, isItem, offers, otherPlace: f.otherPlace, own });
    });
  });
  return candidates;
}

export function composeAnswer(
  query: Query,
  passages: Passage[],
  idf: (w: string) => number,
  opts: ComposeOptions,
): { answer: string; cited: Array<{ citation: Citation; passage: Passage }>; lead: string | null } {
  const kind = query.kind;
  const oneFact = kind !== null && ONE_FACT_KINDS.has(kind);
  const maxChars = oneFact ? Math.min(opts.maxChars, ONE_FACT_CHARS) : opts.maxChars;
  const maxSentences = oneFact ? Math.min(opts.maxSentences, 2) : opts.maxSentences;
  const candidates = sentenceCandidates(query, passages, idf, opts);
  if (opts.ledBefore?.size) for (const c of candidates) if (opts.ledBefore.has(leadKey(c.text))) c.score *= REPEATED_LEAD;
  candidates.sort(byScore);
  // A broad question (「有什么支持」) is answered from several provisions: a passage's second and later
  // sentences give way to the best sentence of the next passage.
  if (kind === null || kind === 'what') {
    const seen = new Map<Passage, number>();
    for (const c of candidates) {
      const n = seen.get(c.passage) ?? 0;
      if (n > 0) c.score *= BROAD_REPEAT;
      seen.set(c.passage, n + 1);
    }
    candidates.sort(byScore);
  }

  const best = candidates[0]?.score ?? 0;
  const chosen: Candidate[] = [];
  const sources: Passage[] = [];
  let length = 0;
  // 「…的文号是多少？」: the top passage's document answers from its metadata, cited to that passage.
  const field = metaFieldAsked(query.norm);
  const meta = field && passages[0] ? metaSentence(passages[0].doc, field) : null;
  if (meta) {
    // Cited to the passage that states it (the 发文字号 line) when one was retrieved, else to the best one.
    const source = metaSource(passages, field!) ?? passages[0]!;
    chosen.push({ passage: source, rank: passages.indexOf(source), position: -1, text: meta, score: best * 2, leadIn: false, isItem: false, offers: true, otherPlace: false, own: 1 });
    sources.push(source);
    length += meta.length;
  }
  // 「安阳人社局电话多少」 answered from 安阳's own document: another city's phone adds nothing.
  const localOnly = kind === 'where' && candidates[0] !== undefined && !candidates[0].otherPlace;
  for (const c of candidates) {
    if (chosen.length >= maxSentences) break;
    if (c.score < best * 0.45 || c.score <= 0) break;
    if (localOnly && c.otherPlace) continue;
    const isNewSource = !sources.includes(c.passage);
    if (isNewSource && sources.length >= opts.maxSources) continue;
    // An item is already quoted when its lead-in was chosen.
    if (c.isItem && chosen.some((x) => x.leadIn && x.passage === c.passage)) continue;
    const allowance = c.leadIn && !oneFact ? LIST_ALLOWANCE : 0;
    const text = c.leadIn ? withItems(c.text, c.passage.items, maxChars + allowance - length - 4 * (chosen.length + 1)) : c.text;
    if (chosen.length && length + text.length > maxChars + allowance - (c.leadIn ? 4 * (chosen.length + 1) : 0)) continue;
    // The same sentence is not quoted twice, also when two documents number it differently (「（四）能够…」).
    const norm = sameText(text);
    if (chosen.some((x) => sameText(x.text).includes(norm))) continue;
    if (c.leadIn) {
      // Items quoted earlier on their own give way to the whole list.
      for (let i = chosen.length - 1; i >= 0; i--) {
        const x = chosen[i]!;
        if (x.isItem && x.passage === c.passage) {
          chosen.splice(i, 1);
          length -= x.text.length;
        }
      }
    }
    chosen.push({ ...c, text });
    length += text.length;
    if (isNewSource) sources.push(c.passage);
  }
  // 「单位和个人各交多少」: a question after a figure gets one — when none of the sentences chosen states a
  // number, the best one that does (scoring at least FIGURE_INCLUDE_SHARE of the best) takes the last place.
  if (kind !== null && FIGURE_KINDS.has(kind) && chosen.length && !chosen.some((c) => statesAsked(kind, c.text))) {
    const figure = candidates.find((c) => c.score >= FIGURE_INCLUDE_SHARE * best && !c.leadIn && !c.isItem && statesAsked(kind, c.text) && !chosen.includes(c));
    if (figure && (sources.includes(figure.passage) || sources.length < opts.maxSources || chosen.length > 1)) {
      const out = chosen.length >= maxSentences || length + figure.text.length > maxChars ? chosen.pop()! : null;
      if (out) length -= out.text.length;
      if (out && !chosen.some((c) => c.passage === out.passage)) sources.splice(sources.indexOf(out.passage), 1);
      chosen.push(figure);
      length += figure.text.length;
      if (!sources.includes(figure.passage)) sources.push(figure.passage);
    }
  }
  // The first sentence answers the question: the best-scoring one leads. Sources are numbered by
  // relevance (the source of the best-answering sentence first, then retrieval rank); the other
  // sentences follow in source order, then reading order.
  const bestOf = (p: Passage) => Math.max(...chosen.filter((c) => c.passage === p).map((c) => c.score));
  sources.sort((a, b) => bestOf(b) - bestOf(a) || passages.indexOf(a) - passages.indexOf(b));
  const lead = leadOf(chosen, oneFact ? kind : null);
  chosen.sort((a, b) => Number(b === lead) - Number(a === lead) || sources.indexOf(a.passage) - sources.indexOf(b.passage) || a.position - b.position);

  const cited = sources.map((p, i) => ({ passage: p, citation: toCitation(p, i + 1, opts.baseUrl) }));
  // Clauses the source joins with 「；」 (「1.…申请表；2.…身份证；3.…」) stay one sentence, cited once at its end.
  const continues = (c: Candidate, i: number) => {
    const next = chosen[i + 1];
    return next !== undefined && next.passage === c.passage && next.position === c.position + 1 && !next.isItem && !c.isItem && /[；;]$/u.test(c.text);
  };
  const answer = chosen
    .map((c, i) =>
      continues(c, i)
        ? `${c.text.replace(/[；;]$/u, '')}；`
        : `${c.text.replace(/[。；;，,：:]$/, '')}${/[？?！!]$/.test(c.text) ? '' : '。'}[${sources.indexOf(c.passage) + 1}]`,
    )
    .join('');
  return { answer, cited, lead: lead ? leadKey(lead.text) : null };
}

/**
 * The sentence that opens the answer: the best-scoring one, except that a question after one fact
 * (a sum, a period, a number, a phone or address) opens with the best sentence that states a figure,
 * when it scores at least FIGURE_LEAD_SHARE of the best.
 */
function leadOf(chosen: Candidate[], oneFact: AnswerKind | null): Candidate | null {
  const best = chosen.reduce<Candidate | null>((b, c) => (!b || byScore(c, b) < 0 ? c : b), null);
  if (!best || !oneFact || statesAsked(oneFact, best.text)) return best;
  const figure = chosen.filter((c) => c.score >= FIGURE_LEAD_SHARE * best.score && statesAsked(oneFact, c.text));
  return figure.reduce<Candidate | null>((b, c) => (!b || byScore(c, b) < 0 ? c : b), null) ?? best;
}
/** Fitted on the training sets' chosen sentences (a listwise fit, leave-one-set-out: 256 → 265 of 380 leads; first sentences 352 → 354 of 492). */
const FIGURE_LEAD_SHARE = 0.56;
/**
 * How well a sentence stating a number must score, against the best, to be quoted when none chosen states
 * one: on the training sets any share from 0.25 to 0.56 gave the same answers (2026-12-02); a figure
 * question answered without a figure is the worse failure, so the lower end.
 */
const FIGURE_INCLUDE_SHARE = 0.35;
/** Digits, after numerals are folded (二十四个月 → 24个月). */
const HAS_DIGIT = /\d/u;
/** A period or a date: what 「多久」「什么时候截止」 asks for (a phone number or a sum is not). */
const HAS_PERIOD = /\d+(?:\.\d+)?\s*个?(?:工作日|小时|年|月|日|天|周(?!岁))|\d{4}年\d{1,2}月/u;
/** A sum, a rate or a multiple: what 「多少钱」 asks for. */
const HAS_SUM = /\d+(?:\.\d+)?\s*(?:元|万元|亿元|块|%|倍)/u;

/** Whether a sentence states the kind of figure asked for: a period for a duration, a sum for an amount, else a number. */
function statesAsked(kind: AnswerKind, text: string): boolean {
  const norm = withoutNumbering(normalizeForMatch(text));
  if (kind === 'duration') return HAS_PERIOD.test(norm);
  if (kind === 'amount') return HAS_SUM.test(norm);
  return HAS_DIGIT.test(norm);
}

/** A sentence as compared for repeats: normalised, without its numbering or final punctuation. */
const sameText = (text: string) => withoutNumbering(normalizeForMatch(text)).replace(/[\p{P}\s]+$/u, '');

/** A heading read as a label: its last words with a colon (「（一）必需材料」 → 「必需材料：」). */
function headingLabel(heading: string): string {
  const tail = /([\u4e00-\u9fff]{2,10})[^\u4e00-\u9fff]*$/u.exec(normalizeForMatch(heading))?.[1];
  return tail ? `${tail}：` : '';
}

/** Best first: by score, then by the sentence's own share of the question's words, retrieval rank and reading order. */
const byScore = (a: Candidate, b: Candidate) => b.score - a.score || b.own - a.own || a.rank - b.rank || a.position - b.position;

/**
 * A sentence about a named example person: 李先生…, 张女士…, 小王…, 老赵…, 例如某…, 举个例子：…, 案例1：…, also after
 * an FAQ's verdict (「不能，李先生的…」).
 */
const CASE_SENTENCE =
  /^(?:[（(]?\d[）)]?\s*)?(?:(?:不能|不可以|可以|能|不是|是的?|不行|否)[，,]\s*)?(?:[\u4e00-\u9fff](?:先生|女士|同学|师傅|阿姨|大爷)|[小老][\u4e00-\u9fff](?=[，,是在于从今])|例如|比如|举例|举个例子|打个比方|案例\s*\d*\s*[：:])/u;

/** For a broad question, a passage's later sentences count this much against other passages' best. */
const BROAD_REPEAT = 0.7;


/** Largest boost for a sentence that enumerates what a 「哪些…」 question asks for. */
const LIST_ANSWER_BOOST = 0.25;

/** Extra room for the items of a list a chosen sentence introduces. */
const LIST_ALLOWANCE = 50;

/** 「符合以下条件之一：(1)…；(2)…」: the lead-in followed by as many items as fit in `room`. */
function withItems(lead: string, items: string[], room: number): string {
  let out = lead.replace(/[。；;，,：:]$/, '');
  let added = 0;
  for (const item of items) {
    // 「（二）非因本人意愿中断就业的，包括以下情形：」: its own sub-list stays in the cited passage.
    // A bullet (「• 本人身份证」) only marks the item: joined with 「；」 it goes.
    const piece = headed(item).replace(BULLET, '').replace(/[，,][^，,]*(?:以下|下列|如下)[^，,]*[:：]$/, '').replace(/[。；;，,：:]$/, '');
    if (added && out.length + piece.length + 2 > room) {
      out += '等';
      break;
    }
    out += (added ? '；' : '：') + piece;
    added++;
  }
  return out;
}

/**
 * 「（一）线上办理。失业人员可通过…」: an item that opens with its own short title reads as one
 * statement, the title followed by a colon, so its first sentence is not the bare title.
 */
const ITEM_TITLE = /^((?:[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．]|[一二三四五六七八九十]{1,3}、)\s*[^。；;，,：:！？!?\s]{1,12})[。.](?=\S)/u;
function headed(text: string): string {
  return text.replace(ITEM_TITLE, '$1：');
}

function findLastIndex<T>(xs: T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i]!)) return i;
  return -1;
}

/** Keeps the clauses of an over-long sentence around the part that matches the question. */
function focus(sentence: string, weights: Array<{ forms: string[]; weight: number }>): string {
  const clauses = sentence.split(/(?<=[，,：:])/);
  const scores = clauses.map((c) => {
    return coveredWeight(weights, normalizeForMatch(c));
  });
  let bestStart = 0;
  let bestScore = -1;
  for (let i = 0; i < clauses.length; i++) {
    let len = 0;
    let s = 0;
    for (let j = i; j < clauses.length && len + clauses[j]!.length <= LONG_SENTENCE; j++) {
      len += clauses[j]!.length;
      s += scores[j]!;
    }
    if (s > bestScore) {
      bestScore = s;
      bestStart = i;
    }
  }
  let out = '';
  for (let j = bestStart; j < clauses.length && out.length + clauses[j]!.length <= LONG_SENTENCE; j++) out += clauses[j];
  if (!out) out = sentence.slice(0, LONG_SENTENCE);
  return `${bestStart > 0 ? '…' : ''}${out}${out.length < sentence.length && !sentence.endsWith(out) ? '…' : ''}`;
}

export function toCitation(p: Passage, n: number, baseUrl: string): Citation {
  return {
    n,
    docId: p.doc.docId,
    title: p.doc.title,
    paragraphId: p.paragraph.id,
    text: p.text,
    url: paragraphUrl(baseUrl, p.doc.docId, p.paragraph.id),
    sourceUrl: p.doc.sourceUrl,
    date: p.doc.date,
    issuer: p.doc.issuer,
    region: p.region,
    docNumber: p.doc.docNumber,
    kind: p.doc.kind,
    headingPath: p.chunk.headingPath,
    label: paragraphLabel(p.paragraph.text, p.chunk.headingPath, p.paragraph.id),
  };
}

const ARTICLE = /^\s*(第[一二三四五六七八九十百零〇\d]+条)/u;
const MAX_LABEL_CHARS = 18;

/**
 * How a source line names its paragraph, so that sources of one document can be told apart:
 * the article (第十七条) the paragraph opens with, else its nearest heading, else its position.
 */
export function paragraphLabel(text: string, headingPath: readonly string[], paragraphId: string): string {
  const article = ARTICLE.exec(text)?.[1];
  if (article) return article;
  const heading = [...headingPath].reverse().find((h) => h.trim());
  if (heading) {
    const h = heading.replace(/\s+/gu, '').replace(/[:：]$/u, '');
    return h.length > MAX_LABEL_CHARS ? `${h.slice(0, MAX_LABEL_CHARS - 1)}…` : h;
  }
  return `第${paragraphId.replace(/^p/, '')}段`;
}
