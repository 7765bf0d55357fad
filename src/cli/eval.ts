import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { openEngine } from '../engine.ts';
import { PolicybotError } from '../errors.ts';
import { parseEvalFile, renderReport, runItems, summarize } from '../eval/evaluate.ts';
import { fitAbstainModel, shouldAbstain, type AbstainModel } from '../retrieve/abstain.ts';
import { parseQuery } from '../retrieve/query.ts';
import type { CliContext } from './io.ts';
import { DIR_ARGS, println, withFlags } from './io.ts';
import { terminalProgress } from './progress-bar.ts';
import { sourceRoot } from '../paths.ts';

function readItems(file: string) {
  if (!fs.existsSync(file)) throw new PolicybotError('E_BAD_INPUT', `no such file: ${file}`, { userMessage: `找不到文件 ${file}` });
  return parseEvalFile(fs.readFileSync(file, 'utf8'), path.basename(file));
}

export const evalCommand = (base: CliContext) =>
  defineCommand({
    meta: { name: 'eval', description: '用带标准答案的问题集评估检索与拒答（hit@k、MRR、拒答准确率、延迟）' },
    args: {
      file: { type: 'string', required: true, description: 'JSONL：{"id","q","gold":[…]} 或 {"id","q","abstain":true}' },
      k: { type: 'string', description: 'hit@k 的 k（默认 3）' },
      json: { type: 'boolean', description: '输出 JSON' },
      ...DIR_ARGS,
    },
    async run({ args }) {
      const ctx = withFlags(base, { corpus: args.corpus, index: args.index });
      const k = Number.parseInt(args.k ?? '3', 10) || 3;
      const items = readItems(args.file);
      const engine = await openEngine(ctx.config, { logger: ctx.logger, progress: terminalProgress(ctx.io.stderr) });
      const report = summarize(await runItems(engine, items, k), k);
      println(ctx.io.stdout, args.json ? JSON.stringify(report, null, 2) : renderReport(report));
    },
  });

const MODEL_FILE = path.join(sourceRoot(), 'retrieve', 'abstain-model.json');

export const calibrateCommand = (base: CliContext) =>
  defineCommand({
    meta: { name: 'calibrate', description: '在带标签的问题集上拟合拒答模型（逻辑回归），写入 src/retrieve/abstain-model.json' },
    args: {
      file: { type: 'string', required: true, description: '一个或多个 JSONL 文件，逗号分隔' },
      write: { type: 'boolean', description: '写入模型文件（默认只报告）' },
    },
    async run({ args }) {
      const ctx = withFlags(base, {});
      const files = args.file.split(',').map((f) => f.trim()).filter(Boolean);
      const items = files.flatMap(readItems);
      const engine = await openEngine(ctx.config, { logger: ctx.logger, progress: terminalProgress(ctx.io.stderr) });
      const rows = (await runItems(engine, items, 3)).map((r) => ({ f: r.features, answerable: !r.item.abstain, q: r.item.q }));
      const model: AbstainModel = { ...fitAbstainModel(rows), fittedOn: `${files.map((f) => path.basename(f)).join(' + ')} (${rows.length} questions)` };
      // Leave-one-out: how well does the fitted decision generalise to a question it has not seen?
      let looCorrect = 0;
      for (let i = 0; i < rows.length; i++) {
        const m = fitAbstainModel(rows.filter((_, j) => j !== i));
        const r = rows[i]!;
        const abstain = shouldAbstain(parseQuery(r.q), [{} as never], r.f, m);
        if (abstain === !r.answerable) looCorrect++;
      }
      const trainCorrect = rows.filter((r) => shouldAbstain(parseQuery(r.q), [{} as never], r.f, model) === !r.answerable).length;
      println(ctx.io.stdout, JSON.stringify(model, null, 2));
      println(ctx.io.stdout, `training accuracy ${trainCorrect}/${rows.length}, leave-one-out accuracy ${looCorrect}/${rows.length}`);
      if (args.write) {
        fs.writeFileSync(MODEL_FILE, `${JSON.stringify(model, null, 2)}\n`);
        println(ctx.io.stdout, `written to ${path.relative(process.cwd(), MODEL_FILE)}`);
      }
    },
  });
