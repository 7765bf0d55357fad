import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerSchema } from '../src/answer/contract.ts';
import { loadConfig, type LlmConfig } from '../src/config.ts';
import { isPolicybotError } from '../src/errors.ts';
import { langchainModel } from '../src/llm/langchain.ts';
import { withLanguageModel, type ModelEngine } from '../src/llm/model-engine.ts';
import { createLogger } from '../src/log.ts';
import { fakeLlm, firstSentence, isRewrite, type FakeLlm, type Scripted } from './helpers/fake-llm.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';

/**
 * The optional language model, against a local server with scripted replies (no network): what
 * the model writes is shown only when each sentence cites a passage it was given and states no
 * number that passage does not; failures fall back to the extractive answer with one warning.
 */
const KEY = 'sk-test-0123456789abcdefSECRET';
const Q = '失业保险金怎么领取？';

let t: TestEngine;
let llm: FakeLlm;
let logs: string[];

const firstOf = firstSentence;
const noRewrite: Scripted = { text: '{"queries":[]}' };

function engineFor(provider: 'openai' | 'ollama', timeoutMs = 3000): Promise<ModelEngine> {
  const config: LlmConfig = { provider, baseUrl: provider === 'openai' ? `${llm.url}/v1` : llm.url, apiKey: provider === 'openai' ? KEY : null, model: provider === 'openai' ? 'test-model' : 'qwen-test', timeoutMs };
  const logger = createLogger('info', [KEY], { write: (s: string) => void logs.push(s) });
  return langchainModel(config).then((m) => withLanguageModel(t.engine, m, logger, [KEY]));
}

beforeAll(async () => {
  t = await testEngine();
  llm = await fakeLlm(() => noRewrite);
}, 60_000);
afterAll(async () => {
  await llm?.close();
  t?.cleanup();
});

describe('a grounded model answer', () => {
  it('is shown with its markers and the passages it cites; the contract says who wrote it', async () => {
    logs = [];
    llm.script = (req) => (isRewrite(req) ? noRewrite : { text: `${firstOf(req)}[1]。` });
    const engine = await engineFor('openai');
    const answer = await engine.ask(Q);
    expect(AnswerSchema.parse(answer)).toBeTruthy();
    expect(answer.generatedBy).toBe('openai:test-model');
    expect(answer.droppedSentences).toBe(0);
    expect(answer.answer).toMatch(/\[1\]。$/u);
    expect(answer.citations).toHaveLength(1);
    expect(answer.answer.replace(/\[1\]。$/u, '')).toBe(answer.citations[0]!.text.split(/(?<=[。；])/u)[0]!.replace(/[。；]$/u, ''));
    // The key went to the server as a bearer token, and nowhere else.
    expect(llm.seen.at(-1)!.authorization).toBe(`Bearer ${KEY}`);
    expect(logs.join('')).not.toContain(KEY);
  });

  it('drops a sentence with an amount its passage does not state, and one citing a passage it was not given', async () => {
    llm.script = (req) => (isRewrite(req) ? noRewrite : { text: `${firstOf(req)}[1]。另外每月还能多领9876元[1]。具体以当地规定为准[9]。` });
    const engine = await engineFor('openai');
    const answer = await engine.ask(Q);
    expect(answer.generatedBy).toBe('openai:test-model');
    expect(answer.droppedSentences).toBe(2);
    expect(answer.answer).not.toContain('9876');
    expect(answer.answer).not.toContain('[9]');
    expect(answer.answer).not.toContain('当地规定为准');
  });

  it('falls back to the extractive answer when the model says the passages do not answer, or nothing survives', async () => {
    const extractive = await t.engine.ask(Q);
    llm.script = (req) => (isRewrite(req) ? noRewrite : { text: '无法回答' });
    const a = await (await engineFor('openai')).ask(Q);
    expect(a.generatedBy).toBe('extractive');
    expect(a.answer).toBe(extractive.answer);
    llm.script = (req) => (isRewrite(req) ? noRewrite : { text: '每月可以领12345元[1]。没有出处的一句话。' });
    const b = await (await engineFor('openai')).ask(Q);
    expect(b.generatedBy).toBe('extractive');
    expect(b.answer).toBe(extractive.answer);
    expect(b.droppedSentences).toBe(2);
  });

  it('streams the model text to the caller as it arrives (stream: true), then verifies it', async () => {
    llm.script = (req) => (isRewrite(req) ? noRewrite : { text: `${firstOf(req)}[1]。` });
    const engine = await engineFor('openai');
    const tokens: string[] = [];
    const answer = await engine.ask(Q, { onToken: (x) => tokens.push(x) });
    expect(llm.seen.at(-1)!.stream).toBe(true);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe(answer.answer);
  });
});

describe('failures fall back to the extractive answer with one warning and no key', () => {
  const cases: Array<[string, Scripted, number]> = [
    ['a timeout', { hangMs: 5000 }, 800],
    ['a 500', { status: 500 }, 3000],
    ['a 401', { status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_request_error' } }) }, 3000],
  ];
  for (const provider of ['openai', 'ollama'] as const) for (const [name, scripted, timeoutMs] of cases) {
    it(`${provider}: ${name}`, async () => {
      logs = [];
      llm.script = () => scripted;
      const engine = await engineFor(provider, timeoutMs);
      const extractive = await t.engine.ask(Q);
      const t0 = Date.now();
      const answer = await engine.ask(Q);
      expect(Date.now() - t0).toBeLessThan(timeoutMs + 2000);
      expect(answer.generatedBy).toBe('extractive');
      expect(answer.answer).toBe(extractive.answer);
      const warnings = logs.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.msg).toContain('extractive');
      expect(logs.join('')).not.toContain(KEY);
    });
  }
});

describe('understanding: the rewrite', () => {
  it('adds a formal query that finds a paragraph the message as typed misses', async () => {
    const typed = '俺那个事到底咋整啊，急';
    const bare = await t.engine.ask(typed);
    expect(bare.abstained).toBe(true);
    llm.script = (req) => (isRewrite(req) ? { text: '```json\n{"queries":["失业保险金 申领 办理流程"],"kinds":["process"],"place":null}\n```' } : { text: `${firstOf(req)}[1]。` });
    const answer = await (await engineFor('openai')).ask(typed);
    expect(answer.abstained).toBe(false);
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(answer.citations.map((c) => c.text).join('')).toMatch(/失业保险金/u);
    expect(answer.understood).toContain('失业保险金');
  });

  it('is only an extra: a rewrite that finds nothing better leaves the typed question’s answer', async () => {
    const plain = await t.engine.ask(Q);
    llm.script = (req) => (isRewrite(req) ? { text: '{"queries":["火星移民签证"],"place":null}' } : { text: '无法回答' });
    const answer = await (await engineFor('openai')).ask(Q);
    expect(answer.citations.map((c) => c.paragraphId)).toEqual(plain.citations.map((c) => c.paragraphId));
  });
});

describe('the Ollama chat API', () => {
  it('gives a grounded, verified answer too, streamed or not', async () => {
    llm.script = (req) => (isRewrite(req) ? noRewrite : { text: `${firstOf(req)}[1]。还可以多领8888元[1]。` });
    const engine = await engineFor('ollama');
    const answer = await engine.ask(Q);
    expect(llm.seen.at(-1)!.path).toBe('/api/chat');
    expect(answer.generatedBy).toBe('ollama:qwen-test');
    expect(answer.droppedSentences).toBe(1);
    expect(answer.answer).not.toContain('8888');
    const tokens: string[] = [];
    const streamed = await engine.ask(Q, { onToken: (x) => tokens.push(x) });
    expect(streamed.generatedBy).toBe('ollama:qwen-test');
    expect(tokens.join('')).toContain('8888');
  });
});

describe('configuration', () => {
  it('is off unless LLM_PROVIDER is set, and says in Chinese what is missing', () => {
    expect(loadConfig({}).llm).toBeNull();
    expect(() => loadConfig({ LLM_PROVIDER: 'openai', LLM_API_KEY: KEY })).toThrow(/LLM_MODEL/);
    try {
      loadConfig({ LLM_PROVIDER: 'openai', LLM_MODEL: 'deepseek-chat' });
      expect.unreachable();
    } catch (err) {
      expect(isPolicybotError(err, 'E_CONFIG')).toBe(true);
      expect((err as { userMessage: string }).userMessage).toContain('LLM_API_KEY');
    }
    expect(loadConfig({ LLM_PROVIDER: 'ollama', LLM_MODEL: 'qwen2.5:7b' }).llm).toMatchObject({ baseUrl: 'http://127.0.0.1:11434', timeoutMs: 8000 });
    expect(loadConfig({ LLM_PROVIDER: 'openai', LLM_MODEL: 'm', LLM_BASE_URL: 'http://127.0.0.1:8000/v1' }).llm?.apiKey).toBeNull();
  });
});

describe('eval --llm', () => {
  it('reports what the model did: answers phrased, fallbacks by reason, dropped sentences, tokens', async () => {
    const { parseEvalFile, runItems, summarize, renderReport } = await import('../src/eval/evaluate.ts');
    const items = parseEvalFile(
      [
        JSON.stringify({ id: 'a', q: Q, gold: ['失业'] }),
        JSON.stringify({ id: 'b', q: '创业担保贷款的额度是多少？', gold: ['万元'] }),
        JSON.stringify({ id: 'c', q: '火星上的天气怎么样？', abstain: true, kind: 'offtopic' }),
      ].join('\n'),
    );
    // The first answer is grounded; the second invents an amount in its only sentence.
    logs = [];
    let n = 0;
    llm.script = (req) => (isRewrite(req) ? noRewrite : { text: n++ === 0 ? `${firstOf(req)}[1]。` : '最多能贷999万元[1]。' });
    const engine = await engineFor('openai');
    const report = summarize(await runItems(engine, items, 3), 3);
    expect(report.generation).toMatchObject({ model: 'openai:test-model', phrased: 1, fallbacks: { 'all-dropped': 1, abstained: 1 }, droppedSentences: 1 });
    expect(report.generation!.inputTokens).toBeGreaterThan(0);
    expect(renderReport(report)).toContain('dropped sentences  1');
    // Without a model the report has no such section.
    expect(summarize(await runItems(t.engine, items, 3), 3).generation).toBeUndefined();
  });
});
