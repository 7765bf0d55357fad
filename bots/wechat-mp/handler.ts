import type { Config, Logger, HttpRequest, HttpResponse, HttpRoute, ChatCore, ChatReply, IncomingMessage, MessageKind } from '../../src/index.ts';
import { renderPlain, isPolicybotError } from '../../src/index.ts';
import { checkSignature } from './signature.ts';
import { parseMpXml, textReplyXml, type MpMessage } from './xml.ts';
import { TtlCache } from './ttl-cache.ts';
import { createHash } from 'node:crypto';
import { fitParts, utf8Bytes } from './bytes.ts';
import { checkMsgSignature, MpCrypto, MpCryptoError, msgSignature } from './crypto.ts';

/**
 * The Official Account (公众号) callback in plaintext mode (明文模式).
 *
 * The platform gives a passive reply 5 seconds; without one it retries the same MsgId up to
 * 3 times and then shows the user 「该公众号暂时无法提供服务」. So every message is answered
 * within `replyWithinMs` (4.5 s): the core's answer when it is ready, otherwise a short
 * 「正在查询」 text — the finished answer is kept, and a retry of the same MsgId or the user
 * resending the same question gets it without asking the core again.
 *
 * Behind a load balancer a retry may reach another instance. The chat store (shared when
 * DATABASE_URL is set) records which instance took a MsgId (`markProcessed`) and keeps the
 * finished reply per MsgId (`saveReply`, for `REPLY_TTL_MS`): the other instance answers a retry
 * with that reply, waiting for it within the 5-second window, and with 「正在查询」 while it is
 * still being produced — never by asking the core a second time.
 */
export const MORE_HINT = '\n\n回复“更多”查看余下内容';
export const PENDING_TEXT = '正在查询，请稍后再发一次同样的问题。';
export const NO_MORE_TEXT = '没有更多内容了，请直接提问。';
/** With a language model on: the quick reply is the documents' own sentences; 「更多」 gives the model's plainer answer. */
export const LATER_HINT = '\n\n回复“更多”查看大模型整理的通俗解答';
export const LATER_PENDING_TEXT = '通俗解答还在整理中，请过几秒再回复“更多”。';
export const ERROR_TEXT = '抱歉，服务暂时出错，请稍后再试。';
const MORE_WORDS = new Set(['更多', '更多内容', '查看更多', 'more', '继续']);
/** How long a finished reply is kept for retries of its MsgId (the platform retries within ~15 s). */
export const REPLY_TTL_MS = 5 * 60_000;
/** How often a retry of a MsgId another instance is answering looks for its reply. */
const KEPT_POLL_MS = 100;

/** The platform's "no reply" convention: a plain `success` (an empty body also works). */
const NO_REPLY: HttpResponse = { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'success' };

export interface MpHandlerOptions {
  config: Config;
  logger: Logger;
  chat: ChatCore;
  /** Answer deadline; the platform gives up after 5 s. */
  replyWithinMs?: number;
  /** Content byte budget for one passive reply (the platform's practical limit is ~2048). */
  maxContentBytes?: number;
  /** How long 「更多」 remainders and late answers are kept. */
  keepMs?: number;
  /** Allowed clock skew for a POST's timestamp, in seconds. */
  maxAgeSec?: number;
  now?: () => number;
}

type Outcome = { content: string } | null;

interface Pending {
  promise: Promise<Outcome>;
  /** Set once the promise settles, so a retry can answer without waiting. */
  done?: Outcome;
}

export function createMpRoutes(opts: MpHandlerOptions): HttpRoute[] & { drain(): Promise<void> } {
  const { config, logger, chat } = opts;
  // Answers still being produced (after their 4.5 s reply went out), and replies being kept in the
  // store; stop waits for them.
  const inFlight = new Set<Promise<unknown>>();
  const token = config.wechatMp.token;
  if (!token) throw new Error('WECHAT_MP_TOKEN is not set');
  const path = config.wechatMp.path;
  const now = opts.now ?? Date.now;
  const replyWithinMs = opts.replyWithinMs ?? 4500;
  const maxContentBytes = opts.maxContentBytes ?? 2000;
  const keepMs = opts.keepMs ?? 10 * 60_000;
  const maxAgeSec = opts.maxAgeSec ?? 300;
  const log = logger.child({ channel: 'wechat-mp' });
  const mode = config.wechatMp.mode;
  const crypto = mode !== 'plain' && config.wechatMp.encodingAesKey && config.wechatMp.appId ? new MpCrypto(config.wechatMp.encodingAesKey, config.wechatMp.appId) : null;
  const forbidden: HttpResponse = { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'forbidden' };

  // Per MsgId (or user+CreateTime for events): the reply being produced or produced. Retries
  // come within ~15 s; a few minutes covers slow answers too.
  const byMessage = new TtlCache<Pending>({ ttlMs: REPLY_TTL_MS, maxEntries: 5000, now });
  // Per user + question: an answer that missed the 5-second window, for when the user resends it.
  const late = new TtlCache<Pending>({ ttlMs: keepMs, maxEntries: 2000, now });
  // Signed URLs seen within the signature window: timestamp+nonce → hash of the body they came with.
  const nonces = new TtlCache<string>({ ttlMs: (opts.maxAgeSec ?? 300) * 2000, maxEntries: 20000, now });
  // Per user: the parts of the last long answer not yet shown (「更多」).
  const more = new TtlCache<string[]>({ ttlMs: keepMs, maxEntries: 5000, now });
  // Per user: a language model's answer to their last question is coming (「更多」 after the last page).
  const laterFor = new TtlCache<boolean>({ ttlMs: keepMs, maxEntries: 5000, now });

  // Leave room for the hint; a CJK character is 3 bytes.
  const partBytes = maxContentBytes - utf8Bytes(MORE_HINT);
  const maxChars = Math.max(100, Math.floor(partBytes / 3));

  /**
   * With a chat store, the pages still to show (and whether a model's answer follows them) are kept
   * there too, so 「更多」 that reaches another instance continues the same answer; the store is the
   * source of truth, this process's memory the fallback when it fails.
   */
  function share(userId: string, name: 'more' | 'laterfor', value: unknown): void {
    const save = chat.saveReply?.bind(chat);
    if (!save) return;
    const saving = save({ channel: 'wechat-mp', userId, messageId: `${name}:${userId}`, text: JSON.stringify(value), ttlMs: keepMs })
      .catch((err: unknown) => log.warn({ err }, 'wechat-mp: could not keep the 「更多」 pages'))
      .finally(() => inFlight.delete(saving));
    inFlight.add(saving);
  }

  async function shared<T>(userId: string, name: 'more' | 'laterfor', local: T | undefined): Promise<T | undefined> {
    if (!chat.getReply) return local;
    const found = await chat.getReply('wechat-mp', `${name}:${userId}`).catch(() => null);
    // Nothing kept (yet, or the store failed): what this process has.
    if (!found?.text) return local;
    try {
      return JSON.parse(found.text) as T;
    } catch {
      return local;
    }
  }

  function firstPart(userId: string, parts: string[], later = false): string {
    const [head, ...rest] = parts;
    if (rest.length > 0) more.set(userId, rest);
    else more.delete(userId);
    share(userId, 'more', rest);
    if (rest.length > 0) return `${head ?? ''}${MORE_HINT}`;
    return later ? `${head ?? ''}${LATER_HINT}` : (head ?? '');
  }

  function render(userId: string, reply: ChatReply): string {
    if (reply.later) laterFor.set(userId, true);
    else laterFor.delete(userId);
    share(userId, 'laterfor', reply.later === true);
    const parts = fitParts(renderPlain(reply, { maxChars }), partBytes).filter((p) => p.trim());
    return firstPart(userId, parts.length > 0 ? parts : [''], reply.later === true);
  }

  /** 「更多」 after the last page: the language model's answer to the last question, if one is coming. */
  async function laterReply(userId: string): Promise<Outcome> {
    const later = await chat.laterAnswer?.('wechat-mp', userId, Math.max(500, replyWithinMs - 500));
    if (later === 'pending') return { content: LATER_PENDING_TEXT };
    if (!later) return { content: NO_MORE_TEXT };
    return { content: render(userId, later) };
  }

  async function ask(msg: MpMessage, text: string | null, kind: MessageKind): Promise<Outcome> {
    const incoming: IncomingMessage = {
      channel: 'wechat-mp',
      userId: msg.FromUserName,
      chatId: msg.FromUserName,
      text,
      kind,
      isGroup: false,
      mentioned: true,
      // The passive reply has 5 seconds: extractive now; a language model's answer on 「更多」.
      model: false,
    };
    if (msg.fields['MsgId']) incoming.messageId = msg.fields['MsgId'];
    const reply = await chat.handleMessage(incoming);
    if (!reply) return null;
    return { content: render(msg.FromUserName, reply) };
  }

  /** What the message asks for; never throws (errors become a short apology). */
  async function produce(msg: MpMessage): Promise<Outcome> {
    try {
      const user = msg.FromUserName;
      switch (msg.MsgType) {
        case 'text': {
          const text = msg.fields['Content'] ?? '';
          if (MORE_WORDS.has(text.trim().toLowerCase())) {
            const rest = await shared<string[]>(user, 'more', more.get(user));
            if (!rest || rest.length === 0) return await laterReply(user);
            const laterComing = (await shared<boolean>(user, 'laterfor', laterFor.get(user))) === true;
            return { content: firstPart(user, rest, rest.length === 1 && laterComing) };
          }
          return await ask(msg, text, 'text');
        }
        case 'voice': {
          // With 语音识别 switched on in the console, the platform sends the transcript.
          const recognized = msg.fields['Recognition']?.trim();
          return recognized ? await ask(msg, recognized, 'text') : await ask(msg, null, 'voice');
        }
        case 'image':
          return await ask(msg, null, 'image');
        case 'video':
        case 'shortvideo':
          return await ask(msg, null, 'video');
        case 'file':
          return await ask(msg, null, 'file');
        case 'location':
        case 'link':
          return await ask(msg, null, 'other');
        case 'event': {
          const event = (msg.fields['Event'] ?? '').toLowerCase();
          // A new follower gets the welcome (the core's /start text); everything else needs no reply.
          if (event === 'subscribe') return await ask(msg, '/start', 'text');
          return null;
        }
        default:
          return null;
      }
    } catch (err) {
      log.error({ err, msgType: msg.MsgType }, 'wechat-mp: answering failed');
      return { content: isPolicybotError(err) ? err.userMessage : ERROR_TEXT };
    }
  }

  function track(promise: Promise<Outcome>): Pending {
    const pending: Pending = { promise };
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    promise.then(
      (outcome) => {
        pending.done = outcome;
      },
      () => {
        pending.done = { content: ERROR_TEXT };
      },
    );
    return pending;
  }

  /** Keeps the finished reply in the chat store, for a retry of this MsgId that reaches another instance. */
  function keep(key: string, userId: string, pending: Pending): void {
    const save = chat.saveReply?.bind(chat);
    if (!save) return;
    const saving = pending.promise
      .then(
        (outcome) => outcome,
        (): Outcome => ({ content: ERROR_TEXT }),
      )
      .then((outcome) => save({ channel: 'wechat-mp', userId, messageId: key, text: outcome ? outcome.content : null, ttlMs: REPLY_TTL_MS }))
      .catch((err: unknown) => log.warn({ err }, 'wechat-mp: could not keep the reply for retries'))
      .finally(() => inFlight.delete(saving));
    inFlight.add(saving);
  }

  /** The reply kept for a MsgId, looking again until `ms` have passed; null when none came. */
  async function kept(key: string, ms: number): Promise<{ text: string | null } | null> {
    const until = Date.now() + ms;
    for (;;) {
      const found = await chat.getReply!('wechat-mp', key);
      if (found) return found;
      if (Date.now() + KEPT_POLL_MS > until) return null;
      await new Promise((resolve) => setTimeout(resolve, KEPT_POLL_MS));
    }
  }

  /** The outcome if it arrives within the deadline, else undefined. */
  async function within(pending: Pending, ms: number): Promise<Outcome | undefined> {
    if (pending.done !== undefined) return pending.done;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([pending.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  function xmlResponse(msg: MpMessage, outcome: Outcome, encrypted: boolean): HttpResponse {
    if (!outcome) return NO_REPLY;
    const xml = textReplyXml(msg, outcome.content, now());
    return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: encrypted && crypto ? encryptedReply(xml) : xml };
  }

  /** A reply in 安全模式: the reply XML encrypted, signed with a fresh timestamp and nonce. */
  function encryptedReply(xml: string): string {
    const encrypt = crypto!.encrypt(xml);
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const signature = msgSignature(token!, timestamp, nonce, encrypt);
    return `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`;
  }

  /**
   * The message XML of a POST: as sent in 明文模式; decrypted from its Encrypt field in 安全模式 and
   * 兼容模式 after its msg_signature is checked. Null (with the reason logged) when it must be refused.
   */
  function messageXml(req: HttpRequest): { xml: string; encrypted: boolean } | { refuse: HttpResponse } {
    const encryptedField = /<Encrypt>\s*(?:<!\[CDATA\[)?([A-Za-z0-9+/=\s]+?)(?:\]\]>)?\s*<\/Encrypt>/.exec(req.body)?.[1]?.replace(/\s+/g, '');
    const asksAes = req.query['encrypt_type'] === 'aes';
    if (!encryptedField && !asksAes) {
      // A plaintext message in 安全模式 would be a downgrade: the platform only sends encrypted ones there.
      if (mode === 'safe') {
        log.warn({ ip: req.ip }, 'wechat-mp: refused a plaintext message in 安全模式');
        return { refuse: forbidden };
      }
      return { xml: req.body, encrypted: false };
    }
    if (!crypto || !encryptedField) {
      // An encrypted message without a key (明文模式 configured): say so to the operator.
      log.warn('wechat-mp: received an encrypted (安全模式) message; set WECHAT_MP_ENCODING_AES_KEY and WECHAT_MP_APPID, or 明文模式 in the console');
      return { refuse: NO_REPLY };
    }
    if (!checkMsgSignature(token!, { msg_signature: req.query['msg_signature'], timestamp: req.query['timestamp'], nonce: req.query['nonce'] }, encryptedField)) {
      log.warn({ ip: req.ip }, 'wechat-mp: rejected an encrypted message with a bad msg_signature');
      return { refuse: forbidden };
    }
    try {
      return { xml: crypto.decrypt(encryptedField), encrypted: true };
    } catch (err) {
      const reason = err instanceof MpCryptoError ? err.reason : 'decrypt failed';
      log.warn({ reason, ip: req.ip }, 'wechat-mp: could not decrypt a message');
      return { refuse: forbidden };
    }
  }

  function questionKey(msg: MpMessage): string | null {
    if (msg.MsgType !== 'text') return null;
    const text = (msg.fields['Content'] ?? '').trim().replace(/\s+/g, ' ');
    return text ? `${msg.FromUserName}\n${text}` : null;
  }

  async function handlePost(req: HttpRequest): Promise<HttpResponse> {
    const sig = checkSignature(token!, req.query, { nowMs: now(), maxAgeSec });
    if (!sig.ok) {
      log.warn({ reason: sig.reason, ip: req.ip }, 'wechat-mp: rejected a POST with a bad signature');
      return { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'forbidden' };
    }
    // A signed URL is good for the whole window: its nonce is remembered with the body it came with, so
    // the platform's retry (same nonce, same body) passes and a replay with another body does not.
    const nonceKey = `${req.query['timestamp']}:${req.query['nonce']}`;
    const bodyHash = createHash('sha256').update(req.body).digest('hex');
    const seenBody = nonces.get(nonceKey);
    if (seenBody !== undefined && seenBody !== bodyHash) {
      log.warn({ ip: req.ip }, 'wechat-mp: refused a signed URL replayed with another body');
      return forbidden;
    }
    nonces.set(nonceKey, bodyHash);
    const body = messageXml(req);
    if ('refuse' in body) return body.refuse;
    const encrypted = body.encrypted;
    const parsed = parseMpXml(body.xml);
    if (!parsed.ok) {
      log.warn({ reason: parsed.reason, ip: req.ip }, 'wechat-mp: malformed message body');
      return { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'bad request' };
    }
    const msg = parsed.message;
    // Per sender: another user sending someone's MsgId gets nothing of theirs.
    const key = `${msg.FromUserName}:${msg.fields['MsgId'] ?? `${msg.CreateTime}:${msg.fields['Event'] ?? msg.MsgType}`}`;

    let pending = byMessage.get(key);
    if (pending) {
      log.info({ msgType: msg.MsgType }, 'wechat-mp: retry of a message already being answered');
    } else {
      // The chat store's processed-id table is the durable record, shared by the instances on one
      // database; it matters when this process's memory has no entry: a retry that reached another
      // instance than the first delivery, or arrives after a restart.
      if (!(await chat.markProcessed('wechat-mp', key))) {
        if (!chat.getReply) {
          log.info('wechat-mp: duplicate message id, not answered again');
          return NO_REPLY;
        }
        // Taken elsewhere: its reply once it is kept, else 「正在查询」 (the next retry may find it).
        const found = await kept(key, replyWithinMs);
        if (found) {
          log.info({ msgType: msg.MsgType }, 'wechat-mp: retry answered with the reply kept for its MsgId');
          return xmlResponse(msg, found.text === null ? null : { content: found.text }, encrypted);
        }
        log.info({ msgType: msg.MsgType }, 'wechat-mp: retry of a message still being answered (elsewhere), sent the 正在查询 notice');
        return xmlResponse(msg, { content: PENDING_TEXT }, encrypted);
      }
      const qKey = questionKey(msg);
      const earlier = qKey ? late.get(qKey) : undefined;
      if (earlier && qKey) {
        // The user resent a question whose answer missed the window: hand that answer over.
        late.delete(qKey);
        pending = earlier;
      } else {
        pending = track(produce(msg));
      }
      byMessage.set(key, pending);
      keep(key, msg.FromUserName, pending);
    }

    const outcome = await within(pending, replyWithinMs);
    if (outcome !== undefined) return xmlResponse(msg, outcome, encrypted);
    const qKey = questionKey(msg);
    if (qKey) late.set(qKey, pending);
    log.warn({ msgType: msg.MsgType, replyWithinMs }, 'wechat-mp: answer not ready in time, sent the 正在查询 notice');
    return xmlResponse(msg, { content: PENDING_TEXT }, encrypted);
  }

  async function handleGet(req: HttpRequest): Promise<HttpResponse> {
    const sig = checkSignature(token!, req.query, { nowMs: now(), maxAgeSec });
    const echostr = req.query['echostr'];
    if (!sig.ok || !echostr) {
      log.warn({ reason: sig.ok ? 'no echostr' : sig.reason, ip: req.ip }, 'wechat-mp: URL verification failed');
      return { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'forbidden' };
    }
    log.info('wechat-mp: URL verification succeeded');
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: echostr };
  }

  const guard =
    (fn: (req: HttpRequest) => Promise<HttpResponse>) =>
    async (req: HttpRequest): Promise<HttpResponse> => {
      try {
        return await fn(req);
      } catch (err) {
        // Never let one request take the channel down; the platform gets "no reply".
        log.error({ err }, 'wechat-mp: request failed');
        return NO_REPLY;
      }
    };

  const routes: HttpRoute[] = [
    { method: 'GET', path, handle: guard(handleGet) },
    { method: 'POST', path, handle: guard(handlePost) },
  ];
  return Object.assign(routes, {
    drain: async () => {
      await Promise.allSettled([...inFlight]);
    },
  });
}
