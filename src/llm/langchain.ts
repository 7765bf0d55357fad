import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { LlmConfig } from '../config.ts';
import { modelId, type CompleteOptions, type LanguageModel, type LlmMessage, type LlmReply } from './model.ts';

/**
 * A LanguageModel through langchain: `@langchain/openai` for any OpenAI-compatible endpoint
 * (DeepSeek, DashScope's compatible mode for Qwen, Moonshot, vLLM), `@langchain/ollama` for Ollama.
 * The packages are loaded only when a model is configured, so the extractive product never pays
 * for them. Retries are off: the answer has a time budget and falls back to the extractive one.
 */
export async function langchainModel(config: LlmConfig): Promise<LanguageModel> {
  const chat = await chatModel(config);
  return {
    id: modelId(config),
    timeoutMs: config.timeoutMs,
    async complete(messages: LlmMessage[], opts: CompleteOptions = {}): Promise<LlmReply> {
      const input: BaseMessage[] = messages.map((m) => (m.role === 'system' ? new SystemMessage(m.content) : new HumanMessage(m.content)));
      const signal = opts.signal ?? AbortSignal.timeout(config.timeoutMs);
      const callOpts = { signal };
      const onToken = opts.onToken;
      if (!onToken) {
        const res = await untilAborted(chat.invoke(input, callOpts), signal);
        return { text: textOf(res.content), usage: usageOf(res as AIMessageChunk) };
      }
      const streamed = async (): Promise<LlmReply> => {
        let text = '';
        let usage: LlmReply['usage'] = null;
        for await (const chunk of await chat.stream(input, callOpts)) {
          if (signal.aborted) break;
          const piece = textOf(chunk.content);
          if (piece) {
            text += piece;
            onToken(piece);
          }
          usage = usageOf(chunk) ?? usage;
        }
        return { text, usage };
      };
      return untilAborted(streamed(), signal);
    },
  };
}

async function chatModel(config: LlmConfig): Promise<BaseChatModel> {
  if (config.provider === 'ollama') {
    const { ChatOllama } = await import('@langchain/ollama');
    return new ChatOllama({ model: config.model, baseUrl: config.baseUrl ?? undefined, temperature: 0, maxRetries: 0 });
  }
  const { ChatOpenAI } = await import('@langchain/openai');
  return new ChatOpenAI({
    model: config.model,
    // A local OpenAI-compatible server may need no key; the client insists on one.
    apiKey: config.apiKey ?? 'not-needed',
    configuration: config.baseUrl ? { baseURL: config.baseUrl } : {},
    temperature: 0,
    timeout: config.timeoutMs,
    maxRetries: 0,
    streamUsage: true,
  });
}

/**
 * Not every provider package honours the abort signal (the Ollama client waits for the server), so
 * the budget is enforced here too: the call is abandoned when the signal fires.
 */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('the language model did not answer in time');
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (typeof c === 'string' ? c : typeof c?.text === 'string' ? (c.text as string) : '')).join('');
  return '';
}

function usageOf(msg: AIMessageChunk | undefined): LlmReply['usage'] {
  const u = msg?.usage_metadata;
  return u ? { input: u.input_tokens ?? 0, output: u.output_tokens ?? 0 } : null;
}
