import readline from 'node:readline';
import { defineCommand } from 'citty';
import { openEngine } from '../engine.ts';
import { isPolicybotError } from '../errors.ts';
import type { CliContext } from './io.ts';
import { println } from './io.ts';
import { terminalProgress } from './progress-bar.ts';
import { renderAnswerText } from './render.ts';

const EXAMPLES = ['我是去年毕业的大学生，现在打零工，能拿社保补贴吗？', '个人创业担保贷款最高能贷多少？', '领取失业保险金需要满足什么条件？'];

export const startCommand = (ctx: CliContext) =>
  defineCommand({
    meta: { name: 'start', description: '启动服务；尚未配置任何渠道时，在终端里直接对话' },
    async run() {
      const engine = await openEngine(ctx.config, { logger: ctx.logger, progress: terminalProgress(ctx.io.stderr) });
      const e = engine.embedder;
      println(ctx.io.stderr, `policybot 已就绪：${engine.manifest.counts.documents} 份文件；嵌入模型：${e.description}`);
      if (!ctx.io.stdin.isTTY) {
        println(ctx.io.stderr, '没有配置任何渠道，且标准输入不是终端：无事可做。用 `policybot ask "问题"` 提问。');
        return;
      }
      println(ctx.io.stdout, `请输入问题（Ctrl+D 退出），例如：\n${EXAMPLES.map((x) => `  · ${x}`).join('\n')}\n`);
      const rl = readline.createInterface({ input: ctx.io.stdin, output: ctx.io.stdout, prompt: '问> ' });
      rl.prompt();
      for await (const line of rl) {
        if (line.trim()) {
          try {
            println(ctx.io.stdout, `\n${renderAnswerText(await engine.ask(line))}\n`);
          } catch (err) {
            println(ctx.io.stdout, isPolicybotError(err) ? err.userMessage : '出错了，请稍后再试。');
            ctx.logger.error({ err }, 'answer failed');
          }
        }
        rl.prompt();
      }
    },
  });
