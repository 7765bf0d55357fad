import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake model server saw it. */
export interface SeenRequest {
  path: string;
  authorization: string | undefined;
  stream: boolean;
  system: string;
  user: string;
}

/** What the fake server does with one request: a reply text, an HTTP error, or a hang. */
export type Scripted = { text: string } | { status: number; body?: string } | { hangMs: number };

/**
 * A local language-model server speaking the two wire shapes policybot uses: OpenAI's
 * `POST /v1/chat/completions` (JSON, or SSE with `stream: true`) and Ollama's `POST /api/chat`
 * (JSON, or NDJSON when streaming). Replies come from a script, so tests need no network.
 */
export interface FakeLlm {
  url: string;
  seen: SeenRequest[];
  script: (req: SeenRequest) => Scripted;
  close(): Promise<void>;
}

export async function fakeLlm(script: (req: SeenRequest) => Scripted): Promise<FakeLlm> {
  const seen: SeenRequest[] = [];
  const state = { script };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const json = JSON.parse(body || '{}') as { stream?: boolean; messages?: Array<{ role: string; content: string }> };
      const messages = json.messages ?? [];
      const seenReq: SeenRequest = {
        path: req.url ?? '',
        authorization: req.headers.authorization,
        stream: json.stream === true,
        system: messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n'),
        user: messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n'),
      };
      seen.push(seenReq);
      const out = state.script(seenReq);
      if ('hangMs' in out) {
        const t = setTimeout(() => res.destroy(), out.hangMs);
        res.on('close', () => clearTimeout(t));
        return;
      }
      if ('status' in out) {
        res.writeHead(out.status, { 'content-type': 'application/json' });
        res.end(out.body ?? JSON.stringify({ error: { message: `scripted ${out.status}`, type: 'server_error' } }));
        return;
      }
      if (req.url?.startsWith('/api/chat')) return ollamaReply(res, out.text, seenReq.stream);
      return openaiReply(res, out.text, seenReq.stream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    get script() {
      return state.script;
    },
    set script(s) {
      state.script = s;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Splits a reply into a few pieces, as a streaming model would send it. */
function pieces(text: string): string[] {
  const chars = [...text];
  const size = Math.max(1, Math.ceil(chars.length / 4));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function openaiReply(res: http.ServerResponse, text: string, stream: boolean): void {
  const usage = { prompt_tokens: 100, completion_tokens: [...text].length, total_tokens: 100 + [...text].length };
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 0, model: 'test-model', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: object, finish: string | null, extra: object = {}) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'test-model', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
  res.write(chunk({ role: 'assistant', content: '' }, null));
  for (const p of pieces(text)) res.write(chunk({ content: p }, null));
  res.write(chunk({}, 'stop'));
  res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'test-model', choices: [], usage })}\n\n`);
  res.end('data: [DONE]\n\n');
}

function ollamaReply(res: http.ServerResponse, text: string, stream: boolean): void {
  const done = { model: 'qwen-test', created_at: new Date(0).toISOString(), done: true, done_reason: 'stop', prompt_eval_count: 100, eval_count: [...text].length };
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...done, message: { role: 'assistant', content: text } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const p of pieces(text)) res.write(`${JSON.stringify({ model: 'qwen-test', created_at: new Date(0).toISOString(), message: { role: 'assistant', content: p }, done: false })}\n`);
  res.end(`${JSON.stringify({ ...done, message: { role: 'assistant', content: '' } })}\n`);
}

/** The numbered passages of a phrasing request: 「[1] 《title》…：text」 → text by number. */
export function passagesOf(req: SeenRequest): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of req.user.split('\n')) {
    const m = /^\[(\d+)\] 《[^》]*》[^：]*：(.*)$/u.exec(line);
    if (m) out.set(Number(m[1]), m[2]!);
  }
  return out;
}

/** Whether a request is the rewrite step (the other one is phrasing). */
export const isRewrite = (req: SeenRequest) => req.system.includes('检索语句');

/** The first sentence of passage n, as a faithful model would quote it. */
export function firstSentence(req: SeenRequest, n = 1): string {
  return (passagesOf(req).get(n) ?? '').split(/(?<=[。；])/u)[0]!.replace(/[。；]$/u, '');
}
