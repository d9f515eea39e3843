// The sandbox driven by a minimal MTProto client written from the protocol documents (no GramJS on the wire),
// checking the service-message rules an independent client depends on.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { decryptEnvelope, encryptEnvelope, innerPlaintext } from './crypto';
import { FullTransportClient } from './framing';
import { type TelegramSandbox, startTelegramSandbox } from './index';
import { CTOR, i32, i64, parseContainer, readTlBytes, tlBytes, u32 } from './server';

const CONFIG = 0xcc1a241e;
const HELP_GET_CONFIG = u32(0xc4f9186b);
const RPC_ERROR = 0x2144ca19;

function initConnectionGetConfig(): Buffer {
  const str = (s: string) => tlBytes(Buffer.from(s));
  const init = Buffer.concat([u32(0xc1cd5ea9), i32(0), i32(611335), str('raw'), str('1'), str('1'), str('en'), str(''), str('en'), HELP_GET_CONFIG]);
  return Buffer.concat([u32(0xda9b0d0d), i32(198), init]);
}

interface ServerMessage {
  msgId: bigint;
  seqNo: number;
  body: Buffer;
}

class RawClient {
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

  constructor(private readonly authKey: Buffer) {}

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
    const d = decryptEnvelope(this.authKey, payload, 'server-to-client');
    assert.equal(d.sessionId, this.sessionId, 'server answers in our session');
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

  close(): void {
    this.sock?.destroy();
  }
}

describe('telegram sandbox: MTProto service messages (independent raw client)', function () {
  let sb: TelegramSandbox;
  const clients: RawClient[] = [];
  const client = async () => {
    const c = new RawClient(sb.authKey);
    clients.push(c);
    await c.connect(sb.port);
    return c;
  };

  before(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
  });
  afterEach(() => {
    while (clients.length) clients.pop()!.close();
    sb.faults.clear();
  });
  after(async () => {
    await sb.close();
  });

  it('answers salt 0 with bad_server_salt, then new_session_created and rpc_result with the right ids', async () => {
    const c = await client();
    const first = c.send(initConnectionGetConfig());
    const bad = await c.nextMessage();
    assert.equal(bad.body.readUInt32LE(0), CTOR.badServerSalt);
    assert.equal(bad.body.readBigInt64LE(4), first, 'bad_msg_id');
    assert.equal(bad.body.readInt32LE(12), 1, 'bad_msg_seqno');
    assert.equal(bad.body.readInt32LE(16), 48, 'error_code 48: incorrect server salt');
    assert.equal(bad.msgId % 4n, 1n, 'a response: msg_id ≡ 1 mod 4');
    c.salt = bad.body.readBigInt64LE(20);
    const second = c.send(initConnectionGetConfig());
    const created = await c.waitFor(CTOR.newSessionCreated);
    assert.equal(created.body.readBigInt64LE(4), second, 'first_msg_id');
    assert.equal(created.body.readBigInt64LE(20), c.salt, 'server_salt');
    assert.equal(created.msgId % 4n, 3n, 'not a response: msg_id ≡ 3 mod 4');
    const res = await c.waitFor(CTOR.rpcResult);
    assert.equal(res.body.readBigInt64LE(4), second, 'req_msg_id');
    assert.equal(res.body.readUInt32LE(12), CONFIG);
    assert.equal(res.msgId % 4n, 1n);
    // Server seq_no: content-related messages are odd and numbered 2n+1 in order; ids only grow.
    const seqs = c.received.map((m) => m.seqNo);
    assert.deepEqual(seqs, [1, 3, 5]);
    const ids = c.received.map((m) => m.msgId);
    assert.deepEqual([...ids].sort((a, b) => (a < b ? -1 : 1)), ids);
    const nowSecs = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(Number(ids[0] >> 32n) - nowSecs) < 5, 'msg_id ≈ unixtime * 2^32');
  });

  it('answers ping with pong carrying msg_id and ping_id, outside rpc_result', async () => {
    const c = await client();
    await c.handshake();
    const pingId = 0x1234567890n;
    const id = c.send(Buffer.concat([u32(0x7abe77ec), i64(pingId)]));
    const pong = await c.waitFor(CTOR.pong);
    assert.equal(pong.body.readBigInt64LE(4), id);
    assert.equal(pong.body.readBigInt64LE(12), pingId);
  });

  it('closes the connection after ping_delay_disconnect when no further ping comes', async () => {
    const c = await client();
    await c.handshake();
    c.send(Buffer.concat([u32(0xf3427b8c), i64(7n), i32(1)]));
    await c.waitFor(CTOR.pong);
    const t0 = Date.now();
    while (!c.closed && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 50));
    assert.ok(c.closed, 'connection closed after disconnect_delay');
  });

  it('sends bad_msg_notification for msg_id and seq_no errors (codes 18, 16, 17, 35, 34)', async () => {
    const c = await client();
    await c.handshake();
    const code = async (o: { msgId?: bigint; seqNo?: number }, body = HELP_GET_CONFIG) => {
      const id = c.send(body, o);
      const m = await c.waitFor(CTOR.badMsgNotification);
      assert.equal(m.body.readBigInt64LE(4), id);
      return m.body.readInt32LE(16);
    };
    assert.equal(await code({ msgId: c.newMsgId() + 1n }), 18);
    assert.equal(await code({ msgId: (BigInt(Math.floor(Date.now() / 1000) - 600) << 32n) }), 16);
    assert.equal(await code({ msgId: (BigInt(Math.floor(Date.now() / 1000) + 600) << 32n) }), 17);
    assert.equal(await code({ seqNo: 2 }), 35, 'a request needs an odd seq_no');
    assert.equal(await code({ seqNo: 3 }, Buffer.concat([u32(CTOR.msgsAck), u32(CTOR.vector), i32(0)])), 34, 'an ack needs an even seq_no');
  });

  it('accepts requests in msg_container and gzip_packed', async () => {
    const c = await client();
    await c.handshake();
    const a = c.newMsgId();
    const aSeq = c.nextSeq(true);
    const gz = Buffer.concat([u32(CTOR.gzipPacked), tlBytes(gzipSync(HELP_GET_CONFIG))]);
    const b = c.newMsgId();
    const bSeq = c.nextSeq(true);
    const item = (id: bigint, seq: number, body: Buffer) => Buffer.concat([i64(id), i32(seq), i32(body.length), body]);
    c.send(Buffer.concat([u32(CTOR.msgContainer), i32(2), item(a, aSeq, HELP_GET_CONFIG), item(b, bSeq, gz)]), { contentRelated: false });
    const answered = new Set<bigint>();
    while (answered.size < 2) {
      const r = await c.waitFor(CTOR.rpcResult);
      assert.equal(r.body.readUInt32LE(12), CONFIG);
      answered.add(r.body.readBigInt64LE(4));
    }
    assert.deepEqual([...answered].sort(), [a, b].sort());
  });

  it('answers unknown methods with rpc_error 400 INPUT_METHOD_INVALID_…', async () => {
    const c = await client();
    await c.handshake();
    const id = c.send(u32(0x0badf00d));
    const r = await c.waitFor(CTOR.rpcResult);
    assert.equal(r.body.readBigInt64LE(4), id);
    assert.equal(r.body.readUInt32LE(12), RPC_ERROR);
    assert.equal(r.body.readInt32LE(16), 400);
    assert.match(readTlBytes(r.body, 20).value.toString(), /^INPUT_METHOD_INVALID_/);
  });

  it('sends transport error -404 for an unknown auth key', async () => {
    const c = new RawClient(randomBytes(256));
    clients.push(c);
    await c.connect(sb.port);
    c.send(HELP_GET_CONFIG);
    const e = await c.next();
    assert.ok(Buffer.isBuffer(e));
    assert.equal((e as Buffer).readInt32LE(0), -404);
  });

  it('rejects a key that is not signed in with 401 AUTH_KEY_UNREGISTERED', async () => {
    const loginSession = sb.createLoginSession();
    const key = Buffer.from(loginSession.slice(1), 'base64').subarray(-256);
    const c = new RawClient(key);
    clients.push(c);
    await c.connect(sb.port);
    await c.handshake(); // help.getConfig is allowed without login
    c.send(u32(0xedd4882a)); // updates.getState
    const r = await c.waitFor(CTOR.rpcResult);
    assert.equal(r.body.readUInt32LE(12), RPC_ERROR);
    assert.equal(r.body.readInt32LE(16), 401);
    assert.equal(readTlBytes(r.body, 20).value.toString(), 'AUTH_KEY_UNREGISTERED');
  });

  it('speaks the intermediate transport too', async () => {
    const c = new RawClient(sb.authKey);
    clients.push(c);
    const sock = net.connect(sb.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const env = encryptEnvelope(sb.authKey, innerPlaintext(0n, c.sessionId, c.newMsgId(), 1, HELP_GET_CONFIG), 'client-to-server');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(env.length);
    sock.write(Buffer.concat([Buffer.from('eeeeeeee', 'hex'), len, env]));
    const reply = await new Promise<Buffer>((resolve) => {
      let acc = Buffer.alloc(0);
      sock.on('data', (d) => {
        acc = Buffer.concat([acc, d]);
        if (acc.length >= 4 && acc.length >= 4 + acc.readUInt32LE(0)) resolve(acc.subarray(4, 4 + acc.readUInt32LE(0)));
      });
    });
    sock.destroy();
    const d = decryptEnvelope(sb.authKey, reply, 'server-to-client');
    assert.equal(d.body.readUInt32LE(0), CTOR.badServerSalt);
  });

  it('rotates the server salt on request: the next message gets bad_server_salt again', async () => {
    const c = await client();
    await c.handshake();
    sb.faults.rotateSalt();
    const id = c.send(HELP_GET_CONFIG);
    const bad = await c.waitFor(CTOR.badServerSalt);
    assert.equal(bad.body.readBigInt64LE(4), id);
    assert.notEqual(bad.body.readBigInt64LE(20), c.salt);
  });
});
