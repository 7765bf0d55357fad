import type { Answer, Citation } from '../answer/contract.ts';
import { toCitation } from '../answer/compose.ts';
import type { AskOptions, Engine, GenerationStats, Inspection } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { scrubSecrets, type Logger } from '../log.ts';
import type { Passage } from '../retrieve/hybrid.ts';
import type { LanguageModel, LlmReply } from './model.ts';
import { phraseMessages, rewriteMessages } from './prompts.ts';
import { parseRewrite, variantQueries } from './rewrite.ts';
import { saysNoAnswer, verifyAnswer } from './verify.ts';

/** At most this many passages are given to the model to phrase from. */
const MAX_SOURCES = 6;

export type ModelAskOptions = AskOptions;

export interface ModelInspection extends Inspection {
  generation: GenerationStats;
}

export interface ModelEngine extends Engine {
  readonly model: LanguageModel;
  ask(question: string, opts?: ModelAskOptions): Promise<Answer>;
  inspect(question: string, opts?: ModelAskOptions): Promise<ModelInspection>;
}

/**
 * An engine whose answers a language model helps with, never replaces: the model rewrites the
 * message into formal queries that are retrieved alongside it (src/engine.ts `variants`), then
 * phrases the answer from the top passages; `verify.ts` drops every sentence that cites no given
 * passage or states a number its passage does not. Any failure, timeout, refusal by the model or
 * an answer with nothing left falls back to the extractive answer (or the abstention), with one
 * warning in the log. The API key never reaches a log line.
 */
export function withLanguageModel(inner: Engine, model: LanguageModel, logger: Logger, secrets: readonly string[]): ModelEngine {
  const warn = (step: string, err: unknown) => {
    const reason = scrubSecrets(errorMessage(err), secrets).slice(0, 300);
    logger.warn({ model: model.id, step, reason }, 'language model failed; using the extractive answer');
    return `error:${step}`;
  };

  const inspect = async (question: string, opts: ModelAskOptions = {}): Promise<ModelInspection> => {
    const stats: GenerationStats = { rewriteQueries: [], fallback: null, droppedSentences: 0, inputTokens: 0, outputTokens: 0, modelMs: 0 };
    if (opts.model === false) return { ...(await inner.inspect(question, opts)), generation: { ...stats, fallback: 'off' } };
    const deadline = Date.now() + model.timeoutMs;
    const call = async (messages: Parameters<LanguageModel['complete']>[0], onToken?: (t: string) => void): Promise<LlmReply> => {
      const t0 = performance.now();
      try {
        const left = Math.max(1, deadline - Date.now());
        const reply = await model.complete(messages, { signal: AbortSignal.timeout(left), ...(onToken ? { onToken } : {}) });
        stats.inputTokens += reply.usage?.input ?? 0;
        stats.outputTokens += reply.usage?.output ?? 0;
        return reply;
      } finally {
        stats.modelMs += performance.now() - t0;
      }
    };

    // 1. Understanding: extra formal wordings, retrieved alongside the message as typed.
    let variants: string[] = [];
    try {
      const rewrite = parseRewrite((await call(rewriteMessages(question, opts.region ?? null))).text);
      if (rewrite) variants = variantQueries(rewrite);
    } catch (err) {
      stats.fallback = warn('rewrite', err);
    }
    stats.rewriteQueries = variants;
    const base = await inner.inspect(question, { ...opts, variants });
    if (base.abstained) return { ...base, generation: { ...stats, fallback: stats.fallback ?? 'abstained' } };
    if (stats.fallback) return { ...base, generation: stats };

    // 2. Phrasing from the passages the answer was drawn from, then verification.
    const passages = sourcesOf(base);
    const sources = passages.map((p, i) => toCitation(p, i + 1, inner.config.publicBaseUrl));
    let text: string;
    try {
      text = (await call(phraseMessages(question, sources), opts.onToken)).text;
    } catch (err) {
      return { ...base, generation: { ...stats, fallback: warn('answer', err) } };
    }
    if (saysNoAnswer(text)) return { ...base, generation: { ...stats, fallback: 'no-answer' } };
    const verified = verifyAnswer(text, sources.map((c) => c.text));
    stats.droppedSentences = verified.dropped;
    if (verified.dropped) logger.info({ model: model.id, dropped: verified.dropped, reasons: verified.reasons }, 'dropped unsupported sentences');
    if (!verified.kept) return { ...base, answer: { ...base.answer, droppedSentences: verified.dropped }, generation: { ...stats, fallback: 'all-dropped' } };

    const citations: Citation[] = verified.cited.map((i, j) => ({ ...sources[i]!, n: j + 1 }));
    const { parts: _parts, ...rest } = base.answer;
    void _parts;
    const answer: Answer = { ...rest, answer: verified.text, citations, generatedBy: model.id, droppedSentences: verified.dropped };
    return { ...base, answer, generation: stats };
  };

  // The engine's members are plain values and closures, so a copy with these four replaced is the whole decorator.
  return { ...inner, model, answeredBy: model.id, inspect, ask: async (q: string, o?: ModelAskOptions) => (await inspect(q, o)).answer };
}

/** The passages the extractive answer drew on (each answered ask's top passages), one per text. */
function sourcesOf(inspection: Inspection): Passage[] {
  const seen = new Set<string>();
  const out: Passage[] = [];
  const answered = inspection.asks.filter((a) => !a.decision.abstain);
  for (let rank = 0; out.length < MAX_SOURCES; rank++) {
    let any = false;
    for (const a of answered) {
      const p = a.passages[rank];
      if (!p) continue;
      any = true;
      if (seen.has(p.key) || out.length >= MAX_SOURCES) continue;
      seen.add(p.key);
      out.push(p);
    }
    if (!any) break;
  }
  return out;
}
