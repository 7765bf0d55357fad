import fs from 'node:fs';
import { defineCommand } from 'citty';
import { PolicybotError } from '../errors.ts';
import { storePath, type UnansweredRow } from '../chat/store.ts';
import { openStore } from '../chat/store-open.ts';
import type { CliContext } from './io.ts';
import { println } from './io.ts';

/**
 * `policybot unanswered`: the questions the bot abstained on, grouped so that the same question
 * asked many times shows once with a count — the to-do list for whoever maintains the corpus.
 */
export interface UnansweredGroup {
  /** The normalised text the group is keyed by. */
  key: string;
  /** The most recent wording. */
  question: string;
  count: number;
  lastAsked: string;
  channels: string[];
  regions: string[];
}

const UNITS: Record<string, number> = { m: 60_000, h: 3600_000, d: 86_400_000 };

/** `7d`, `24h`, `30m` → milliseconds. */
export function parseSince(text: string): number {
  const m = /^\s*(\d+)\s*([dhm])\s*$/i.exec(text);
  if (!m || Number(m[1]) <= 0) {
    throw new PolicybotError('E_BAD_INPUT', `bad --since "${text}"`, { userMessage: `--since 的格式应为 7d、24h 或 30m（天、小时、分钟），收到「${text}」。` });
  }
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}

/** Full-width to half-width, lower case, no spaces or punctuation: 「失业金怎么领？」 = 「失业金 怎么领?」. */
export function normaliseQuestion(q: string): string {
  return q.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

export function groupUnanswered(rows: UnansweredRow[]): UnansweredGroup[] {
  const groups = new Map<string, UnansweredGroup & { last: number }>();
  for (const r of rows) {
    const key = normaliseQuestion(r.question) || r.question;
    let g = groups.get(key);
    if (!g) {
      g = { key, question: r.question, count: 0, lastAsked: '', last: -Infinity, channels: [], regions: [] };
      groups.set(key, g);
    }
    g.count++;
    if (r.createdAt >= g.last) {
      g.last = r.createdAt;
      g.question = r.question;
    }
    if (!g.channels.includes(r.channel)) g.channels.push(r.channel);
    if (r.region && !g.regions.includes(r.region)) g.regions.push(r.region);
  }
  return [...groups.values()]
    .sort((a, b) => b.last - a.last)
    .map(({ last, ...g }) => ({ ...g, lastAsked: new Date(last).toISOString() }));
}

export const unansweredCommand = (ctx: CliContext) =>
  defineCommand({
    meta: { name: 'unanswered', description: '列出机器人没能回答的问题（按问题归并，最近的在前）' },
    args: {
      since: { type: 'string', description: '只看最近一段时间，例如 7d、24h、30m（默认全部）' },
      json: { type: 'boolean', description: '输出 JSON' },
    },
    async run({ args }) {
      const sinceMs = typeof args.since === 'string' ? Date.now() - parseSince(args.since) : 0;
      // Reading must not create an empty SQLite file where there was none (e.g. a typo in DATA_DIR).
      let rows: UnansweredRow[] = [];
      if (ctx.config.chat.databaseUrl || fs.existsSync(storePath(ctx.config))) {
        const store = openStore(ctx.config, { logger: ctx.logger });
        try {
          await store.ready();
          rows = await store.listUnanswered(sinceMs);
        } finally {
          await store.close();
        }
      }
      const groups = groupUnanswered(rows);
      if (args.json) {
        println(ctx.io.stdout, JSON.stringify(groups, null, 2));
        return;
      }
      if (groups.length === 0) {
        println(ctx.io.stdout, `没有未回答的问题${args.since ? `（最近 ${args.since}）` : ''}。`);
        return;
      }
      println(ctx.io.stdout, `未回答的问题：${groups.length} 个（共 ${rows.length} 次）${args.since ? `，最近 ${args.since}` : ''}`);
      println(ctx.io.stdout);
      for (const g of groups) {
        const when = g.lastAsked.slice(0, 16).replace('T', ' ');
        const where = g.regions.length ? `；地区：${g.regions.join('、')}` : '';
        println(ctx.io.stdout, `${String(g.count).padStart(4)} 次  ${g.question}`);
        println(ctx.io.stdout, `        最近 ${when} UTC；渠道：${g.channels.join('、')}${where}`);
      }
    },
  });
