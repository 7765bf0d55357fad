import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { openChatStore, STORE_FILE } from '../src/chat/store.ts';

let root: string;
let env: Record<string, string>;

const run = (argv: string[], e: Record<string, string> = env) => runCli(argv, e);

const HOUR = 3600_000;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-unanswered-'));
  env = { LOG_LEVEL: 'silent', DATA_DIR: path.join(root, 'data') };
  const base = Date.now();
  let at = 0;
  const store = openChatStore(path.join(root, 'data', STORE_FILE), { now: () => base - at });
  const log = async (hoursAgo: number, channel: 'telegram' | 'web' | 'wechat', question: string, region: string | null = null) => {
    at = hoursAgo * HOUR;
    await store.logUnanswered({ channel, userId: 'u', question, region });
  };
  await log(30 * 24, 'telegram', '比特币现在多少钱？'); // a month ago: outside --since 7d
  await log(50, 'telegram', '上海居住证积分怎么办理？', '上海市');
  await log(3, 'web', '上海居住证积分 怎么办理?', '上海市');
  await log(2, 'wechat', '给我讲个笑话');
  await log(0.2, 'telegram', '给我讲个笑话！');
  await log(0.1, 'telegram', '公积金怎么提取？');
  await store.close();
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('policybot unanswered', () => {
  it('groups abstained questions by normalised text, newest group first, with counts and channels', async () => {
    const r = await run(['unanswered', '--since', '7d', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const groups = JSON.parse(r.stdout) as Array<{ question: string; count: number; channels: string[]; regions: string[]; lastAsked: string }>;
    expect(groups.map((g) => [g.question, g.count])).toEqual([
      ['公积金怎么提取？', 1],
      ['给我讲个笑话！', 2],
      ['上海居住证积分 怎么办理?', 2],
    ]);
    expect(groups[1]!.channels.sort()).toEqual(['telegram', 'wechat']);
    expect(groups[2]!.channels.sort()).toEqual(['telegram', 'web']);
    expect(groups[2]!.regions).toEqual(['上海市']);
    expect(Date.parse(groups[0]!.lastAsked)).toBeGreaterThan(Date.now() - HOUR);
  });

  it('--since accepts hours and minutes; without it everything is listed', async () => {
    const h = JSON.parse((await run(['unanswered', '--since', '24h', '--json'])).stdout) as unknown[];
    expect(h).toHaveLength(3);
    const m = JSON.parse((await run(['unanswered', '--since', '30m', '--json'])).stdout) as Array<{ question: string }>;
    expect(m.map((g) => g.question)).toEqual(['公积金怎么提取？', '给我讲个笑话！']);
    const all = JSON.parse((await run(['unanswered', '--json'])).stdout) as Array<{ question: string }>;
    expect(all.map((g) => g.question)).toContain('比特币现在多少钱？');
  });

  it('prints a readable list', async () => {
    const r = await run(['unanswered', '--since', '7d']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('未回答的问题：3 个（共 5 次）');
    expect(r.stdout).toMatch(/2 次 {2}给我讲个笑话！/);
    expect(r.stdout).toContain('渠道：');
    expect(r.stdout.indexOf('公积金怎么提取')).toBeLessThan(r.stdout.indexOf('给我讲个笑话'));
  });

  it('a bad --since is a usage error with a Chinese explanation', async () => {
    const r = await run(['unanswered', '--since', 'last week']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('7d、24h 或 30m');
  });

  it('with no state file it says so and creates nothing', async () => {
    const dataDir = path.join(root, 'empty');
    const r = await run(['unanswered'], { ...env, DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('没有未回答的问题');
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
