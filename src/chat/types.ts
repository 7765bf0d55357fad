import type { CheckCards } from '../eligibility/render.ts';
import type { Answer, Citation, Warning } from '../answer/contract.ts';

/**
 * The seam between the conversation core and the channel adapters. Adapters translate
 * a platform message into an `IncomingMessage`, call `ChatCore.handleMessage`, and render
 * the channel-neutral `ChatReply` (text, citations, warnings, buttons) in their own format.
 */
export type ChannelName = 'telegram' | 'wechat' | 'wechat-mp' | 'web' | 'cli';

export type MessageKind = 'text' | 'sticker' | 'image' | 'voice' | 'video' | 'file' | 'other';

export interface IncomingMessage {
  channel: ChannelName;
  /** Channel-scoped user id; state is keyed by `${channel}:${userId}`. */
  userId: string;
  chatId: string;
  /** The text; null or empty for non-text messages. */
  text: string | null;
  kind: MessageKind;
  isGroup: boolean;
  /** In a group: the bot was @-mentioned, replied to, or given a command. */
  mentioned: boolean;
  /** Platform message id when there is one (de-duplication, logs). */
  messageId?: string;
  /**
   * The client's network address when the channel knows it (the web). Limits count it too, so new
   * session ids do not buy new budgets; its own limit is wide enough for an office behind one NAT.
   */
  address?: string;
  /**
   * false: this reply must be quick (the 公众号's 5-second window), so it is extractive even with a
   * language model on; the model's answer is prepared meanwhile and given by `laterAnswer`.
   */
  model?: boolean;
  /** The language model's text as it streams (the web shows it until the verified answer arrives). */
  onToken?: (token: string) => void;
}

export type ReplyButton =
  | { kind: 'url'; label: string; url: string }
  /** `data` is opaque to adapters: pass it back with `ChatCore.handleCallback`. */
  | { kind: 'callback'; label: string; data: string };

export type ReplyKind = 'answer' | 'abstain' | 'command' | 'guard' | 'error';

export interface ChatReply {
  kind: ReplyKind;
  /** The body: for answers the composed text with [n] markers, without the source list. */
  text: string;
  /** The full answer when `kind` is answer or abstain. */
  answer: Answer | null;
  citations: Citation[];
  warnings: Warning[];
  /** Rows of buttons (sources as URL buttons, 👍/👎 as callbacks). */
  buttons: ReplyButton[][];
  /** Id of the stored answer, for feedback; null when the reply is not an answer. */
  answerId: string | null;
  /** Next questions the documents can answer about the same topic (「需要什么材料？」); sent as follow-ups. */
  suggestions?: string[];
  /** A language model's answer to this question is being prepared (`ChatCore.laterAnswer`). */
  later?: boolean;
  /** The /check results as data, for channels that draw cards (the web); `text` says the same. */
  cards?: CheckCards;
}

export type Vote = 'up' | 'down';

export interface ChatCore {
  /** Answers one message; null means "ignore it" (e.g. a group message not addressed to the bot). */
  handleMessage(msg: IncomingMessage): Promise<ChatReply | null>;
  /** A button press: `data` comes from a callback button of an earlier reply. */
  handleCallback(input: { channel: ChannelName; userId: string; chatId: string; data: string }): Promise<ChatReply>;
  /** Feedback on a stored answer (web 👍/👎, `/feedback`). */
  recordFeedback(input: { channel: ChannelName; userId: string; answerId: string; vote: Vote; comment?: string }): Promise<void>;
  /**
   * De-duplication for platforms that redeliver (webhook retries): records a platform message id and
   * resolves false when it was already seen (by any instance sharing the store). Ids are remembered for a day.
   */
  markProcessed(channel: ChannelName, messageId: string): Promise<boolean>;
  /**
   * The reply a channel sent for a platform message (`saveReply`), so a retry of that message that
   * reaches another instance (or this one after a restart) gets the same reply without asking again;
   * null when none is kept (not finished yet, or expired). `text` null: the message got no reply.
   */
  getReply?(channel: ChannelName, messageId: string): Promise<{ text: string | null } | null>;
  /** Keeps a channel's reply to a platform message for `ttlMs` (best-effort: never rejects). */
  saveReply?(input: { channel: ChannelName; userId: string; messageId: string; text: string | null; ttlMs: number }): Promise<void>;
  /**
   * The language model's answer to the user's last quick (extractive) reply, waiting up to `waitMs`
   * for it; 'pending' when it is not ready yet; null when there is none (no model, it failed, or it
   * kept the quick answer).
   */
  laterAnswer?(channel: ChannelName, userId: string, waitMs: number): Promise<ChatReply | 'pending' | null>;
  /** Whether answers are being stored (optional: a core without a store has nothing to report). */
  health?(): { problem: string | null; errors: number };
  close(): Promise<void>;
}
