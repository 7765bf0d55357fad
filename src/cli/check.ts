import fs from 'node:fs';
import { defineCommand } from 'citty';
import { openEngine } from '../engine.ts';
import { PolicybotError, errorMessage } from '../errors.ts';
import { checkProfile, parseProfile, renderCheckText } from '../eligibility/index.ts';
import type { CliContext } from './io.ts';
import { DIR_ARGS, println, withFlags } from './io.ts';
import { terminalProgress } from './progress-bar.ts';

/** Reads the profile file ('-' = stdin) as JSON; a missing file or bad JSON is E_BAD_INPUT. */
async function readProfile(ctx: CliContext, file: string): Promise<unknown> {
  let text: string;
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const c of ctx.io.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      text = fs.readFileSync(file, 'utf8');
    }
  } catch (err) {
    throw new PolicybotError('E_BAD_INPUT', `cannot read profile ${file}: ${errorMessage(err)}`, { userMessage: `读不到个人情况文件「${file}」。` });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new PolicybotError('E_BAD_INPUT', `profile ${file} is not JSON: ${errorMessage(err)}`, { userMessage: `个人情况文件「${file}」不是合法的 JSON。` });
  }
}

export const checkCommand = (base: CliContext) =>
  defineCommand({
    meta: { name: 'check', description: '按个人情况逐条核对可以申请的补贴（每个条件附原文链接）' },
    args: {
      profile: { type: 'string', required: true, description: '个人情况 JSON 文件（- 表示标准输入），例如 {"region":"广州市","identities":["高校毕业生"],"graduationDate":"2025-06","employment":"flexible"}' },
      json: { type: 'boolean', description: '输出 JSON：{results, nextQuestion}' },
      ...DIR_ARGS,
    },
    async run({ args }) {
      const ctx = withFlags(base, { corpus: args.corpus, index: args.index });
      // Validate the profile before the (slower) engine opens, so a typo fails at once.
      const input = await readProfile(ctx, args.profile);
      parseProfile(input, ctx.config.today());
      const engine = await openEngine(ctx.config, { logger: ctx.logger, progress: terminalProgress(ctx.io.stderr) });
      const result = checkProfile(engine, input);
      println(ctx.io.stdout, args.json ? JSON.stringify(result, null, 2) : renderCheckText(result));
    },
  });
