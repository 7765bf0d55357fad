import readline from 'node:readline';
import { defineCommand } from 'citty';
import { openAnsweringEngine } from '../llm/open.ts';
import { isPolicybotError, errorMessage } from '../errors.ts';
import type { CliContext } from './io.ts';
import { DIR_ARGS, println, withFlags } from './io.ts';
import { terminalProgress } from './progress-bar.ts';
import { renderAnswerText } from './render.ts';

const VALUE_FLAGS = new Set(['--k', '--region', '--corpus', '--index']);
const BOOLEAN_FLAGS = new Set(['--json', '--no-json']);

/** The positional question in raw arguments (after `--`, or any argument that is not one of our flags); null when none. */
export function questionArg(rawArgs: readonly string[]): string | null {
  const parts: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === '--') {
      parts.push(...rawArgs.slice(i + 1));
      break;
    }
    const name = a.split('=')[0]!;
    if (VALUE_FLAGS.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    if (BOOLEAN_FLAGS.has(name)) continue;
    parts.push(a);
  }
  return parts.length ? parts.join(' ') : null;
}

export const askCommand = (base: CliContext) =>
  defineCommand({
    meta: { name: 'ask', description: '提问；不带问题时从标准输入逐行读取问题并输出 JSONL' },
    args: {
      question: { type: 'positional', required: false, description: '问题，例如「灵活就业人员的社会保险补贴给哪些人？」' },
      json: { type: 'boolean', description: '输出 JSON（契约见 README）' },
      k: { type: 'string', description: '检索的段落数（默认 5）' },
      region: { type: 'string', description: '提问者所在地区，例如 广州市' },
      ...DIR_ARGS,
    },
    async run({ args, rawArgs }) {
      const ctx = withFlags(base, { corpus: args.corpus, index: args.index });
      const k = args.k ? Math.max(1, Math.min(20, Number.parseInt(args.k, 10) || 5)) : 5;
      // The question as typed: 「-1是什么」 is a question, not a flag; `--` ends the flags; "" is an empty question.
      const typed = questionArg(rawArgs);
      if (typed !== null && !typed.trim()) {
        println(ctx.io.stderr, 'policybot: 问题是空的。用法：policybot ask "灵活就业人员的社会保险补贴给哪些人？"（不带问题时从标准输入逐行读取）');
        ctx.exitCode = 2;
        return;
      }
      const engine = await openAnsweringEngine(ctx.config, { logger: ctx.logger, progress: terminalProgress(ctx.io.stderr) });
      const opts = { k, region: args.region ?? null };
      const question = typed ?? '';
      if (question) {
        const answer = await engine.ask(question, opts);
        println(ctx.io.stdout, args.json ? JSON.stringify(answer, null, 2) : renderAnswerText(answer));
        return;
      }
      // No question: one question per stdin line → one JSON object per line.
      const rl = readline.createInterface({ input: ctx.io.stdin, crlfDelay: Infinity });
      for await (const line of rl) {
        if (!line.trim()) continue;
        try {
          println(ctx.io.stdout, JSON.stringify(await engine.ask(line, opts)));
        } catch (err) {
          const code = isPolicybotError(err) ? err.code : 'E_INTERNAL';
          const message = isPolicybotError(err) ? err.userMessage : errorMessage(err);
          println(ctx.io.stdout, JSON.stringify({ question: line, error: { code, message } }));
          ctx.exitCode = 1;
        }
      }
    },
  });
