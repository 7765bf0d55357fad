import { describe, expect, it } from 'vitest';
import { laterAnswers, type SharedTexts } from '../src/chat/later.ts';

/** One store for two processes (a Map stands for the chat store's reply table). */
function sharedStore(): SharedTexts & { rows: Map<string, string> } {
  const rows = new Map<string, string>();
  return {
    rows,
    get: async (k) => rows.get(k),
    set: async (k, t) => void rows.set(k, t),
  };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const now = () => Date.now();

describe('answers prepared for 「更多」 (a language model’s answer after the quick reply)', () => {
  it('in one process: pending while it is produced, then handed out once', async () => {
    const later = laterAnswers<string>({ now });
    const d = deferred<string | null>();
    later.prepare('wechat-mp:u1', () => d.promise);
    expect(await later.take('wechat-mp:u1', 20)).toBe('pending');
    d.resolve('通俗解答');
    expect(await later.take('wechat-mp:u1', 20)).toBe('通俗解答');
    expect(await later.take('wechat-mp:u1', 20)).toBeNull();
  });

  it('across processes on one store: 「更多」 on the other process gets it once it is ready, and only once', async () => {
    const store = sharedStore();
    const a = laterAnswers<string>({ now, shared: store });
    const b = laterAnswers<string>({ now, shared: store });
    const d = deferred<string | null>();
    a.prepare('wechat-mp:u2', () => d.promise);
    await a.settled();
    // B never saw the question: the store says an answer is coming.
    expect(await b.take('wechat-mp:u2', 50)).toBe('pending');
    d.resolve('A 进程整理的解答');
    await a.settled();
    expect(await b.take('wechat-mp:u2', 50)).toBe('A 进程整理的解答');
    // Taken: neither process hands it out again.
    expect(await a.take('wechat-mp:u2', 50)).toBeNull();
    expect(await b.take('wechat-mp:u2', 50)).toBeNull();
  });

  it('a newer question answered on the other process replaces the older answer this one still holds', async () => {
    const store = sharedStore();
    const a = laterAnswers<string>({ now, shared: store });
    const b = laterAnswers<string>({ now, shared: store });
    a.prepare('wechat-mp:u3', async () => '旧问题的解答');
    await a.settled();
    const d = deferred<string | null>();
    b.prepare('wechat-mp:u3', () => d.promise);
    await b.settled();
    // A still has the old one in memory: it must not give it for the newer question.
    expect(await a.take('wechat-mp:u3', 50)).toBe('pending');
    d.resolve('新问题的解答');
    await b.settled();
    expect(await a.take('wechat-mp:u3', 50)).toBe('新问题的解答');
  });

  it('waits across processes up to the time given, for an answer that arrives meanwhile', async () => {
    const store = sharedStore();
    const a = laterAnswers<string>({ now, shared: store });
    const b = laterAnswers<string>({ now, shared: store });
    const d = deferred<string | null>();
    a.prepare('wechat-mp:u4', () => d.promise);
    await a.settled();
    setTimeout(() => d.resolve('稍后到的解答'), 100);
    expect(await b.take('wechat-mp:u4', 1500)).toBe('稍后到的解答');
  });

  it('a model that fell back (no answer) leaves nothing to hand out on either process', async () => {
    const store = sharedStore();
    const a = laterAnswers<string>({ now, shared: store });
    const b = laterAnswers<string>({ now, shared: store });
    a.prepare('wechat-mp:u5', async () => null);
    await a.settled();
    await a.settled();
    expect(await b.take('wechat-mp:u5', 50)).toBeNull();
    expect(await a.take('wechat-mp:u5', 50)).toBeNull();
  });
});
