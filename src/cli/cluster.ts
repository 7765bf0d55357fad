import cluster, { type Worker } from 'node:cluster';
import { ensureIndex } from '../engine.ts';
import { buildIndex } from '../index/build.ts';
import { watchIndex } from '../index/watch.ts';
import type { CliContext } from './io.ts';
import { println } from './io.ts';
import { terminalProgress } from './progress-bar.ts';

/** Messages from the primary to its workers. */
type ToWorker = { type: 'reload' } | { type: 'shutdown' };

const WORKER_ENV = 'POLICYBOT_WORKER';
/** A worker that keeps dying is not restarted forever: at most this many restarts a minute. */
const MAX_RESTARTS_PER_MINUTE = 5;
const SHUTDOWN_GRACE_MS = 10_000;

export const isClusterWorker = (ctx: CliContext) => cluster.isWorker && ctx.config.worker !== null;

/**
 * `start --workers N`: the primary makes sure an index exists (building it when there is none), forks
 * N server processes that share the port (node:cluster hands connections out in turn) and each load
 * the index read-only, and builds a changed corpus's new index itself — it serves nothing, so the
 * build slows no answer — then tells the workers to reload; SIGHUP makes them reload too (after a
 * separate `policybot ingest`). A worker that dies is restarted. Resolves when all have stopped.
 */
export async function runPrimary(ctx: CliContext, workers: number): Promise<void> {
  const { config, logger, io } = ctx;
  // Loads (and checks) the index once, building it only when it is missing or corrupt.
  const stale = (await ensureIndex(config, logger, terminalProgress(io.stderr), true, true)).stale ?? null;
  let stopping = false;
  const restarts: number[] = [];
  const ids = new Map<Worker, number>();

  const fork = (n: number) => {
    const w = cluster.fork({ [WORKER_ENV]: String(n) });
    ids.set(w, n);
    w.on('exit', (code, signal) => {
      ids.delete(w);
      if (stopping) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && now - restarts[0]! > 60_000) restarts.shift();
      logger.error({ worker: n, code, signal }, 'server process exited; restarting it');
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        println(io.stderr, `工作进程 ${n} 一分钟内反复退出，不再重启。请查看日志。`);
        return;
      }
      setTimeout(() => fork(n), 1000).unref();
    });
    return w;
  };
  const broadcast = (msg: ToWorker) => {
    for (const w of ids.keys()) if (w.isConnected()) w.send(msg);
  };

  for (let n = 1; n <= workers; n++) fork(n);
  println(io.stdout, `policybot：${workers} 个服务进程共用一个端口（主进程 ${process.pid}；SIGHUP 让它们重新载入索引）`);

  const onHup = () => {
    logger.info('SIGHUP: workers reload the index');
    broadcast({ type: 'reload' });
  };
  process.on('SIGHUP', onHup);
  // A version another process built (`policybot ingest`): every worker loads it.
  const unwatch = watchIndex(config.indexDir, (version) => {
    logger.info({ version }, 'a new index version: workers reload');
    broadcast({ type: 'reload' });
  });

  if (stale) {
    logger.warn({ reason: stale }, 'serving the previous index while the new one builds');
    println(io.stdout, `  ⟳ 政策库有变化（${stale}）：先用上次的索引回答，新索引由主进程在后台建立，完成后各进程自动载入`);
    void buildIndex(config, logger)
      .then(() => broadcast({ type: 'reload' }))
      .catch((err: unknown) => logger.error({ err }, 'background rebuild failed; still serving the previous index'));
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const on = (s: NodeJS.Signals) => resolve(s);
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
  stopping = true;
  process.off('SIGHUP', onHup);
  unwatch();
  println(io.stderr, `收到 ${signal}，正在停止 ${ids.size} 个服务进程…`);
  const exited = [...ids.keys()].map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
  broadcast({ type: 'shutdown' });
  const timer = setTimeout(() => {
    for (const w of ids.keys()) w.kill('SIGKILL');
  }, SHUTDOWN_GRACE_MS);
  await Promise.all(exited);
  clearTimeout(timer);
  println(io.stderr, 'policybot 已停止。');
}

/** What a worker runs: `launch` of start.ts (passed in, so this module does not import it back). */
export type LaunchWorker = (ctx: CliContext, opts: { worker: number }) => Promise<{ stop(): Promise<void>; reload(): Promise<boolean> }>;

/** One server process of the cluster: launch, then reload or stop when the primary says so. */
export async function runWorker(ctx: CliContext, launch: LaunchWorker): Promise<void> {
  const n = ctx.config.worker ?? 1;
  const launched = await launch(ctx, { worker: n });
  if (n === 1) println(ctx.io.stdout, '按 Ctrl+C 停止。');
  // Ctrl+C (and a hangup) reach every process of the group: the primary coordinates stop and reload.
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => undefined);
  await new Promise<void>((resolve) => {
    const stop = () => {
      // Disconnecting the IPC channel lets the process end once the server and store are closed.
      void launched.stop().finally(() => {
        if (process.connected) process.disconnect();
        resolve();
      });
    };
    process.on('message', (msg: ToWorker) => {
      if (msg?.type === 'reload') void launched.reload().catch((err: unknown) => ctx.logger.error({ err, worker: n }, 'reload failed; still serving the previous index'));
      if (msg?.type === 'shutdown') stop();
    });
    // The primary is gone (killed): do not linger as an orphan.
    process.once('disconnect', stop);
  });
}
