// The server side of Telegram's two-step verification (core.telegram.org/api/srp): SRP-6a over the 2048-bit
// prime Telegram publishes (clients such as GramJS accept no other), g = 3, with the password hashed as
// PH2 = SH(pbkdf2_sha512(PH1, salt1, 100000), salt2), PH1 = SH(SH(password, salt1), salt2), SH(d, s) = H(s|d|s).
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { sha256 } from './crypto';

/** Telegram's published SRP / DH prime (big-endian). */
export const SRP_PRIME = Buffer.from(
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b',
  'hex',
);
export const SRP_G = 3;

const P = BigInt('0x' + SRP_PRIME.toString('hex'));

function toBig(b: Buffer): bigint {
  return b.length ? BigInt('0x' + b.toString('hex')) : 0n;
}

/** A number as 256 big-endian bytes, the form every SRP hash input takes. */
function pad256(n: bigint): Buffer {
  return Buffer.from(n.toString(16).padStart(512, '0'), 'hex');
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = ((base % mod) + mod) % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

const SH = (data: Buffer, salt: Buffer) => sha256(salt, data, salt);

export function passwordHash(password: string, salt1: Buffer, salt2: Buffer): Buffer {
  const ph1 = SH(SH(Buffer.from(password, 'utf8'), salt1), salt2);
  return SH(pbkdf2Sync(ph1, salt1, 100000, 64, 'sha512'), salt2);
}

export interface SrpPassword {
  salt1: Buffer;
  salt2: Buffer;
  /** The verifier v = g^x mod p; the password itself is not kept. */
  v: bigint;
  hint?: string;
}

export function makePassword(password: string, hint?: string): SrpPassword {
  const salt1 = randomBytes(40);
  const salt2 = randomBytes(16);
  const x = toBig(passwordHash(password, salt1, salt2));
  return { salt1, salt2, v: modPow(BigInt(SRP_G), x, P), hint };
}

export interface SrpChallenge {
  srpId: bigint;
  b: bigint;
  B: Buffer;
}

const k = toBig(sha256(SRP_PRIME, pad256(BigInt(SRP_G))));

/** B = k*v + g^b mod p, for account.getPassword. */
export function challenge(pw: SrpPassword): SrpChallenge {
  for (;;) {
    const b = toBig(randomBytes(256)) % P;
    const B = (k * pw.v + modPow(BigInt(SRP_G), b, P)) % P;
    // Same range check the clients apply: B must not be close to 0 or p.
    const margin = 1n << (2048n - 64n);
    if (B > margin && P - B > margin) return { srpId: randomBytes(8).readBigInt64LE(0), b, B: pad256(B) };
  }
}

/** Checks the client's A and M1 for auth.checkPassword. */
export function verify(pw: SrpPassword, c: SrpChallenge, A: Buffer, M1: Buffer): boolean {
  const a = toBig(A);
  if (a <= 0n || a >= P) return false;
  const Apad = pad256(a);
  const u = toBig(sha256(Apad, c.B));
  if (u === 0n) return false;
  const S = modPow(a * modPow(pw.v, u, P), c.b, P);
  const K = sha256(pad256(S));
  const hp = sha256(SRP_PRIME);
  const hg = sha256(pad256(BigInt(SRP_G)));
  const x = Buffer.from(hp.map((byte, i) => byte ^ hg[i]));
  const expected = sha256(x, sha256(pw.salt1), sha256(pw.salt2), Apad, c.B, K);
  return expected.equals(Buffer.from(M1));
}
