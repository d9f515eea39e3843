// Session-layer rules with time or ordering in them (core.telegram.org/mtproto/description and
// /service_messages_about_messages), checked with the raw client: salt lifetime after a rotation, msg_seqno too
// low, and a frame that never finishes.
import assert from 'node:assert/strict';
import net from 'node:net';
import { type TelegramSandbox, startTelegramSandbox } from './index';
import { HELP_GET_CONFIG, RawClient } from './raw-client';
import { CTOR, i64, u32 } from './service';

const ping = (id: bigint) => Buffer.concat([u32(CTOR.ping), i64(id)]);

describe('telegram sandbox: salts, seq_no order and stalled frames', function () {
  let sb: TelegramSandbox;
  const clients: RawClient[] = [];
  const client = async () => {
    const c = new RawClient(sb.authKey);
    clients.push(c);
    await c.connect(sb.port);
    await c.handshake();
    return c;
  };

  before(async () => {
    sb = await startTelegramSandbox({ seed: 'empty', frameTimeoutMs: 300 });
  });
  afterEach(() => {
    while (clients.length) clients.pop()!.close();
  });
  after(async () => {
    await sb.close();
  });

  it('keeps accepting the old salt for 1800 s after a rotation, then answers bad_server_salt with the new one', async () => {
    const c = await client();
    const old = c.salt;
    sb.faults.rotateSalt();
    c.send(ping(1n));
    const pong = await c.waitFor(CTOR.pong);
    assert.equal(pong.body.readBigInt64LE(12), 1n, 'the old salt is still good right after the rotation');
    const fresh = c.lastServerSalt!;
    assert.notEqual(fresh, old, 'the server already writes the new salt in its own messages');
    sb.clock.advance(1799);
    c.send(ping(2n));
    await c.waitFor(CTOR.pong);
    sb.clock.advance(1);
    const id = c.send(ping(3n));
    const bad = await c.waitFor(CTOR.badServerSalt);
    assert.equal(bad.body.readBigInt64LE(4), id);
    assert.equal(bad.body.readBigInt64LE(20), fresh, 'bad_server_salt carries the new salt');
    c.salt = fresh;
    c.send(ping(4n));
    assert.equal((await c.waitFor(CTOR.pong)).body.readBigInt64LE(12), 4n);
  });

  it('rejects the old salt at once when the rotation has no grace period', async () => {
    const c = await client();
    sb.faults.rotateSalt({ graceSeconds: 0 });
    const id = c.send(HELP_GET_CONFIG);
    const bad = await c.waitFor(CTOR.badServerSalt);
    assert.equal(bad.body.readBigInt64LE(4), id);
    assert.notEqual(bad.body.readBigInt64LE(20), c.salt);
  });

  it('answers a seq_no lower than one already received with bad_msg_notification code 32', async () => {
    const c = await client();
    // The handshake's accepted request had seq_no 3; a later message (higher msg_id) may not go back to 1.
    const low = c.send(ping(5n), { seqNo: 1 });
    const n = await c.waitFor(CTOR.badMsgNotification);
    assert.equal(n.body.readBigInt64LE(4), low, 'bad_msg_id');
    assert.equal(n.body.readInt32LE(12), 1, 'bad_msg_seqno');
    assert.equal(n.body.readInt32LE(16), 32, 'error_code 32: msg_seqno too low');
    // An equal odd seq_no is too low as well (two content-related messages cannot share one).
    const same = c.send(ping(6n), { seqNo: 3 });
    const m = await c.waitFor(CTOR.badMsgNotification);
    assert.equal(m.body.readBigInt64LE(4), same);
    assert.equal(m.body.readInt32LE(16), 32);
    // A correctly numbered message is still served.
    c.send(ping(7n));
    assert.equal((await c.waitFor(CTOR.pong)).body.readBigInt64LE(12), 7n);
  });

  it('closes a connection that announces a frame and then goes silent', async () => {
    const sock = net.connect(sb.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const closed = new Promise<number>((r) => sock.once('close', () => r(Date.now())));
    const t0 = Date.now();
    const head = Buffer.alloc(8);
    head.writeUInt32LE(112, 0); // full transport: a 112-byte frame, of which only the first 8 bytes come
    sock.write(head);
    const at = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 3000))]);
    sock.destroy();
    assert.ok(at > 0, 'the server closed the connection');
    assert.ok(at - t0 >= 250, `not before the timeout (${at - t0} ms)`);
  });

  it('keeps a connection whose frames are complete, however long it stays quiet', async () => {
    const c = await client();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(c.closed, false);
    c.send(ping(8n));
    await c.waitFor(CTOR.pong);
  });
});
