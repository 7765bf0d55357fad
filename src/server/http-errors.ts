import { isPolicybotError } from '../errors.ts';

/**
 * How any failure becomes an HTTP answer: a status, a stable code and a message in Chinese
 * (with a short English gloss for API clients). Never a stack trace or an internal detail.
 */
export interface ApiError {
  status: number;
  code: string;
  message: string;
}

/** Thrown by handlers for expected, user-caused failures (bad input, unknown id). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly userMessage: string,
  ) {
    super(userMessage);
    this.name = 'HttpError';
  }
}

export const BODY_LIMIT_BYTES = 16 * 1024;

const FASTIFY_CODES: Record<string, ApiError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'E_BAD_JSON', message: '请求内容不是合法的 JSON。(Request body is not valid JSON.)' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'E_BAD_JSON', message: '请求内容为空，请提交 JSON。(Request body is empty; send JSON.)' },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'E_TOO_LARGE',
    message: `请求内容太大（上限 ${BODY_LIMIT_BYTES / 1024} KB）。(Request body too large.)`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'E_UNSUPPORTED_MEDIA_TYPE',
    message: '请以 JSON 提交（Content-Type: application/json）。(Send JSON with Content-Type: application/json.)',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'E_BAD_REQUEST', message: '请求的 Content-Length 有误。(Invalid Content-Length.)' },
};

/** Codes whose operator message is safe and useful to show (it describes the input, not the server). */
const INPUT_CODES = new Set(['E_BAD_QUESTION', 'E_BAD_INPUT']);

export function toApiError(err: unknown): ApiError {
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.userMessage };
  if (isPolicybotError(err)) {
    if (err.code === 'E_FORBIDDEN') return { status: 403, code: err.code, message: err.userMessage };
    if (INPUT_CODES.has(err.code)) return { status: 400, code: err.code, message: `${err.userMessage} (${err.message})` };
    // Index or embedder trouble: the service is not ready; details stay in the log.
    return { status: 503, code: err.code, message: `${err.userMessage} (Service temporarily unavailable.)` };
  }
  const e = err as { code?: unknown; statusCode?: unknown; name?: unknown };
  if (typeof e?.code === 'string' && FASTIFY_CODES[e.code]) return FASTIFY_CODES[e.code]!;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status === 429) return { status, code: 'E_RATE_LIMIT', message: RATE_LIMIT_MESSAGE };
  // JSON.parse failures surface as SyntaxError with statusCode 400 in some parser paths.
  if (status === 400 && e?.name === 'SyntaxError') return FASTIFY_CODES.FST_ERR_CTP_INVALID_JSON_BODY!;
  if (status >= 400 && status < 500) return { status, code: 'E_BAD_REQUEST', message: '请求有误。(Bad request.)' };
  return { status: 500, code: 'E_INTERNAL', message: '服务出错了，请稍后再试。(Internal server error.)' };
}

export const RATE_LIMIT_MESSAGE = '提问太频繁了，请稍等一分钟再试。(Too many requests; please wait a minute.)';

export const NOT_FOUND_API: ApiError = { status: 404, code: 'E_NOT_FOUND', message: '没有这个接口或资源。(Not found.)' };
