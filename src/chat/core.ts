import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { charCount, MAX_QUESTION_CHARS, type Engine } from '../engine.ts';
import { EXTRACTIVE, HOTLINE, type Answer, type Citation } from '../answer/contract.ts';
import { PolicybotError, isPolicybotError } from '../errors.ts';
import { placesInQuestion, resolvePlace } from '../text/gazetteer.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import type { AnswerKind } from '../text/lexicon.ts';
import type { Understanding } from '../understand/message.ts';
import { renumber } from '../answer/parts.ts';
import type { ChannelName, ChatCore, ChatReply, IncomingMessage, ReplyButton, ReplyKind, Vote } from './types.ts';
import { suggestFollowUps } from './suggest.ts';
import type { ChatStore, FollowUpContext } from './store.ts';
import { guardStore, openGuardedStore } from './store-guard.ts';
import { parseRegion, resolveFollowUp, topicOf } from './followup.ts';
import { localLimiter, sharedLimiter } from './rate-limit.ts';
import * as T from './commands.ts';
import { createCheckDialogue, isCheckTrigger } from './eligibility.ts';
import { laterAnswers, type SharedTexts } from './later.ts';

/** Channels that show suggested next questions (as tappable chips). */
const SUGGESTING_CHANNELS: ReadonlySet<ChannelName> = new Set(['web']);

/** A bare answer to a /check question: option numbers, or 跳过 / 重新开始 / 退出. */
const DIALOGUE_ANSWER = /^(?:\d{1,2}(?:[\s,，、]+\d{1,2})*|跳过|重新开始|退出)$/u;

export interface ChatCoreOptions {
  config: Config;
  logger: Logger;
  engine: Engine;
  /** Defaults to PostgreSQL at config.chat.databaseUrl, else the SQLite file under config.chat.dataDir (closed with the core). */
  store?: ChatStore;
  /** Clock for the rate limiter and follow-up expiry (tests). */
  now?: () => number;
}

/** A follow-up only refers to the previous question if it comes within this time. */
const FOLLOW_UP_WINDOW_MS = 30 * 60_000;
const CLEAR_WORDS = new Set(['清除', '清空', '取消', '删除', 'clear', 'reset']);

/** 👍/👎 button data: `fb:up:<answerId>`; answer ids are 16 url-safe chars, so this stays far below 64 bytes. */
const CALLBACK_RE = /^fb:(up|dn):([A-Za-z0-9_-]{16})$/;

export function callbackData(vote: Vote, answerId: string): string {
  return `fb:${vote === 'up' ? 'up' : 'dn'}:${answerId}`;
}

/** The core as created here: with its store, and the kept-replies methods that are optional in ChatCore. */
export type StoredChatCore = ChatCore & Required<Pick<ChatCore, 'getReply' | 'saveReply'>> & { readonly store: ChatStore };

export function createChatCore(opts: ChatCoreOptions): StoredChatCore {
  const { config, logger, engine } = opts;
  const now = opts.now ?? Date.now;
  const ownsStore = !opts.store;
  // Storing never blocks an answer: failures are counted and reported as degraded health.
  const guarded = opts.store ? guardStore(opts.store, logger) : openGuardedStore(config, logger, { now });
  const store = guarded.store;
  // Limits per user and per client address: counted in the store when several processes share it
  // (PostgreSQL, or the SQLite file of `start --workers N`), so a user cannot multiply their budget
  // by the number of processes.
  const perAddress = config.chat.rateLimitPerAddress ?? config.chat.rateLimitPerMinute * 20;
  const sharedCounts = store.shared || config.worker !== null;
  const limiter = sharedCounts ? sharedLimiter(store, config.chat.rateLimitPerMinute, 60_000, now) : localLimiter(config.chat.rateLimitPerMinute, 60_000, now);
  const addressLimiter = sharedCounts ? sharedLimiter(store, perAddress, 60_000, now) : localLimiter(perAddress, 60_000, now);
  // Retention: what is older than RETENTION_DAYS is deleted at start and then daily.
  const retain = async () => {
    const removed = await store.prune(now() - config.chat.retentionDays * 86_400_000);
    if (removed) logger.info({ removed, days: config.chat.retentionDays }, 'chat store: old records deleted (retention)');
  };
  // The guarded store never rejects; the first prune also waits for a database's migrations.
  const started = retain();
  const retention = setInterval(() => void retain(), 86_400_000);
  retention.unref();
  const check = createCheckDialogue({ config, engine, store, now });
  // Several processes on one store (replicas, or the workers of `start --workers N`): the store says
  // which model answer is a user's newest, so 「更多」 on another process finds it.
  const later = laterAnswers<ChatReply>({
    now,
    onError: (err) => logger.warn({ err }, 'later model answer failed'),
    ...(sharedCounts ? { shared: laterTexts(store) } : {}),
  });

  const reply = (kind: ReplyKind, text: string): ChatReply => ({ kind, text, answer: null, citations: [], warnings: [], buttons: [], answerId: null });

  async function handleCommand(msg: IncomingMessage, cmd: T.ParsedCommand): Promise<ChatReply> {
    switch (cmd.name) {
      case 'start':
        return reply('command', T.START_TEXT);
      case 'help':
        return reply('command', T.HELP_TEXT);
      case 'sources':
        return reply('command', T.sourcesText(engine.documents));
      case 'region': {
        const user = await store.getUser(msg.channel, msg.userId);
        if (!cmd.arg) {
          return reply(
            'command',
            user?.region
              ? `您当前的地区：${user.region}。发送「/region 地区」可以更改，「/region 清除」可以清除。`
              : '还没有设置地区。发送「/region 地区」设置，例如：/region 青岛市城阳区',
          );
        }
        if (CLEAR_WORDS.has(cmd.arg.toLowerCase())) {
          await store.updateUser(msg.channel, msg.userId, { region: null });
          return reply('command', '已清除您的地区。');
        }
        const region = parseRegion(cmd.arg) ?? resolvePlace(cmd.arg);
        if (!region) {
          return reply('command', `没有找到「${cmd.arg.slice(0, 30)}」这个地区。请写成「青岛市城阳区」「广州市」「山东省」这样的名称。`);
        }
        await store.updateUser(msg.channel, msg.userId, { region });
        return reply('command', `好的，已把您的地区设为：${region}。问题里没有提到地区时，我会优先查找${region}的政策。`);
      }
      case 'feedback': {
        const user = await store.getUser(msg.channel, msg.userId);
        if (!user?.lastAnswerId) return reply('command', '还没有可以反馈的回答。先问一个问题吧！');
        if (!cmd.arg) return reply('command', '请在 /feedback 后面写上您的意见，例如：/feedback 引用的文件已经过期了');
        await store.addFeedback({ answerId: user.lastAnswerId, channel: msg.channel, userId: msg.userId, vote: null, comment: cmd.arg.slice(0, 2000) });
        return reply('command', '谢谢反馈！我们会认真查看。');
      }
      case 'check':
        return check.start(msg);
      case 'forget': {
        const { rows } = (await store.forgetUser(msg.channel, msg.userId)) ?? { rows: 0 };
        return reply('command', rows ? `已删除本服务保存的您的全部记录（${rows} 条：地区、提问、回答、反馈和补贴核对）。之后的提问会重新开始记录，可以随时再发送 /forget。` : '本服务没有保存您的记录。');
      }
      case 'unknown':
        return reply('command', T.unknownCommandText(cmd.raw.slice(0, 32)));
    }
  }

  async function handleQuestion(msg: IncomingMessage, text: string): Promise<ChatReply> {
    const user = await store.getUser(msg.channel, msg.userId);
    const fresh = user?.context && now() - user.updatedAt <= FOLLOW_UP_WINDOW_MS ? user.context : null;
    const resolved = resolveFollowUp(text, fresh);
    if (resolved.kind === 'region') {
      // Just a place and nothing to apply it to: remember it and ask what they want to know.
      await store.updateUser(msg.channel, msg.userId, { region: resolved.place });
      return reply('command', `好的，已记下您的地区：${resolved.place}。请问您想了解什么政策？例如「${T.EXAMPLES[0]}」`);
    }
    const question = resolved.question;
    if (charCount(question) > MAX_QUESTION_CHARS) return reply('guard', T.tooLongText(charCount(question), MAX_QUESTION_CHARS));

    const named = placesInQuestion(question);
    const region = named.length === 0 ? (user?.region ?? null) : null;
    // Read once: the follow-up's 「按…查找」, its kind and the topic kept for the next turn come from it.
    const read = engine.understand(question, region);
    const understood = resolved.kind === 'new' ? undefined : understoodFollowUp(engine, read, question, region);
    const askOpts = { region, ...(understood ? { understood } : {}) };
    // A channel with a tight reply window gets the extractive answer now, the model's answer later.
    const quick = msg.model === false && engine.answeredBy !== EXTRACTIVE;
    let answer = await withTimeout(engine.ask(question, { ...askOpts, ...(quick ? { model: false } : {}), ...(msg.onToken ? { onToken: msg.onToken } : {}) }), config.chat.timeoutMs);
    if (resolved.kind === 'topic' && fresh) answer = followUpAnswer(engine, read, answer, fresh, resolved.topic);
    // null when the store failed: the answer still goes out, without feedback buttons.
    const answerId = (await store.saveAnswer({ channel: msg.channel, userId: msg.userId, answer })) as string | null;
    if (answer.abstained) await store.logUnanswered({ channel: msg.channel, userId: msg.userId, question, region: named[0] ?? region });

    // A question that names exactly one place teaches us where the user is — unless they told us
    // with /region (asking about 广州 from 城阳区 does not move them).
    const learned = named.length === 1 && !user?.region ? named[0]! : undefined;
    const topic = resolved.kind === 'topic' ? resolved.topic : topicFor(read, question);
    await store.updateUser(msg.channel, msg.userId, {
      ...(learned ? { region: learned } : {}),
      lastQuestion: question,
      lastAnswerId: answerId,
      context: { question, topic, cited: answer.citations.map(citedKey) },
    });
    if (resolved.kind !== 'new') logger.debug({ channel: msg.channel, followUp: resolved.kind }, 'follow-up question rewritten');
    const out = answerReply(answer, answerId);
    if (quick && !answer.abstained) {
      later.prepare(`${msg.channel}:${msg.userId}`, async () => {
        const a = await withTimeout(engine.ask(question, askOpts), config.chat.timeoutMs);
        if (a.generatedBy === EXTRACTIVE) return null;
        return answerReply(a, (await store.saveAnswer({ channel: msg.channel, userId: msg.userId, answer: a })) as string | null);
      });
      out.later = true;
    }
    if (!answer.abstained && SUGGESTING_CHANNELS.has(msg.channel)) {
      const suggestions = await suggestFollowUps(engine, topic, read.asks[0]?.kind ?? null, named[0] ?? region).catch(() => []);
      if (suggestions.length) out.suggestions = suggestions;
    }
    return out;
  }

  async function handle(msg: IncomingMessage): Promise<ChatReply | null> {
    // In a group only messages addressed to the bot count, except the answer of someone in the middle of a /check.
    if (msg.isGroup && !msg.mentioned && !(msg.kind === 'text' && DIALOGUE_ANSWER.test((msg.text ?? '').trim()) && (await check.awaitsAnswer(msg)))) return null;
    // A sticker or a photo gets a short note and costs nothing: the limit counts questions.
    if (msg.kind !== 'text') return reply('guard', T.NON_TEXT_TEXT);
    if (!(await limiter.take(`${msg.channel}:${msg.userId}`))) return reply('guard', T.RATE_LIMIT_TEXT);
    if (msg.address && !(await addressLimiter.take(`${msg.channel}@${msg.address}`))) return reply('guard', T.RATE_LIMIT_TEXT);
    const text = msg.isGroup ? stripMentions(msg.text ?? '') : (msg.text ?? '').trim();
    if (!text) return reply('guard', T.EMPTY_TEXT);
    if (charCount(text) > MAX_QUESTION_CHARS) return reply('guard', T.tooLongText(charCount(text), MAX_QUESTION_CHARS));
    const cmd = T.parseCommand(text);
    if (cmd) return handleCommand(msg, cmd);
    // The subsidy check: an answer to its pending question, or 「我能领什么补贴」 starting it.
    const step = await check.handleText(msg, text);
    if (step) return step;
    await check.learn(msg, text);
    if (isCheckTrigger(text)) return check.start(msg);
    return handleQuestion(msg, text);
  }

  return {
    store,
    async handleMessage(msg) {
      try {
        return await handle(msg);
      } catch (err) {
        return failure(err, { channel: msg.channel, kind: msg.kind, chars: msg.text?.length ?? 0 });
      }
    },
    async handleCallback(input) {
      try {
        if (check.isCallback(input.data)) return await check.handleCallback(input);
        const m = CALLBACK_RE.exec(input.data);
        if (!m || !(await store.getAnswer(m[2]!))) return reply('guard', T.STALE_BUTTON_TEXT);
        await store.addFeedback({ answerId: m[2]!, channel: input.channel, userId: input.userId, vote: m[1] === 'up' ? 'up' : 'down' });
        return reply('command', T.FEEDBACK_THANKS);
      } catch (err) {
        return failure(err, { channel: input.channel, callback: true });
      }
    },
    async recordFeedback(input) {
      const answer = await store.getAnswer(input.answerId);
      if (!answer) {
        throw new PolicybotError('E_BAD_INPUT', `unknown answer id ${input.answerId.slice(0, 40)}`, { userMessage: '找不到这条回答，可能已经过期。' });
      }
      // Session ids are chosen by the client, so a vote counts only from the conversation the
      // answer was given in; otherwise one answer could collect a vote per invented session.
      if (answer.channel !== input.channel || answer.userId !== input.userId) {
        throw new PolicybotError('E_FORBIDDEN', 'feedback from another conversation', { userMessage: '只能评价自己收到的回答。' });
      }
      await store.addFeedback({ answerId: input.answerId, channel: input.channel, userId: input.userId, vote: input.vote, comment: input.comment?.slice(0, 2000) ?? null });
    },
    markProcessed: (channel, messageId) => store.markProcessed(channel, messageId),
    async getReply(channel, messageId) {
      return (await store.getReply(channel, messageId)) ?? null;
    },
    async saveReply(input) {
      await store.saveReply(input);
    },
    laterAnswer: (channel, userId, waitMs) => later.take(`${channel}:${userId}`, waitMs),
    health: () => guarded.health(),
    async close() {
      clearInterval(retention);
      await started;
      if (ownsStore) await store.close();
    },
  };

  function failure(err: unknown, fields: Record<string, unknown>): ChatReply {
    if (isPolicybotError(err)) {
      logger.warn({ ...fields, code: err.code, err }, 'chat message failed');
      return reply('error', err.userMessage);
    }
    if (err instanceof TimeoutError) {
      logger.warn({ ...fields, timeoutMs: config.chat.timeoutMs }, 'chat message timed out');
      return reply('error', T.TIMEOUT_TEXT);
    }
    // The message text is deliberately not logged: it may contain personal details.
    logger.error({ ...fields, err }, 'chat message failed');
    return reply('error', T.ERROR_TEXT);
  }
}

/**
 * What a question is about, for the next follow-up: its place as typed and the lexicon concepts
 * of its asks (「广州 失业保险金」), or — when it names none — the question without its asking tail.
 */
function topicFor(u: Understanding, question: string): string {
  const names = [...new Set(u.asks.flatMap((a) => [...a.concepts, ...a.inherited]).filter((h) => h.concept.topic).map((h) => h.concept.name))];
  if (!names.length) return topicOf(question);
  return [u.placeWords[0], ...names.slice(0, 2)].filter(Boolean).join(' ');
}

const citedKey = (c: Pick<Citation, 'docId' | 'paragraphId'>) => `${c.docId}#${c.paragraphId}`;

/** 「按“广州 失业保险金 申请材料”查找」 for a rewritten follow-up: place, topic and the kind of answer asked. */
function understoodFollowUp(engine: Engine, u: Understanding, question: string, region: string | null): string {
  const ask = u.asks[0];
  const kind = ask?.kind && ask.kind !== 'what' && ask.kind !== 'yesno' ? engine.lexicon.kind(ask.kind).label : '';
  const topic = (ask?.concepts.filter((h) => h.concept.topic).map((h) => h.concept.name) ?? []).slice(0, 2);
  const place = u.placeWords[0] ?? (region && !u.places.length ? region : '');
  const words = [place, ...(topic.length ? topic : [question.replace(/[？?。！!]+$/u, '')]), kind].filter(Boolean);
  return `“${[...new Set(words)].join(' ')}”`;
}

/** Follow-up kinds whose answer is a concrete fact a document either states or not. */
const STATED_KINDS: ReadonlySet<AnswerKind> = new Set(['materials', 'where', 'amount', 'duration', 'number']);

/**
 * A follow-up (「那需要什么材料？」) is not answered by repeating the last answer: when most of its
 * sources were cited last time, or when the kind asked for (materials, a place, a sum, a period)
 * is in none of them, the reply says the documents do not state it and shows those paragraphs as
 * related provisions.
 */
function followUpAnswer(engine: Engine, u: Understanding, answer: Answer, previous: FollowUpContext, topic: string): Answer {
  if (answer.abstained || !answer.citations.length) return answer;
  const before = new Set(previous.cited ?? []);
  const repeated = answer.citations.filter((c) => before.has(citedKey(c))).length * 2 >= answer.citations.length;
  const kind = u.asks[0]?.kind ?? null;
  const stated = !kind || !STATED_KINDS.has(kind) || answer.citations.some((c) => engine.retriever.offersKind(normalizeForMatch(c.text), kind));
  if (!repeated && stated) return answer;
  const what = kind && STATED_KINDS.has(kind) ? engine.lexicon.kind(kind).label : '这一点';
  return {
    ...answer,
    abstained: true,
    answer: `现有文件里没有写明「${topic}」的${what}${repeated ? '，刚才引用的条文也没有说到' : ''}。建议拨打人社服务热线 ${HOTLINE}，或咨询当地人力资源和社会保障部门。`,
    citations: [],
    warnings: [],
    related: renumber(answer.citations),
  };
}

/** The reply for an engine answer: body, citations, warnings and the source/feedback buttons. */
function answerReply(answer: Answer, answerId: string | null): ChatReply {
  const buttons: ReplyButton[][] = [];
  if (!answer.abstained) {
    for (const c of answer.citations) buttons.push([{ kind: 'url', label: sourceButtonLabel(c), url: c.url }]);
    if (answerId) buttons.push([
      { kind: 'callback', label: '👍 有帮助', data: callbackData('up', answerId) },
      { kind: 'callback', label: '👎 没帮助', data: callbackData('down', answerId) },
    ]);
  }
  return {
    kind: answer.abstained ? 'abstain' : 'answer',
    text: answer.answer,
    answer,
    citations: answer.citations,
    warnings: answer.warnings,
    buttons,
    answerId,
  };
}

/** 「[1] 广州市失业保险常见… · 第十七条」: sources of one document differ by their paragraph. */
export function sourceButtonLabel(c: Pick<Citation, 'n' | 'title' | 'label'>): string {
  return `[${c.n}] ${shortTitle(c, c.label ? 12 : 16)}${c.label ? ` · ${c.label}` : ''}`;
}

/** Button labels must stay short: the first 16 characters of the title. */
export function shortTitle(c: Pick<Citation, 'title'>, max = 16): string {
  const t = c.title.replace(/\s+/gu, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Removes the @mention of the bot at the start or end of a group message. */
export function stripMentions(text: string): string {
  return text
    .replace(/^(?:\s*@[^\s@]+)+\s*/u, '')
    .replace(/(?:\s+@[^\s@]+)+\s*$/u, '')
    .trim();
}

class TimeoutError extends Error {}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Later answers kept in the chat store's reply table, keyed 「later:<userId>」 per channel. */
function laterTexts(store: ChatStore): SharedTexts {
  const split = (key: string) => {
    const at = key.indexOf(':');
    return { channel: key.slice(0, at) as ChannelName, userId: key.slice(at + 1) };
  };
  return {
    async get(key) {
      const { channel, userId } = split(key);
      return (await store.getReply(channel, `later:${userId}`))?.text;
    },
    async set(key, text, ttlMs) {
      const { channel, userId } = split(key);
      await store.saveReply({ channel, userId, messageId: `later:${userId}`, text, ttlMs });
    },
  };
}
