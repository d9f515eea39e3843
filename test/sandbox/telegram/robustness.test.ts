// Broken TL from a client that holds a valid key must cost that client its connection at most: the process, its
// other connections and every DC keep serving. Driven by the raw client, since GramJS never sends such bytes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type TelegramSandbox, SANDBOX_DC_IDS, startTelegramSandbox } from './index';
import { RPC_ERROR, RawClient } from './raw-client';
import { CTOR, i32, i64, readTlBytes, u32 } from './service';

describe('telegram sandbox: malformed messages from a key holder', function () {
  let sb: TelegramSandbox;
  const clients: RawClient[] = [];
  const client = async (port = sb.port, key = sb.authKey) => {
    const c = new RawClient(key);
    clients.push(c);
    await c.connect(port);
    return c;
  };

  before(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
  });
  afterEach(() => {
    while (clients.length) clients.pop()!.close();
  });
  after(async () => {
    await sb.close();
  });

  /** A live session beside the one under test, which must survive whatever the other sends. */
  async function bystander(): Promise<RawClient> {
    const b = await client();
    await b.handshake();
    return b;
  }

  async function stillServes(b: RawClient): Promise<void> {
    b.send(Buffer.concat([u32(CTOR.ping), i64(42n)]));
    const pong = await b.waitFor(CTOR.pong);
    assert.equal(pong.body.readBigInt64LE(12), 42n, 'the other session still gets answers');
    // Every DC still accepts connections and answers (an unknown key gets -404 there).
    for (const dc of SANDBOX_DC_IDS) {
      const probe = await client(sb.dcPorts[dc], randomBytes(256));
      probe.send(u32(0xc4f9186b));
      const e = await probe.next();
      assert.ok(Buffer.isBuffer(e) && e.readInt32LE(0) === -404, `DC ${dc} answers`);
    }
  }

  const malformed: [string, Buffer][] = [
    ['get_future_salts without num', u32(CTOR.getFutureSalts)],
    ['msgs_state_req claiming 5 ids and holding 1', Buffer.concat([u32(CTOR.msgsStateReq), u32(CTOR.vector), i32(5), i64(1n)])],
    ['msgs_state_req without its vector', u32(CTOR.msgsStateReq)],
    ['destroy_session without an id', u32(CTOR.destroySession)],
    ['ping cut after its constructor', u32(CTOR.ping)],
    ['ping_delay_disconnect without disconnect_delay', Buffer.concat([u32(CTOR.pingDelayDisconnect), i64(1n)])],
  ];
  for (const [what, body] of malformed) {
    it(`closes only the sender's connection on ${what}`, async () => {
      const b = await bystander();
      const c = await client();
      await c.handshake();
      c.send(body);
      assert.equal(await c.waitClosed(), true, 'the sender is disconnected');
      await stillServes(b);
    });
  }

  it('answers a truncated API method with 400 INPUT_FETCH_ERROR and keeps the connection', async () => {
    const c = await client();
    await c.handshake();
    // users.getUsers(id: Vector<InputUser>) whose vector claims an element that is not there.
    const id = c.send(Buffer.concat([u32(0x0d91a548), u32(CTOR.vector), i32(1)]));
    const r = await c.waitFor(CTOR.rpcResult);
    assert.equal(r.body.readBigInt64LE(4), id);
    assert.equal(r.body.readUInt32LE(12), RPC_ERROR);
    assert.equal(r.body.readInt32LE(16), 400);
    assert.equal(readTlBytes(r.body, 20).value.toString(), 'INPUT_FETCH_ERROR');
    c.send(Buffer.concat([u32(CTOR.ping), i64(7n)]));
    await c.waitFor(CTOR.pong);
    assert.equal(c.closed, false);
  });

  it('still answers well-formed service messages: get_future_salts, msgs_state_req, destroy_session', async () => {
    const c = await client();
    await c.handshake();
    const fs = c.send(Buffer.concat([u32(CTOR.getFutureSalts), i32(3)]));
    const salts = await c.waitFor(CTOR.futureSalts);
    assert.equal(salts.body.readBigInt64LE(4), fs, 'req_msg_id');
    assert.equal(salts.body.readInt32LE(16), 3, 'three salts in the bare vector');
    const known = c.send(Buffer.concat([u32(CTOR.ping), i64(1n)]));
    await c.waitFor(CTOR.pong);
    c.send(Buffer.concat([u32(CTOR.msgsStateReq), u32(CTOR.vector), i32(2), i64(known), i64(4n)]));
    const state = await c.waitFor(CTOR.msgsStateInfo);
    assert.deepEqual([...readTlBytes(state.body, 12).value], [4, 1], 'received / nothing known (long forgotten)');
    c.send(Buffer.concat([u32(CTOR.destroySession), i64(123n)]));
    const d = await c.waitFor(CTOR.rpcResult);
    assert.equal(d.body.readUInt32LE(12), CTOR.destroySessionNone);
  });
});
