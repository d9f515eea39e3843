// MTProto 2.0 cryptography as the protocol document describes it (core.telegram.org/mtproto/description),
// written for the server side of the sandbox but symmetric, so tests can play an independent client.
// Nothing here comes from GramJS: the sandbox must catch a client that deviates from the document.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const AUTH_KEY_BYTES = 256;

/** Which side encrypted a message: the document's x is 0 for client→server and 8 for server→client. */
export type Direction = 'client-to-server' | 'server-to-client';

function xOf(direction: Direction): number {
  return direction === 'client-to-server' ? 0 : 8;
}

export function sha1(...parts: Buffer[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** auth_key_id: the 64 lower-order bits of SHA1(auth_key), i.e. its last 8 bytes, read little-endian. */
export function authKeyId(authKey: Buffer): bigint {
  return sha1(authKey).readBigUInt64LE(12);
}

/**
 * AES in Infinite Garble Extension mode: c_i = E(p_i xor c_{i-1}) xor p_{i-1}, where MTProto's 32-byte iv holds
 * c_0 (first half) then p_0 (second half). The key length picks AES-128/192/256, so the same code can be checked
 * against published AES-128 vectors.
 *
 * Encryption runs as one native CBC pass instead of one ECB call per block (20 MB of file parts would otherwise
 * cost seconds): with y_i = E(p_i xor c_{i-1}) and c_{i-1} = y_{i-1} xor p_{i-2}, the AES input is
 * q_i xor y_{i-1} where q_i = p_i xor p_{i-2} — exactly CBC over q with iv y_0 = c_0 (taking p_{-1} = 0).
 * Then c_i = y_i xor p_{i-1}. Tests check this against the block-by-block definition on ECB.
 */
export function igeEncrypt(plaintext: Buffer, key: Buffer, iv: Buffer): Buffer {
  if (plaintext.length % 16 !== 0) throw new Error(`IGE input must be a multiple of 16 bytes, got ${plaintext.length}`);
  if (iv.length !== 32) throw new Error('IGE iv must be 32 bytes');
  const n = plaintext.length;
  // prev(i) = p_{i-1} for block i (0-based): the iv's second half for the first block.
  const prevPlain = Buffer.concat([iv.subarray(16, 32), plaintext.subarray(0, n - 16)]);
  const q = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) q[i] = plaintext[i] ^ (i >= 32 ? plaintext[i - 32] : i >= 16 ? iv[i] : 0);
  const cbc = createCipheriv(cbcName(key), key, iv.subarray(0, 16));
  cbc.setAutoPadding(false);
  const y = Buffer.concat([cbc.update(q), cbc.final()]);
  for (let i = 0; i < n; i++) y[i] ^= prevPlain[i];
  return y;
}

function cbcName(key: Buffer): string {
  return ecbName(key).replace('-ecb', '-cbc');
}

export function igeDecrypt(ciphertext: Buffer, key: Buffer, iv: Buffer): Buffer {
  if (ciphertext.length % 16 !== 0) throw new Error(`IGE input must be a multiple of 16 bytes, got ${ciphertext.length}`);
  if (iv.length !== 32) throw new Error('IGE iv must be 32 bytes');
  const ecb = createDecipheriv(ecbName(key), key, null);
  ecb.setAutoPadding(false);
  const out = Buffer.alloc(ciphertext.length);
  let prevCipher: Buffer = Buffer.from(iv.subarray(0, 16));
  let prevPlain: Buffer = Buffer.from(iv.subarray(16, 32));
  const block = Buffer.alloc(16);
  for (let off = 0; off < ciphertext.length; off += 16) {
    const c = ciphertext.subarray(off, off + 16);
    for (let i = 0; i < 16; i++) block[i] = c[i] ^ prevPlain[i];
    const d = ecb.update(block);
    const p = out.subarray(off, off + 16);
    for (let i = 0; i < 16; i++) p[i] = d[i] ^ prevCipher[i];
    prevCipher = c;
    prevPlain = p;
  }
  return out;
}

function ecbName(key: Buffer): string {
  if (key.length === 32) return 'aes-256-ecb';
  if (key.length === 24) return 'aes-192-ecb';
  if (key.length === 16) return 'aes-128-ecb';
  throw new Error(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
}

/** msg_key = middle 128 bits of SHA256(substr(auth_key, 88+x, 32) + plaintext + random_padding). */
export function msgKeyFor(authKey: Buffer, paddedPlaintext: Buffer, direction: Direction): Buffer {
  const x = xOf(direction);
  return sha256(authKey.subarray(88 + x, 88 + x + 32), paddedPlaintext).subarray(8, 24);
}

/** The document's KDF: aes_key and aes_iv from auth_key and msg_key. */
export function deriveAesKeyIv(authKey: Buffer, msgKey: Buffer, direction: Direction): { key: Buffer; iv: Buffer } {
  const x = xOf(direction);
  const a = sha256(msgKey, authKey.subarray(x, x + 36));
  const b = sha256(authKey.subarray(40 + x, 40 + x + 36), msgKey);
  const key = Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]);
  const iv = Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]);
  return { key, iv };
}

/** Random padding of 12..1024 bytes that makes the total a multiple of 16. */
export function paddingFor(length: number, extraBlocks = randomBytes(1)[0] % 4): Buffer {
  let pad = 12 + ((16 - ((length + 12) % 16)) % 16);
  pad += 16 * extraBlocks;
  if (pad > 1024) pad -= 16 * Math.ceil((pad - 1024) / 16);
  return randomBytes(pad);
}

/**
 * Encrypts an inner plaintext (salt, session_id, msg_id, seq_no, length, body) into
 * auth_key_id + msg_key + encrypted_data.
 */
export function encryptEnvelope(authKey: Buffer, plaintext: Buffer, direction: Direction, padding = paddingFor(plaintext.length)): Buffer {
  const padded = Buffer.concat([plaintext, padding]);
  if (padded.length % 16 !== 0) throw new Error('padding does not align the message to 16 bytes');
  const msgKey = msgKeyFor(authKey, padded, direction);
  const { key, iv } = deriveAesKeyIv(authKey, msgKey, direction);
  const id = Buffer.alloc(8);
  id.writeBigUInt64LE(authKeyId(authKey));
  return Buffer.concat([id, msgKey, igeEncrypt(padded, key, iv)]);
}

export class EnvelopeError extends Error {
  constructor(message: string, readonly kind: 'unknown-key' | 'bad-length' | 'bad-msg-key' | 'bad-inner-length') {
    super(message);
  }
}

export interface DecryptedMessage {
  salt: bigint;
  sessionId: bigint;
  msgId: bigint;
  seqNo: number;
  body: Buffer;
  paddingLength: number;
}

/**
 * Decrypts and checks one envelope the way the security guidelines require of the receiver:
 * recompute msg_key over the whole decrypted plaintext, check message_data_length and the 12..1024 padding.
 */
export function decryptEnvelope(authKey: Buffer, envelope: Buffer, direction: Direction): DecryptedMessage {
  if (envelope.length < 8 + 16 + 32 || (envelope.length - 24) % 16 !== 0) {
    throw new EnvelopeError(`encrypted payload of ${envelope.length} bytes is not 24 + a multiple of 16`, 'bad-length');
  }
  if (envelope.readBigUInt64LE(0) !== authKeyId(authKey)) throw new EnvelopeError('auth_key_id does not match', 'unknown-key');
  const msgKey = envelope.subarray(8, 24);
  const { key, iv } = deriveAesKeyIv(authKey, msgKey, direction);
  const plain = igeDecrypt(envelope.subarray(24), key, iv);
  if (!msgKeyFor(authKey, plain, direction).equals(msgKey)) throw new EnvelopeError('msg_key does not match the decrypted data', 'bad-msg-key');
  const length = plain.readUInt32LE(28);
  const paddingLength = plain.length - 32 - length;
  if (length % 4 !== 0 || paddingLength < 12 || paddingLength > 1024) {
    throw new EnvelopeError(`message_data_length ${length} leaves ${paddingLength} padding bytes`, 'bad-inner-length');
  }
  return {
    salt: plain.readBigInt64LE(0),
    sessionId: plain.readBigInt64LE(8),
    msgId: plain.readBigInt64LE(16),
    seqNo: plain.readInt32LE(24),
    body: plain.subarray(32, 32 + length),
    paddingLength,
  };
}

/** Builds the inner plaintext header + body (without padding). */
export function innerPlaintext(salt: bigint, sessionId: bigint, msgId: bigint, seqNo: number, body: Buffer): Buffer {
  const head = Buffer.alloc(32);
  head.writeBigInt64LE(BigInt.asIntN(64, salt), 0);
  head.writeBigInt64LE(BigInt.asIntN(64, sessionId), 8);
  head.writeBigInt64LE(BigInt.asIntN(64, msgId), 16);
  head.writeInt32LE(seqNo, 24);
  head.writeUInt32LE(body.length, 28);
  return Buffer.concat([head, body]);
}

/** Deterministic pseudo-random bytes at any offset: AES-256-CTR keystream keyed by a seed. */
export function streamBytes(seed: string, offset: number, length: number): Buffer {
  if (length <= 0) return Buffer.alloc(0);
  const key = sha256(Buffer.from(`sandbox-media:${seed}`));
  const firstBlock = Math.floor(offset / 16);
  const skip = offset - firstBlock * 16;
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(firstBlock), 8);
  const ctr = createCipheriv('aes-256-ctr', key, iv);
  const out = ctr.update(Buffer.alloc(skip + length));
  return out.subarray(skip);
}
