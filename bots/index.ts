import type { ChannelModule } from '../src/index.ts';
import { wechatChannel } from './wechat/index.ts';
import { wechatMpChannel } from './wechat-mp/index.ts';
import { telegramChannel } from './telegram/index.ts';

/** Every channel adapter the launcher knows. Adding a channel = one folder + one line here. */
export const CHANNELS: ChannelModule[] = [
  wechatChannel,
  wechatMpChannel,
  telegramChannel,
];
