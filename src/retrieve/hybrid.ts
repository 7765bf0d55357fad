import type { Chunk, Paragraph, PolicyDocument } from '../types.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { IndexData } from '../index/store.ts';
import type { ChunkNorms } from '../index/chunk-norms.ts';
import { contextOf } from '../chunk/context.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import { cjkBigrams } from '../text/tokenize.ts';
import { related } from '../text/gazetteer.ts';
import { analyzeNormalized } from '../text/tokenize.ts';
import type { AnswerKind, Concept, Lexicon } from '../text/lexicon.ts';
import { BULLET } from '../text/sentences.ts';
import { coveredWeight, termWeights, type Query } from './query.ts';
import { answerTypeFactor, answerTypeOf, enumerationSize } from './answer-type.ts';
import { answerKindOf } from '../understand/message.ts';
import { askedPeriod, statesFigure } from './figures.ts';
import { rerankFeatures, rerankScores, type RerankModel, type Signals } from './rerank.ts';
import { offersKindOf } from './offers.ts';
import { quantityMatch } from './quantity.ts';
import { BoundedMemo } from '../bounded-memo.ts';
import defaultRerank from './rerank-model.json' with { type: 'json' };

export interface Passage {
  chunk: Chunk;
  doc: PolicyDocument;
  paragraph: Paragraph;
  /** Fused relevance, the ranking key. */
  score: number;
  bm25: number;
  cosine: number;
  /** The cited passage: the whole paragraph (with the list items it introduces), or the best window of a very long one. */
  text: string;
  /** The top-level list items under a lead-in paragraph (all items, sub-lists too, are at the end of `text`). */
  items: string[];
  /** The heading that introduces `items` when the passage is a heading's list. */
  lead: string | null;
  /** Passages with one key cite the same text (one is kept). */
  key: string;
  /** Normalised passage text with its context (title, headings), for matching. */
  norm: string;
  /** `text` normalised. */
  textNorm: string;
  /** IDF-weighted share of the query's words the chunk contains. */
  coverage: number;
  /** Weighted share of the query's topic concepts the passage names. */
  conceptCoverage: number;
  /** The passage offers the kind of answer asked for. */
  offersKind: boolean;
  /** Chunk number in the index. */
  index: number;
  /** The place the passage is about: its paragraph's section region, else its document's (null: unknown). */
  region: string | null;
  /** What each step saw of the passage (normalised scores, priors, kind signals): the learned rerank reads them. */
  signals: Signals;
  /** The learned rerank's feature vector (rerank.ts FEATURES order), set by its step. */
  features: number[];
}

const noSignals = (): Signals => ({ bm25: 0, cosine: 0, coverage: 0, concepts: 0, region: 0, news: 0, attachment: 0, offersKind: 0, period: 0, headingKind: 0, labelKind: 0, enumeration: 1, quantity: 0 });

interface CitedText {
  /** What passages with the same text share (one passage per key is kept). */
  key: string;
  text: string;
  items: string[];
  /** For a heading's list (「（一）必需材料」 + 1. 2. 3.): the heading, which introduces the items. */
  lead: string | null;
  /** `text` normalised. */
  textNorm: string;
  /** Normalised passage text with its context, for matching. */
  norm: string;
}

/** Paragraphs longer than this are cited by their best-matching window only. */
const MAX_PASSAGE_CHARS = 1000;

/** Weights of the score fusion and priors (documented in DESIGN.md). */
const LEXICAL_WEIGHT = 0.4;
const VECTOR_WEIGHT = 0.1;
/** IDF-weighted share of the question's words the chunk contains: not biased towards short chunks. */
const COVERAGE_WEIGHT = 0.35;
/** Weighted share of the question's topic concepts (any of their forms) the chunk names. */
const CONCEPT_WEIGHT = 0.15;
const SAME_REGION_BOOST = 1.4;
const OTHER_REGION_PENALTY = 0.6;
/** Where to go or whom to call (kind where): another place's office or phone is no answer, whatever its words. */
const OTHER_REGION_CONTACT_PENALTY = 0.3;
const NEWS_PRIOR = 0.92;
/** The name of an attachment (附件：1. …申请表) counts this much: it says nothing itself. */
const ATTACHMENT_NAME_PRIOR = 0.5;
const DUPLICATE_NEWS_PENALTY = 0.5;
/** A news passage is compared with this many of the best official passages for repeating one. */
const NEWS_DUPLICATE_OF = 24;
const CANDIDATES = 80;
/** The news-repost check remembers this many pairs at most. */
const REPEATS_MEMO = 200_000;
/** offersKind remembers this many texts per kind at most. */
const OFFERED_MEMO = 20_000;
/** Candidates remembered per concept as naming it or not (at most, for each concept: a few hundred concepts make a few hundred thousand entries). */
const CONCEPT_NAMED_MEMO = 5_000;
/** corpusHas remembers this many texts at most. */
const MAX_CORPUS_HITS = 10_000;
/** A passage that offers the kind of answer asked for (a sum for 「多少钱」, an address for 「去哪」). */
const KIND_BOOST = 0.3;
/** Largest boost for a passage that enumerates what a 「哪些…」 question asks for. */
const ENUMERATION_BOOST = 0.25;
/** A sum stated for the period asked (每月 for 「一个月多少」). */
const PERIOD_BOOST = 0.15;
/** A passage that states the quantity asked (「多少岁」 → 45周岁) or a bound holding the person's figure (交了7年 → 满5年不满10年的). */
const QUANTITY_BOOST = 0.15;
/** A passage under an FAQ question asking for the same kind of answer. */
const HEADING_KIND_BOOST = 0.25;
/** …and a part whose label (answer-kinds.yml labels) names the kind asked. */
const LABEL_KIND_BOOST = 0.3;
/** Pseudo-relevance feedback: salient words of the best passages, added to the lexical query at this weight. */
const PRF_DOCS = 3;
const PRF_TERMS = 6;
const PRF_WEIGHT = 0.3;
const PRF_MIN_IDF = 2;

export interface RetrieveOptions {
  k: number;
  /** Ablation switches (default on, but feedback default off). */
  vectors?: boolean;
  prf?: boolean;
  kindRerank?: boolean;
  /** The learned rerank (rerank-model.json); off: the hand-set fusion's order. */
  rerank?: boolean;
}

/** One retrieval: the query, its candidates and what every step has learnt so far. */
interface Run {
  query: Query;
  opts: Required<RetrieveOptions>;
  weights: Array<{ forms: string[]; weight: number }>;
  totalWeight: number;
  lexical: Map<number, number>;
  cosine: Map<number, number>;
  passages: Passage[];
}

type Step = { name: string; run: (r: Run) => void | Promise<void> };

/**
 * Hybrid retrieval as a list of steps: BM25 (weighted words, bigrams, context) and HNSW cosine
 * candidates → fused score (lexical, vector, word coverage, concept coverage) → pseudo-relevance
 * feedback → region and news priors → answer-kind rerank → one passage per paragraph, a news
 * repost that repeats an official text below it → the learned rerank (rerank.ts) → the cut.
 */
export class HybridRetriever {
  private readonly docs: Map<string, PolicyDocument>;
  private readonly paragraphs: Map<string, Paragraph>;
  /** Each chunk's normalised context and text, stored at ingest (decoded per candidate). */
  private readonly norms: ChunkNorms;

  constructor(
    private readonly index: IndexData,
    private readonly embedder: Embedder,
    private readonly lexicon: Lexicon,
    /** The learned rerank's weights (null: none; calibrate fits them). */
    private rerankModel: RerankModel | null = defaultRerank as RerankModel,
  ) {
    this.docs = new Map(index.documents.map((d) => [d.docId, d]));
    this.paragraphs = new Map();
    for (const d of index.documents) for (const p of d.paragraphs) this.paragraphs.set(`${d.docId}#${p.id}`, p);
    this.norms = index.norms;
  }

  /** What a chunk is cited as, computed once per paragraph (or per window of a very long one). */
  private readonly cited = new Map<string, CitedText>();

  private citedText(doc: PolicyDocument, chunk: Chunk, paragraph: Paragraph, i: number): CitedText {
    const whole = paragraph.text.length <= MAX_PASSAGE_CHARS;
    const ownKey = whole ? `${doc.docId}#${paragraph.id}` : chunk.id;
    let c = this.cited.get(ownKey);
    if (c === undefined) {
      const section = whole ? headingList(doc, paragraph) : null;
      const answer = whole && !section ? faqAnswer(doc, paragraph) : null;
      if (answer) {
        // An FAQ answer in several paragraphs under its question is one passage (the question is its heading).
        const text = answer.paragraphs.join('\n');
        c = {
          key: `${doc.docId}#${answer.firstId}`,
          text,
          items: [],
          lead: null,
          textNorm: normalizeForMatch(text),
          norm: normalizeForMatch(`${contextOf(doc, chunk)} ${text}`),
        };
      } else if (section) {
        const text = section.paragraphs.join('\n');
        c = {
          key: `${doc.docId}#${section.firstId}`,
          text,
          items: section.items,
          lead: section.heading,
          textNorm: normalizeForMatch(text),
          norm: normalizeForMatch(`${contextOf(doc, chunk)} ${text}`),
        };
      } else {
        const list = whole ? listItemsAfter(doc, paragraph) : { all: [], top: [] };
        const text = whole ? [paragraph.text, ...list.all].join('\n') : chunk.text;
        const items = normalizeForMatch(list.all.join('\n'));
        c = {
          key: ownKey,
          text,
          items: list.top,
          lead: null,
          textNorm: normalizeForMatch(text),
          norm: whole ? normalizeForMatch(`${contextOf(doc, chunk)} ${paragraph.text}`) + items : this.norms.get(i),
        };
      }
      this.cited.set(ownKey, c);
    }
    return c;
  }

  /** The lexicon's benefit nouns (补贴, 贷款 …), for the abstention rules. */
  get benefitNouns(): readonly string[] {
    return this.lexicon.phrases.benefitNouns;
  }

  get documents(): PolicyDocument[] {
    return this.index.documents;
  }

  document(docId: string): PolicyDocument | undefined {
    return this.docs.get(docId);
  }

  /** IDF of a word in the corpus (chunk level), used to weigh query terms. */
  idf(word: string): number {
    return this.index.lexical.idf('words', word);
  }

  /** Number of chunks containing the word (0: the corpus never uses it). */
  docFreq(word: string): number {
    return this.index.lexical.docFreq('words', word);
  }

  /** True when some chunk of the corpus contains the (normalised) text. */
  corpusHas(norm: string): boolean {
    return this.corpusHits.get(norm, () => this.norms.someIncludes(norm));
  }
  private readonly corpusHits = new BoundedMemo<string, boolean>(MAX_CORPUS_HITS);

  /** True when the document (any of its paragraphs or its title) contains the normalised text. */
  docHas(docId: string, norm: string): boolean {
    let text = this.docNorms.get(docId);
    if (text === undefined) {
      const d = this.docs.get(docId);
      text = d ? normalizeForMatch([d.title, ...d.paragraphs.map((p) => p.text)].join('\n')) : '';
      this.docNorms.set(docId, text);
    }
    return text.includes(norm);
  }
  private readonly docNorms = new Map<string, string>();

  /**
   * True when a document that applies to one of the places (its region is the place, contains it or
   * lies in it; national; or unknown) contains one of the normalised texts.
   */
  placeHas(places: readonly string[], norms: readonly string[]): boolean {
    const key = `${places.join(',')}\u0000${norms.join('\u0001')}`;
    return this.placeHits.get(key, () => {
      const loose = norms.map((n) => this.elliptic(n));
      return this.index.documents.some(
        (d) =>
          (!d.region || d.region === '全国' || places.some((a) => related(a, d.region!))) &&
          norms.some((n, i) => this.docHas(d.docId, n) || (loose[i] !== null && loose[i]!.test(this.docNorms.get(d.docId) ?? ''))),
      );
    });
  }
  private readonly placeHits = new BoundedMemo<string, boolean>(MAX_CORPUS_HITS);

  /** 「租房补贴」 also as 「人才租房和生活补贴」「租房、生活补贴」: a benefit's name with others coordinated before its noun. */
  private elliptic(norm: string): RegExp | null {
    const noun = this.lexicon.phrases.benefitNouns.find((n) => norm.endsWith(n) && norm.length > n.length);
    if (!noun) return null;
    const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`${escape(norm.slice(0, -noun.length))}(?:和|与|及|、)[^。；，,]{1,6}${escape(noun)}`, 'u');
  }

  /** Whether a normalised text offers the answer kind (the kind's `offers` patterns in answer-kinds.yml). */
  offersKind(textNorm: string, kind: AnswerKind | null): boolean {
    if (!kind) return false;
    // Passages and their sentences come back ask after ask: each text is read once per kind.
    let memo = this.offered.get(kind);
    if (!memo) this.offered.set(kind, (memo = new BoundedMemo(OFFERED_MEMO)));
    return memo.get(textNorm, () => offersKindOf(this.lexicon, textNorm, kind));
  }
  private readonly offered = new Map<AnswerKind, BoundedMemo<string, boolean>>();

  private readonly steps: Step[] = [
    { name: 'candidates', run: (r) => this.candidates(r) },
    { name: 'fuse', run: (r) => this.fuse(r) },
    { name: 'prf', run: (r) => (r.opts.prf ? this.feedback(r) : undefined) },
    { name: 'priors', run: (r) => this.priors(r) },
    { name: 'kind', run: (r) => (r.opts.kindRerank ? this.kindRerank(r) : undefined) },
    { name: 'dedupe', run: (r) => this.dedupe(r) },
    { name: 'rerank', run: (r) => this.rerank(r) },
    { name: 'cut', run: (r) => void (r.passages = r.passages.slice(0, Math.max(r.opts.k * 3, 12))) },
  ];

  /** Replace the learned rerank's weights (calibrate fits new ones, then judges abstention with them). */
  useRerankModel(model: RerankModel | null): void {
    this.rerankModel = model;
  }

  async retrieve(query: Query, kOrOpts: number | RetrieveOptions): Promise<Passage[]> {
    const o = typeof kOrOpts === 'number' ? { k: kOrOpts } : kOrOpts;
    // Feedback is off by default: on the calibration sets it did not raise hit@3 (BENCHMARKS.md, ablation).
    const opts: Required<RetrieveOptions> = { k: o.k, vectors: o.vectors ?? true, prf: o.prf ?? false, kindRerank: o.kindRerank ?? true, rerank: o.rerank ?? true };
    const weights = termWeights(query, (w) => this.idf(w));
    const run: Run = { query, opts, weights, totalWeight: weights.reduce((a, w) => a + w.weight, 0) || 1, lexical: new Map(), cosine: new Map(), passages: [] };
    for (const step of this.steps) await step.run(run);
    return run.passages.slice(0, opts.k);
  }

  /** Like retrieve, but also the wider ranked list (up to max(3k, 12)) the abstention rules look at. */
  async retrieveWide(query: Query, opts: RetrieveOptions): Promise<{ top: Passage[]; ranked: Passage[] }> {
    const ranked = await this.retrieve(query, { ...opts, k: Math.max(opts.k * 3, 12) });
    return { top: ranked.slice(0, opts.k), ranked };
  }

  private async candidates(r: Run): Promise<void> {
    for (const h of this.index.lexical.search(r.query.lexical, CANDIDATES)) r.lexical.set(h.index, h.score);
    if (r.opts.vectors) {
      const qv = await this.embedder.embedQuery(r.query.searchText);
      // The best CANDIDATES are candidates; the next ones only lend their similarity to lexical candidates.
      const hits = this.index.vectors.search(qv, Math.min(this.index.chunks.length, CANDIDATES * 2), CANDIDATES);
      for (const h of hits) r.cosine.set(h.label, h.similarity);
    }
    const ids = new Set<number>([...r.lexical.keys(), ...[...r.cosine.keys()].slice(0, CANDIDATES)]);
    r.passages = [...ids].map((i) => this.passage(i));
  }

  private passage(i: number): Passage {
    const chunk = this.index.chunks[i]!;
    const doc = this.docs.get(chunk.docId)!;
    const paragraph = this.paragraphs.get(`${chunk.docId}#${chunk.paragraphId}`)!;
    const cited = this.citedText(doc, chunk, paragraph, i);
    return {
      chunk,
      doc,
      paragraph,
      score: 0,
      bm25: 0,
      cosine: 0,
      coverage: 0,
      conceptCoverage: 0,
      offersKind: false,
      text: cited.text,
      items: cited.items,
      lead: cited.lead,
      key: cited.key,
      region: paragraph.region ?? doc.region,
      norm: cited.norm,
      textNorm: cited.textNorm,
      index: i,
      signals: noSignals(),
      features: [],
    };
  }

  private fuse(r: Run): void {
    const maxBm25 = Math.max(1e-9, ...r.lexical.values());
    const maxCos = Math.max(1e-9, ...r.cosine.values());
    const concepts = r.query.concepts;
    const conceptTotal = concepts.reduce((a, c) => a + c.weight, 0);
    for (const p of r.passages) {
      const norm = this.norms.get(p.index);
      p.bm25 = r.lexical.get(p.index) ?? 0;
      p.cosine = Math.max(0, r.cosine.get(p.index) ?? 0);
      p.coverage = coveredWeight(r.weights, norm) / r.totalWeight;
      let named = 0;
      for (const c of concepts) if (this.namesConcept(c.concept, p, norm)) named += c.weight;
      p.conceptCoverage = conceptTotal ? named / conceptTotal : 0;
      Object.assign(p.signals, { bm25: p.bm25 / maxBm25, cosine: r.opts.vectors ? p.cosine / maxCos : 0, coverage: p.coverage, concepts: conceptTotal ? p.conceptCoverage : p.coverage });
      p.score =
        LEXICAL_WEIGHT * (p.bm25 / maxBm25) +
        (r.opts.vectors ? VECTOR_WEIGHT * (p.cosine / maxCos) : 0) +
        COVERAGE_WEIGHT * p.coverage +
        (conceptTotal ? CONCEPT_WEIGHT * p.conceptCoverage : CONCEPT_WEIGHT * p.coverage);
    }
  }

  /**
   * Whether a candidate (its chunk or its cited text) names one of a concept's forms. Both texts are fixed
   * per chunk and the same concepts come back ask after ask, so the answer is remembered per concept.
   */
  private namesConcept(concept: Concept, p: Passage, norm: string): boolean {
    let memo = this.conceptNamed.get(concept);
    if (!memo) this.conceptNamed.set(concept, (memo = new BoundedMemo(CONCEPT_NAMED_MEMO)));
    return memo.get(p.index, () => concept.forms.some((f) => norm.includes(f) || p.norm.includes(f)));
  }
  private readonly conceptNamed = new WeakMap<Concept, BoundedMemo<number, boolean>>();

  /** RM3-style feedback: the salient words of the best passages join the lexical query, and the fusion is redone. */
  private feedback(r: Run): void {
    const top = [...r.passages].sort((a, b) => b.score - a.score).slice(0, PRF_DOCS);
    if (!top.length) return;
    const have = r.query.lexical.words;
    const gain = new Map<string, number>();
    for (const p of top) {
      const words = analyzeNormalized(p.textNorm).words.filter((w) => !have.has(w) && w.length > 1 && !/\d/.test(w) && !r.query.placeWords.some((pl) => pl.includes(w) || w.includes(pl)));
      if (!words.length) continue;
      const tf = new Map<string, number>();
      for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
      for (const [w, n] of tf) {
        const idf = this.idf(w);
        if (idf < PRF_MIN_IDF) continue;
        gain.set(w, (gain.get(w) ?? 0) + (n / words.length) * idf);
      }
    }
    const extra = [...gain.entries()].sort((a, b) => b[1] - a[1]).slice(0, PRF_TERMS);
    if (!extra.length) return;
    const max = extra[0]![1];
    const words = new Map(have);
    for (const [w, g] of extra) words.set(w, PRF_WEIGHT * (g / max));
    const hits = this.index.lexical.search({ words, bigrams: r.query.lexical.bigrams }, CANDIDATES);
    r.lexical = new Map(hits.map((h) => [h.index, h.score]));
    const known = new Set(r.passages.map((p) => p.index));
    for (const h of hits) if (!known.has(h.index)) r.passages.push(this.passage(h.index));
    this.fuse(r);
  }

  private priors(r: Run): void {
    for (const p of r.passages) {
      const region = regionFactor(r.query.places, p.region, r.query.kind === 'where' ? OTHER_REGION_CONTACT_PENALTY : OTHER_REGION_PENALTY);
      p.score *= region;
      p.signals.region = region > 1 ? 1 : region < 1 ? -1 : 0;
      if (p.doc.kind === 'news') {
        p.score *= NEWS_PRIOR;
        p.signals.news = 1;
      }
      // 「附件：1. …申请表」「4.《…办法》全文」: the name of an attachment says nothing itself.
      if (this.isAttachmentName(p)) {
        p.score *= ATTACHMENT_NAME_PRIOR;
        p.signals.attachment = 1;
      }
    }
  }

  /** The kind of answer asked for: a passage that offers it ranks higher (a sum for 「多少」, a list for 「哪些」). */
  private kindRerank(r: Run): void {
    const kind = r.query.kind;
    const period = kind === 'amount' ? askedPeriod(r.query.norm) : null;
    const enumeration = answerTypeOf(r.query.norm);
    const topics = [...r.weights].sort((a, b) => b.weight - a.weight).slice(0, 2).flatMap((w) => w.forms);
    for (const p of r.passages) {
      const s = p.signals;
      // A heading's list cited whole (「十三、温馨提示」 1.… 4.…) offers a single fact only in the item that matched:
      // the other items are about other things. A list answers a question for a list (materials, steps, who) as a whole.
      const own = p.lead && kind && !WHOLE_LIST_KINDS.has(kind) ? this.chunkNorm(p) : p.textNorm;
      p.offersKind = this.offersKind(own, kind);
      s.offersKind = p.offersKind && kind !== 'what' ? 1 : 0;
      // 「一个月能领多少」: a sum per month answers it, a monthly statistic does not.
      s.period = kind === 'amount' && period && statesFigure(own, r.query.norm) ? 1 : 0;
      // Under an FAQ question that asks for the same kind of answer (「二、失业保险金能领到多少钱？」).
      s.headingKind = kind && kind !== 'what' && this.headingAsks(p) === kind ? 1 : 0;
      // A part labelled with what is asked (「补贴标准：10000元」 for 「能给多少钱」) is that answer, however short.
      s.labelKind = kind && this.lexicon.labelKinds(p.textNorm).includes(kind) ? 1 : 0;
      s.enumeration = enumeration ? answerTypeFactor(enumerationSize(p.textNorm, enumeration, topics), ENUMERATION_BOOST) : 1;
      s.quantity = r.query.quantities.length ? quantityMatch(own, r.query.quantities) : 0;
      p.score *= (1 + KIND_BOOST * s.offersKind) * (1 + PERIOD_BOOST * s.period) * (1 + QUANTITY_BOOST * s.quantity) * (1 + HEADING_KIND_BOOST * s.headingKind) * (1 + LABEL_KIND_BOOST * s.labelKind) * s.enumeration;
    }
  }

  /** The matched chunk's own text, normalised (once per chunk). */
  private chunkNorm(p: Passage): string {
    let v = this.chunkNorms.get(p.index);
    if (v === undefined) {
      v = normalizeForMatch(p.chunk.text);
      if (this.chunkNorms.size >= 50_000) this.chunkNorms.clear();
      this.chunkNorms.set(p.index, v);
    }
    return v;
  }
  private readonly chunkNorms = new Map<number, string>();

  /** Whether a passage is only an attachment's name in the list after 「附件：」 (known per paragraph once read). */
  private isAttachmentName(p: Passage): boolean {
    const key = `${p.doc.docId}#${p.paragraph.id}`;
    let v = this.attachmentNames.get(key);
    if (v === undefined) {
      v = namesAttachment(p.paragraph.text) && inAttachmentList(p.doc, p.paragraph);
      this.attachmentNames.set(key, v);
    }
    return v;
  }
  private readonly attachmentNames = new Map<string, boolean>();

  /** The answer kind a passage's nearest heading asks for, when that heading is a question (FAQ). */
  private headingAsks(p: Passage): AnswerKind | null {
    // An FAQ whose question and answer share a paragraph (「4.补贴能领多长时间？就业困难人员…」): its own question first.
    const last = p.chunk.headingPath[p.chunk.headingPath.length - 1];
    const h = openingQuestion(p.paragraph.text) ?? last;
    if (!h || !/[？?]\s*$/u.test(h)) return null;
    let k = this.headingKinds.get(h);
    if (k === undefined) {
      k = answerKindOf(normalizeForMatch(h), this.lexicon);
      this.headingKinds.set(h, k);
    }
    return k;
  }
  private readonly headingKinds = new Map<string, AnswerKind | null>();

  private dedupe(r: Run): void {
    r.passages.sort((a, b) => b.score - a.score);
    const passages = dedupeByParagraph(r.passages);
    this.demoteNewsDuplicates(passages);
    passages.sort((a, b) => b.score - a.score);
    r.passages = passages;
  }

  /** A news passage that repeats a policy or law passage in the same results ranks below it. */
  private demoteNewsDuplicates(passages: Passage[]): void {
    if (!passages.some((p) => p.doc.kind === 'news')) return;
    // The best official passages: a repost repeats what ranks high, and comparing with every candidate is slow.
    const official = passages.filter((p) => p.doc.kind !== 'news').slice(0, NEWS_DUPLICATE_OF);
    for (const p of passages) {
      if (p.doc.kind !== 'news') continue;
      if (official.some((o) => this.repeats(p, o))) p.score *= DUPLICATE_NEWS_PENALTY;
    }
  }

  /** Whether news passage `news` repeats official passage `official` (most of its bigrams are there), remembered per pair. */
  private repeats(news: Passage, official: Passage): boolean {
    return this.repeated.get(`${news.key}|${official.key}`, () =>
      overlapsAtLeast(this.bigramsOf(`t:${news.key}`, news.textNorm), this.bigramsOf(`n:${official.key}`, official.norm), 0.6),
    );
  }
  private readonly repeated = new BoundedMemo<string, boolean>(REPEATS_MEMO);

  /** A passage's bigram set, made once per cited text (the corpus bounds the memo). */
  private bigramsOf(key: string, norm: string): Set<string> {
    let set = this.bigramSets.get(key);
    if (!set) {
      set = new Set(cjkBigrams(norm));
      this.bigramSets.set(key, set);
    }
    return set;
  }
  private readonly bigramSets = new Map<string, Set<string>>();

  /** Every candidate's rerank features; with a model, its scores become the ranking (rerank.ts). */
  private rerank(r: Run): void {
    const features = rerankFeatures(r.passages, r.query.kind, r.weights);
    r.passages.forEach((p, i) => (p.features = features[i]!));
    if (!r.opts.rerank || !this.rerankModel || !r.passages.length) return;
    const z = rerankScores(features, this.rerankModel);
    // The model decides the order; each rank keeps the fused score it had, so what reads score
    // ratios (composition) sees the scale it was made for. Ties keep the fused order.
    const fused = r.passages.map((p) => p.score);
    const order = r.passages.map((p, i) => ({ p, i, z: z[i]! })).sort((a, b) => b.z - a.z || a.i - b.i);
    r.passages = order.map((o, rank) => Object.assign(o.p, { score: fused[rank]! }));
  }
}

/** List item markers by style: （一） (1) 1. ① … at the start of a paragraph. */
const ITEM_STYLES: RegExp[] = [/^\s*[（(][一二三四五六七八九十]{1,3}[）)]/, /^\s*[（(]\d{1,2}[）)]/, /^\s*\d{1,2}[.．、](?!\d)/, /^\s*[①-⑳]/, BULLET];
/** A sentence announcing the list that follows (「符合以下3个条件之一」「有下列情形的」). */
const ANNOUNCES_LIST = /(?:以下|下列)[^。；]{0,12}(?:条件|情形|情况|材料|要求|规定|之一|方式|对象|人员)/;

function itemStyle(text: string): number {
  return ITEM_STYLES.findIndex((re) => re.test(text));
}

/**
 * A lead-in is cited together with the list items that follow it, within the passage size
 * limit: one ending in a colon (「符合下列条件的，可以领取失业保险金：」 + (一)(二)(三)), or one
 * that announces a list (「符合以下3个条件之一，可申请…」). Items continue while they keep the
 * first item's numbering style; a sub-list is taken in only under an item that introduces it.
 */
function listItemsAfter(doc: PolicyDocument, paragraph: Paragraph): { all: string[]; top: string[] } {
  const top: string[] = [];
  if (!/[:：]$/.test(paragraph.text) && !ANNOUNCES_LIST.test(paragraph.text)) return { all: [], top };
  const start = Number(paragraph.id.slice(1));
  const items: string[] = [];
  let length = paragraph.text.length;
  let style = -1;
  let nested = false;
  for (let i = start; i < doc.paragraphs.length; i++) {
    const p = doc.paragraphs[i]!;
    const s = itemStyle(p.text);
    if (s < 0 || p.isHeading) break;
    if (style < 0) style = s;
    if (s === style) nested = false;
    else if (!nested && !/[:：]$/.test(items[items.length - 1] ?? '')) break;
    else nested = true;
    if (length + p.text.length > MAX_PASSAGE_CHARS) break;
    items.push(p.text);
    if (!nested) top.push(p.text);
    length += p.text.length + 1;
  }
  return { all: items, top };
}

/** The kinds of answer a list gives as a whole (its other kinds are read from the item that matched). */
const WHOLE_LIST_KINDS: ReadonlySet<AnswerKind> = new Set(['materials', 'procedure', 'who', 'what']);

/** A heading's list is cited whole when it is at most this long, and each entry at most this. */
const MAX_SECTION_CHARS = 700;
const MAX_SECTION_ITEM_CHARS = 100;

/**
 * A numbered item directly under a heading (「五、所需材料 / （一）必需材料」 then 「1.《申报表》」「2.…」),
 * with only notes between the items: the section is one passage, the heading its lead-in, so a
 * question about the materials gets the whole list, not one line of it.
 */
function headingList(doc: PolicyDocument, paragraph: Paragraph): { heading: string; firstId: string; paragraphs: string[]; items: string[] } | null {
  const style = itemStyle(paragraph.text);
  if (style < 0 || paragraph.isHeading) return null;
  const { start, end } = sectionAround(doc, doc.paragraphs.indexOf(paragraph));
  // A short document that opens with its list (「广州市劳动仲裁网上申请流程」: 1.扫码… 8.提交申请): the title introduces it.
  const heading = start > 0 ? doc.paragraphs[start - 1]!.text : doc.title;
  if (!heading) return null;
  const body = doc.paragraphs.slice(start, end + 1);
  // The section must open with the list and be short enough to quote.
  if (itemStyle(body[0]!.text) !== style) return null;
  const items = body.filter((p) => itemStyle(p.text) === style).map((p) => p.text);
  const length = body.reduce((n, p) => n + p.text.length, 0);
  if (items.length < 2 || length > MAX_SECTION_CHARS) return null;
  // A list of short entries (materials, conditions), not a series of long measures under one heading.
  if (items.some((t) => t.length > MAX_SECTION_ITEM_CHARS)) return null;
  return { heading, firstId: body[0]!.id, paragraphs: body.map((p) => p.text), items };
}

/**
 * The paragraphs under an FAQ question (a heading that ends in ？: 「问：…有没有时间限制？」 then 「答：…」 and a
 * second paragraph that goes on), when there are several and together short enough to quote: the whole answer.
 */
function faqAnswer(doc: PolicyDocument, paragraph: Paragraph): { firstId: string; paragraphs: string[] } | null {
  const heading = paragraph.headingPath[paragraph.headingPath.length - 1];
  if (paragraph.isHeading || !heading || !/[？?]\s*$/u.test(heading)) return null;
  // An answer that is or introduces a list keeps the list reading (lead-in quoted with its items).
  if (itemStyle(paragraph.text) >= 0 || ANNOUNCES_LIST.test(paragraph.text) || /[:：]\s*$/u.test(paragraph.text)) return null;
  const { start, end } = sectionAround(doc, doc.paragraphs.indexOf(paragraph));
  const body = doc.paragraphs.slice(start, end + 1);
  if (body.length < 2 || body.reduce((n, p) => n + p.text.length, 0) > MAX_SECTION_CHARS) return null;
  if (body.some((p) => itemStyle(p.text) >= 0 || ANNOUNCES_LIST.test(p.text))) return null;
  return { firstId: body[0]!.id, paragraphs: body.map((p) => p.text) };
}

/** The paragraphs between the headings around paragraph `at` (indices into doc.paragraphs, inclusive). */
function sectionAround(doc: PolicyDocument, at: number): { start: number; end: number } {
  let start = at;
  while (start > 0 && !doc.paragraphs[start - 1]!.isHeading) start--;
  let end = at;
  while (end + 1 < doc.paragraphs.length && !doc.paragraphs[end + 1]!.isHeading) end++;
  return { start, end };
}

/** A paragraph that only names a form or a document (an 附件 list item, with its file's extension when it is a link). */
const ATTACHMENT_NAME = /^\s*(?:附件\s*\d*[:：.、．]?\s*)?(?:\d{1,2}\s*[.、．]\s*)?[《“"]?[^。；;，,：:？?！!]{2,40}?(?:申请表|登记表|审批表|花名册|名册|汇总表|明细表|一览表|需求表|清单|目录|全文|》)[”"]?(?:\.(?:docx?|xlsx?|pdf|wps|et|zip|rar|ofd))?\s*$/iu;

export function namesAttachment(text: string): boolean {
  return ATTACHMENT_NAME.test(text);
}

/**
 * Whether a paragraph is in the list of a document's attachments (「附件：」 then 「1. …申请表」): it is the
 * line itself or the list right after that label. A materials list that names forms is content.
 */
export function inAttachmentList(doc: PolicyDocument, paragraph: Paragraph): boolean {
  if (/^\s*附件/u.test(paragraph.text) || paragraph.headingPath.some((h) => /^\s*附件/u.test(h))) return true;
  for (let i = doc.paragraphs.indexOf(paragraph) - 1; i >= 0; i--) {
    const t = doc.paragraphs[i]!.text;
    if (/^\s*附件/u.test(t)) return true;
    if (!namesAttachment(t)) return false;
  }
  return false;
}

function regionFactor(asked: string[], docRegion: string | null, otherPenalty: number): number {
  if (!asked.length || !docRegion || docRegion === '全国') return 1;
  return asked.some((a) => related(a, docRegion)) ? SAME_REGION_BOOST : otherPenalty;
}

function dedupeByParagraph(passages: Passage[]): Passage[] {
  const seen = new Set<string>();
  return passages.filter((p) => {
    const key = p.key;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether at least `share` of `a`'s bigrams are in `b` (it stops once too many are missing). */
function overlapsAtLeast(a: Set<string>, b: Set<string>, share: number): boolean {
  if (!a.size) return false;
  let missing = 0;
  const allowed = a.size * (1 - share);
  for (const x of a) if (!b.has(x) && ++missing > allowed) return false;
  return true;
}

/**
 * The question a paragraph opens with when its answer follows in the same paragraph (「2.哪些人可以享受…？补贴对象为…」,
 * 「问：…？答：…」): an item marker, up to 40 characters ending in a question mark, then more text.
 */
export function openingQuestion(text: string): string | null {
  const m = OPENING_QUESTION.exec(text);
  return m ? m[1]! : null;
}
const OPENING_QUESTION = /^\s*(?:[(（]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)?(?:问[:：]\s*)?([^。；;！!？?\n]{4,40}[？?])\s*(?:答[:：])?\s*[^\s]/u;
