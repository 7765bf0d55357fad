import type { LlmConfig } from '../config.ts';

/** One message of a chat with a language model. */
export interface LlmMessage {
  role: 'system' | 'user';
  content: string;
}

export interface LlmReply {
  text: string;
  /** Token counts when the provider reports them. */
  usage: { input: number; output: number } | null;
}

export interface CompleteOptions {
  signal?: AbortSignal;
  /** Called with each piece of text as it streams in (the request is then made with stream: true). */
  onToken?: (token: string) => void;
}

/**
 * The seam to a language model: one call, text in and text out. `src/llm/langchain.ts` implements
 * it for any OpenAI-compatible endpoint and for Ollama; tests and other providers add a file.
 */
export interface LanguageModel {
  /** 「openai:deepseek-chat」: shown in `start`, in answers (`generatedBy`) and in eval reports. */
  readonly id: string;
  readonly timeoutMs: number;
  complete(messages: LlmMessage[], opts?: CompleteOptions): Promise<LlmReply>;
}

export function modelId(config: LlmConfig): string {
  return `${config.provider}:${config.model}`;
}
