import fs from 'node:fs';
import { defineCommand } from 'citty';
import { storePath } from '../chat/store.ts';
import { openStore } from '../chat/store-open.ts';
import type { ChannelName } from '../chat/types.ts';
import type { CliContext } from './io.ts';
import { println } from './io.ts';

const CHANNELS: readonly ChannelName[] = ['telegram', 'wechat', 'wechat-mp', 'web', 'cli'];

/** `policybot forget --user <channel>:<id>`: deletes everything stored about one person (a request under 个人信息保护法). */
export const forgetCommand = (ctx: CliContext) =>
  defineCommand({
    meta: { name: 'forget', description: '删除一位用户在本服务保存的全部记录（地区、提问、回答、反馈、补贴核对）' },
    args: {
      user: { type: 'string', required: true, description: `渠道:用户 ID，例如 wechat-mp:oAbc123（渠道：${CHANNELS.join('、')}）` },
    },
    async run({ args }) {
      const m = /^([a-z-]+):(.+)$/.exec(String(args.user ?? ''));
      const channel = m?.[1] as ChannelName | undefined;
      if (!m || !channel || !CHANNELS.includes(channel)) {
        println(ctx.io.stderr, `policybot: --user 应为「渠道:用户 ID」，渠道是 ${CHANNELS.join('、')} 之一，例如 wechat-mp:oAbc123`);
        ctx.exitCode = 2;
        return;
      }
      // With DATABASE_URL the records are in PostgreSQL; else in the SQLite file, which is not created to delete nothing.
      if (!ctx.config.chat.databaseUrl && !fs.existsSync(storePath(ctx.config))) {
        println(ctx.io.stdout, '没有对话记录（DATA_DIR 中没有数据库），无需删除。');
        return;
      }
      const store = openStore(ctx.config, { logger: ctx.logger });
      try {
        await store.ready();
        const { rows } = await store.forgetUser(channel, m[2]!);
        println(ctx.io.stdout, rows ? `已删除 ${m[0]} 的 ${rows} 条记录。` : `没有 ${m[0]} 的记录。`);
      } finally {
        await store.close();
      }
    },
  });
