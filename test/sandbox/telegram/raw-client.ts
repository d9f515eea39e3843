// A minimal MTProto 2.0 client written from the protocol documents (no GramJS on the wire), for tests that check
// what the sandbox sends byte by byte: full transport, encrypted messages, service messages, transport errors.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { decryptEnvelope, encryptEnvelope, innerPlaintext } from './crypto';
import { FullTransportClient } from './framing';
import { CTOR, i32, parseContainer, tlBytes, u32 } from './service';

export const CONFIG = 0xcc1a241e;
export const HELP_GET_CONFIG = u32(0xc4f9186b);
export const RPC_ERROR = 0x2144ca19;

export function initConnectionGetConfig(): Buffer {
  const str = (s: string) => tlBytes(Buffer.from(s));
  const init = Buffer.concat([u32(0xc1cd5ea9), i32(0), i32(611335), str('raw'), str('1'), str('1'), str('en'), str(''), str('en'), HELP_GET_CONFIG]);
  return Buffer.concat([u32(0xda9b0d0d), i32(198), init]);
}

export interface ServerMessage {
  msgId: bigint;
  seqNo: number;
  body: Buffer;
}

export class RawClient {
  private sock!: net.Socket;
  private framing = new FullTransportClient();
  private waiting: ((m: ServerMessage | Buffer) => void)[] = [];
  private queue: (ServerMessage | Buffer)[] = [];
  readonly sessionId = randomBytes(8).readBigInt64LE(0);
  salt = 0n;
  private contentSent = 0;
  private lastMsgId = 0n;
  /** Every decrypted server message (containers flattened), in arrival order. */
  readonly received: ServerMessage[] = [];
  closed = false;
  /** The salt in the header of the server's latest encrypted message. */
  lastServerSalt?: bigint;

  /** The auth key; a client that starts without one creates it with the DH exchange (raw-dh.ts). */
  constructor(public authKey: Buffer = Buffer.alloc(0)) {}

  async connect(port: number, init?: Buffer): Promise<void> {
    this.sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((r, j) => this.sock.once('connect', r).once('error', j));
    if (init) this.sock.write(init);
    this.sock.on('data', (d) => {
      for (const payload of this.framing.push(d)) this.onPayload(payload);
    });
    this.sock.on('close', () => {
      this.closed = true;
    });
  }

  /** For transports other than full: write raw bytes. */
  writeRaw(b: Buffer): void {
    this.sock.write(b);
  }

  private onPayload(payload: Buffer): void {
    if (payload.length === 4) return this.deliver(payload); // transport error
    if (payload.readBigUInt64LE(0) === 0n) {
      // An unencrypted message (auth_key_id 0): message_id, message_data_length, message_data.
      const len = payload.readInt32LE(16);
      assert.equal(20 + len, payload.length, 'unencrypted message length');
      return this.deliver({ msgId: payload.readBigInt64LE(8), seqNo: 0, body: payload.subarray(20) });
    }
    const d = decryptEnvelope(this.authKey, payload, 'server-to-client');
    assert.equal(d.sessionId, this.sessionId, 'server answers in our session');
    this.lastServerSalt = d.salt;
    const msgs: ServerMessage[] = [];
    if (d.body.readUInt32LE(0) === CTOR.msgContainer) {
      for (const m of parseContainer(d.body)!) {
        assert.ok(m.msgId < d.msgId, 'container msg_id is greater than its messages');
        msgs.push(m);
      }
    } else msgs.push({ msgId: d.msgId, seqNo: d.seqNo, body: d.body });
    for (const m of msgs) {
      this.received.push(m);
      this.deliver(m);
    }
  }

  private deliver(m: ServerMessage | Buffer): void {
    const w = this.waiting.shift();
    if (w) w(m);
    else this.queue.push(m);
  }

  next(timeoutMs = 3000): Promise<ServerMessage | Buffer> {
    const q = this.queue.shift();
    if (q) return Promise.resolve(q);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no message from the server')), timeoutMs);
      this.waiting.push((m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
  }

  async nextMessage(): Promise<ServerMessage> {
    const m = await this.next();
    assert.ok(!Buffer.isBuffer(m), `expected a message, got transport error ${Buffer.isBuffer(m) ? m.readInt32LE(0) : ''}`);
    return m as ServerMessage;
  }

  /** Waits for the message with this constructor, skipping acks and others. */
  async waitFor(ctor: number): Promise<ServerMessage> {
    for (;;) {
      const m = await this.nextMessage();
      if (m.body.readUInt32LE(0) === ctor) return m;
    }
  }

  newMsgId(): bigint {
    const ms = Date.now();
    let id = (BigInt(Math.floor(ms / 1000)) << 32n) | (BigInt(Math.floor(((ms % 1000) / 1000) * 2 ** 32)) & ~3n);
    if (id <= this.lastMsgId) id = this.lastMsgId + 4n;
    this.lastMsgId = id;
    return id;
  }

  nextSeq(contentRelated: boolean): number {
    return contentRelated ? this.contentSent++ * 2 + 1 : this.contentSent * 2;
  }

  send(body: Buffer, o: { contentRelated?: boolean; msgId?: bigint; seqNo?: number } = {}): bigint {
    const msgId = o.msgId ?? this.newMsgId();
    const seqNo = o.seqNo ?? this.nextSeq(o.contentRelated ?? true);
    const env = encryptEnvelope(this.authKey, innerPlaintext(this.salt, this.sessionId, msgId, seqNo, body), 'client-to-server');
    this.sock.write(this.framing.encode(env));
    return msgId;
  }

  /** An unencrypted message, as the key exchange is sent. */
  sendPlain(body: Buffer): bigint {
    const msgId = this.newMsgId();
    const head = Buffer.alloc(20);
    head.writeBigInt64LE(msgId, 8);
    head.writeInt32LE(body.length, 16);
    this.sock.write(this.framing.encode(Buffer.concat([head, body])));
    return msgId;
  }

  sendRawPayload(payload: Buffer): void {
    this.sock.write(this.framing.encode(payload));
  }

  /** Gets past the first bad_server_salt so later tests start in a live session. */
  async handshake(): Promise<void> {
    const id = this.send(initConnectionGetConfig());
    const bad = await this.waitFor(CTOR.badServerSalt);
    assert.equal(bad.body.readBigInt64LE(4), id);
    this.salt = bad.body.readBigInt64LE(20);
    const again = this.send(initConnectionGetConfig());
    const res = await this.waitFor(CTOR.rpcResult);
    assert.equal(res.body.readBigInt64LE(4), again);
  }

  /** Resolves true once the server has closed the connection, false if it is still open after ms. */
  async waitClosed(ms = 3000): Promise<boolean> {
    const t0 = Date.now();
    while (!this.closed && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.sock?.destroy();
  }
}
