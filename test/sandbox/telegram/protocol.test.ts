// Unit tests of the sandbox's own protocol code, derived from the protocol documents and from node's crypto,
// not from GramJS. (One interop check at the end uses GramJS's MTProtoState as a second, independent reader.)
import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { MTProtoState } from 'telegram/network/MTProtoState';
import { AuthKey } from 'telegram/crypto/AuthKey';
import { BinaryReader } from 'telegram/extensions';
import bigInt from 'big-integer';
import {
  EnvelopeError,
  authKeyId,
  decryptEnvelope,
  deriveAesKeyIv,
  encryptEnvelope,
  igeDecrypt,
  igeEncrypt,
  innerPlaintext,
  msgKeyFor,
  paddingFor,
  sha1,
  streamBytes,
} from './crypto';
import { FullTransportClient, ServerTransport, crc32 } from './framing';
import { ServerMsgIds, parseContainer, readTlBytes, tlBytes } from './service';
import { checkFileRange } from './rpc';
import { idsHash, sliceHistory } from './paging';
import type { RpcFailure } from './tl';
import type { SandboxMessage } from './model';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('telegram sandbox: AES-256-IGE', () => {
  it('matches the published AES-IGE test vectors (OpenSSL igetest, AES-128 keys)', () => {
    // Vector 1: key 00..0f, iv 00..1f, 32 zero bytes.
    const key1 = hex('000102030405060708090a0b0c0d0e0f');
    const iv1 = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const ct1 = hex('1a8519a6557be652e9da8e43da4ef4453cf456b4ca488aa383c79c98b34797cb');
    assert.deepEqual(igeEncrypt(Buffer.alloc(32), key1, iv1), ct1);
    assert.deepEqual(igeDecrypt(ct1, key1, iv1), Buffer.alloc(32));
    // Vector 2: ASCII key/iv; the ciphertext spells a sentence.
    const key2 = Buffer.from('This is an imple');
    const iv2 = Buffer.from('mentation of IGE mode for OpenSS');
    const pt2 = hex('99706487a1cde613bc6de0b6f24b1c7aa448c8b9c3403e3467a8cad89340f53b');
    assert.equal(igeEncrypt(pt2, key2, iv2).toString('latin1'), "L. Let's hope Ben got it right!\n");
  });

  it('follows the IGE definition block by block with AES-256 (c_i = E(p_i ^ c_{i-1}) ^ p_{i-1})', () => {
    const key = hex('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4');
    const iv = randomBytes(32);
    const pt = randomBytes(48);
    const ecb = (b: Buffer) => {
      const c = createCipheriv('aes-256-ecb', key, null);
      c.setAutoPadding(false);
      return c.update(b);
    };
    const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i]));
    let prevC = iv.subarray(0, 16);
    let prevP = iv.subarray(16);
    const expected: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      const p = pt.subarray(i * 16, i * 16 + 16);
      const c = xor(ecb(xor(p, prevC)), prevP);
      expected.push(c);
      prevC = c;
      prevP = p;
    }
    assert.deepEqual(igeEncrypt(pt, key, iv), Buffer.concat(expected));
    assert.deepEqual(igeDecrypt(Buffer.concat(expected), key, iv), pt);
    // AES-256 known answer from FIPS-197 C.3 through a one-block IGE with a zero iv (IGE = ECB then).
    const fips = igeEncrypt(hex('00112233445566778899aabbccddeeff'), hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'), Buffer.alloc(32));
    assert.deepEqual(fips, hex('8ea2b7ca516745bfeafc49904b496089'));
  });

  it('rejects input that is not a multiple of the block size', () => {
    assert.throws(() => igeEncrypt(Buffer.alloc(15), Buffer.alloc(32), Buffer.alloc(32)));
  });
});

describe('telegram sandbox: MTProto 2.0 message keys', () => {
  const authKey = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 7 + 3) & 0xff));

  it('auth_key_id is the low 64 bits of SHA1(auth_key)', () => {
    const h = createHash('sha1').update(authKey).digest();
    assert.equal(authKeyId(authKey), h.readBigUInt64LE(12));
  });

  it('msg_key is the middle 128 bits of SHA256(auth_key[88+x..+32] + plaintext), x = 0 / 8', () => {
    const pt = randomBytes(64);
    for (const [dir, x] of [['client-to-server', 0], ['server-to-client', 8]] as const) {
      const full = createHash('sha256').update(authKey.subarray(88 + x, 120 + x)).update(pt).digest();
      assert.deepEqual(msgKeyFor(authKey, pt, dir), full.subarray(8, 24));
    }
  });

  it('derives aes_key and aes_iv as the document specifies', () => {
    const msgKey = randomBytes(16);
    for (const [dir, x] of [['client-to-server', 0], ['server-to-client', 8]] as const) {
      const a = createHash('sha256').update(msgKey).update(authKey.subarray(x, x + 36)).digest();
      const b = createHash('sha256').update(authKey.subarray(40 + x, 76 + x)).update(msgKey).digest();
      const { key, iv } = deriveAesKeyIv(authKey, msgKey, dir);
      assert.deepEqual(key, Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]));
      assert.deepEqual(iv, Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]));
    }
  });

  it('pads with 12..1024 bytes to a multiple of 16', () => {
    for (let len = 0; len < 200; len++) {
      const pad = paddingFor(len).length;
      assert.ok(pad >= 12 && pad <= 1024, `padding ${pad} for ${len}`);
      assert.equal((len + pad) % 16, 0);
    }
  });

  it('round-trips an envelope and refuses tampering, the wrong direction and bad padding', () => {
    const body = randomBytes(40);
    const inner = innerPlaintext(123n, -5n, 0x6000000000000000n, 7, body);
    const env = encryptEnvelope(authKey, inner, 'client-to-server');
    const d = decryptEnvelope(authKey, env, 'client-to-server');
    assert.equal(d.salt, 123n);
    assert.equal(d.sessionId, -5n);
    assert.equal(d.msgId, 0x6000000000000000n);
    assert.equal(d.seqNo, 7);
    assert.deepEqual(d.body, body);
    const tampered = Buffer.from(env);
    tampered[tampered.length - 1] ^= 1;
    assert.throws(() => decryptEnvelope(authKey, tampered, 'client-to-server'), (e: EnvelopeError) => e.kind === 'bad-msg-key');
    assert.throws(() => decryptEnvelope(authKey, env, 'server-to-client'), (e: EnvelopeError) => e.kind === 'bad-msg-key');
    // Padding of 4 bytes is below the 12-byte minimum: a conforming receiver rejects it.
    const short = encryptEnvelope(authKey, innerPlaintext(0n, 0n, 0n, 0, Buffer.alloc(12)), 'client-to-server', randomBytes(4));
    assert.throws(() => decryptEnvelope(authKey, short, 'client-to-server'), (e: EnvelopeError) => e.kind === 'bad-inner-length');
  });

  it('interoperates with an independent implementation (GramJS MTProtoState) in both directions', async () => {
    const ak = new AuthKey(authKey, sha1(authKey));
    const state = new MTProtoState(ak, { debug() {}, info() {}, warn() {}, error() {} } as never);
    state.salt = bigInt(99);
    // GramJS → server: its encryptMessageData output must decrypt with x = 0.
    const body = Buffer.from('15c4b51c00000000', 'hex'); // an empty vector, any TL object will do
    const plain = Buffer.concat([Buffer.from('0100000000000000', 'hex'), Buffer.from('0800000000000000', 'hex'), Buffer.alloc(4), Buffer.from([body.length, 0, 0, 0]), body]);
    const fromClient = await state.encryptMessageData(plain);
    const got = decryptEnvelope(authKey, fromClient, 'client-to-server');
    assert.equal(got.salt, 99n);
    // server → GramJS: encrypted with x = 8, it must pass GramJS's msg_key check and parse.
    const serverMsg = encryptEnvelope(authKey, innerPlaintext(1n, BigInt(String((state as unknown as { id: unknown }).id)), 0x65000000_00000001n, 1, body), 'server-to-client');
    const msg = await state.decryptMessageData(serverMsg);
    assert.deepEqual(msg.obj, []);
  });
});

describe('telegram sandbox: TCP framing', () => {
  it('computes CRC32 (IEEE) — check value and zlib agree', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    const data = randomBytes(1000);
    const z = (zlib as unknown as { crc32?: (b: Buffer) => number }).crc32;
    if (z) assert.equal(crc32(data), z(data));
  });

  it('frames full transport as length, seqno, payload, CRC32 over all of it', () => {
    const t = new ServerTransport();
    t.kind = 'full';
    const payload = Buffer.from('abcdefgh');
    const f1 = t.encode(payload);
    assert.equal(f1.readUInt32LE(0), 20);
    assert.equal(f1.readUInt32LE(4), 0);
    assert.deepEqual(f1.subarray(8, 16), payload);
    assert.equal(f1.readUInt32LE(16), crc32(f1.subarray(0, 16)));
    assert.equal(t.encode(payload).readUInt32LE(4), 1, 'seqno counts per direction');
  });

  it('decodes full transport fed byte by byte, checks CRC and seqno', () => {
    const client = new FullTransportClient();
    const frames = Buffer.concat([client.encode(Buffer.from('12345678')), client.encode(Buffer.from('abcd'))]);
    const t = new ServerTransport();
    const out: Buffer[] = [];
    for (const b of frames) out.push(...t.push(Buffer.from([b])));
    assert.equal(t.kind, 'full');
    assert.deepEqual(out.map(String), ['12345678', 'abcd']);
    const bad = new FullTransportClient().encode(Buffer.from('12345678'));
    bad[9] ^= 0xff;
    assert.throws(() => new ServerTransport().push(bad), /CRC32/);
    const c2 = new FullTransportClient();
    c2.encode(Buffer.alloc(4));
    assert.throws(() => new ServerTransport().push(c2.encode(Buffer.alloc(4))), /seqno/);
  });

  it('recognises abridged and intermediate transports by their first bytes', () => {
    const payload = randomBytes(600); // 150 words: abridged needs the 0x7f long form
    const ab = new ServerTransport();
    const head = Buffer.from([0xef, 0x7f, 150, 0, 0]);
    assert.deepEqual(ab.push(Buffer.concat([head, payload])), [payload]);
    assert.equal(ab.kind, 'abridged');
    assert.equal(ab.encode(Buffer.alloc(8))[0], 2);
    const im = new ServerTransport();
    const len = Buffer.alloc(4);
    len.writeUInt32LE(8);
    assert.deepEqual(im.push(Buffer.concat([Buffer.from('eeeeeeee', 'hex'), len, Buffer.from('01234567')])).map(String), ['01234567']);
    assert.equal(im.kind, 'intermediate');
  });
});

describe('telegram sandbox: message ids, containers, TL bytes', () => {
  it('server msg_ids are time-based, strictly increasing, 1 mod 4 for responses and 3 mod 4 otherwise', () => {
    let now = 1_700_000_000_500;
    const ids = new ServerMsgIds(() => now);
    const a = ids.next('response');
    const b = ids.next('other');
    const c = ids.next('response');
    assert.equal(a % 4n, 1n);
    assert.equal(b % 4n, 3n);
    assert.equal(c % 4n, 1n);
    assert.ok(a < b && b < c, 'same millisecond still increases');
    assert.equal(Number(a >> 32n), 1_700_000_000);
    now -= 5000; // a clock step backwards never makes ids go down
    assert.ok(ids.next('other') > c);
  });

  it('parses msg_container and refuses inner lengths that do not add up', () => {
    const inner = (id: bigint, body: Buffer) => {
      const h = Buffer.alloc(16);
      h.writeBigInt64LE(id, 0);
      h.writeInt32LE(1, 8);
      h.writeInt32LE(body.length, 12);
      return Buffer.concat([h, body]);
    };
    const head = Buffer.alloc(8);
    head.writeUInt32LE(0x73f1f8dc, 0);
    head.writeInt32LE(2, 4);
    const c = Buffer.concat([head, inner(4n, Buffer.alloc(8, 1)), inner(8n, Buffer.alloc(4, 2))]);
    assert.deepEqual(parseContainer(c)?.map((m) => [m.msgId, m.body.length]), [[4n, 8], [8n, 4]]);
    assert.equal(parseContainer(Buffer.concat([c, Buffer.alloc(4)])), undefined);
  });

  it('serializes TL bytes with 1- and 4-byte length prefixes, padded to 4', () => {
    for (const n of [0, 1, 3, 253, 254, 1000]) {
      const data = randomBytes(n);
      const enc = tlBytes(data);
      assert.equal(enc.length % 4, 0);
      assert.deepEqual(readTlBytes(enc, 0).value, data);
      assert.deepEqual(new BinaryReader(enc).tgReadBytes(), data);
    }
  });
});

describe('telegram sandbox: API semantics', () => {
  const msgs: SandboxMessage[] = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, peer: { kind: 'user', id: 1 }, date: 1000 + Math.floor(i / 3), text: '' }));
  const ids = (p: Parameters<typeof sliceHistory>[1]) => sliceHistory(msgs, p).map((m) => m.id);
  const base = { offsetId: 0, offsetDate: 0, addOffset: 0, limit: 5, maxId: 0, minId: 0 };

  it('pages history as api/offsets documents: offset_id, add_offset, limit, then max_id/min_id', () => {
    assert.deepEqual(ids(base), [50, 49, 48, 47, 46]);
    assert.deepEqual(ids({ ...base, offsetId: 20 }), [19, 18, 17, 16, 15], 'older than offset_id');
    assert.deepEqual(ids({ ...base, offsetId: 20, addOffset: -5 }), [24, 23, 22, 21, 20], 'newer, from offset_id up');
    assert.deepEqual(ids({ ...base, offsetId: 20, addOffset: -2 }), [21, 20, 19, 18, 17], 'around');
    assert.deepEqual(ids({ ...base, offsetId: 20, maxId: 18 }), [17, 16, 15], 'max_id exclusive, after slicing');
    assert.deepEqual(ids({ ...base, offsetId: 20, minId: 16 }), [19, 18, 17], 'min_id exclusive, after slicing');
    assert.deepEqual(ids({ ...base, offsetId: 3, limit: 100 }), [2, 1]);
    assert.deepEqual(ids({ ...base, offsetId: 48, addOffset: -10 }), [], 'past the newest end');
    assert.deepEqual(ids({ ...base, limit: 500 }).length, 50, 'limit capped at 100');
    assert.deepEqual(ids({ ...base, offsetDate: 1003 }), [9, 8, 7, 6, 5], 'offset_date when no offset_id');
    assert.deepEqual(ids({ ...base, offsetId: 20, offsetDate: 1003 }), [19, 18, 17, 16, 15], 'offset_id wins over offset_date');
  });

  it('computes the documented result hash', () => {
    // hash of [1]: 0 → 0 → 0 → 1; of [1,2]: 1 ^ (1>>21)=1, 1 ^ (1<<35), then ^ (>>4), + 2.
    assert.equal(idsHash([1]), 1n);
    let h = 1n;
    h ^= h >> 21n;
    h ^= h << 35n;
    h ^= h >> 4n;
    h += 2n;
    assert.equal(idsHash([1, 2]), h);
  });

  it('enforces upload.getFile alignment: 4 KiB, 1 MiB divisible by limit, no 1 MiB crossing', () => {
    const err = (f: () => void) => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return (e as RpcFailure).errorMessage;
      }
    };
    assert.equal(err(() => checkFileRange(0, 512 * 1024, false)), 'ok');
    assert.equal(err(() => checkFileRange(1024 * 1024, 1024 * 1024, false)), 'ok');
    assert.equal(err(() => checkFileRange(1000, 4096, false)), 'OFFSET_INVALID');
    assert.equal(err(() => checkFileRange(0, 5000, false)), 'LIMIT_INVALID');
    assert.equal(err(() => checkFileRange(0, 3 * 4096, false)), 'LIMIT_INVALID', '1 MiB not divisible by 12 KiB');
    assert.equal(err(() => checkFileRange(768 * 1024, 512 * 1024, false)), 'LIMIT_INVALID', 'crosses 1 MiB');
    assert.equal(err(() => checkFileRange(0, 2 * 1024 * 1024, false)), 'LIMIT_INVALID');
    assert.equal(err(() => checkFileRange(1024, 3 * 1024, true)), 'ok', 'precise: 1 KiB units');
    assert.equal(err(() => checkFileRange(1024 * 1024 - 1024, 2048, true)), 'LIMIT_INVALID', 'precise still may not cross 1 MiB');
  });

  it('generates media bytes deterministically at any offset', () => {
    const whole = streamBytes('seed', 0, 100);
    assert.deepEqual(streamBytes('seed', 37, 40), whole.subarray(37, 77));
    assert.notDeepEqual(streamBytes('other', 0, 100), whole);
  });
});
