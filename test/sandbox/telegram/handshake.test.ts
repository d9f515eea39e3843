// The DH auth key exchange (core.telegram.org/mtproto/auth_key) against a client written from the document
// (raw-dh.ts), including the failure answers, and the published constants the exchange rests on.
import assert from 'node:assert/strict';
import { checkPrimeSync, randomBytes } from 'node:crypto';
import bigInt from 'big-integer';
import { _serverKeys } from 'telegram/crypto/RSA';
import { sha1 } from './crypto';
import { DH_G, DH_PRIME, HS, fromBig, rsaFingerprint, toBig, xor } from './handshake';
import { type TelegramSandbox, registerSandboxRsaKey, startTelegramSandbox } from './index';
import { CONFIG, RPC_ERROR, RawClient } from './raw-client';
import { DhClient, factorize, transportError } from './raw-dh';
import { CTOR, i32, readTlBytes, u32 } from './service';

describe('telegram sandbox: auth key creation (DH exchange)', function () {
  this.timeout(20_000);
  let sb: TelegramSandbox;
  const clients: RawClient[] = [];
  const dh = async (dc = sb.dcId) => {
    const c = new RawClient();
    clients.push(c);
    await c.connect(sb.dcPorts[dc]);
    return new DhClient(c, sb.rsaPublicKey);
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

  it('computes resPQ fingerprints as documented: GramJS lists Telegram\'s key under the same value', () => {
    // The first key in GramJS's crypto/RSA.js, fingerprint -3414540481677951611 there.
    const entry = _serverKeys.get('-3414540481677951611')!;
    const n = Buffer.from(entry.n.toString(16).padStart(512, '0'), 'hex');
    assert.equal(rsaFingerprint(n, fromBig(BigInt(entry.e))), -3414540481677951611n);
    assert.equal(rsaFingerprint(sb.rsaPublicKey.n, sb.rsaPublicKey.e), sb.rsaPublicKey.fingerprint);
    assert.equal(sb.rsaPublicKey.n.length, 256, 'a 2048-bit modulus');
  });

  it('uses the published 2048-bit safe prime with a generator that suits it (p mod 3 = 2 for g = 3)', () => {
    const p = toBig(DH_PRIME);
    assert.ok(p > 1n << 2047n && p < 1n << 2048n);
    assert.ok(checkPrimeSync(p) && checkPrimeSync((p - 1n) / 2n), 'p and (p-1)/2 are prime');
    assert.equal(DH_G, 3);
    assert.equal(p % 3n, 2n);
  });

  it('creates a new key from nothing: resPQ, server_DH_params_ok, dh_gen_ok, then the key works on that DC', async () => {
    const d = await dh();
    await d.reqPq();
    assert.deepEqual(d.fingerprints, [sb.rsaPublicKey.fingerprint]);
    assert.ok(d.pq < 1n << 63n);
    const [p, q] = factorize(d.pq);
    assert.ok(p < q && p * q === d.pq && p > 1n);
    await d.reqDhParams(d.reqDhParamsBody({ inner: d.innerData({ dc: 2 }) }));
    assert.equal(d.g, 3);
    assert.equal(d.dhPrime, toBig(DH_PRIME));
    const margin = 1n << (2048n - 64n);
    assert.ok(d.gA > margin && d.gA < d.dhPrime - margin, 'g_a within the recommended range');
    assert.ok(Math.abs(d.serverTime - Date.now() / 1000) < 5, 'server_time');
    const { answer, authKey } = await d.setClientDh();
    assert.equal(d.genResult(answer, authKey), 'ok');
    assert.equal(sb.counters.requestsOnDc(2, 'req_pq_multi'), 1);
    assert.equal(sb.counters.requestsOnDc(2, 'set_client_DH_params'), 1);
    // First encrypted message with server_salt = substr(new_nonce, 0, 8) XOR substr(server_nonce, 0, 8): no
    // bad_server_salt, a new session, and the key is not signed in.
    const c = d.c;
    c.authKey = authKey;
    c.salt = xor(d.newNonce.subarray(0, 8), d.serverNonce.subarray(0, 8)).readBigInt64LE(0);
    c.send(u32(0xc4f9186b));
    const first = await c.nextMessage();
    assert.equal(first.body.readUInt32LE(0), CTOR.newSessionCreated, 'the initial salt was accepted');
    const config = await c.waitFor(CTOR.rpcResult);
    assert.equal(config.body.readUInt32LE(12), CONFIG);
    c.send(u32(0xedd4882a)); // updates.getState
    const r = await c.waitFor(CTOR.rpcResult);
    assert.equal(r.body.readUInt32LE(12), RPC_ERROR);
    assert.equal(readTlBytes(r.body, 20).value.toString(), 'AUTH_KEY_UNREGISTERED');
  });

  it('accepts p_q_inner_data without dc (what GramJS 2.26 sends); the key exists only on its DC', async () => {
    const d = await dh(4);
    const key = await d.run();
    d.c.send(u32(0xc4f9186b));
    await d.c.waitFor(CTOR.rpcResult);
    const elsewhere = new RawClient(key);
    clients.push(elsewhere);
    await elsewhere.connect(sb.dcPorts[3]);
    elsewhere.send(u32(0xc4f9186b));
    assert.equal(transportError(await elsewhere.next()), -404, 'DC 3 does not know a key made on DC 4');
  });

  it('re-sends the same answer to exactly the same request (a lost response)', async () => {
    const d = await dh();
    await d.reqPq();
    const body = d.reqDhParamsBody();
    const first = await d.reqDhParams(body);
    const again = await d.reqDhParams(body);
    assert.ok(!Buffer.isBuffer(first) && !Buffer.isBuffer(again));
    assert.deepEqual(again.body, first.body);
  });

  const refusals: [string, (d: DhClient) => Buffer, number][] = [
    ['p and q that are not the factors', (d) => d.reqDhParamsBody({ p: 3n, q: d.pq / 3n }), -404],
    ['an unknown key fingerprint', (d) => d.reqDhParamsBody({ fingerprint: 1234n }), -404],
    ['encrypted_data that fails the RSA_PAD hash', (d) => d.reqDhParamsBody({ encrypted: randomBytes(256).fill(0, 0, 1) }), -404],
    ['encrypted_data above the modulus', (d) => d.reqDhParamsBody({ encrypted: Buffer.alloc(256, 0xff) }), -404],
    ['p_q_inner_data_dc naming another DC', (d) => d.reqDhParamsBody({ inner: d.innerData({ dc: 3 }) }), -404],
    ['p_q_inner_data_dc naming a test DC', (d) => d.reqDhParamsBody({ inner: d.innerData({ dc: 10002 }) }), -444],
    ['a temporary key (not implemented)', (d) => d.reqDhParamsBody({ inner: Buffer.concat([d.innerData({ dc: 2, ctor: HS.pqInnerDataTempDc }), i32(3600)]) }), -404],
  ];
  for (const [what, body, code] of refusals) {
    it(`answers req_DH_params with ${what} by ${code}, and the handshake stays spoilt`, async () => {
      const d = await dh();
      await d.reqPq();
      assert.equal(transportError(await d.reqDhParams(body(d))), code);
      const retry = d.resumeOn((await dh()).c);
      assert.equal(transportError(await retry.reqDhParams()), -404, 'a correct request for the same handshake is refused too');
    });
  }

  it('answers dh_gen_fail for g_b outside the allowed range', async () => {
    const d = await dh();
    await d.reqPq();
    await d.reqDhParams();
    const { answer } = await d.setClientDh({ gB: 1n });
    // auth_key = 1^a = 1: the hash proves the server used this very g_b.
    assert.equal(d.genResult(answer, fromBig(1n, 256)), 'fail');
  });

  it('answers dh_gen_retry when the key collides; the retry names the failed attempt (retry_id) or fails', async () => {
    sb.faults.dhGenRetry();
    const d = await dh();
    await d.reqPq();
    await d.reqDhParams();
    const first = await d.setClientDh();
    assert.equal(d.genResult(first.answer, first.authKey), 'retry');
    const aux = sha1(first.authKey).readBigInt64LE(0); // auth_key_aux_hash of the attempt that collided
    const wrong = await d.setClientDh({ retryId: 0n });
    assert.equal(d.genResult(wrong.answer, wrong.authKey), 'fail', 'retry_id 0 on a retry');
    const second = await d.setClientDh({ retryId: aux });
    assert.equal(d.genResult(second.answer, second.authKey), 'ok');
  });

  it('refuses unencrypted messages that are not part of the exchange, and set_client_DH_params out of turn', async () => {
    const d = await dh();
    d.c.sendPlain(u32(0xc4f9186b)); // help.getConfig without a key
    assert.equal(transportError(await d.c.next()), -404);
    const e = await dh();
    await e.reqPq();
    const { answer } = await e.setClientDh({ gB: 5n });
    assert.equal(transportError(answer), -404, 'no req_DH_params yet');
  });

  it('GramJS can find the sandbox key by the fingerprint resPQ announces', () => {
    registerSandboxRsaKey(sb.rsaPublicKey);
    const k = _serverKeys.get(sb.rsaPublicKey.fingerprint.toString())!;
    assert.ok(k.n.equals(bigInt(sb.rsaPublicKey.n.toString('hex'), 16)));
    assert.equal(k.e, 65537);
  });
});
