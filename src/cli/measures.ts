import { defineCommand } from 'citty';
import { openEngine } from '../engine.ts';
import { measuresForRegion, renderMeasuresText } from '../measures/view.ts';
import { requirePlace } from '../text/gazetteer.ts';
import type { CliContext } from './io.ts';
import { DIR_ARGS, println, withFlags } from './io.ts';
import { terminalProgress } from './progress-bar.ts';

/** `policybot measures [--region X] [--json]`: the measures catalog, grouped by document. */
export const measuresCommand = (base: CliContext) =>
  defineCommand({
    meta: { name: 'measures', description: '列出政策文件中的补贴、贷款等措施（名称、金额、对象、有效期、原文链接）' },
    args: {
      region: { type: 'string', description: '只列出适用于该地区的措施，例如 广州市、青岛市城阳区（上级地区的措施也列出）' },
      json: { type: 'boolean', description: '输出 JSON：{region, count, measures}' },
      ...DIR_ARGS,
    },
    async run({ args }) {
      const ctx = withFlags(base, { corpus: args.corpus, index: args.index });
      // A misspelt region fails before the index is opened.
      const region = args.region ? requirePlace(args.region) : null;
      const engine = await openEngine(ctx.config, { logger: ctx.logger, progress: terminalProgress(ctx.io.stderr) });
      const measures = measuresForRegion(engine.measures, region);
      println(ctx.io.stdout, args.json ? JSON.stringify({ region, count: measures.length, measures }, null, 2) : renderMeasuresText(measures));
    },
  });
