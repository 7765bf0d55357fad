import type { ChannelModule } from '../../src/index.ts';

/**
 * WeChat Official Account (公众号) callback channel. It only adds two HTTP routes (GET for the
 * console's URL check, POST for messages); the web server mounts them on its port.
 */
const MODE_NAMES = { plain: '明文模式', compatible: '兼容模式', safe: '安全模式' } as const;

export const wechatMpChannel: ChannelModule = {
  name: '公众号',
  isConfigured: (config) => config.wechatMp.token !== null,
  howToEnable:
    '设置 WECHAT_MP_TOKEN（公众号后台的 Token），可选 WECHAT_MP_PATH（默认 /wechat-mp）和 PUBLIC_BASE_URL；安全模式或兼容模式再设 WECHAT_MP_ENCODING_AES_KEY、WECHAT_MP_APPID（和 WECHAT_MP_MODE）',
  async start(ctx) {
    // The XML handler is loaded only when the channel starts, so other commands stay fast.
    const { createMpRoutes } = await import('./handler.ts');
    const routes = createMpRoutes({ config: ctx.config, logger: ctx.logger, chat: ctx.chat });
    const url = `${ctx.config.publicBaseUrl}${ctx.config.wechatMp.path}`;
    // The platform calls the URL from the internet; a local address only works behind a tunnel.
    const local = /^https?:\/\/(localhost|127\.|0\.0\.0\.0|\[::1\])/i.test(ctx.config.publicBaseUrl);
    return {
      summary: `公众号：已启用（回调地址 ${url}，${MODE_NAMES[ctx.config.wechatMp.mode]}）${local ? '；PUBLIC_BASE_URL 是本机地址，公众号平台访问不到，请设为公网地址' : ''}`,
      routes: [...routes],
      // Let answers still being produced finish before the chat store closes.
      stop: () => routes.drain(),
    };
  },
};
