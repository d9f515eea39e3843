// The client side of core.telegram.org/mtproto/auth_key, written from the document for tests: it checks the
// sandbox's answers as a careful client would and can send the wrong things a test asks for.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { igeDecrypt, igeEncrypt, sha1, sha256 } from './crypto';
import { HS, fromBig, modPow, newNonceHash, tmpAesKeyIv, toBig, xor } from './handshake';
import type { RawClient, ServerMessage } from './raw-client';
import { i32, i64, readTlBytes, tlBytes, u32 } from './service';

export interface RsaPublic {
  n: Buffer;
  e: Buffer;
  fingerprint: bigint;
}

/** Pollard's rho (Brent's variant) for pq below 2^63. */
export function factorize(pq: bigint): [bigint, bigint] {
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  for (let c = 1n; ; c++) {
    const f = (x: bigint) => (x * x + c) % pq;
    let y = 2n;
    let g = 1n;
    let r = 1n;
    let q = 1n;
    let x = y;
    let ys = y;
    while (g === 1n) {
      x = y;
      for (let i = 0n; i < r; i++) y = f(y);
      for (let k = 0n; k < r && g === 1n; k += 128n) {
        ys = y;
        for (let i = 0n; i < 128n && i < r - k; i++) {
          y = f(y);
          q = (q * (x > y ? x - y : y - x)) % pq;
        }
        g = gcd(q, pq);
      }
      r *= 2n;
    }
    if (g === pq) {
      do {
        ys = f(ys);
        g = gcd(x > ys ? x - ys : ys - x, pq);
      } while (g === 1n);
    }
    if (g !== pq) return g < pq / g ? [g, pq / g] : [pq / g, g];
  }
}

/** RSA_PAD (step 4.1): data padded to 192 bytes, reversed, hashed with temp_key, AES-IGE, temp_key_xor, RSA. */
export function rsaPad(data: Buffer, key: RsaPublic): Buffer {
  assert.ok(data.length <= 144);
  const withPadding = Buffer.concat([data, randomBytes(192 - data.length)]);
  const reversed = Buffer.from(withPadding).reverse();
  const n = toBig(key.n);
  for (;;) {
    const tempKey = randomBytes(32);
    const aesEncrypted = igeEncrypt(Buffer.concat([reversed, sha256(tempKey, withPadding)]), tempKey, Buffer.alloc(32));
    const keyAesEncrypted = Buffer.concat([xor(tempKey, sha256(aesEncrypted)), aesEncrypted]);
    if (toBig(keyAesEncrypted) >= n) continue;
    return fromBig(modPow(toBig(keyAesEncrypted), toBig(key.e), n), 256);
  }
}

export type Answer = ServerMessage | Buffer;
export const transportError = (a: Answer): number | undefined => (Buffer.isBuffer(a) ? a.readInt32LE(0) : undefined);

export class DhClient {
  readonly nonce = randomBytes(16);
  readonly newNonce = randomBytes(32);
  serverNonce = Buffer.alloc(16);
  pq = 0n;
  fingerprints: bigint[] = [];
  g = 0;
  dhPrime = 0n;
  gA = 0n;
  serverTime = 0;
  private b = 0n;

  constructor(readonly c: RawClient, readonly rsa: RsaPublic) {}

  /** The same exchange (nonces, pq) carried on over another connection. */
  resumeOn(c: RawClient): DhClient {
    const d = new DhClient(c, this.rsa);
    Object.assign(d, { nonce: this.nonce, newNonce: this.newNonce, serverNonce: this.serverNonce, pq: this.pq });
    return d;
  }

  private async ask(body: Buffer): Promise<Answer> {
    this.c.sendPlain(body);
    return this.c.next();
  }

  async reqPq(): Promise<void> {
    const a = await this.ask(Buffer.concat([u32(HS.reqPqMulti), this.nonce]));
    assert.ok(!Buffer.isBuffer(a), 'resPQ, not a transport error');
    assert.equal(a.msgId % 4n, 1n, 'a response: msg_id ≡ 1 mod 4');
    const b = a.body;
    assert.equal(b.readUInt32LE(0), HS.resPQ);
    assert.deepEqual(b.subarray(4, 20), this.nonce, 'nonce echoed');
    this.serverNonce = Buffer.from(b.subarray(20, 36));
    const pq = readTlBytes(b, 36);
    this.pq = toBig(pq.value);
    assert.equal(b.readUInt32LE(pq.end), 0x1cb5c415);
    const n = b.readInt32LE(pq.end + 4);
    this.fingerprints = Array.from({ length: n }, (_, i) => b.readBigInt64LE(pq.end + 8 + i * 8));
  }

  /** p_q_inner_data(_dc) as the client serializes it; `dc` undefined = the form without dc that GramJS sends. */
  innerData(o: { dc?: number; p?: bigint; q?: bigint; ctor?: number } = {}): Buffer {
    const [p, q] = factorize(this.pq);
    const dc = o.dc === undefined ? [] : [i32(o.dc)];
    const ctor = o.ctor ?? (o.dc === undefined ? HS.pqInnerData : HS.pqInnerDataDc);
    return Buffer.concat([u32(ctor), tlBytes(fromBig(this.pq)), tlBytes(fromBig(o.p ?? p)), tlBytes(fromBig(o.q ?? q)), this.nonce, this.serverNonce, this.newNonce, ...dc]);
  }

  reqDhParamsBody(o: { inner?: Buffer; p?: bigint; q?: bigint; fingerprint?: bigint; encrypted?: Buffer } = {}): Buffer {
    const [p, q] = factorize(this.pq);
    const encrypted = o.encrypted ?? rsaPad(o.inner ?? this.innerData(), this.rsa);
    return Buffer.concat([u32(HS.reqDHParams), this.nonce, this.serverNonce, tlBytes(fromBig(o.p ?? p)), tlBytes(fromBig(o.q ?? q)), i64(o.fingerprint ?? this.rsa.fingerprint), tlBytes(encrypted)]);
  }

  /** Sends req_DH_params; on server_DH_params_ok decrypts and checks server_DH_inner_data. */
  async reqDhParams(body = this.reqDhParamsBody()): Promise<Answer> {
    const a = await this.ask(body);
    if (Buffer.isBuffer(a)) return a;
    const b = a.body;
    assert.equal(b.readUInt32LE(0), HS.serverDHParamsOk);
    assert.deepEqual(b.subarray(4, 20), this.nonce);
    assert.deepEqual(b.subarray(20, 36), this.serverNonce);
    const { key, iv } = tmpAesKeyIv(this.newNonce, this.serverNonce);
    const enc = readTlBytes(b, 36).value;
    assert.equal(enc.length % 16, 0);
    const plain = igeDecrypt(enc, key, iv);
    const inner = plain.subarray(20);
    assert.equal(inner.readUInt32LE(0), HS.serverDHInnerData);
    assert.deepEqual(inner.subarray(4, 20), this.nonce);
    assert.deepEqual(inner.subarray(20, 36), this.serverNonce);
    this.g = inner.readInt32LE(36);
    const prime = readTlBytes(inner, 40);
    const gA = readTlBytes(inner, prime.end);
    this.dhPrime = toBig(prime.value);
    this.gA = toBig(gA.value);
    this.serverTime = inner.readInt32LE(gA.end);
    assert.deepEqual(plain.subarray(0, 20), sha1(inner.subarray(0, gA.end + 4)), 'SHA1(answer) checks');
    assert.ok(plain.length - 20 - (gA.end + 4) < 16, 'at most 15 padding bytes');
    return a;
  }

  /** Step 7: g_b (a fresh b unless one is given) in client_DH_inner_data; returns the answer and the key. */
  async setClientDh(o: { gB?: bigint; retryId?: bigint } = {}): Promise<{ answer: Answer; authKey: Buffer }> {
    this.b = toBig(randomBytes(256));
    const gB = o.gB ?? modPow(BigInt(this.g), this.b, this.dhPrime || 1n);
    const data = Buffer.concat([u32(HS.clientDHInnerData), this.nonce, this.serverNonce, i64(o.retryId ?? 0n), tlBytes(fromBig(gB))]);
    const withHash = Buffer.concat([sha1(data), data]);
    const padded = Buffer.concat([withHash, randomBytes((16 - (withHash.length % 16)) % 16)]);
    const { key, iv } = tmpAesKeyIv(this.newNonce, this.serverNonce);
    const answer = await this.ask(Buffer.concat([u32(HS.setClientDHParams), this.nonce, this.serverNonce, tlBytes(igeEncrypt(padded, key, iv))]));
    return { answer, authKey: this.dhPrime ? fromBig(modPow(this.gA, this.b, this.dhPrime), 256) : Buffer.alloc(256) };
  }

  /** The dh_gen_* answer's kind, after checking its nonces and its new_nonce_hashN against the key. */
  genResult(answer: Answer, authKey: Buffer): 'ok' | 'retry' | 'fail' {
    assert.ok(!Buffer.isBuffer(answer), `a dh_gen answer, not transport error ${transportError(answer)}`);
    const b = answer.body;
    const kinds = { [HS.dhGenOk]: ['ok', 1], [HS.dhGenRetry]: ['retry', 2], [HS.dhGenFail]: ['fail', 3] } as const;
    const kind = kinds[b.readUInt32LE(0) as keyof typeof kinds];
    assert.ok(kind, 'dh_gen_ok, dh_gen_retry or dh_gen_fail');
    assert.deepEqual(b.subarray(4, 20), this.nonce);
    assert.deepEqual(b.subarray(20, 36), this.serverNonce);
    assert.deepEqual(b.subarray(36, 52), newNonceHash(this.newNonce, kind[1], sha1(authKey).subarray(0, 8)), `new_nonce_hash${kind[1]}`);
    return kind[0];
  }

  /** The whole exchange; the client's RawClient then holds the key and the first server_salt. */
  async run(o: { dc?: number } = {}): Promise<Buffer> {
    await this.reqPq();
    const a = await this.reqDhParams(this.reqDhParamsBody({ inner: this.innerData(o) }));
    assert.equal(transportError(a), undefined, 'server_DH_params_ok');
    const { answer, authKey } = await this.setClientDh();
    assert.equal(this.genResult(answer, authKey), 'ok');
    this.c.authKey = authKey;
    this.c.salt = xor(this.newNonce.subarray(0, 8), this.serverNonce.subarray(0, 8)).readBigInt64LE(0);
    return authKey;
  }
}
