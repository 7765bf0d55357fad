import type { Passage } from './hybrid.ts';
import type { HybridRetriever } from './hybrid.ts';
import { termWeights, WEIGHTS, type Query } from './query.ts';
import { covers, related } from '../text/gazetteer.ts';
import { statesFigure } from './figures.ts';
import { statesQuantity } from './quantity.ts';
import model from './abstain-model.json' with { type: 'json' };

/**
 * Does the corpus answer this ask? Decided on the topic, not on word overlap: a list of rules
 * (no content; a topic no document mentions; a region-specific figure no document of that
 * region states), then a logistic model over features of the retrieved passages that do not
 * depend on the corpus's size or wording (shares and flags in [0, 1]), fitted by
 * `policybot calibrate` with k-fold cross-validation (DESIGN.md).
 */
export interface AbstainFeatures {
  /** IDF-weighted share of the ask's known words (words the corpus uses) found in the best passage. */
  coverage: number;
  /** The same over the ask's character bigrams, robust to segmentation. */
  bigramCoverage: number;
  /** Cosine similarity of the best vector match (0 when vectors are off). */
  cosine: number;
  /** 1 when the ask names a topic concept of the domain lexicon (directly, inherited or in its background). */
  domain: number;
  /** Best weighted share of the ask's topic concepts a top passage names. */
  conceptSupport: number;
  /** Weighted share of the ask's own topic concepts the corpus never mentions. */
  unsupported: number;
  /** IDF-weighted share of the ask's words the corpus never uses (off-topic messages are made of them). */
  unknownShare: number;
  /** 1 when a top passage offers the kind of answer asked for (or no particular kind is asked). */
  kindOffered: number;
  /** 1 when a top passage's document covers the place asked about (or no place is asked). */
  regionOk: number;
  /**
   * IDF-weighted share of the ask's own words beyond its topic concepts (「起征点」, 「时效」, 「三等奖」)
   * found in the best passage: the topic may be mentioned while the thing asked about is not. 1 when
   * the ask has no such words.
   */
  residualCoverage: number;
}

export const FEATURE_NAMES: Array<keyof AbstainFeatures> = [
  'coverage',
  'bigramCoverage',
  'cosine',
  'domain',
  'conceptSupport',
  'unsupported',
  'unknownShare',
  'kindOffered',
  'regionOk',
  'residualCoverage',
];

export interface AbstainModel {
  features: Array<keyof AbstainFeatures>;
  weights: number[];
  bias: number;
  threshold: number;
  fittedOn?: string;
  crossValidation?: string;
}

export type AbstainReason =
  | { code: 'empty' }
  | { code: 'no-content' }
  | { code: 'unknown-topic'; topics: string[]; refer?: string }
  | { code: 'task'; task: string }
  | { code: 'no-regional-figure'; place: string; topic: string }
  | { code: 'no-figure'; topic: string; quantity: string }
  | { code: 'no-regional-document'; place: string }
  | { code: 'no-regional-topic'; place: string; topic: string }
  | { code: 'model'; probability: number };

export interface AbstainDecision {
  abstain: boolean;
  reason: AbstainReason | null;
  probability: number;
}

const TOP = 3;
/** A refusal names at most this many of the topics it looked for. */
const MAX_TOPIC_NAMES = 3;

/** The ask's own topics that name a measure (a generic 「补贴」 names none: the rules look past it). */
function askConcepts(query: Query) {
  return query.concepts.filter((c) => c.weight >= WEIGHTS.inherited && !c.concept.generic);
}

export function abstainFeatures(query: Query, passages: Passage[], retriever: Pick<HybridRetriever, 'idf' | 'docFreq' | 'corpusHas' | 'offersKind'>): AbstainFeatures {
  const top = passages.slice(0, TOP);
  const weights = termWeights(query, (w) => retriever.idf(w));
  const askTerms = query.terms.map((t, i) => ({ t, w: weights[i]! })).filter((x) => x.t.weight >= WEIGHTS.inherited);
  const known = askTerms.filter((x) => x.t.forms.some((f) => retriever.docFreq(f) > 0 || retriever.corpusHas(f)));
  const knownTotal = known.reduce((a, x) => a + x.w.weight, 0);
  const allTotal = askTerms.reduce((a, x) => a + x.w.weight, 0);
  let coverage = 0;
  for (const p of top) {
    let found = 0;
    for (const x of known) if (x.w.forms.some((f) => p.norm.includes(f))) found += x.w.weight;
    coverage = Math.max(coverage, knownTotal > 0 ? found / knownTotal : 0);
  }
  const placeChars = new Set(query.placeWords.join(''));
  const bigrams = [...query.lexical.bigrams.entries()].filter(([b, w]) => w >= WEIGHTS.ask && ![...b].every((ch) => placeChars.has(ch))).map(([b]) => b);
  let bigramCoverage = 0;
  for (const p of top) {
    const hit = bigrams.filter((b) => p.norm.includes(b)).length;
    bigramCoverage = Math.max(bigramCoverage, bigrams.length ? hit / bigrams.length : 0);
  }
  const own = askConcepts(query);
  const ownTotal = own.reduce((a, c) => a + c.weight, 0);
  const unsupportedWeight = own.filter((c) => !c.concept.forms.some((f) => retriever.corpusHas(f))).reduce((a, c) => a + c.weight, 0);
  // The ask's own words that are not a form of one of its concepts (nor a place).
  const conceptForms = query.concepts.flatMap((c) => c.concept.forms);
  const residual = askTerms.filter((x) => x.t.weight >= WEIGHTS.ask && !conceptForms.some((f) => f.includes(x.t.term) || x.t.term.includes(f)));
  const residualTotal = residual.reduce((a, x) => a + x.w.weight, 0);
  let residualCoverage = residualTotal ? 0 : 1;
  for (const p of top) {
    if (!residualTotal) break;
    let found = 0;
    for (const x of residual) if (x.w.forms.some((f) => p.norm.includes(f))) found += x.w.weight;
    residualCoverage = Math.max(residualCoverage, found / residualTotal);
  }
  const kind = query.kind;
  const kindOffered = !kind || kind === 'what' || kind === 'yesno' || top.some((p) => retriever.offersKind(p.textNorm, kind)) ? 1 : 0;
  const regionOk = !query.places.length || top.some((p) => !p.region || query.places.some((a) => covers(p.region!, a) || covers(a, p.region!))) ? 1 : 0;
  return {
    coverage,
    bigramCoverage,
    cosine: passages[0]?.cosine ?? 0,
    domain: query.concepts.length ? 1 : 0,
    // Without a topic concept, the word coverage stands in (as in the fusion).
    conceptSupport: query.concepts.length ? Math.max(0, ...top.map((p) => p.conceptCoverage)) : coverage,
    unsupported: ownTotal ? unsupportedWeight / ownTotal : 0,
    unknownShare: allTotal ? 1 - knownTotal / allTotal : 0,
    kindOffered,
    regionOk,
    residualCoverage,
  };
}

export function emptyFeatures(): AbstainFeatures {
  return { coverage: 0, bigramCoverage: 0, cosine: 0, domain: 0, conceptSupport: 0, unsupported: 0, unknownShare: 1, kindOffered: 0, regionOk: 0, residualCoverage: 0 };
}

export function answerProbability(f: AbstainFeatures, m: AbstainModel = model as AbstainModel): number {
  let z = m.bias;
  m.features.forEach((name, i) => {
    z += (m.weights[i] ?? 0) * f[name];
  });
  return 1 / (1 + Math.exp(-z));
}

/**
 * 「北京现在失业金每个月发多少钱？」: a sum asked for a place is answered only by a passage of a
 * document for that place (one containing it, or one inside it: a 常德 figure answers 「湖南文理学院的
 * 学生能领多少」, cited as 常德's) that names the ask's topic and states a figure
 * (per the period asked, when one is). A document whose region is unknown counts as possibly the place's.
 * Without a place (「个人养老金每年最多能存多少钱？」), any passage on one of the message's topics that states
 * a sum (or that the person pays nothing) answers it.
 */
function figureMissing(query: Query, passages: Passage[], retriever: Pick<HybridRetriever, 'docHas'>): AbstainReason | null {
  if (query.kind !== 'amount') return null;
  const own = askConcepts(query);
  // Without a place, the narrative's topics count too (「领失业金期间的医保，一个月要自己交多少钱？」):
  // a refusal then needs the sum to be missing from everything retrieved on any of them.
  const messageTopics = query.concepts.filter((c) => c.concept.topic && !c.concept.generic);
  // An ask that names only a generic 「补贴」 (「政府给企业补贴多少？」) is about the message's topics.
  const topicNamed = topicNamedTest(query, retriever, query.places.length && own.length ? own : messageTopics);
  const ok = passages.some((p, rank) => {
    // A document whose place is unknown may be that place's: it can answer (refusals stay conservative).
    if (query.places.length && p.region && !query.places.some((a) => related(p.region!, a))) return false;
    if (!topicNamed(p, rank)) return false;
    // Lenient: a refusal needs the figure to be missing in every form.
    return statesFigure(p.textNorm, query.norm, true);
  });
  if (ok) return null;
  // What was looked for, in the message's words: its topics (「灵活就业、养老保险」), not only the ask's own (「缴费比例」).
  const names = [...new Set([...own, ...messageTopics].map((c) => c.concept.name))].slice(0, MAX_TOPIC_NAMES);
  const topic = names.join('、') || (query.terms[0]?.term ?? '');
  return query.places.length ? { code: 'no-regional-figure', place: query.places[0]!, topic } : { code: 'no-figure', topic, quantity: '金额' };
}

/**
 * Whether a passage names the ask's topic: in its text, or in its document when the passage also
 * matches the ask's words (「补贴标准：一等奖20万元…」 under a section about the 创业大赛).
 */
function topicNamedTest(query: Query, retriever: Pick<HybridRetriever, 'docHas'>, own = askConcepts(query)): (p: Passage, rank: number) => boolean {
  const names = (text: (f: string) => boolean) => own.some((c) => c.concept.forms.some(text));
  return (p, rank) => (own.length ? names((f) => p.norm.includes(f)) || ((rank < TOP || p.coverage >= 0.3) && names((f) => retriever.docHas(p.doc.docId, f))) : p.coverage >= 0.5);
}

/**
 * 「延迟退休以后我要干到多少岁？」: the ask asks for a quantity (an age, a number of days or months …,
 * quantity.ts) and no retrieved passage that names its topic states one: the documents do not give it.
 */
function askedQuantityMissing(query: Query, passages: Passage[], retriever: Pick<HybridRetriever, 'docHas'>): AbstainReason | null {
  const asked = query.quantities.filter((q) => q.asked);
  if (!asked.length || !askConcepts(query).length || !passages.length) return null;
  const topicNamed = topicNamedTest(query, retriever);
  if (passages.some((p, rank) => topicNamed(p, rank) && asked.some((q) => statesQuantity(q.spec, p.textNorm)))) return null;
  return { code: 'no-figure', topic: askConcepts(query)[0]!.concept.name, quantity: asked[0]!.spec.name };
}

/**
 * 「上海居住证积分怎么办理？」 answered only by documents of other places (not national ones): the
 * corpus has nothing for that place. Documents whose region is unknown may apply, so they keep the
 * question open.
 */
function regionalDocumentMissing(query: Query, passages: Passage[]): AbstainReason | null {
  if (!query.places.length || query.places.includes('全国')) return null;
  const top = passages.slice(0, TOP);
  if (!top.length) return null;
  // A document of a place inside the one asked (a 青岛 page for a 山东 question) is not another place's.
  const applies = (p: Passage) => !p.region || p.region === '全国' || query.places.some((a) => related(p.region!, a));
  return top.some(applies) ? null : { code: 'no-regional-document', place: query.places[0]! };
}

/**
 * 「潍坊人社咨询电话多少」: a phone number asked for a place, and no retrieved passage of that place (or one
 * containing or inside it, or a national or unknown one) states one — another city's number is no answer.
 */
function regionalPhoneMissing(query: Query, passages: Passage[]): AbstainReason | null {
  if (query.kind !== 'where' || !query.places.length || query.places.includes('全国')) return null;
  const phone = query.quantities.find((x) => x.asked && x.spec.name === PHONE_QUANTITY);
  if (!phone || !passages.length) return null;
  const applies = (p: Passage) => !p.region || p.region === '全国' || query.places.some((a) => related(p.region!, a));
  return passages.some((p) => applies(p) && statesQuantity(phone.spec, p.textNorm)) ? null : { code: 'no-regional-topic', place: query.places[0]!, topic: '联系电话' };
}

/** The quantity of answer-kinds.yml a phone number is. */
const PHONE_QUANTITY = '电话号码';

/**
 * 「政府有没有宠物补贴？」: the ask names a benefit the lexicon does not know (a word before 补贴/贷款 …)
 * that no document mentions, and the word that qualifies it (宠物) is not one the corpus uses either:
 * the corpus does not cover that benefit. (「额外补贴」 is no such name: 额外 is a common word.)
 */
function unknownBenefit(query: Query, retriever: Pick<HybridRetriever, 'corpusHas' | 'docFreq'>): AbstainReason | null {
  for (const { name, qualifier } of query.benefits) {
    if (retriever.corpusHas(name) || retriever.docFreq(qualifier) > 0 || retriever.corpusHas(qualifier)) continue;
    return { code: 'unknown-topic', topics: [name] };
  }
  return null;
}

/**
 * 「深圳对新引进的毕业生有没有租房补贴？」: the ask names a benefit (a concept named …补贴/贷款 …) that no
 * document of the place asked (nor of a place containing it, nor a national one) names in any form — a
 * 青岛 report of 住房补贴 does not say what 深圳 gives.
 */
function regionalTopicMissing(query: Query, retriever: Pick<HybridRetriever, 'placeHas'>, benefitNouns: readonly string[]): AbstainReason | null {
  if (!query.places.length || query.places.includes('全国')) return null;
  for (const c of askConcepts(query)) {
    if (!benefitNouns.some((n) => c.concept.name.endsWith(n))) continue;
    if (!retriever.placeHas(query.places, c.concept.forms)) return { code: 'no-regional-topic', place: query.places[0]!, topic: c.concept.name };
  }
  return null;
}

type Rule = (query: Query, passages: Passage[], f: AbstainFeatures, retriever: RuleContext) => AbstainReason | null;

/** What the rules may ask of the corpus. */
export type RuleContext = Pick<HybridRetriever, 'docHas' | 'corpusHas' | 'docFreq' | 'placeHas' | 'benefitNouns'>;

/** The rules, in order; the first that speaks decides. */
export const RULES: Array<{ name: string; rule: Rule }> = [
  { name: 'empty', rule: (q, ps) => (!ps.length ? { code: 'empty' } : null) },
  { name: 'no-content', rule: (q) => (!q.terms.length && !q.concepts.length ? { code: 'no-content' } : null) },
  {
    // A task (写代码, 写诗) is refused whatever else the ask names (「写个爬虫抓招聘网站的数据」).
    name: 'task',
    rule: (q) => {
      const task = q.concepts.find((c) => c.concept.refuse && c.weight >= WEIGHTS.inherited);
      return task ? { code: 'task', task: task.concept.name } : null;
    },
  },
  {
    name: 'unknown-topic',
    rule: (q, _ps, f) => {
      if (f.unsupported < 1) return null;
      const refer = askConcepts(q).find((c) => c.concept.refer)?.concept.refer;
      return { code: 'unknown-topic', topics: askConcepts(q).map((c) => c.concept.name), ...(refer ? { refer } : {}) };
    },
  },
  { name: 'regional-figure', rule: (q, ps, _f, r) => figureMissing(q, ps, r) },
  { name: 'regional-document', rule: (q, ps) => regionalDocumentMissing(q, ps) },
  { name: 'regional-phone', rule: (q, ps) => regionalPhoneMissing(q, ps) },
  { name: 'asked-quantity', rule: (q, ps, _f, r) => askedQuantityMissing(q, ps, r) },
  { name: 'unknown-benefit', rule: (q, _ps, _f, r) => unknownBenefit(q, r) },
  { name: 'regional-topic', rule: (q, _ps, _f, r) => regionalTopicMissing(q, r, r.benefitNouns) },
];

/** `ranked`: the wider ranked list of passages (the regional-figure rule looks beyond the top k). */
export function decideAbstention(query: Query, passages: Passage[], f: AbstainFeatures, retriever: RuleContext, m: AbstainModel = model as AbstainModel): AbstainDecision {
  const probability = answerProbability(f, m);
  for (const { rule } of RULES) {
    const reason = rule(query, passages, f, retriever);
    if (reason) return { abstain: true, reason, probability };
  }
  if (probability < m.threshold) return { abstain: true, reason: { code: 'model', probability }, probability };
  return { abstain: false, reason: null, probability };
}

/** Whether a rule (not the model) decides this ask: such rows are left out of the model's fit. */
export function ruleDecides(query: Query, ranked: Passage[], f: AbstainFeatures, retriever: RuleContext): boolean {
  return RULES.some(({ rule }) => rule(query, ranked, f, retriever) !== null);
}

/**
 * Refusing an answerable question costs this many times more than answering an unanswerable one
 * (which still shows its citations and warnings): the fit leans towards answering.
 */
export const FALSE_REFUSAL_COST = 2;

/** L2-regularised, class-balanced, cost-weighted logistic regression by gradient descent on features in [0, 1]. */
export function fitAbstainModel(rows: Array<{ f: AbstainFeatures; answerable: boolean }>, lambda = 0.01): AbstainModel {
  const X = rows.map((r) => FEATURE_NAMES.map((n) => r.f[n]));
  const y = rows.map((r) => (r.answerable ? 1 : 0));
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  const sw = y.map((v) => (v === 1 ? (FALSE_REFUSAL_COST * y.length) / (2 * Math.max(1, pos)) : y.length / (2 * Math.max(1, neg))));
  const w = FEATURE_NAMES.map(() => 0);
  let b = 0;
  const lr = 0.5;
  for (let epoch = 0; epoch < 8000; epoch++) {
    const gw = w.map(() => 0);
    let gb = 0;
    X.forEach((x, i) => {
      const z = b + x.reduce((s, xi, j) => s + xi * w[j]!, 0);
      const p = 1 / (1 + Math.exp(-z));
      const err = (p - y[i]!) * sw[i]!;
      x.forEach((xi, j) => (gw[j]! += err * xi));
      gb += err;
    });
    w.forEach((_, j) => (w[j] = w[j]! - lr * (gw[j]! / X.length + lambda * w[j]!)));
    b -= lr * (gb / X.length);
  }
  return { features: FEATURE_NAMES, weights: w.map((v) => round(v)), bias: round(b), threshold: 0.5 };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
