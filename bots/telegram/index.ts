import type { UserFromGetMe } from 'telegraf/types';
import type { Config, ChannelContext, ChannelModule, RunningChannel } from '../../src/index.ts';
import { PolicybotError, errorMessage, scrubSecrets } from '../../src/index.ts';

/** Only the update types the bot handles are requested from Telegram. */
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * Telegram channel: long polling by default, a webhook (mounted on the web server) when
 * TELEGRAM_WEBHOOK_URL is set. See bots/telegram/README.md.
 */
export const telegramChannel: ChannelModule = {
  name: 'Telegram',
  isConfigured: (config: Config) => config.telegram.token !== null,
  // Long polling allows one consumer per bot; webhook updates can reach any server process.
  exclusive: (config: Config) => config.telegram.webhookUrl === null,
  howToEnable: '设置 TELEGRAM_BOT_TOKEN（从 @BotFather 获取）；用 Webhook 时再设置 TELEGRAM_WEBHOOK_URL 和 TELEGRAM_WEBHOOK_SECRET',
  async start(ctx: ChannelContext): Promise<RunningChannel> {
    const { config, logger, chat } = ctx;
    const { token, webhookUrl, webhookSecret, apiRoot } = config.telegram;
    if (!token) throw new PolicybotError('E_CONFIG', 'TELEGRAM_BOT_TOKEN is not set', { userMessage: '没有设置 TELEGRAM_BOT_TOKEN。' });
    let hookPath: string | null = null;
    if (webhookUrl) {
      if (!webhookSecret) {
        throw new PolicybotError('E_CONFIG', 'TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set', {
          userMessage: '使用 Webhook（TELEGRAM_WEBHOOK_URL）时必须同时设置 TELEGRAM_WEBHOOK_SECRET（字母、数字、_ 和 -），用来验证请求确实来自 Telegram。',
        });
      }
      hookPath = new URL(webhookUrl).pathname;
    }

    // Telegraf is loaded only when the channel starts, so other commands (ask, ingest, eval) stay fast.
    const { createBot } = await import('./bot.ts');
    const { webhookRoute } = await import('./webhook.ts');
    const bot = createBot({ token, apiRoot, chat, logger });
    let me: UserFromGetMe;
    try {
      me = await bot.telegram.getMe();
    } catch (err) {
      // Telegraf's network errors quote the request URL, which contains the token.
      throw new PolicybotError('E_CONFIG', `cannot reach the Telegram Bot API: ${scrubSecrets(errorMessage(err))}`, {
        userMessage: `连接 Telegram 失败，请检查 TELEGRAM_BOT_TOKEN 和网络（${scrubSecrets(errorMessage(err)).slice(0, 120)}）。`,
      });
    }
    bot.botInfo = me;

    if (webhookUrl && webhookSecret && hookPath) {
      const route = webhookRoute({ path: hookPath, secret: webhookSecret, bot, chat, logger });
      try {
        await bot.telegram.setWebhook(webhookUrl, { secret_token: webhookSecret, allowed_updates: [...ALLOWED_UPDATES] });
      } catch (err) {
        throw new PolicybotError('E_CONFIG', `setWebhook failed: ${scrubSecrets(errorMessage(err))}`, {
          userMessage: `设置 Telegram Webhook 失败，请检查 TELEGRAM_WEBHOOK_URL（必须是 Telegram 能访问的 https 地址）。`,
        });
      }
      logger.info({ username: me.username }, 'telegram webhook set');
      return {
        summary: `Telegram：已启用（Webhook，@${me.username}）`,
        routes: [route],
        async stop() {
          // The webhook stays registered: Telegram keeps updates until the next start.
          await route.drain();
        },
      };
    }

    // launch() only resolves when polling ends, so it runs in the background.
    const polling = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }).catch((err: unknown) => {
      logger.error({ err }, 'telegram polling stopped with an error');
    });
    logger.info({ username: me.username }, 'telegram long polling started');
    let stopped = false;
    return {
      summary: `Telegram：已启用（长轮询，@${me.username}）`,
      routes: [],
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          bot.stop('shutdown');
        } catch {
          // Polling had already ended (e.g. a 401): nothing to stop.
        }
        await polling;
      },
    };
  },
};

export default telegramChannel;
