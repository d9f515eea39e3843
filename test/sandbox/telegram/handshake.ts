// The server side of auth key creation (core.telegram.org/mtproto/auth_key), over unencrypted messages:
// req_pq_multi → resPQ; req_DH_params carrying p_q_inner_data(_dc) under RSA_PAD → server_DH_params_ok;
// set_client_DH_params → dh_gen_ok / dh_gen_retry / dh_gen_fail. An incorrect query gets transport error -404
// and spoils its handshake ("any subsequent request also returns -404, even if it is correct"); a test DC id
// sent to a production DC gets -444. Written from the document; GramJS 2.26's Authenticator.js is the client
// it must serve (it sends p_q_inner_data without dc, which Telegram's DCs still accept).
import { type KeyObject, constants, createPrivateKey, generatePrimeSync, privateDecrypt, randomBytes } from 'node:crypto';
import { igeDecrypt, igeEncrypt, sha1, sha256 } from './crypto';
import { SANDBOX_RSA_PRIVATE_KEY_PEM } from './rsa-key';
import { MalformedMessage, i32, readTlBytes, tlBytes, u32 } from './service';
import { SRP_PRIME } from './srp';

export const HS = {
  reqPqMulti: 0xbe7e8ef1,
  resPQ: 0x05162463,
  pqInnerData: 0x83c95aec,
  pqInnerDataDc: 0xa9f55f95,
  pqInnerDataTemp: 0x3c6a84d4,
  pqInnerDataTempDc: 0x56fddf88,
  reqDHParams: 0xd712e4be,
  serverDHParamsOk: 0xd0e8075c,
  serverDHInnerData: 0xb5890dba,
  setClientDHParams: 0xf5045f1f,
  clientDHInnerData: 0x6643b654,
  dhGenOk: 0x3bcbf734,
  dhGenRetry: 0x46dc1fb9,
  dhGenFail: 0xa69dae02,
} as const;

/** The 2048-bit safe prime the document publishes as the current dh_prime (the same as the SRP prime). */
export const DH_PRIME = SRP_PRIME;
/** g = 3 suits this prime: the document's condition for g = 3 is p mod 3 = 2. */
export const DH_G = 3;
const P = BigInt('0x' + DH_PRIME.toString('hex'));
const RANGE_MARGIN = 1n << (2048n - 64n);
/** "The server remembers the response for up to 10 minutes after having received the query in 1)." */
const REMEMBER_MS = 10 * 60 * 1000;

export const toBig = (b: Buffer): bigint => (b.length ? BigInt('0x' + b.toString('hex')) : 0n);
/** Big-endian bytes: minimal, or padded to `size`. */
export function fromBig(n: bigint, size?: number): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (size !== undefined) hex = hex.padStart(size * 2, '0');
  return Buffer.from(hex, 'hex');
}

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = ((base % mod) + mod) % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

export interface ServerRsaKey {
  privateKey: KeyObject;
  n: Buffer;
  e: Buffer;
  /** 64 lower-order bits of SHA1(rsa_public_key n:string e:string), as a signed long (resPQ's fingerprint). */
  fingerprint: bigint;
}

/** resPQ's server_public_key_fingerprints entry for a public key (n, e big-endian). */
export function rsaFingerprint(n: Buffer, e: Buffer): bigint {
  return sha1(tlBytes(n), tlBytes(e)).readBigInt64LE(12);
}

export function sandboxRsaKey(pem = SANDBOX_RSA_PRIVATE_KEY_PEM): ServerRsaKey {
  const privateKey = createPrivateKey(pem);
  const jwk = privateKey.export({ format: 'jwk' });
  const n = Buffer.from(jwk.n!, 'base64url');
  const e = Buffer.from(jwk.e!, 'base64url');
  return { privateKey, n, e, fingerprint: rsaFingerprint(n, e) };
}

/** Reads handshake TL; running out of bytes is a MalformedMessage (answered with -404). */
class Reader {
  off = 0;
  constructor(private readonly b: Buffer) {}
  private take(n: number): Buffer {
    if (this.off + n > this.b.length) throw new MalformedMessage('handshake TL ends early');
    const v = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
  u32 = () => this.take(4).readUInt32LE(0);
  i32 = () => this.take(4).readInt32LE(0);
  i64 = () => this.take(8).readBigInt64LE(0);
  raw = (n: number) => Buffer.from(this.take(n));
  bytes = (): Buffer => {
    let r: { value: Buffer; end: number };
    try {
      r = readTlBytes(this.b, this.off);
    } catch {
      throw new MalformedMessage('handshake TL ends inside a string');
    }
    this.off = r.end;
    return Buffer.from(r.value);
  };
}

export type HandshakeAnswer = { body: Buffer } | { transportError: number };

/** What the key exchange needs from its data centers. */
export interface HandshakeHost {
  rsa: ServerRsaKey;
  now(): number;
  count(method: string, dcId: number): void;
  /** The next set_client_DH_params is answered dh_gen_retry (faults.dhGenRetry). */
  takeForcedRetry(): boolean;
  keyExists(dcId: number, keyId: bigint): boolean;
  /** Registers a finished key on its DC, not signed in, with the document's initial server_salt. */
  addKey(dcId: number, key: Buffer, salt: bigint): void;
}

interface Exchange {
  dcId: number;
  nonce: Buffer;
  serverNonce: Buffer;
  p: bigint;
  q: bigint;
  created: number;
  failed: boolean;
  /** Requests already answered, with their answers, for re-sending "exactly the same request". */
  answered: Map<string, Buffer>;
  newNonce?: Buffer;
  a?: bigint;
  tmpKey?: Buffer;
  tmpIv?: Buffer;
  /** auth_key_aux_hash of the attempt answered dh_gen_retry: the retry_id the next attempt must carry. */
  retryAux?: bigint;
  done?: boolean;
}

class Refused extends Error {
  constructor(readonly code: number, why: string) {
    super(why);
  }
}

export class KeyExchange {
  private readonly exchanges = new Map<string, Exchange>();

  constructor(private readonly host: HandshakeHost) {}

  /** One unencrypted message body from a client of DC dcId. */
  handle(dcId: number, body: Buffer): HandshakeAnswer {
    this.forgetOld();
    const ctor = body.length >= 4 ? body.readUInt32LE(0) : 0;
    let ex: Exchange | undefined;
    try {
      const r = new Reader(body);
      r.u32();
      if (ctor === HS.reqPqMulti) {
        this.host.count('req_pq_multi', dcId);
        return { body: this.reqPq(dcId, r, body) };
      }
      if (ctor !== HS.reqDHParams && ctor !== HS.setClientDHParams) throw new Refused(-404, 'not a key exchange message');
      this.host.count(ctor === HS.reqDHParams ? 'req_DH_params' : 'set_client_DH_params', dcId);
      const nonce = r.raw(16);
      const serverNonce = r.raw(16);
      ex = this.exchanges.get(exchangeKey(nonce, serverNonce));
      if (!ex || ex.dcId !== dcId) throw new Refused(-404, 'no such handshake on this DC');
      if (ex.failed) throw new Refused(-404, 'handshake already failed');
      const again = ex.answered.get(body.toString('hex'));
      if (again) return { body: again };
      const answer = ctor === HS.reqDHParams ? this.reqDhParams(ex, r) : this.setClientDhParams(ex, r);
      ex.answered.set(body.toString('hex'), answer);
      return { body: answer };
    } catch (e) {
      if (!(e instanceof Refused) && !(e instanceof MalformedMessage)) throw e;
      if (ex) ex.failed = true;
      return { transportError: e instanceof Refused ? e.code : -404 };
    }
  }

  private forgetOld(): void {
    const cutoff = this.host.now() - REMEMBER_MS;
    for (const [k, ex] of this.exchanges) if (ex.created < cutoff) this.exchanges.delete(k);
  }

  /** 1) → 2): a fresh server_nonce and pq = p·q, two distinct odd primes, pq below 2^63. */
  private reqPq(dcId: number, r: Reader, body: Buffer): Buffer {
    const nonce = r.raw(16);
    if (r.off !== body.length) throw new Refused(-404, 'req_pq_multi has trailing bytes');
    for (const ex of this.exchanges.values()) {
      const same = ex.dcId === dcId && ex.nonce.equals(nonce) && ex.answered.get(body.toString('hex'));
      if (same) return same;
    }
    let p = generatePrimeSync(31, { bigint: true });
    let q = generatePrimeSync(31, { bigint: true });
    while (q === p) q = generatePrimeSync(31, { bigint: true });
    if (p > q) [p, q] = [q, p];
    const serverNonce = randomBytes(16);
    const answer = Buffer.concat([u32(HS.resPQ), nonce, serverNonce, tlBytes(fromBig(p * q)), u32(0x1cb5c415), i32(1), i64le(this.host.rsa.fingerprint)]);
    const ex: Exchange = { dcId, nonce, serverNonce, p, q, created: this.host.now(), failed: false, answered: new Map([[body.toString('hex'), answer]]) };
    this.exchanges.set(exchangeKey(nonce, serverNonce), ex);
    return answer;
  }

  /** 5) → 6): check the proof of work and RSA_PAD, then send g, dh_prime and g_a under the temporary key. */
  private reqDhParams(ex: Exchange, r: Reader): Buffer {
    if (ex.newNonce) throw new Refused(-404, 'a different req_DH_params for a handshake already answered');
    const p = toBig(r.bytes());
    const q = toBig(r.bytes());
    const fingerprint = r.i64();
    const encrypted = r.bytes();
    if (p !== ex.p || q !== ex.q) throw new Refused(-404, 'p and q are not the factors of pq');
    if (fingerprint !== this.host.rsa.fingerprint) throw new Refused(-404, 'unknown public key fingerprint');
    const inner = new Reader(this.rsaPadDecrypt(encrypted));
    const ctor = inner.u32();
    if (ctor === HS.pqInnerDataTemp || ctor === HS.pqInnerDataTempDc) throw new Refused(-404, 'temporary keys (PFS) are not implemented');
    if (ctor !== HS.pqInnerData && ctor !== HS.pqInnerDataDc) throw new Refused(-404, 'encrypted data is not p_q_inner_data');
    const pq = toBig(inner.bytes());
    const ip = toBig(inner.bytes());
    const iq = toBig(inner.bytes());
    const nonce = inner.raw(16);
    const serverNonce = inner.raw(16);
    const newNonce = inner.raw(32);
    if (pq !== ex.p * ex.q || ip !== ex.p || iq !== ex.q) throw new Refused(-404, 'p_q_inner_data has other numbers');
    if (!nonce.equals(ex.nonce) || !serverNonce.equals(ex.serverNonce)) throw new Refused(-404, 'p_q_inner_data has other nonces');
    if (ctor === HS.pqInnerDataDc) {
      const dc = inner.i32();
      // "10000 has to be added to the DC ID when connecting to the test servers; it has to be made negative
      // if the DC we're connecting to is a media DC": the sandbox is production, every DC serves media too.
      if (Math.abs(dc) >= 10000) throw new Refused(-444, 'a test DC id sent to a production DC');
      if (Math.abs(dc) !== ex.dcId) throw new Refused(-404, `p_q_inner_data_dc names DC ${dc}`);
    }
    let a: bigint;
    let gA: bigint;
    do {
      a = toBig(randomBytes(256)) % P;
      gA = modPow(BigInt(DH_G), a, P);
    } while (gA <= RANGE_MARGIN || gA >= P - RANGE_MARGIN);
    const answer = Buffer.concat([u32(HS.serverDHInnerData), ex.nonce, ex.serverNonce, i32(DH_G), tlBytes(DH_PRIME), tlBytes(fromBig(gA, 256)), i32(Math.floor(Date.now() / 1000))]);
    const withHash = Buffer.concat([sha1(answer), answer]);
    const padded = Buffer.concat([withHash, randomBytes((16 - (withHash.length % 16)) % 16)]);
    const { key, iv } = tmpAesKeyIv(newNonce, ex.serverNonce);
    Object.assign(ex, { newNonce, a, tmpKey: key, tmpIv: iv });
    return Buffer.concat([u32(HS.serverDHParamsOk), ex.nonce, ex.serverNonce, tlBytes(igeEncrypt(padded, key, iv))]);
  }

  /** 4.1) undone: RSA, then temp_key from temp_key_xor, AES-IGE with a zero iv, the byte reversal and the hash. */
  private rsaPadDecrypt(encrypted: Buffer): Buffer {
    if (encrypted.length !== 256) throw new Refused(-404, `encrypted_data of ${encrypted.length} bytes`);
    if (toBig(encrypted) >= toBig(this.host.rsa.n)) throw new Refused(-404, 'encrypted_data is not below the modulus');
    const keyAesEncrypted = privateDecrypt({ key: this.host.rsa.privateKey, padding: constants.RSA_NO_PADDING }, encrypted);
    const aesEncrypted = keyAesEncrypted.subarray(32);
    const tempKey = xor(keyAesEncrypted.subarray(0, 32), sha256(aesEncrypted));
    const dataWithHash = igeDecrypt(aesEncrypted, tempKey, Buffer.alloc(32));
    const dataWithPadding = Buffer.from(dataWithHash.subarray(0, 192)).reverse();
    if (!sha256(tempKey, dataWithPadding).equals(dataWithHash.subarray(192))) throw new Refused(-404, 'RSA_PAD hash does not match');
    return dataWithPadding;
  }

  /** 7) → 9): the client's g_b gives auth_key = g_b^a mod dh_prime, unless g_b or retry_id is wrong. */
  private setClientDhParams(ex: Exchange, r: Reader): Buffer {
    if (!ex.newNonce || !ex.tmpKey || !ex.tmpIv || ex.a === undefined) throw new Refused(-404, 'set_client_DH_params before req_DH_params');
    if (ex.done) throw new Refused(-404, 'this handshake already made its key');
    const encrypted = r.bytes();
    if (encrypted.length % 16 !== 0 || encrypted.length < 32) throw new Refused(-404, 'encrypted_data is not whole AES blocks');
    const plain = igeDecrypt(encrypted, ex.tmpKey, ex.tmpIv);
    const inner = new Reader(plain.subarray(20));
    if (inner.u32() !== HS.clientDHInnerData) throw new Refused(-404, 'encrypted data is not client_DH_inner_data');
    const nonce = inner.raw(16);
    const serverNonce = inner.raw(16);
    const retryId = inner.i64();
    const gB = toBig(inner.bytes());
    const padding = plain.length - 20 - inner.off;
    if (padding > 15 || !sha1(plain.subarray(20, 20 + inner.off)).equals(plain.subarray(0, 20))) throw new Refused(-404, 'client_DH_inner_data hash does not match');
    if (!nonce.equals(ex.nonce) || !serverNonce.equals(ex.serverNonce)) throw new Refused(-404, 'client_DH_inner_data has other nonces');
    const authKey = fromBig(modPow(gB, ex.a, P), 256);
    const keyHash = sha1(authKey);
    const aux = keyHash.readBigInt64LE(0); // auth_key_aux_hash: the 64 higher-order bits of SHA1(auth_key)
    const answer = (ctor: number, n: 1 | 2 | 3) => Buffer.concat([u32(ctor), ex.nonce, ex.serverNonce, newNonceHash(ex.newNonce!, n, keyHash.subarray(0, 8))]);
    // "both sides are to check that g, g_a and g_b are greater than 1 and less than dh_prime - 1", and the
    // recommended 2^{2048-64} margin; a retry must name the attempt it retries.
    const inRange = gB > RANGE_MARGIN && gB < P - RANGE_MARGIN;
    if (!inRange || retryId !== (ex.retryAux ?? 0n)) return answer(HS.dhGenFail, 3);
    // "The server checks whether there already is another key with the same auth_key_hash".
    if (this.host.takeForcedRetry() || this.host.keyExists(ex.dcId, keyHash.readBigUInt64LE(12))) {
      ex.retryAux = aux;
      return answer(HS.dhGenRetry, 2);
    }
    ex.done = true;
    // "server_salt is initially set to substr(new_nonce, 0, 8) XOR substr(server_nonce, 0, 8)".
    this.host.addKey(ex.dcId, authKey, xor(ex.newNonce.subarray(0, 8), ex.serverNonce.subarray(0, 8)).readBigInt64LE(0));
    return answer(HS.dhGenOk, 1);
  }
}

function exchangeKey(nonce: Buffer, serverNonce: Buffer): string {
  return nonce.toString('hex') + serverNonce.toString('hex');
}

function i64le(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt.asIntN(64, n), 0);
  return b;
}

export function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((x, i) => x ^ b[i]));
}

/** tmp_aes_key and tmp_aes_iv of step 6, from new_nonce and server_nonce. */
export function tmpAesKeyIv(newNonce: Buffer, serverNonce: Buffer): { key: Buffer; iv: Buffer } {
  const ns = sha1(newNonce, serverNonce);
  const sn = sha1(serverNonce, newNonce);
  const nn = sha1(newNonce, newNonce);
  return {
    key: Buffer.concat([ns, sn.subarray(0, 12)]),
    iv: Buffer.concat([sn.subarray(12, 20), nn, newNonce.subarray(0, 4)]),
  };
}

/** new_nonce_hash1/2/3: the 128 lower-order bits of SHA1(new_nonce + byte n + auth_key_aux_hash). */
export function newNonceHash(newNonce: Buffer, n: number, auxHashBytes: Buffer): Buffer {
  return sha1(newNonce, Buffer.from([n]), auxHashBytes).subarray(4, 20);
}
