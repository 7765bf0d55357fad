import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { isPolicybotError } from '../src/errors.ts';
import type { ChatCore, ChatReply, HttpRequest, IncomingMessage } from '../src/index.ts';
import { createMpRoutes } from '../bots/wechat-mp/handler.ts';
import { MpCrypto, MpCryptoError, msgSignature } from '../bots/wechat-mp/crypto.ts';
import { mpSignature } from '../bots/wechat-mp/signature.ts';
import { cdata } from '../bots/wechat-mp/xml.ts';

/**
 * 公众号 安全模式 / 兼容模式: the platform's published message encryption, checked against vectors built here
 * from the algorithm itself (AES-256-CBC, IV = key[0:16], random16 + length + message + AppID, PKCS#7 to 32),
 * then the callback end to end: decrypt, check msg_signature and AppID, answer, encrypt the reply.
 */
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wx1234567890abcdef';
const TOKEN = 'policybotToken';

/** The reference construction, written from the published steps. */
function referenceEncrypt(message: string, random: Buffer, appId: string): string {
  const key = Buffer.from(`${KEY}=`, 'base64');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(Buffer.byteLength(message), 0);
  const plain = Buffer.concat([random, len, Buffer.from(message), Buffer.from(appId)]);
  const pad = 32 - (plain.length % 32);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
}

describe('message encryption', () => {
  const crypto = new MpCrypto(KEY, APPID);
  const random = Buffer.from('0123456789abcdef');
  const message = '<xml><Content><![CDATA[失业金一个月多少钱？]]></Content></xml>';

  it('encrypts exactly as the published algorithm, and decrypts back', () => {
    expect(crypto.encrypt(message, random)).toBe(referenceEncrypt(message, random, APPID));
    expect(crypto.decrypt(referenceEncrypt(message, random, APPID))).toBe(message);
    // A fresh random prefix each time: the same message never encrypts the same way twice.
    expect(crypto.encrypt(message)).not.toBe(crypto.encrypt(message));
  });

  it('refuses a message for another AppID, damaged data and a malformed key', () => {
    expect(() => crypto.decrypt(referenceEncrypt(message, random, 'wxOTHERAPP'))).toThrow(MpCryptoError);
    expect(() => crypto.decrypt(referenceEncrypt(message, random, 'wxOTHERAPP'))).toThrow(/wrong-appid/);
    const bytes = Buffer.from(crypto.encrypt(message), 'base64');
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    expect(() => crypto.decrypt(bytes.toString('base64'))).toThrow(MpCryptoError);
    expect(() => crypto.decrypt('not base64 !!')).toThrow(/bad-base64/);
    expect(() => new MpCrypto('short', APPID)).toThrow(/bad-key/);
  });

  it('signs with SHA-1 over the sorted token, timestamp, nonce and Encrypt', () => {
    const enc = crypto.encrypt(message, random);
    const expected = createHash('sha1').update([TOKEN, '1700000000', '42', enc].sort().join('')).digest('hex');
    expect(msgSignature(TOKEN, '1700000000', '42', enc)).toBe(expected);
  });
});

/** A chat core that answers every text (the protocol is what is tested here; the real core is tested elsewhere). */
const echoCore: ChatCore = {
  async handleMessage(msg: IncomingMessage): Promise<ChatReply> {
    return { kind: 'answer', text: `收到：${msg.text ?? ''}`, answer: null, citations: [], warnings: [], buttons: [], answerId: null };
  },
  async handleCallback() {
    throw new Error('unused');
  },
  async recordFeedback() {},
  markProcessed: (() => {
    const seen = new Set<string>();
    return async (_c, id) => (seen.has(id) ? false : (seen.add(id), true));
  })() as ChatCore['markProcessed'],
  async close() {},
};

function routesFor(mode: 'safe' | 'compatible') {
  const config = loadConfig({ WECHAT_MP_TOKEN: TOKEN, WECHAT_MP_APPID: APPID, WECHAT_MP_ENCODING_AES_KEY: KEY, WECHAT_MP_MODE: mode, LOG_LEVEL: 'silent' });
  return createMpRoutes({ config, logger: createLogger('silent'), chat: echoCore }).find((r) => r.method === 'POST')!;
}

let seq = 0;
function plainXml(text: string): string {
  return `<xml><ToUserName>${cdata('gh_oa')}</ToUserName><FromUserName>${cdata('oUser')}</FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(text)}</Content><MsgId>${7100000000000000000n + BigInt(++seq)}</MsgId></xml>`;
}

function encryptedRequest(text: string, opts: { appId?: string; badSignature?: boolean } = {}): HttpRequest {
  const encrypt = new MpCrypto(KEY, opts.appId ?? APPID).encrypt(plainXml(text));
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(5000 + ++seq);
  const sig = msgSignature(TOKEN, timestamp, nonce, encrypt);
  const query = {
    signature: mpSignature(TOKEN, timestamp, nonce),
    timestamp,
    nonce,
    openid: 'oUser',
    encrypt_type: 'aes',
    msg_signature: opts.badSignature ? sig.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) : sig,
  };
  return { method: 'POST', path: '/wechat-mp', headers: { 'content-type': 'text/xml' }, query, body: `<xml><ToUserName>${cdata('gh_oa')}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>`, ip: '127.0.0.1' };
}

const parser = new XMLParser({ parseTagValue: false, processEntities: false });

describe('the callback in 安全模式', () => {
  it('decrypts the message, answers it, and encrypts and signs the reply', async () => {
    const res = await routesFor('safe').handle(encryptedRequest('失业金一个月多少钱'));
    expect(res.status).toBe(200);
    const outer = (parser.parse(res.body) as { xml: { Encrypt: string; MsgSignature: string; TimeStamp: string; Nonce: string } }).xml;
    expect(outer.MsgSignature).toBe(msgSignature(TOKEN, outer.TimeStamp, outer.Nonce, outer.Encrypt));
    expect(res.body).not.toContain('收到');
    const inner = (parser.parse(new MpCrypto(KEY, APPID).decrypt(outer.Encrypt)) as { xml: Record<string, string> }).xml;
    expect(inner).toMatchObject({ ToUserName: 'oUser', FromUserName: 'gh_oa', MsgType: 'text', Content: '收到：失业金一个月多少钱' });
  });

  it('refuses a wrong msg_signature, a message for another AppID and a plaintext message', async () => {
    const post = routesFor('safe');
    expect((await post.handle(encryptedRequest('你好', { badSignature: true }))).status).toBe(403);
    expect((await post.handle(encryptedRequest('你好', { appId: 'wxOTHERAPP' }))).status).toBe(403);
    const ts = String(Math.floor(Date.now() / 1000));
    const plain: HttpRequest = { method: 'POST', path: '/wechat-mp', headers: {}, query: { signature: mpSignature(TOKEN, ts, '77'), timestamp: ts, nonce: '77' }, body: plainXml('你好'), ip: '127.0.0.1' };
    expect((await post.handle(plain)).status).toBe(403);
    // 兼容模式 takes the plaintext message and answers in plaintext.
    const compatible = await routesFor('compatible').handle({ ...plain, body: plainXml('你好') });
    expect(compatible.status).toBe(200);
    expect(compatible.body).toContain('收到：你好');
  });

  it('needs the key and the AppID to start in an encrypted mode', () => {
    try {
      loadConfig({ WECHAT_MP_TOKEN: TOKEN, WECHAT_MP_ENCODING_AES_KEY: KEY });
      throw new Error('expected E_CONFIG');
    } catch (err) {
      expect(isPolicybotError(err, 'E_CONFIG')).toBe(true);
      expect((err as { userMessage: string }).userMessage).toContain('WECHAT_MP_APPID');
    }
    expect(() => loadConfig({ WECHAT_MP_TOKEN: TOKEN, WECHAT_MP_ENCODING_AES_KEY: 'too-short' })).toThrow(/43/);
  });
});
