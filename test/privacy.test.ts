import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatCore } from '../src/chat/core.ts';
import { openChatStore } from '../src/chat/store.ts';
import type { IncomingMessage } from '../src/chat/types.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { runCli } from './helpers/cli.ts';

/** Personal data: /forget and `policybot forget` delete a person's records; RETENTION_DAYS prunes old ones. */
let t: TestEngine;
beforeAll(async () => {
  t = await testEngine();
}, 60_000);
afterAll(() => t?.cleanup());

const msg = (userId: string, text: string): IncomingMessage => ({ channel: 'wechat', userId, chatId: userId, text, kind: 'text', isGroup: false, mentioned: true });

describe('forgetting a person', () => {
  it('/forget deletes their settings, answers, feedback, unanswered questions and /check state, and nobody else\'s', async () => {
    const store = openChatStore(path.join(t.root, 'forget.sqlite'));
    const chat = createChatCore({ config: t.config, logger: t.logger, engine: t.engine, store });
    await chat.handleMessage(msg('alice', '/region 广州市'));
    const a = await chat.handleMessage(msg('alice', '失业保险金怎么领取？'));
    await chat.recordFeedback({ channel: 'wechat', userId: 'alice', answerId: a!.answerId!, vote: 'up' });
    await chat.handleMessage(msg('alice', '帮我写一首诗'));
    await chat.handleMessage(msg('alice', '/check'));
    await chat.handleMessage(msg('bob', '失业保险金怎么领取？'));
    expect(await store.getUser('wechat', 'alice')).not.toBeNull();
    const r = await chat.handleMessage(msg('alice', '/forget'));
    expect(r!.text).toMatch(/已删除本服务保存的您的全部记录（\d+ 条/);
    expect(await store.getUser('wechat', 'alice')).toBeNull();
    expect(await store.getAnswer(a!.answerId!)).toBeNull();
    expect((await store.listFeedback()).filter((f) => f.userId === 'alice')).toEqual([]);
    expect((await store.listUnanswered()).filter((u) => u.userId === 'alice')).toEqual([]);
    expect(await store.getCheckState('wechat', 'alice')).toBeNull();
    expect(await store.getUser('wechat', 'bob')).not.toBeNull();
    expect((await chat.handleMessage(msg('alice', '/forget')))!.text).toBe('本服务没有保存您的记录。');
    await chat.close();
    await store.close();
  });

  it('policybot forget --user deletes one person from the command line; a bad --user exits 2', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-forget-'));
    const env = { EMBEDDER: 'hashed', LOG_LEVEL: 'silent', DATA_DIR: dataDir };
    const store = openChatStore(path.join(dataDir, 'policybot.sqlite'));
    await store.updateUser('wechat-mp', 'oAbc123', { region: '广州市' });
    await store.close();
    const ok = await runCli(['forget', '--user', 'wechat-mp:oAbc123'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('已删除 wechat-mp:oAbc123 的 1 条记录');
    const bad = await runCli(['forget', '--user', 'oAbc123'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('渠道:用户 ID');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('retention', () => {
  it('records older than RETENTION_DAYS are deleted when the chat starts; recent ones stay', async () => {
    const file = path.join(t.root, 'retention.sqlite');
    const day = 86_400_000;
    const old = Date.now() - 200 * day;
    const oldStore = openChatStore(file, { now: () => old });
    const answer = await t.engine.ask('失业保险金怎么领取？');
    const oldId = await oldStore.saveAnswer({ channel: 'web', userId: 'old-user', answer });
    await oldStore.updateUser('web', 'old-user', { region: '广州市' });
    await oldStore.logUnanswered({ channel: 'web', userId: 'old-user', question: '写诗', region: null });
    await oldStore.close();
    const store = openChatStore(file);
    const recentId = await store.saveAnswer({ channel: 'web', userId: 'new-user', answer });
    const chat = createChatCore({ config: { ...t.config, chat: { ...t.config.chat, retentionDays: 180 } }, logger: t.logger, engine: t.engine, store });
    expect(await store.getAnswer(oldId)).toBeNull();
    expect(await store.getUser('web', 'old-user')).toBeNull();
    expect(await store.listUnanswered()).toEqual([]);
    expect(await store.getAnswer(recentId)).not.toBeNull();
    await chat.close();
    await store.close();
  });
});
