/**
 * Typed errors. Every error the product raises on purpose carries a stable `code`
 * (tests and adapters match on it, never on wording) and a `userMessage` in Chinese
 * that a channel may show to the person asking. Details for operators go in `message`.
 */
export type ErrorCode =
  | 'E_CONFIG'
  | 'E_BAD_DOCUMENT'
  | 'E_EMPTY_CORPUS'
  | 'E_INDEX_MISSING'
  | 'E_INDEX_STALE'
  | 'E_INDEX_CORRUPT'
  | 'E_EMBEDDER_UNAVAILABLE'
  | 'E_BAD_QUESTION'
  | 'E_BAD_INPUT'
  | 'E_FORBIDDEN';

const DEFAULT_USER_MESSAGES: Record<ErrorCode, string> = {
  E_CONFIG: '服务配置有误，请联系管理员。',
  E_BAD_DOCUMENT: '有文件无法读取，已跳过。',
  E_EMPTY_CORPUS: '知识库里还没有可用的政策文件。',
  E_INDEX_MISSING: '索引尚未建立，正在重建，请稍后再试。',
  E_INDEX_STALE: '政策库已更新，正在重建索引，请稍后再试。',
  E_INDEX_CORRUPT: '索引文件已损坏，正在重建，请稍后再试。',
  E_EMBEDDER_UNAVAILABLE: '语义模型不可用，已改用内置离线模型。',
  E_BAD_QUESTION: '请输入一个与就业、社保政策有关的问题。',
  E_BAD_INPUT: '输入格式有误。',
  E_FORBIDDEN: '没有权限进行这个操作。',
};

export class PolicybotError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;

  constructor(code: ErrorCode, message: string, options: { userMessage?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PolicybotError';
    this.code = code;
    this.userMessage = options.userMessage ?? DEFAULT_USER_MESSAGES[code];
  }
}

export function isPolicybotError(err: unknown, code?: ErrorCode): err is PolicybotError {
  return err instanceof PolicybotError && (code === undefined || err.code === code);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
