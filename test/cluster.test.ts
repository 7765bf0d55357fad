import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundled } from './helpers/bundled.ts';
import { freePort } from './helpers/net.ts';

/**
 * `policybot start --workers 2` as an operator runs it: two server processes share one port and
 * both answer; an index version built by a separate `policybot ingest` is loaded by every worker
 * when it appears (or on SIGHUP) while they keep answering; SIGTERM stops them all.
 */
const REPO = path.join(import.meta.dirname, '..');
let root: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess | null = null;
let port: number;
let output = '';

/** GET /healthz on a new connection each time (a kept-alive one stays with one worker). */
async function health(): Promise<{ status: string; pid: number; corpusHash: string; documents: number; indexVersion: string | null }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString('utf8')));
        res.on('end', () => resolve(JSON.parse(body) as { status: string; pid: number; corpusHash: string; documents: number; indexVersion: string | null }));
      })
      .on('error', reject);
  });
}

/** One web chat message on a new connection (so consecutive ones reach different workers). */
async function chatOnce(question: string, sessionId: string): Promise<{ kind: string }> {
  const body = JSON.stringify({ question, sessionId });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/api/chat', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString('utf8')));
      res.on('end', () => resolve((JSON.parse(text) as { reply: { kind: string } }).reply));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Asks /healthz until every one of `n` processes has answered; their latest reports by pid. */
async function allWorkers(n: number, until: (h: Awaited<ReturnType<typeof health>>) => boolean = () => true): Promise<Map<number, Awaited<ReturnType<typeof health>>>> {
  const seen = new Map<number, Awaited<ReturnType<typeof health>>>();
  for (let i = 0; i < 200; i++) {
    const h = await health().catch(() => null);
    if (h) seen.set(h.pid, h);
    if (seen.size >= n && [...seen.values()].every(until)) return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
  return seen;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cluster-'));
  const { corpus, index } = copyBundled(root);
  port = await freePort();
  env = { ...process.env, EMBEDDER: 'hashed', LOG_LEVEL: 'warn', CORPUS_DIR: corpus, INDEX_DIR: index, DATA_DIR: path.join(root, 'data'), PORT: String(port), HOST: '127.0.0.1', CHAT_RATE_LIMIT_PER_MINUTE: '3' };
  server = spawn(process.execPath, ['bin/policybot.js', 'start', '--workers', '2'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')));
  server.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')));
  for (let i = 0; i < 600 && !output.includes('按 Ctrl+C 停止'); i++) await new Promise((r) => setTimeout(r, 100));
}, 90_000);

afterAll(() => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

describe('start --workers 2', () => {
  it('serves from two processes on one port, both answering questions', async () => {
    expect(output).toContain('2 个服务进程共用一个端口');
    const workers = await allWorkers(2);
    expect(workers.size).toBe(2);
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: '失业保险金怎么领取？' }) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { abstained: boolean }).abstained).toBe(false);
    }
  }, 30_000);

  it('counts one chat budget per user across the processes (the SQLite file is shared)', async () => {
    const kinds: string[] = [];
    for (let i = 0; i < 6; i++) kinds.push((await chatOnce('失业保险金怎么领取？', 'cluster-limit-session-01')).kind);
    expect(kinds.slice(0, 3)).toEqual(['answer', 'answer', 'answer']);
    expect(kinds.slice(3)).toEqual(['guard', 'guard', 'guard']);
  }, 30_000);

  it('loads the index version a separate ingest built, in every worker, without a restart; /healthz names it', async () => {
    const before = await health();
    expect(before.indexVersion).toMatch(/^\d{8}-\d+-[0-9a-f]{8}$/);
    fs.writeFileSync(path.join(env.CORPUS_DIR!, 'zz-cluster-new.md'), '---\ntitle: 测试新增文件\nissuer: 测试局\ndate: 2026-01-01\n---\n# 一、总则\n\n本文件用于测试索引重新载入。\n');
    execFileSync(process.execPath, ['bin/policybot.js', 'ingest'], { cwd: REPO, env, stdio: 'ignore', timeout: 120_000 });
    // The new version appears in the index folder: the primary sees it and every worker loads it.
    const after = await allWorkers(2, (h) => h.corpusHash !== before.corpusHash);
    expect(after.size).toBe(2);
    const versions = new Set([...after.values()].map((h) => h.indexVersion));
    expect(versions.size).toBe(1);
    expect([...versions][0]).not.toBe(before.indexVersion);
    for (const h of after.values()) {
      expect(h.corpusHash).not.toBe(before.corpusHash);
      expect(h.documents).toBe(before.documents + 1);
    }
    // SIGHUP with nothing new keeps serving the same version.
    server!.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 500));
    expect((await health()).indexVersion).toBe([...versions][0]);
  }, 150_000);

  it('stops every process on SIGTERM', async () => {
    const pids = [...(await allWorkers(2)).keys()];
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    server!.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});
