import type { Readable, Writable } from 'node:stream';
import { withDirs, type Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { ChannelModule } from '../chat/channel.ts';

export interface CliIO {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

/** What every command receives: validated config, a logger and its streams. */
export interface CliContext {
  config: Config;
  logger: Logger;
  io: CliIO;
  /** Set by a command to report failure without throwing. */
  exitCode: number;
  /** Channel adapters (bots/), injected by the process entry; the core never imports them. */
  channels: ChannelModule[];
}

/**
 * Control characters other than newline and tab (ESC sequences that clear the screen or set the
 * window title, C1 controls) shown as visible escapes: text from users and documents reaches the
 * terminal as text. Inside JSON the escape is a valid JSON escape too.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function println(stream: Writable, text = ''): void {
  stream.write(`${terminalSafe(text)}\n`);
}

/** Colour codes (SGR sequences) of our own usage texts. */
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/gu;

/**
 * A command's usage, as citty renders it: our own text, so its colours reach a terminal as colours
 * (never other control characters), and a pipe or file gets plain text.
 */
export function printUsage(stream: Writable & { isTTY?: boolean }, usage: string): void {
  const plain = usage.replace(SGR, '');
  if (!stream.isTTY) return println(stream, plain);
  // Colours only: anything else is escaped as everywhere.
  let i = 0;
  const codes = usage.match(SGR) ?? [];
  const text = terminalSafe(usage.replace(SGR, '\u0000')).replace(/\\u0000/gu, () => codes[i++] ?? '');
  stream.write(`${text}\n`);
}

/** Applies --corpus / --index flags to the context's config; the exit code stays the command's own. */
export function withFlags(ctx: CliContext, args: { corpus?: string | undefined; index?: string | undefined; out?: string | undefined }): CliContext {
  const derived = { ...ctx, config: withDirs(ctx.config, { corpusDir: args.corpus, indexDir: args.index ?? args.out }) };
  Object.defineProperty(derived, 'exitCode', {
    get: () => ctx.exitCode,
    set: (v: number) => {
      ctx.exitCode = v;
    },
    enumerable: true,
  });
  return derived;
}

/** The --corpus / --index flags shared by commands that open an index. */
export const DIR_ARGS = {
  corpus: { type: 'string', description: '政策文件目录（默认 $CORPUS_DIR 或 corpus/）' },
  index: { type: 'string', description: '索引目录（默认 $INDEX_DIR 或 embeddings/）' },
} as const;
