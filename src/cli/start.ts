import readline from 'node:readline';
import { availableParallelism } from 'node:os';
import { Writable } from 'node:stream';
import { EXAMPLES } from '../chat/commands.ts';
import { EXTRACTIVE } from '../answer/contract.ts';
import { defineCommand } from 'citty';
import type { Engine } from '../engine.ts';
import { openAnsweringEngine } from '../llm/open.ts';
import { swappableEngine } from '../engine-swap.ts';
import { PolicybotError, errorMessage, isPolicybotError } from '../errors.ts';
import { isClusterWorker, runPrimary, runWorker } from './cluster.ts';
import { configSecrets } from '../config.ts';
import { scrubSecrets } from '../log.ts';
import { createChatCore } from '../chat/core.ts';
import type { ChatCore } from '../chat/types.ts';
import type { HttpRoute, RunningChannel } from '../chat/channel.ts';
import { buildServer } from '../server/app.ts';
import { startServer } from '../server/start.ts';
import type { CliContext } from './io.ts';
import { DIR_ARGS, println, withFlags } from './io.ts';
import { terminalProgress } from './progress-bar.ts';
import { renderAnswerText } from './render.ts';
import { watchIndex } from '../index/watch.ts';
import { currentVersion } from '../index/store.ts';


export interface Launched {
  url: string;
  port: number;
  engine: Engine;
  chat: ChatCore;
  /** Stops channels, closes the server, then closes the chat store. Safe to call twice. */
  stop(): Promise<void>;
  /** Settles when a background rebuild (started because the corpus changed) has swapped in. */
  rebuilt(): Promise<void>;
  /**
   * Loads the index now on disk (another process built it: `policybot ingest`, the cluster's primary)
   * and swaps it in when it differs from the live one; the old one answers until then. True when swapped.
   */
  reload(): Promise<boolean>;
}

export interface LaunchOptions {
  /**
   * One process of `start --workers N` (1…N): it opens the index the primary built and never builds
   * one itself; only worker 1 runs the channels that hold a connection of their own and prints.
   */
  worker?: number;
}

/**
 * Opens the engine, the chat core, every configured channel and the web server, and prints
 * what is running. Returns once everything listens; `stop` undoes it in reverse order.
 */
export async function launch(ctx: CliContext, opts: LaunchOptions = {}): Promise<Launched> {
  const { config, logger } = ctx;
  const worker = opts.worker ?? null;
  // Workers other than the first stay quiet: the operator reads one summary.
  const io = worker !== null && worker > 1 ? { ...ctx.io, stdout: quiet(), stderr: quiet() } : ctx.io;
  // A changed corpus does not keep the service down: the previous index answers while the new one builds.
  const first = await openAnsweringEngine(
    config,
    worker === null ? { logger, progress: terminalProgress(io.stderr), serveStale: true } : { logger, rebuild: false, serveStale: true },
  );
  const live = swappableEngine(first);
  const engine = live.engine;
  const chat = createChatCore({ config, logger, engine });
  let rebuilding: Promise<void> | null = null;
  // Started once the server listens (below), so the first requests are answered from the previous index.
  const rebuildInBackground = () => {
    // In a cluster the primary builds and tells the workers to reload.
    if (!first.stale || worker !== null) return;
    logger.warn({ reason: first.stale, corpusHash: first.manifest.corpusHash }, 'serving the previous index while the new one builds');
    rebuilding = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => openAnsweringEngine(config, { logger }))
      .then((next) => {
        live.swap(next);
        logger.info({ corpusHash: next.manifest.corpusHash, documents: next.manifest.counts.documents }, 'new index swapped in');
        println(io.stdout, `  ✓ 新索引已启用：${next.manifest.counts.documents} 份文件（${next.manifest.corpusHash.slice(0, 12)}）`);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'background rebuild failed; still serving the previous index');
      });
  };
  const running: Array<{ name: string; channel: RunningChannel }> = [];
  const lines: string[] = [];
  const stopChannels = async () => {
    for (const r of running.splice(0).reverse()) {
      try {
        await r.channel.stop();
      } catch (err) {
        logger.warn({ err, channel: r.name }, 'channel did not stop cleanly');
      }
    }
  };

  try {
    const routes: HttpRoute[] = [];
    for (const mod of ctx.channels) {
      if (!mod.isConfigured(config)) {
        lines.push(`  ○ ${mod.name}：未启用 — ${mod.howToEnable}`);
        continue;
      }
      if (worker !== null && worker > 1 && mod.exclusive?.(config)) continue;
      try {
        const channel = await mod.start({ config, logger, engine, chat });
        running.push({ name: mod.name, channel });
        routes.push(...channel.routes);
        lines.push(`  ● ${channel.summary}`);
      } catch (err) {
        // One channel failing (bad token, network) must not take the others or the web down.
        logger.error({ err, channel: mod.name }, 'channel failed to start');
        lines.push(`  ✗ ${mod.name}：启动失败 — ${scrubSecrets(isPolicybotError(err) ? err.userMessage : errorMessage(err), configSecrets(config))}`);
      }
    }

    const { app } = await buildServer({ config, logger, engine, chat, routes });
    const server = await startServer(app, { host: config.server.host, port: config.server.port }).catch(async (err: unknown) => {
      await app.close();
      throw err;
    });

    println(io.stdout, `policybot 已启动：${server.url}`);
    println(io.stdout, `  嵌入模型：${engine.embedder.description}`);
    println(io.stdout, `  语言模型：${engine.answeredBy === EXTRACTIVE ? '未启用 — 回答由文件原句组成（离线）；设置 LLM_PROVIDER 可接入大模型' : `${engine.answeredBy}（改写问题、组织回答；每句核对引用，超时 ${config.llm?.timeoutMs ?? 0} 毫秒则用原句回答）`}`);
    println(io.stdout, `  政策文件：${engine.manifest.counts.documents} 份`);
    if (first.stale) println(io.stdout, `  ⟳ 政策库有变化（${first.stale}）：先用上次的索引回答，新索引在后台建立，完成后自动启用`);
    println(io.stdout, `  ● 网页聊天：${server.url}/  （API：POST /api/ask，健康检查：/healthz）`);
    for (const line of lines) println(io.stdout, line);
    const linkHint = publicUrlHint(config.publicBaseUrl, server.port);
    if (linkHint) println(io.stdout, linkHint);
    rebuildInBackground();

    let stopped: Promise<void> | null = null;
    return {
      url: server.url,
      port: server.port,
      engine,
      chat,
      rebuilt: () => rebuilding ?? Promise.resolve(),
      async reload() {
        // The version this process serves is already the newest: nothing to load.
        const newest = currentVersion(config.indexDir);
        if (newest && newest === live.current().manifest.version) return false;
        const next = await openAnsweringEngine(config, { logger, rebuild: false, serveStale: true });
        const live0 = live.current();
        if (next.manifest.builtAt === live0.manifest.builtAt && next.manifest.corpusHash === live0.manifest.corpusHash) return false;
        live.swap(next);
        logger.info({ corpusHash: next.manifest.corpusHash, builtAt: next.manifest.builtAt, worker }, 'index reloaded');
        println(io.stdout, `  ✓ 已载入新索引：${next.manifest.counts.documents} 份文件（${next.manifest.corpusHash.slice(0, 12)}）`);
        return true;
      },
      stop() {
        stopped ??= (async () => {
          await stopChannels();
          await server.close();
          // A background build is left to finish (it writes atomically) before the store closes.
          await rebuilding;
          await chat.close();
        })();
        return stopped;
      },
    };
  } catch (err) {
    await stopChannels();
    await chat.close();
    throw err;
  }
}

function workersArg(v: string | undefined): number {
  if (v === undefined) return availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new PolicybotError('E_BAD_INPUT', `--workers ${v}`, { userMessage: `--workers 需要 1 到 64 之间的整数（收到「${v.slice(0, 20)}」）` });
  return n;
}

function quiet(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}

/** Citation links point at PUBLIC_BASE_URL; warn when it names this machine but another port. */
function publicUrlHint(publicBaseUrl: string, port: number): string | null {
  let u: URL;
  try {
    u = new URL(publicBaseUrl);
  } catch {
    return null;
  }
  if (!['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return `  引用链接地址：${publicBaseUrl}`;
  const linkPort = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  if (linkPort === port) return null;
  return `  ⚠ 引用链接指向 ${publicBaseUrl}，但服务在端口 ${port}：请设置 PUBLIC_BASE_URL=http://localhost:${port}（部署在反向代理后面时设为公开地址）。`;
}

/** Resolves on the first SIGINT or SIGTERM. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** The terminal chat (`start --terminal`): questions on stdin, answers on stdout. */
async function terminalChat(ctx: CliContext): Promise<void> {
  const engine = await openAnsweringEngine(ctx.config, { logger: ctx.logger, progress: terminalProgress(ctx.io.stderr) });
  println(ctx.io.stderr, `policybot 已就绪：${engine.manifest.counts.documents} 份文件；嵌入模型：${engine.embedder.description}；回答：${engine.answeredBy}`);
  if (!ctx.io.stdin.isTTY) {
    println(ctx.io.stderr, '标准输入不是终端，无法对话。用 `policybot ask "问题"` 提问，或不带 --terminal 启动网页服务。');
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
}

export const startCommand = (base: CliContext) =>
  defineCommand({
    meta: { name: 'start', description: '启动网页服务（聊天、文件查看、API）和已配置的聊天渠道；--terminal 在终端里对话' },
    args: {
      terminal: { type: 'boolean', description: '不启动服务，在终端里直接对话' },
      workers: { type: 'string', description: `服务进程数（默认 CPU 核数，本机 ${availableParallelism()}；1 = 单进程）` },
      ...DIR_ARGS,
    },
    async run({ args }) {
      const ctx = withFlags(base, { corpus: args.corpus, index: args.index });
      if (args.terminal) return terminalChat(ctx);
      if (isClusterWorker(ctx)) return runWorker(ctx, launch);
      const workers = workersArg(args.workers);
      if (workers > 1) return runPrimary(ctx, workers);
      const launched = await launch(ctx);
      // SIGHUP, or a new version appearing in the index folder: load the index another process built
      // (`policybot ingest`) without a restart, answering from the current one meanwhile.
      const onHup = () => void launched.reload().catch((err: unknown) => ctx.logger.error({ err }, 'reload failed; still serving the previous index'));
      process.on('SIGHUP', onHup);
      const unwatch = watchIndex(ctx.config.indexDir, onHup);
      println(ctx.io.stdout, '按 Ctrl+C 停止。');
      const signal = await nextSignal();
      println(ctx.io.stderr, `收到 ${signal}，正在停止…`);
      process.off('SIGHUP', onHup);
      unwatch();
      await launched.stop();
      println(ctx.io.stderr, 'policybot 已停止。');
    },
  });
