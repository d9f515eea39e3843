// Raw TL for the session layer (core.telegram.org/mtproto/service_messages and /service_messages_about_messages):
// constructor ids, integers, bytes, containers and the service answers the server builds, plus server msg_ids.
import { randomBytes } from 'node:crypto';

export const randomLong = () => randomBytes(8).readBigInt64LE(0);

export const CTOR = {
  rpcResult: 0xf35c6d01,
  msgContainer: 0x73f1f8dc,
  gzipPacked: 0x3072cfa1,
  msgsAck: 0x62d6b459,
  vector: 0x1cb5c415,
  badMsgNotification: 0xa7eff811,
  badServerSalt: 0xedab447b,
  newSessionCreated: 0x9ec20908,
  pong: 0x347773c5,
  futureSalts: 0xae500895,
  futureSalt: 0x0949d9dc,
  getFutureSalts: 0xb921bd04,
  destroySession: 0xe7512126,
  destroySessionOk: 0xe22045fc,
  destroySessionNone: 0x62d350c9,
  msgsStateReq: 0xda69fb52,
  msgsStateInfo: 0x04deb57d,
  msgResendReq: 0x7d861a08,
  msgsAllInfo: 0x8cc0d131,
  msgDetailedInfo: 0x276d3ec6,
  msgNewDetailedInfo: 0x809db6df,
  httpWait: 0x9299359f,
  ping: 0x7abe77ec,
  pingDelayDisconnect: 0xf3427b8c,
  rpcDropAnswer: 0x58e4a740,
  destroyAuthKey: 0xd1435160,
} as const;

/** MTProto's own functions (service_messages): when their TL is broken there is no rpc_error to answer with. */
export const SERVICE_FUNCTIONS = new Set<number>([CTOR.ping, CTOR.pingDelayDisconnect, CTOR.getFutureSalts, CTOR.destroySession, CTOR.rpcDropAnswer, CTOR.destroyAuthKey, CTOR.msgsStateReq, CTOR.msgResendReq]);

/** Service constructors that are not content-related (seq_no even); everything else is (seq_no odd). */
export const NOT_CONTENT_RELATED = new Set<number>([CTOR.msgContainer, CTOR.msgsAck, CTOR.msgsStateInfo, CTOR.msgsAllInfo, CTOR.msgDetailedInfo, CTOR.msgNewDetailedInfo, CTOR.httpWait, CTOR.msgResendReq]);

/** Server msg_id: ~unixtime * 2^32, strictly increasing, ≡ 1 mod 4 for responses and ≡ 3 otherwise. */
export class ServerMsgIds {
  private last = 0n;
  constructor(private readonly clock: () => number = () => Date.now()) {}
  next(kind: 'response' | 'other'): bigint {
    const ms = this.clock();
    const secs = BigInt(Math.floor(ms / 1000));
    const frac = BigInt(Math.floor(((ms % 1000) / 1000) * 2 ** 32));
    let id = (secs << 32n) | (frac & ~3n);
    if (id <= this.last) id = (this.last & ~3n) + 4n;
    id |= kind === 'response' ? 1n : 3n;
    this.last = id;
    return id;
  }
}

// ---- raw TL helpers for service messages ----------------------------------------------------------------

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

export function i32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n, 0);
  return b;
}

export function i64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt.asIntN(64, n), 0);
  return b;
}

/** TL `bytes`: 1-byte length (or 0xfe + 3-byte length), data, zero padding to 4. */
export function tlBytes(data: Buffer): Buffer {
  const head = data.length < 254 ? Buffer.from([data.length]) : Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff]);
  const total = head.length + data.length;
  return Buffer.concat([head, data, Buffer.alloc((4 - (total % 4)) % 4)]);
}

export function readTlBytes(buf: Buffer, offset: number): { value: Buffer; end: number } {
  let len = buf[offset];
  let head = 1;
  if (len === 254) {
    len = buf[offset + 1] | (buf[offset + 2] << 8) | (buf[offset + 3] << 16);
    head = 4;
  }
  const value = buf.subarray(offset + head, offset + head + len);
  if (value.length !== len) throw new Error('truncated bytes');
  const total = head + len;
  return { value, end: offset + total + ((4 - (total % 4)) % 4) };
}

export function parseContainer(body: Buffer): { msgId: bigint; seqNo: number; body: Buffer }[] | undefined {
  try {
    const count = body.readInt32LE(4);
    let off = 8;
    const out = [];
    for (let i = 0; i < count; i++) {
      const msgId = body.readBigInt64LE(off);
      const seqNo = body.readInt32LE(off + 8);
      const len = body.readInt32LE(off + 12);
      if (len < 4 || len % 4 !== 0 || off + 16 + len > body.length) return undefined;
      out.push({ msgId, seqNo, body: body.subarray(off + 16, off + 16 + len) });
      off += 16 + len;
    }
    return off === body.length ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A service message whose TL does not parse (too short, a vector claiming more items than it holds). Telegram
 * does not document an answer for these; the sandbox closes that one connection, never the process.
 */
export class MalformedMessage extends Error {}

/** Fails with MalformedMessage unless the body holds at least `bytes` bytes. */
export function need(body: Buffer, bytes: number, what: string): void {
  if (body.length < bytes) throw new MalformedMessage(`${what}: ${body.length} bytes, at least ${bytes} needed`);
}

/** A boxed Vector<long> at off, checked against the bytes that are really there. */
export function readLongVector(body: Buffer, off: number, what: string): bigint[] {
  need(body, off + 8, what);
  if (body.readUInt32LE(off) !== CTOR.vector) throw new MalformedMessage(`${what}: no vector constructor`);
  const n = body.readInt32LE(off + 4);
  if (n < 0 || off + 8 + n * 8 > body.length) throw new MalformedMessage(`${what}: vector claims ${n} longs, ${Math.floor((body.length - off - 8) / 8)} present`);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push(body.readBigInt64LE(off + 8 + i * 8));
  return out;
}

export function badServerSalt(badMsgId: bigint, badSeqNo: number, newSalt: bigint): Buffer {
  return Buffer.concat([u32(CTOR.badServerSalt), i64(badMsgId), i32(badSeqNo), i32(48), i64(newSalt)]);
}

export function msgsAck(ids: bigint[]): Buffer {
  return Buffer.concat([u32(CTOR.msgsAck), u32(CTOR.vector), i32(ids.length), ...ids.map(i64)]);
}

export function futureSalts(reqMsgId: bigint, current: bigint, num: number): Buffer {
  const now = Math.floor(Date.now() / 1000);
  const salts: Buffer[] = [];
  for (let i = 0; i < num; i++) {
    // Bare future_salt (no constructor id inside a bare vector): valid_since, valid_until, salt.
    salts.push(Buffer.concat([i32(now + i * 3600), i32(now + (i + 1) * 3600), i64(i === 0 ? current : randomLong())]));
  }
  return Buffer.concat([u32(CTOR.futureSalts), i64(reqMsgId), i32(now), i32(num), ...salts]);
}

