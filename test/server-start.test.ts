import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelModule } from '../src/chat/channel.ts';
import { launch } from '../src/cli/start.ts';
import type { CliContext } from '../src/cli/io.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';

let t: TestEngine;
beforeAll(async () => {
  t = await testEngine();
});
afterAll(() => t?.cleanup());

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString('utf8')));
  return { stream, text: () => text };
}

describe('policybot start (launch)', () => {
  it('starts configured channels, mounts their routes, prints on/off lines, and stops everything', async () => {
    const events: string[] = [];
    const on: ChannelModule = {
      name: 'fake-on',
      isConfigured: () => true,
      howToEnable: 'n/a',
      async start(ctx) {
        events.push(`start:${ctx.engine.documents.length > 0}`);
        return {
          summary: 'Fake：webhook /hook/fake',
          routes: [{ method: 'POST', path: '/hook/fake', handle: async (req) => ({ status: 200, body: `got ${req.body}` }) }],
          async stop() {
            events.push('stop');
          },
        };
      },
    };
    const off: ChannelModule = { name: 'fake-off', isConfigured: () => false, howToEnable: '设置 FAKE_TOKEN', start: () => Promise.reject(new Error('must not start')) };
    const broken: ChannelModule = { name: 'fake-broken', isConfigured: () => true, howToEnable: '', start: () => Promise.reject(new Error('token rejected')) };

    const out = capture();
    const err = capture();
    const ctx: CliContext = {
      config: { ...t.config, server: { ...t.config.server, host: '127.0.0.1', port: 0 } },
      logger: t.logger,
      io: { stdin: new PassThrough(), stdout: out.stream, stderr: err.stream },
      exitCode: 0,
      channels: [on, off, broken],
    };
    const running = await launch(ctx);
    try {
      const text = out.text();
      expect(text).toContain(`policybot 已启动：http://localhost:${running.port}`);
      expect(text).toContain(`嵌入模型：${running.engine.embedder.description}`);
      expect(text).toContain('● Fake：webhook /hook/fake');
      expect(text).toContain('○ fake-off：未启用 — 设置 FAKE_TOKEN');
      expect(text).toContain('✗ fake-broken：启动失败 — token rejected');
      // The default PUBLIC_BASE_URL names port 3000; the server is elsewhere, so the operator is told.
      expect(text).toContain(`PUBLIC_BASE_URL=http://localhost:${running.port}`);

      const base = `http://127.0.0.1:${running.port}`;
      const hook = await fetch(`${base}/hook/fake`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<xml/>' });
      expect(await hook.text()).toBe('got <xml/>');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await running.stop();
    }
    expect(events).toEqual(['start:true', 'stop']);
    await expect(fetch(`http://127.0.0.1:${running.port}/healthz`)).rejects.toThrow();
    await running.stop(); // idempotent
  });
});

describe('a changed corpus while the service starts', () => {
  it('serves the previous index at once, builds the new one in the background, then swaps it in', async () => {
    const own = await testEngine();
    try {
      const fs = await import('node:fs');
      const path = await import('node:path');
      const hashBefore = own.engine.manifest.corpusHash;
      fs.writeFileSync(
        path.join(own.config.corpusDir, 'zz-new-policy.md'),
        '---\ntitle: 测试市零工驿站补贴办法\nissuer: 测试市人力资源和社会保障局\ndate: 2026-10-01\nregion: 全国\n---\n零工驿站每接待一名求职者给予运营补贴20元，每年最高5万元。\n',
      );
      const out = capture();
      const ctx: CliContext = {
        config: { ...own.config, server: { ...own.config.server, host: '127.0.0.1', port: 0 } },
        logger: own.logger,
        io: { stdin: new PassThrough(), stdout: out.stream, stderr: capture().stream },
        exitCode: 0,
        channels: [],
      };
      const running = await launch(ctx);
      try {
        expect(out.text()).toContain('先用上次的索引回答');
        // Right after start the previous index serves (the build begins once the server listens).
        expect(running.engine.manifest.corpusHash).toBe(hashBefore);
        expect(running.engine.stale).toContain('corpus');
        const health = async () => (await (await fetch(`${running.url.replace('localhost', '127.0.0.1')}/healthz`)).json()) as { corpusHash: string; rebuilding?: boolean };
        await running.rebuilt();
        const after = await health();
        expect(after.corpusHash).not.toBe(hashBefore);
        expect(after.rebuilding).toBeUndefined();
        const a = await running.engine.ask('零工驿站运营补贴每接待一名求职者给多少钱？');
        expect(a.citations.some((c) => c.title === '测试市零工驿站补贴办法')).toBe(true);
        expect(out.text()).toContain('新索引已启用');
      } finally {
        await running.stop();
      }
    } finally {
      own.cleanup();
    }
  }, 120_000);
});
