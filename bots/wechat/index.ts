import type { ChannelModule } from '../../src/index.ts';

/** WeChat (personal account) through Wechaty; see bots/wechat/README.md for the puppet choices. */
export const wechatChannel: ChannelModule = {
  name: '微信（Wechaty）',
  isConfigured: (config) => config.wechaty.puppet !== null,
  // One WeChat login: never in two processes.
  exclusive: () => true,
  howToEnable:
    '设置 WECHATY_PUPPET（如 wechaty-puppet-wechat4u，或 wechaty-puppet-service 加 WECHATY_PUPPET_SERVICE_TOKEN），启动后在终端扫码登录',
  // Wechaty takes seconds to import; load it only when the channel actually starts, so other
  // commands (ask, ingest, eval) stay fast.
  start: async (ctx) => (await import('./bot.ts')).startWechaty(ctx),
};
