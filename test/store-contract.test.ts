import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStore, type ChatStore } from '../src/chat/store.ts';
import { openPgStore } from '../src/chat/store-pg.ts';
import type { Answer } from '../src/answer/contract.ts';
import { postgresMissing, startPostgres, type TestPostgres } from './helpers/postgres.ts';

/**
 * The ChatStore contract, the same checks for both backends: SQLite (always) and PostgreSQL (a
 * throwaway server; skipped, saying so, only when its binaries are absent).
 */
const missing = postgresMissing();
if (missing) console.warn(`[store-contract] PostgreSQL backend skipped: ${missing}`);

const answer = (text: string, abstained = false) => ({ question: `${text}？`, answer: text, abstained, citations: [], warnings: [] }) as unknown as Answer;

let server: TestPostgres | null = null;
beforeAll(async () => {
  if (!missing) server = await startPostgres();
}, 120_000);
afterAll(async () => server?.stop());

type Open = (now: () => number) => Promise<ChatStore>;
const backends: { name: string; skip: boolean; open: Open }[] = [
  { name: 'SQLite', skip: false, open: async (now) => openChatStore(':memory:', { now }) },
  {
    name: `PostgreSQL${missing ? ` (skipped: ${missing})` : ''}`,
    skip: missing !== null,
    open: async (now) => {
      const s = openPgStore(await server!.createDatabase(), { now });
      await s.ready();
      return s;
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`ChatStore contract: ${backend.name}`, () => {
    let clock = 1_800_000_000_000;
    let s: ChatStore;
    beforeAll(async () => {
      s = await backend.open(() => clock);
    });
    afterAll(async () => s?.close());

    it('users: a patch sets its fields and keeps the others; null clears', async () => {
      expect(await s.getUser('web', 'u1')).toBeNull();
      await s.updateUser('web', 'u1', { region: '广州市' });
      await s.updateUser('web', 'u1', { lastQuestion: '失业保险金怎么领取？', context: { question: '失业保险金怎么领取？', topic: '失业保险金', cited: ['d#p1'] } });
      let u = await s.getUser('web', 'u1');
      expect(u).toMatchObject({ key: 'web:u1', region: '广州市', lastQuestion: '失业保险金怎么领取？', lastAnswerId: null, updatedAt: clock });
      expect(u?.context).toEqual({ question: '失业保险金怎么领取？', topic: '失业保险金', cited: ['d#p1'] });
      await s.updateUser('web', 'u1', { region: null });
      u = await s.getUser('web', 'u1');
      expect(u?.region).toBeNull();
      expect(u?.lastQuestion).toBe('失业保险金怎么领取？');
    });

    it('answers and feedback: one vote per person per answer, comments add up', async () => {
      const id = await s.saveAnswer({ channel: 'web', userId: 'u1', answer: answer('按规定办理') });
      expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
      const stored = await s.getAnswer(id);
      expect(stored).toMatchObject({ id, channel: 'web', userId: 'u1', question: '按规定办理？', abstained: false, createdAt: clock });
      expect(stored?.answer.answer).toBe('按规定办理');
      await s.addFeedback({ answerId: id, channel: 'web', userId: 'u1', vote: 'up' });
      await s.addFeedback({ answerId: id, channel: 'web', userId: 'u1', vote: 'down' });
      await s.addFeedback({ answerId: id, channel: 'web', userId: 'u1', vote: null, comment: '引用过期了' });
      await s.addFeedback({ answerId: id, channel: 'web', userId: 'u2', vote: 'up' });
      const rows = await s.listFeedback(id);
      expect(rows.map((r) => [r.userId, r.vote, r.comment])).toEqual([
        ['u1', 'down', null],
        ['u1', null, '引用过期了'],
        ['u2', 'up', null],
      ]);
      expect(rows[0]).toMatchObject({ answerId: id, question: '按规定办理？', answer: '按规定办理', createdAt: clock });
      expect(typeof rows[0]!.id).toBe('number');
      await expect(s.addFeedback({ answerId: 'nonexistent000000', channel: 'web', userId: 'u1', vote: 'up' })).rejects.toThrow(/unknown answer/);
      // Votes pressed at the same moment still leave one.
      await Promise.all(['up', 'down', 'up', 'down'].map((vote) => s.addFeedback({ answerId: id, channel: 'web', userId: 'u3', vote: vote as 'up' | 'down' })));
      expect((await s.listFeedback(id)).filter((r) => r.userId === 'u3')).toHaveLength(1);
    });

    it('unanswered questions since a time, oldest first', async () => {
      await s.logUnanswered({ channel: 'web', userId: 'u1', question: '比特币多少钱？', region: null });
      clock += 1000;
      await s.logUnanswered({ channel: 'telegram', userId: 'u9', question: '上海居住证积分？', region: '上海市' });
      expect((await s.listUnanswered()).map((r) => r.question)).toEqual(['比特币多少钱？', '上海居住证积分？']);
      expect(await s.listUnanswered(clock)).toEqual([{ channel: 'telegram', userId: 'u9', question: '上海居住证积分？', region: '上海市', createdAt: clock }]);
    });

    it('processed ids, kept replies (with their time to live) and fixed-window counters', async () => {
      expect(await s.markProcessed('wechat-mp', 'oA:1')).toBe(true);
      expect(await s.markProcessed('wechat-mp', 'oA:1')).toBe(false);
      expect(await s.markProcessed('telegram', 'oA:1')).toBe(true);
      expect(await s.getReply('wechat-mp', 'oA:1')).toBeNull();
      await s.saveReply({ channel: 'wechat-mp', userId: 'oA', messageId: 'oA:1', text: '回答', ttlMs: 60_000 });
      await s.saveReply({ channel: 'wechat-mp', userId: 'oA', messageId: 'oA:2', text: null, ttlMs: 60_000 });
      expect(await s.getReply('wechat-mp', 'oA:1')).toEqual({ text: '回答' });
      expect(await s.getReply('wechat-mp', 'oA:2')).toEqual({ text: null });
      clock += 61_000;
      expect(await s.getReply('wechat-mp', 'oA:1')).toBeNull();

      clock = Math.ceil(clock / 60_000) * 60_000;
      const takes = [];
      for (let i = 0; i < 4; i++) takes.push(await s.takeRate('web:u1', 3, 60_000));
      expect(takes).toEqual([true, true, true, false]);
      expect(await s.takeRate('web:u2', 3, 60_000)).toBe(true);
      clock += 60_000;
      expect(await s.takeRate('web:u1', 3, 60_000)).toBe(true);
    });

    it('check dialogue state: set, replace, delete', async () => {
      await s.setCheckState('wechat', 'w1', '{"v":1,"step":1}');
      await s.setCheckState('wechat', 'w1', '{"v":1,"step":2}');
      expect(await s.getCheckState('wechat', 'w1')).toEqual({ state: '{"v":1,"step":2}', updatedAt: clock });
      await s.setCheckState('wechat', 'w1', null);
      expect(await s.getCheckState('wechat', 'w1')).toBeNull();
    });

    it('forget deletes everything about one person (their replies too) and nobody else\'s', async () => {
      await s.updateUser('wechat', 'alice', { region: '广州市' });
      const id = await s.saveAnswer({ channel: 'wechat', userId: 'alice', answer: answer('甲') });
      await s.addFeedback({ answerId: id, channel: 'wechat', userId: 'bob', vote: 'up' });
      await s.logUnanswered({ channel: 'wechat', userId: 'alice', question: '写诗', region: null });
      await s.setCheckState('wechat', 'alice', '{}');
      await s.saveReply({ channel: 'wechat', userId: 'alice', messageId: 'alice:1', text: '甲', ttlMs: 60_000 });
      await s.updateUser('wechat', 'bob', { region: '上海市' });
      const { rows } = await s.forgetUser('wechat', 'alice');
      expect(rows).toBe(6);
      expect(await s.getUser('wechat', 'alice')).toBeNull();
      expect(await s.getAnswer(id)).toBeNull();
      expect(await s.getReply('wechat', 'alice:1')).toBeNull();
      expect(await s.getUser('wechat', 'bob')).not.toBeNull();
      expect(await s.forgetUser('wechat', 'alice')).toEqual({ rows: 0 });
    });

    it('prune deletes what is older than the retention, keeps the rest', async () => {
      const old = await s.saveAnswer({ channel: 'web', userId: 'old', answer: answer('旧') });
      await s.addFeedback({ answerId: old, channel: 'web', userId: 'old', vote: 'up' });
      clock += 10 * 86_400_000;
      const recent = await s.saveAnswer({ channel: 'web', userId: 'new', answer: answer('新') });
      const removed = await s.prune(clock - 86_400_000);
      expect(removed).toBeGreaterThanOrEqual(2);
      expect(await s.getAnswer(old)).toBeNull();
      expect(await s.getAnswer(recent)).not.toBeNull();
    });
  });
}
