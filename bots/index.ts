import type { ChannelModule } from '../src/chat/channel.ts';

/** Every channel adapter the launcher knows. Adding a channel = one folder + one line here. */
export const CHANNELS: ChannelModule[] = [];
