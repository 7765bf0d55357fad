import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { answerHealth } from './answer-health.ts';
import { PolicybotError, isPolicybotError, errorMessage } from './errors.ts';
import { buildIndex, currentCorpusHash, useLexicon } from './index/build.ts';
import { cleanupStale, readIndexAsync, readManifest, type IndexData, type Manifest } from './index/store.ts';
import { embedderForQueries, planEmbedder } from './embed/resolve.ts';
import { HASHED_VERSION } from './embed/hashed.ts';
import type { Embedder } from './embed/embedder.ts';
import { HybridRetriever, type Passage } from './retrieve/hybrid.ts';
import { buildQuery, type Query } from './retrieve/query.ts';
import { abstainFeatures, decideAbstention, emptyFeatures, type AbstainDecision, type AbstainFeatures } from './retrieve/abstain.ts';
import { composeAnswer, DEFAULT_COMPOSE, toCitation } from './answer/compose.ts';
import { EXTRACTIVE, type Answer } from './answer/contract.ts';
import { metaFieldAsked, metaSource } from './answer/metadata.ts';
import { combineParts, relatedProvisions, renumber, understoodText, wholeAsk, type ComposedPart } from './answer/parts.ts';
import { understand, type Ask, type Understanding } from './understand/message.ts';
import { related } from './text/gazetteer.ts';
import type { AnswerKind, Lexicon } from './text/lexicon.ts';
import { otherSubjectTest } from './answer/subject.ts';
import { noProgress, type Progress } from './progress.ts';
import type { PolicyDocument } from './types.ts';
import { CJK } from './text/normalize.ts';
import type { Measure } from './measures/types.ts';
import { withUrls } from './measures/store.ts';

export const MAX_QUESTION_CHARS = 500;

/** Length as people count it: characters (code points), so an emoji is one, not two. */
export function charCount(text: string): number {
  return [...text].length;
}

export interface AskOptions {
  k?: number;
  /** The user's region when the question does not name one (e.g. from /region). */
  region?: string | null;
  /** How the question was rewritten, shown as 「按“…”查找」 (follow-ups set it). */
  understood?: string;
  /** Pipeline switches for ablation (on by default, except feedback). */
  pipeline?: PipelineSwitches;
  /**
   * Other wordings of the message (a language model's formal search queries). Each ask is also
   * retrieved as its variant(s) — one per ask when the counts match, else every variant — and the
   * wording the abstention model finds most answerable is used; the message's own wins ties.
   */
  variants?: string[];
  /** With a language model configured: false keeps this answer extractive (a tight time budget). */
  model?: boolean;
  /** With a language model configured: its text as it streams, before verification. */
  onToken?: (token: string) => void;
}

export interface PipelineSwitches {
  /** Lexicon expansion of everyday words to the documents' terms. */
  expand?: boolean;
  /** Pseudo-relevance feedback (off by default: it did not help on the calibration sets). */
  prf?: boolean;
  /** Rerank by the kind of answer asked for. */
  kindRerank?: boolean;
  /** The learned rerank (src/retrieve/rerank-model.json). */
  rerank?: boolean;
  /** Vector (HNSW) candidates and similarity. */
  vectors?: boolean;
  /** Answer each ask of a message separately (off: the whole message is one ask). */
  split?: boolean;
  /** The refusal gate (off: always answer). */
  abstain?: boolean;
}

/** One ask's retrieval and decision, for evaluation and calibration. */
export interface AskTrace {
  query: Query;
  /** The top k passages (what an answer is composed from). */
  passages: Passage[];
  /** The wider ranked list the abstention rules look at. */
  ranked: Passage[];
  features: AbstainFeatures;
  decision: AbstainDecision;
}

/** What a language model did for one answer (src/llm), for `eval --llm` and logs. */
export interface GenerationStats {
  rewriteQueries: string[];
  /** Why the extractive answer was kept ('abstained', 'no-answer', 'all-dropped', 'error:<step>', 'off'); null when the model's answer is used. */
  fallback: string | null;
  droppedSentences: number;
  inputTokens: number;
  outputTokens: number;
  modelMs: number;
}

export interface Inspection {
  /** Set when a language model took part. */
  generation?: GenerationStats;
  /** Features of the ask most likely to be answerable (the message's own for one ask). */
  features: AbstainFeatures;
  abstained: boolean;
  answer: Answer;
  asks: AskTrace[];
}

export interface Engine {
  readonly config: Config;
  readonly manifest: Manifest;
  /** Why this engine's index is out of date (opened with serveStale while a new one builds), else null. */
  readonly stale: string | null;
  readonly embedder: Embedder;
  readonly retriever: HybridRetriever;
  readonly lexicon: Lexicon;
  /** Every indexed document in corpus order (source list, viewer). */
  readonly documents: readonly PolicyDocument[];
  document(docId: string): PolicyDocument | undefined;
  /** The measures catalog (src/measures), with paragraph links for the configured base URL. */
  readonly measures: readonly Measure[];
  /** How a message is read: its asks, their kinds and topics, the places (follow-ups use it). */
  understand(question: string, region?: string | null): Understanding;
  ask(question: string, opts?: AskOptions): Promise<Answer>;
  /** The answer with each ask's retrieval and abstention features (eval, calibration). */
  inspect(question: string, opts?: AskOptions): Promise<Inspection>;
  /** Who writes answers: 「extractive」, or the language model that phrases them (「openai:deepseek-chat」). */
  readonly answeredBy: string;
  /** Null while questions get answers; else why they fail (for /healthz). */
  answering(): string | null;
}

export interface OpenOptions {
  logger: Logger;
  progress?: Progress;
  /** Rebuild a missing, stale or corrupt index (default) or fail with its error code. */
  rebuild?: boolean;
  /**
   * A stale but intact index is opened as it is (its reason in `engine.stale`) instead of being rebuilt
   * first: the server answers from it while the new one builds in the background.
   */
  serveStale?: boolean;
}

/** Why an existing index cannot be used as is, or null when it is fresh. */
export function staleness(config: Config, manifest: Manifest): string | null {
  if (manifest.corpusHash !== currentCorpusHash(config.corpusDir, config.lexiconDirs)) return 'the corpus or the lexicon has changed';
  const plan = planEmbedder(config, false);
  const built = manifest.embedder.id;
  if (plan.kind === 'hashed') {
    if (!built.startsWith(`${HASHED_VERSION}:`)) return `it was built with ${built}, which is not available now (${plan.reason})`;
    if (built !== `${HASHED_VERSION}:${config.embedder.hashedDim}`) return `it was built with ${built}, HASHED_DIM is ${config.embedder.hashedDim}`;
    return null;
  }
  const expected = `transformers:${config.embedder.modelPath ? path.basename(config.embedder.modelPath) : config.embedder.model}:`;
  if (!built.startsWith(expected)) return `it was built with ${built}, the configured model is ${expected.slice(13, -1)}`;
  return null;
}

/** Loads the index, building it first when it is missing, stale or corrupt. */
export async function ensureIndex(config: Config, logger: Logger, progress: Progress = noProgress, rebuild = true, serveStale = false): Promise<IndexData & { stale?: string }> {
  let reason: string | null = null;
  // Temp folders of builds that were killed are removed at the next start, not only after the next build.
  if (fs.existsSync(config.indexDir)) cleanupStale(config.indexDir);
  try {
    const manifest = readManifest(config.indexDir);
    reason = staleness(config, manifest);
    if (!reason) return await readIndexAsync(config.indexDir);
    if (serveStale) return { ...(await readIndexAsync(config.indexDir)), stale: reason };
    if (!rebuild) throw new PolicybotError('E_INDEX_STALE', `index is stale: ${reason}`);
  } catch (err) {
    if (!isPolicybotError(err) || !['E_INDEX_MISSING', 'E_INDEX_CORRUPT', 'E_INDEX_STALE'].includes(err.code)) throw err;
    if (!rebuild) throw err;
    reason = err.message;
    if (err.code === 'E_INDEX_CORRUPT') logger.warn({ code: err.code }, `index is corrupt (${err.message}); rebuilding`);
  }
  logger.info({ reason }, 'building the index');
  await buildIndex(config, logger, progress);
  return readIndexAsync(config.indexDir);
}

export async function openEngine(config: Config, opts: OpenOptions): Promise<Engine> {
  const { logger } = opts;
  const data = await ensureIndex(config, logger, opts.progress, opts.rebuild ?? true, opts.serveStale ?? false);
  let embedder: Embedder;
  try {
    embedder = await embedderForQueries(config, data.manifest.embedder.id, data.embedderState, logger);
  } catch (err) {
    throw new PolicybotError('E_EMBEDDER_UNAVAILABLE', `cannot embed questions with ${data.manifest.embedder.id}: ${errorMessage(err)}`, { cause: err });
  }
  logger.info({ embedder: embedder.id, semantic: embedder.semantic }, `embedder: ${embedder.description}`);
  const lexicon = useLexicon(config.lexiconDirs);
  const retriever = new HybridRetriever(data, embedder, lexicon);
  // A place name several places share (铁西区) is read as the one the corpus has documents for.
  const regions = [...new Set(data.documents.map((d) => d.region).filter((r): r is string => !!r && r !== '全国'))];
  const reading = { servedPlace: (name: string) => regions.some((r) => related(r, name)) };
  const idf = (w: string) => retriever.idf(w);
  const composeOpts = {
    ...DEFAULT_COMPOSE,
    baseUrl: config.publicBaseUrl,
    offersKind: (n: string, kind: AnswerKind | null) => retriever.offersKind(n, kind),
    labelKinds: (n: string) => lexicon.labelKinds(n),
    otherSubject: otherSubjectTest((n) => lexicon.findConcepts(n), lexicon.phrases.benefitNouns),
  };

  /** `led`: the opening sentences of the message's earlier parts (this part's is added). */
  const runAsk = async (ask: Ask, u: Understanding, o: AskOptions, led?: Set<string>): Promise<{ trace: AskTrace; part: ComposedPart }> => {
    const sw = o.pipeline ?? {};
    const query = buildQuery(ask, u, lexicon, { expand: sw.expand });
    const { top, ranked } = await retriever.retrieveWide(query, { k: o.k ?? 5, prf: sw.prf, kindRerank: sw.kindRerank, vectors: sw.vectors, rerank: sw.rerank });
    const passages = withMetaSource(query.norm, top, ranked);
    const features = abstainFeatures(query, passages, retriever);
    const decision: AbstainDecision =
      sw.abstain === false && passages.length ? { abstain: false, reason: null, probability: 1 } : decideAbstention(query, ranked, features, retriever);
    const trace = { query, passages, ranked, features, decision };
    if (decision.abstain) {
      const related = relatedProvisions(query, passages).map((p, i) => toCitation(p, i + 1, config.publicBaseUrl));
      return { trace, part: { question: askLabel(ask), abstained: true, answer: '', reason: decision.reason, cited: [], related } };
    }
    const { answer, cited, lead } = composeAnswer(query, passages, idf, { ...composeOpts, maxSources: u.asks.length > 1 ? 2 : composeOpts.maxSources, ...(led ? { ledBefore: led } : {}) });
    if (led && lead) led.add(lead);
    return { trace, part: { question: askLabel(ask), abstained: false, answer, reason: null, cited, related: [], places: query.places } };
  };

  const preferVariants = async (results: Array<{ trace: AskTrace; part: ComposedPart }>, variants: string[], o: AskOptions) => {
    const tried = await Promise.all(
      variants.map(async (v) => {
        const vu = understand(v, lexicon, o.region ?? null, reading);
        return runAsk(vu.asks[0] ?? wholeAsk(vu), vu, o);
      }),
    );
    const paired = tried.length === results.length;
    results.forEach((r, i) => {
      const own = r.part.abstained ? -1 : r.trace.decision.probability;
      let best: { trace: AskTrace; part: ComposedPart } | null = null;
      for (const t of paired ? [tried[i]!] : tried) {
        if (t.part.abstained || t.trace.decision.probability <= own) continue;
        if (!best || t.trace.decision.probability > best.trace.decision.probability) best = t;
      }
      if (best) results[i] = { trace: best.trace, part: { ...best.part, question: r.part.question } };
    });
  };

  const run = async (question: string, o: AskOptions = {}): Promise<Inspection> => {
    const t0 = performance.now();
    const q = question.trim();
    const length = charCount(q);
    if (length > MAX_QUESTION_CHARS) {
      throw new PolicybotError('E_BAD_QUESTION', `question of ${length} characters exceeds ${MAX_QUESTION_CHARS}`, {
        userMessage: `问题太长了（${length}字），请精简到${MAX_QUESTION_CHARS}字以内再问。`,
      });
    }
    const u = understand(q, lexicon, o.region ?? null, reading);
    const asks = o.pipeline?.split === false || !u.asks.length ? [wholeAsk(u)] : u.asks;
    const results: Array<{ trace: AskTrace; part: ComposedPart }> = [];
    const led = new Set<string>();
    if (/\p{L}/u.test(q)) for (const ask of asks) results.push(await runAsk(ask, u, o, led));
    if (o.variants?.length && results.length) await preferVariants(results, o.variants, o);
    regionalRefusalCovers(results);
    refusedTopicCovers(asks, results);
    const tRetrieve = performance.now() - t0;
    const latinOnly = !CJK.test(q) && /[A-Za-z]/.test(q);
    const answer = combineParts(question, results.map((r) => r.part), { baseUrl: config.publicBaseUrl, today: config.today(), latinOnly, understood: o.understood ?? understoodText(results.map((r) => r.trace.query), u, lexicon) });
    answer.timingsMs = { retrieve: round(tRetrieve), total: round(performance.now() - t0) };
    const traces = results.map((r) => r.trace);
    const best = [...traces].sort((a, b) => b.decision.probability - a.decision.probability)[0];
    return { features: best?.features ?? emptyFeatures(), abstained: answer.abstained, answer, asks: traces };
  };

  const health = answerHealth();
  const tracked = async (question: string, o?: AskOptions): Promise<Inspection> => {
    try {
      const r = await run(question, o);
      health.ok();
      return r;
    } catch (err) {
      health.failed(err);
      throw err;
    }
  };
  const empty = data.manifest.counts.chunks === 0 ? 'the index holds no passages' : null;

  const byId = new Map(data.documents.map((d) => [d.docId, d]));
  return {
    config,
    manifest: data.manifest,
    stale: data.stale ?? null,
    embedder,
    retriever,
    documents: data.documents,
    document: (docId) => byId.get(docId),
    measures: withUrls(data.measures.measures, config.publicBaseUrl),
    lexicon,
    understand: (question, region) => understand(question, lexicon, region ?? null, reading),
    ask: async (question, o) => (await tracked(question, o)).answer,
    inspect: tracked,
    answering: () => empty ?? health.problem(),
    answeredBy: EXTRACTIVE,
  };
}

/**
 * 「杭州对灵活就业有没有社保补贴？一个月能补多少？」: when one ask wants a figure for a place no
 * document of that place states, the other asks about the same topic and place are answered by
 * the same general provisions — they become related provisions too, not a direct answer.
 */
function regionalRefusalCovers(results: Array<{ trace: AskTrace; part: ComposedPart }>): void {
  const refused = results.filter((r) => r.part.reason?.code === 'no-regional-figure' || r.part.reason?.code === 'no-regional-topic');
  if (!refused.length) return;
  for (const r of results) {
    if (r.part.abstained) continue;
    const q = r.trace.query;
    const same = refused.some((x) => {
      const xq = x.trace.query;
      const samePlace = xq.places.join() === q.places.join();
      const shared = q.concepts.some((c) => c.weight >= 0.8 && xq.concepts.some((d) => d.concept.name === c.concept.name));
      return samePlace && shared;
    });
    if (!same) continue;
    r.part = { ...r.part, abstained: true, answer: '', reason: refused[0]!.part.reason, related: renumber(r.part.cited.map((c) => c.citation)), cited: [] };
  }
}

/**
 * 「公积金能一次性取出来吗？要办什么手续？」: an ask that names no topic of its own is about the ask before it;
 * when that one was refused because no document covers its topic (住房公积金, 个税 …), so is this one —
 * anything it would be answered with is about something else.
 */
function refusedTopicCovers(asks: readonly Ask[], results: Array<{ trace: AskTrace; part: ComposedPart }>): void {
  for (let i = 1; i < results.length && i < asks.length; i++) {
    const before = results[i - 1]!.part;
    const code = before.reason?.code;
    if (!before.abstained || (code !== 'unknown-topic' && code !== 'task')) continue;
    if (asks[i]!.concepts.some((h) => h.concept.topic)) continue;
    const r = results[i]!;
    if (r.part.abstained) continue;
    r.part = { ...r.part, abstained: true, answer: '', reason: before.reason, related: renumber(r.part.cited.map((c) => c.citation)), cited: [] };
  }
}

/**
 * 「…的文号是多少？」: the passage of the best document that states the 发文字号 (or issuer, date) joins
 * the passages the answer is composed from, so the answer cites where the fact is written.
 */
function withMetaSource(norm: string, top: Passage[], ranked: Passage[]): Passage[] {
  const field = metaFieldAsked(norm);
  if (!field || !top.length || metaSource(top, field)) return top;
  const found = metaSource([top[0]!, ...ranked], field);
  return found ? [top[0]!, found, ...top.slice(1, -1)] : top;
}

/** An ask as shown in a multi-part answer: as typed, without the chat phrases (「想问下」「急」). */
function askLabel(ask: Ask): string {
  return ask.norm.replace(/\s+/g, '');
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
