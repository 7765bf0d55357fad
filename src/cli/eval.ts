import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { openEngine } from '../engine.ts';
import { openAnsweringEngine } from '../llm/open.ts';
import { PolicybotError } from '../errors.ts';
import { parseEvalFile, runItems, type EvalItem } from '../eval/evaluate.ts';
import { ABLATIONS, compareSets, renderAblation, renderComparison, runAblation } from '../eval/compare.ts';
import { crossValidate, rerankGroups, rowsForFit } from '../eval/calibrate.ts';
import { crossValidateRerank, fitRerank, type RerankModel } from '../retrieve/rerank.ts';
import type { Engine } from '../engine.ts';
import { fitAbstainModel, type AbstainModel } from '../retrieve/abstain.ts';
import type { CliContext } from './io.ts';
import { DIR_ARGS, println, withFlags } from './io.ts';
import { terminalProgress } from './progress-bar.ts';
import { sourceRoot } from '../paths.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { withDirs } from '../config.ts';
import { corpusFor, corpusKey, parseSetSpec } from '../eval/set-corpus.ts';


/** The sets `policybot eval` reports when none are named: the fitted dev set, the realistic set, our blind set. */
export const DEFAULT_EVAL_FILES = [
  '../shared/eval/dev.jsonl',
  '../shared/eval/colloquial.jsonl',
  'test/fixtures/blind-2/blind-2.jsonl',
  'test/fixtures/blind.jsonl',
  'test/fixtures/blind-2/blind-2-newdocs.jsonl@+test/fixtures/blind-2/newdocs',
  'test/fixtures/unseen/questions.jsonl@+test/fixtures/unseen',
  'test/fixtures/blind-3/blind-3.jsonl',
  'test/fixtures/blind-3/blind-3-newdocs.jsonl@+test/fixtures/blind-3/newdocs',
  'test/fixtures/blind-4/blind-4.jsonl',
  'test/fixtures/blind-4/blind-4-newdocs.jsonl@+test/fixtures/blind-4/newdocs',
  'test/fixtures/blind-5/blind-5.jsonl',
  'test/fixtures/blind-5/blind-5-newdocs.jsonl@+test/fixtures/blind-5/newdocs',
  'test/fixtures/blind-6/blind-6.jsonl',
  'test/fixtures/blind-6/blind-6-newdocs.jsonl@+test/fixtures/blind-6/newdocs',
  'test/fixtures/blind-8/blind-8.jsonl',
  'test/fixtures/blind-8/blind-8-newdocs.jsonl@+test/fixtures/blind-8/newdocs',
  'test/fixtures/blind-7/blind-7.jsonl',
  'test/fixtures/blind-7/blind-7-newdocs.jsonl@+test/fixtures/blind-7/newdocs',
  'test/fixtures/blind-9/blind-9.jsonl',
  'test/fixtures/blind-9/blind-9-newdocs.jsonl@+test/fixtures/blind-9/newdocs',
  'test/fixtures/blind-10/blind-10.jsonl',
  'test/fixtures/blind-10/blind-10-newdocs.jsonl@+test/fixtures/blind-10/newdocs',
  'test/fixtures/blind-11/blind-11.jsonl',
  'test/fixtures/blind-11/blind-11-newdocs.jsonl@+test/fixtures/blind-11/newdocs',
  'test/fixtures/blind-12/blind-12.jsonl',
  'test/fixtures/blind-12/blind-12-newdocs.jsonl@+test/fixtures/blind-12/newdocs',
  'test/fixtures/blind-13/blind-13.jsonl',
  'test/fixtures/blind-13/blind-13-newdocs.jsonl@+test/fixtures/blind-13/newdocs',
];

function readItems(file: string): EvalItem[] {
  if (!fs.existsSync(file)) throw new PolicybotError('E_BAD_INPUT', `no such file: ${file}`, { userMessage: `找不到文件 ${file}` });
  return parseEvalFile(fs.readFileSync(file, 'utf8'), path.basename(file));
}

function filesArg(arg: string | undefined): string[] {
  if (arg) return arg.split(',').map((f) => f.trim()).filter(Boolean);
  const present = DEFAULT_EVAL_FILES.filter((f) => fs.existsSync(parseSetSpec(f).file));
  if (!present.length) throw new PolicybotError('E_BAD_INPUT', 'no eval files', { userMessage: `没有找到问题集（${DEFAULT_EVAL_FILES.join('、')}），请用 --file 指定` });
  return present;
}

export const evalCommand = (base: CliContext) =>
  defineCommand({
    meta: { name: 'eval', description: '用带标准答案的问题集评估检索、回答与拒答，并与朴素 BM25 基线对比（hit@k、MRR、首句命中、拒答、延迟）' },
    args: {
      file: { type: 'string', description: `JSONL 问题集，逗号分隔（默认 ${DEFAULT_EVAL_FILES.join(', ')} 中存在的）；「文件@+目录」把该目录的文件加入政策库再回答` },
      k: { type: 'string', description: 'hit@k 的 k（默认 3）' },
      json: { type: 'boolean', description: '输出 JSON' },
      misses: { type: 'boolean', default: true, description: '列出未命中的问题（--no-misses 关闭）；盲测集的未命中默认不列出' },
      'held-out-misses': { type: 'boolean', description: '也列出盲测集（held out）的未命中问题：看过就不再是盲测' },
      llm: { type: 'boolean', description: '用配置的大模型（LLM_PROVIDER 等）改写问题、组织回答并核对引用，报告同样的指标及丢弃句数、token 数和模型耗时' },
      ablation: { type: 'boolean', description: '逐一关闭各组件（词表扩展、伪相关反馈、答案类型重排、向量、拆分问题、拒答）并报告' },
      ...DIR_ARGS,
    },
    async run({ args }) {
      const ctx = withFlags(base, { corpus: args.corpus, index: args.index });
      const k = Number.parseInt(args.k ?? '3', 10) || 3;
      const specs = filesArg(args.file).map(parseSetSpec);
      const sets = specs.map((s) => ({ name: path.basename(s.file), items: readItems(s.file) }));
      if (args.llm && !ctx.config.llm) {
        throw new PolicybotError('E_CONFIG', 'eval --llm needs LLM_PROVIDER', { userMessage: '没有配置大模型：请先设置 LLM_PROVIDER、LLM_MODEL（及 LLM_BASE_URL、LLM_API_KEY），见 README「接入大模型（可选）」' });
      }
      // Without --llm the figures are the extractive ones even when a model is configured.
      const open = args.llm ? openAnsweringEngine : openEngine;
      const engine = await open(ctx.config, { logger: ctx.logger, progress: terminalProgress(ctx.io.stderr) });
      const own = sets.filter((_, i) => !corpusKey(specs[i]!));
      if (args.ablation) {
        const rows = await runAblation(engine, own, k);
        println(ctx.io.stdout, args.json ? JSON.stringify(rows, null, 2) : renderAblation(rows, ABLATIONS));
        return;
      }
      // Sets asked of another corpus (set.jsonl@+dir): one engine per corpus, results in the order given.
      const results: Awaited<ReturnType<typeof compareSets>> = [];
      for (const key of [...new Set(specs.map(corpusKey))]) {
        const group = sets.filter((_, i) => corpusKey(specs[i]!) === key);
        const dirs = corpusFor(specs.find((s) => corpusKey(s) === key)!, ctx.config.corpusDir);
        const e = dirs ? await open(withDirs(ctx.config, dirs), { logger: ctx.logger, progress: terminalProgress(ctx.io.stderr) }) : engine;
        for (const r of await compareSets(e, group, k)) results.push(key ? { ...r, set: `${r.set} (+${path.basename(key.replace(/^\+/, ''))})` } : r);
      }
      results.sort((a, b) => sets.findIndex((s) => a.set.startsWith(s.name)) - sets.findIndex((s) => b.set.startsWith(s.name)));
      if (args.json) {
        println(ctx.io.stdout, JSON.stringify(results.length === 1 ? results[0]!.policybot : results, null, 2));
        return;
      }
      println(ctx.io.stdout, renderComparison(results, { misses: args.misses !== false, heldOutMisses: Boolean(args['held-out-misses']), embedder: engine.embedder.id, answeredBy: engine.answeredBy }));
    },
  });


export const calibrateCommand = (base: CliContext) =>
  defineCommand({
    meta: { name: 'calibrate', description: '在带标签的问题集上先拟合学习排序（线性模型，列表式 softmax），再拟合拒答模型（逻辑回归），均做 k 折交叉验证，写入 src/retrieve/rerank-model.json 与 abstain-model.json' },
    args: {
      file: { type: 'string', required: true, description: '一个或多个 JSONL 文件，逗号分隔；「文件@+目录」把该目录的文件加入政策库再回答，「文件@目录」只用该目录' },
      folds: { type: 'string', description: '交叉验证折数（默认 5）' },
      write: { type: 'boolean', description: '写入模型文件（默认只报告）' },
      'abstain-only': { type: 'boolean', description: '只重新拟合拒答模型，学习排序保持现有的 rerank-model.json' },
    },
    async run({ args }) {
      const ctx = withFlags(base, {});
      // 「set.jsonl@+dir」 / 「set.jsonl@dir」: that set's questions are asked of a corpus with those
      // documents (see set-corpus.ts), so the model is fitted on more than one corpus.
      const specs = args.file.split(',').map((f) => f.trim()).filter(Boolean).map(parseSetSpec);
      const folds = Math.max(2, Number.parseInt(args.folds ?? '5', 10) || 5);
      const fit: ReturnType<typeof rowsForFit> = [];
      let questions = 0;
      const sets: Array<{ engine: Engine; items: EvalItem[] }> = [];
      for (const key of [...new Set(specs.map(corpusKey))]) {
        const group = specs.filter((s) => corpusKey(s) === key);
        const dirs = corpusFor(group[0]!, ctx.config.corpusDir);
        const config = dirs ? withDirs(ctx.config, dirs) : ctx.config;
        // Ids are unique per file only: prefix them with the file's name.
        const items = group.flatMap((s) => readItems(s.file).map((it) => ({ ...it, id: `${path.basename(s.file)}:${it.id}` })));
        questions += items.length;
        sets.push({ engine: await openEngine(config, { logger: ctx.logger, progress: terminalProgress(ctx.io.stderr) }), items });
      }
      const fittedOn = `${specs.map((s) => path.basename(s.file) + (corpusKey(s) ? ` (corpus ${corpusKey(s)})` : '')).join(' + ')}`;
      // First the rerank (its candidates ranked by the hand-set fusion), then the abstention model on
      // what the new ranking puts on top.
      const abstainOnly = Boolean(args['abstain-only']);
      let rerank: RerankModel | null = null;
      if (!abstainOnly) {
        const groups = (await Promise.all(sets.map((s) => rerankGroups(s.engine, s.items)))).flat();
        const rcv = crossValidateRerank(groups, folds);
        rerank = {
          ...fitRerank(groups),
          fittedOn: `${fittedOn} (${rcv.questions} answerable questions, ${groups.length} asks)`,
          crossValidation: `${folds}-fold, gold in the top 3: fused ${rcv.prior}/${rcv.questions}, learned ${rcv.learned}/${rcv.questions} (training ${rcv.training})`,
        };
        for (const s of sets) s.engine.retriever.useRerankModel(rerank);
      }
      for (const s of sets) {
        // The gate off: every ask's features, whatever the current model says.
        const rows = await runItems(s.engine, s.items, 3, { pipeline: { abstain: false } });
        fit.push(...rowsForFit(rows, s.engine.retriever));
      }
      const cv = crossValidate(fit, folds);
      const model: AbstainModel = {
        ...fitAbstainModel(fit.map((r) => ({ f: r.f, answerable: r.answerable }))),
        fittedOn: `${fittedOn} (${questions} questions, ${fit.length} asks reach the model)`,
        crossValidation: `${folds}-fold: ${cv.correct}/${cv.total} asks (${cv.falseRefusals} answerable refused, ${cv.falseAnswers} unanswerable answered)`,
      };
      println(ctx.io.stdout, rerank ? `rerank: ${rerank.crossValidation}` : 'rerank: kept (src/retrieve/rerank-model.json)');
      println(ctx.io.stdout, JSON.stringify(model, null, 2));
      println(ctx.io.stdout, `cross-validation (${folds} folds) ${cv.correct}/${cv.total}; training ${cv.trainCorrect}/${cv.total}`);
      if (args.write) {
        const files: Array<[string, unknown]> = [['retrieve/abstain-model.json', model]];
        if (rerank) files.unshift(['retrieve/rerank-model.json', rerank]);
        for (const [name, value] of files) {
          const file = path.join(sourceRoot(), name);
          writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
          println(ctx.io.stdout, `written to ${path.relative(process.cwd(), file)}`);
        }
      }
    },
  });
