import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The Official Account message encryption (安全模式 / 兼容模式), as the platform publishes it:
 * AESKey = Base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = the key's first 16 bytes;
 * the plaintext is 16 random bytes, the message length (4 bytes, network order), the message and
 * the AppID, padded with PKCS#7 to a multiple of 32 bytes; the result is Base64. A message's
 * msg_signature is SHA-1 over the sorted [token, timestamp, nonce, Encrypt].
 */
export class MpCryptoError extends Error {
  constructor(readonly reason: 'bad-key' | 'bad-base64' | 'bad-padding' | 'bad-length' | 'wrong-appid') {
    super(`wechat-mp crypto: ${reason}`);
    this.name = 'MpCryptoError';
  }
}

const BLOCK = 32;

/** The 43-character key from the console, as it must be. */
export const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join(''), 'utf8').digest('hex');
}

/** Constant-time check of a received msg_signature. */
export function checkMsgSignature(token: string, q: { msg_signature?: string | undefined; timestamp?: string | undefined; nonce?: string | undefined }, encrypt: string): boolean {
  if (!q.msg_signature || !q.timestamp || !q.nonce) return false;
  const expected = Buffer.from(msgSignature(token, q.timestamp, q.nonce, encrypt), 'utf8');
  const received = Buffer.from(q.msg_signature.toLowerCase(), 'utf8');
  return expected.length === received.length && timingSafeEqual(expected, received);
}

export class MpCrypto {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    encodingAesKey: string,
    private readonly appId: string,
  ) {
    if (!ENCODING_AES_KEY.test(encodingAesKey)) throw new MpCryptoError('bad-key');
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    if (this.key.length !== 32) throw new MpCryptoError('bad-key');
    this.iv = this.key.subarray(0, 16);
  }

  /** `random` is for tests; by default 16 fresh random bytes. */
  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  /** The message inside an Encrypt field; throws MpCryptoError when it is damaged or for another AppID. */
  decrypt(encrypted: string): string {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new MpCryptoError('bad-base64');
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new MpCryptoError('bad-base64');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new MpCryptoError('bad-padding');
    }
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) throw new MpCryptoError('bad-padding');
    const content = plain.subarray(16, plain.length - pad);
    if (content.length < 4) throw new MpCryptoError('bad-length');
    const length = content.readUInt32BE(0);
    if (4 + length > content.length) throw new MpCryptoError('bad-length');
    const appId = content.subarray(4 + length).toString('utf8');
    if (appId !== this.appId) throw new MpCryptoError('wrong-appid');
    return content.subarray(4, 4 + length).toString('utf8');
  }
}
