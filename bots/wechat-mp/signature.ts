import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The Official Account callback signature (明文模式): SHA-1 of the lexicographically sorted
 * concatenation of [token, timestamp, nonce], lower-case hex. The same check guards the GET
 * verification and every POST, so a forged request never reaches the chat core.
 */
export function mpSignature(token: string, timestamp: string, nonce: string): string {
  const joined = [token, timestamp, nonce].sort().join('');
  return createHash('sha1').update(joined, 'utf8').digest('hex');
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'mismatch' | 'stale' };

export interface SignatureQuery {
  signature?: string | undefined;
  timestamp?: string | undefined;
  nonce?: string | undefined;
}

/**
 * Constant-time comparison of the expected and received signatures. `maxAgeSec` (POST only)
 * rejects replays: a captured request cannot be re-sent minutes later.
 */
export function checkSignature(token: string, q: SignatureQuery, opts: { nowMs?: number; maxAgeSec?: number } = {}): SignatureCheck {
  const { signature, timestamp, nonce } = q;
  if (!signature || !timestamp || !nonce) return { ok: false, reason: 'missing' };
  const expected = Buffer.from(mpSignature(token, timestamp, nonce), 'utf8');
  const received = Buffer.from(signature.toLowerCase(), 'utf8');
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) return { ok: false, reason: 'mismatch' };
  if (opts.maxAgeSec !== undefined) {
    const ts = Number(timestamp);
    const nowSec = (opts.nowMs ?? Date.now()) / 1000;
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSec - ts) > opts.maxAgeSec) return { ok: false, reason: 'stale' };
  }
  return { ok: true };
}
