// The sandbox driven by a minimal MTProto client written from the protocol documents (no GramJS on the wire),
// checking the service-message rules an independent client depends on.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { decryptEnvelope, encryptEnvelope, innerPlaintext } from './crypto';
import { type TelegramSandbox, startTelegramSandbox } from './index';
import { CONFIG, HELP_GET_CONFIG, RPC_ERROR, RawClient, initConnectionGetConfig } from './raw-client';
import { CTOR, i32, i64, readTlBytes, tlBytes, u32 } from './service';

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
});
