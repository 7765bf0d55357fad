import { defineCommand } from 'citty';
import { buildIndex } from '../index/build.ts';
import type { CliContext } from './io.ts';
import { println, withFlags } from './io.ts';
import { terminalProgress } from './progress-bar.ts';

export const ingestCommand = (base: CliContext) =>
  defineCommand({
    meta: { name: 'ingest', description: '读取政策文件并建立索引（默认 corpus/ → embeddings/）' },
    args: {
      corpus: { type: 'string', description: '政策文件目录（默认 $CORPUS_DIR 或 corpus/）' },
      out: { type: 'string', description: '索引输出目录（默认 $INDEX_DIR 或 embeddings/）' },
    },
    async run({ args }) {
      const ctx = withFlags(base, { corpus: args.corpus, out: args.out });
      const { manifest, problems } = await buildIndex(ctx.config, ctx.logger, terminalProgress(ctx.io.stderr));
      for (const p of problems) println(ctx.io.stderr, `跳过 ${p.file}：${p.reason}`);
      const c = manifest.counts;
      println(
        ctx.io.stdout,
        `已建立索引：${c.documents} 份文件，${c.paragraphs} 个段落，${c.chunks} 个片段；嵌入模型 ${manifest.embedder.id}${manifest.embedder.semantic ? '' : '（内置离线模型，非语义）'}；用时 ${manifest.buildSeconds} 秒${problems.length ? `；跳过 ${problems.length} 个文件` : ''}`,
      );
    },
  });
