// Login via QR code (core.telegram.org/api/qr-login) against the sandbox: tokens and their lifetime, the scan by
// a signed-in app (auth.acceptLoginToken), the updateLoginToken the server pushes to the waiting app (on the
// wire and through GramJS's update handlers), success on the home DC, auth.loginTokenMigrateTo +
// auth.importLoginToken from another DC, and SESSION_PASSWORD_NEEDED for two-step verification.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Api, Logger, TelegramClient } from 'telegram';
import { BinaryReader } from 'telegram/extensions';
import { LogLevel } from 'telegram/extensions/Logger';
import { computeCheck } from 'telegram/Password';
import { StringSession } from 'telegram/sessions';
import { sandboxConnectionClass } from './gramjs';
import { type TelegramSandbox, closeGramjsClient, registerSandboxRsaKey, startTelegramSandbox } from './index';
import { acceptScansFromStdin } from './manualScan';
import { RawClient } from './raw-client';
import { CTOR } from './service';

const UPDATE_SHORT = 0x78d4dec1;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms).unref())]);
}

/** The 256-byte key inside a StringSession string (see gramjs.ts encodeStringSession). */
function keyOfSession(session: string): Buffer {
  const b = Buffer.from(session.slice(1), 'base64');
  const addrLen = b.readInt16BE(1);
  return b.subarray(1 + 2 + addrLen + 2);
}

async function rpcError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return String((e as { errorMessage?: string }).errorMessage ?? e);
  }
  throw new Error('the call succeeded');
}

describe('telegram sandbox: login via QR code', function () {
  this.timeout(30_000);
  let sb: TelegramSandbox;
  const open: TelegramClient[] = [];
  const raws: RawClient[] = [];

  function gramjs(session: string): TelegramClient {
    registerSandboxRsaKey(sb.rsaPublicKey);
    const c = new TelegramClient(new StringSession(session), sb.apiId, sb.apiHash, { connection: sandboxConnectionClass(sb), connectionRetries: 5, retryDelay: 200, baseLogger: new Logger(LogLevel.NONE) });
    open.push(c);
    return c;
  }
  const exportToken = (c: TelegramClient, apiHash = sb.apiHash) => c.invoke(new Api.auth.ExportLoginToken({ apiId: sb.apiId, apiHash, exceptIds: [] }));
  /** Resolves when GramJS hands an UpdateLoginToken to its update handlers. */
  const nextLoginTokenUpdate = (c: TelegramClient) =>
    new Promise<Api.UpdateLoginToken>((resolve) => {
      c.addEventHandler((u: unknown) => {
        if (u instanceof Api.UpdateLoginToken) resolve(u);
      });
    });

  beforeEach(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
  });
  afterEach(async () => {
    while (open.length) await closeGramjsClient(open.pop()!);
    while (raws.length) raws.pop()!.close();
    await sb.close();
  });

  it('auth.exportLoginToken checks the app and returns a token that expires after the model\'s lifetime', async () => {
    const c = gramjs(sb.createLoginSession());
    await c.connect();
    assert.equal(await rpcError(exportToken(c, '0'.repeat(32))), 'API_ID_INVALID');
    const before = Math.floor(sb.clock.now() / 1000);
    const t = await exportToken(c);
    assert.ok(t instanceof Api.auth.LoginToken);
    assert.equal(t.token.length, 32);
    assert.ok(t.expires >= before + 30 && t.expires <= before + 31, `expires in about 30 s, not ${t.expires - before}`);
    assert.deepEqual(sb.waitingLoginTokens(), [Buffer.from(t.token)]);
    const again = await exportToken(c);
    assert.ok(again instanceof Api.auth.LoginToken && !Buffer.from(again.token).equals(Buffer.from(t.token)), 'each export is a new token');
  });

  it('pushes updateLoginToken as its own encrypted server message (msg_id ≡ 3 mod 4, odd seq_no) when the token is scanned', async () => {
    const raw = new RawClient(keyOfSession(sb.createLoginSession()));
    raws.push(raw);
    await raw.connect(sb.port);
    await raw.handshake();
    const req = raw.send(new Api.auth.ExportLoginToken({ apiId: sb.apiId, apiHash: sb.apiHash, exceptIds: [] }).getBytes());
    const res = await raw.waitFor(CTOR.rpcResult);
    assert.equal(res.body.readBigInt64LE(4), req);
    const token = new BinaryReader(res.body.subarray(12)).tgReadObject() as Api.auth.LoginToken;
    assert.ok(token instanceof Api.auth.LoginToken);
    sb.scanLoginToken(Buffer.from(token.token));
    const pushed = await raw.waitFor(UPDATE_SHORT);
    assert.equal(pushed.msgId % 4n, 3n, 'not a response: msg_id ≡ 3 mod 4');
    assert.ok(pushed.msgId > res.msgId, 'server msg_ids only grow');
    assert.equal(pushed.seqNo % 2, 1, 'content-related: odd seq_no');
    assert.ok(pushed.seqNo > res.seqNo);
    const update = new BinaryReader(pushed.body).tgReadObject();
    assert.ok(update instanceof Api.UpdateShort && update.update instanceof Api.UpdateLoginToken);
    assert.equal(sb.updatesPushed(), 1);
  });

  it('signs in on the home DC: a signed-in app accepts the token, GramJS gets the update, the next export is loginTokenSuccess', async () => {
    const waiting = gramjs(sb.createLoginSession());
    await waiting.connect();
    const updated = nextLoginTokenUpdate(waiting);
    const t = (await exportToken(waiting)) as Api.auth.LoginToken;
    const phone = gramjs(sb.session);
    await phone.connect();
    const auth = await phone.invoke(new Api.auth.AcceptLoginToken({ token: t.token }));
    assert.ok(auth instanceof Api.Authorization);
    assert.match(auth.deviceModel, /\S/, 'the scanner is told which app it signed in');
    await withTimeout(updated, 5000, 'updateLoginToken through GramJS');
    const done = await exportToken(waiting);
    assert.ok(done instanceof Api.auth.LoginTokenSuccess && done.authorization instanceof Api.auth.Authorization);
    assert.equal(Number(done.authorization.user.id), sb.model.selfId);
    const me = (await waiting.getMe()) as Api.User;
    assert.equal(Number(me.id), sb.model.selfId, 'the waiting key is signed in');
    assert.equal(await rpcError(phone.invoke(new Api.auth.AcceptLoginToken({ token: t.token }))), 'AUTH_TOKEN_ALREADY_ACCEPTED');
  });

  it('refuses an expired token (sandbox clock), an unknown one, and needs a signed-in scanner', async () => {
    const waiting = gramjs(sb.createLoginSession());
    await waiting.connect();
    const t = (await exportToken(waiting)) as Api.auth.LoginToken;
    const phone = gramjs(sb.session);
    await phone.connect();
    assert.equal(await rpcError(waiting.invoke(new Api.auth.AcceptLoginToken({ token: t.token }))), 'AUTH_KEY_UNREGISTERED');
    assert.equal(await rpcError(phone.invoke(new Api.auth.AcceptLoginToken({ token: Buffer.alloc(32, 7) }))), 'AUTH_TOKEN_INVALIDX');
    sb.clock.advance(sb.model.loginTokenLifetimeSeconds + 1);
    assert.deepEqual(sb.waitingLoginTokens(), [], 'nothing left to show');
    assert.equal(await rpcError(phone.invoke(new Api.auth.AcceptLoginToken({ token: t.token }))), 'AUTH_TOKEN_EXPIRED');
    assert.throws(() => sb.scanLoginToken(Buffer.from(t.token)), /AUTH_TOKEN_EXPIRED/);
    const fresh = (await exportToken(waiting)) as Api.auth.LoginToken;
    assert.ok(fresh instanceof Api.auth.LoginToken, 'an unscanned key just gets a new token');
  });

  it('from another DC: loginTokenMigrateTo the account\'s DC, auth.importLoginToken there once', async () => {
    const waiting = gramjs(''); // GramJS starts on DC 4; the account lives on DC 2
    await withTimeout(waiting.connect(), 15_000, 'connect with DH');
    const updated = nextLoginTokenUpdate(waiting);
    const t = (await exportToken(waiting)) as Api.auth.LoginToken;
    assert.equal(sb.counters.requestsOnDc(4, 'auth.exportLoginToken'), 1);
    sb.scanLoginToken(Buffer.from(t.token));
    await withTimeout(updated, 5000, 'updateLoginToken on DC 4');
    const moved = await exportToken(waiting);
    assert.ok(moved instanceof Api.auth.LoginTokenMigrateTo);
    assert.equal(moved.dcId, 2);
    await withTimeout(waiting._switchDC(moved.dcId), 15_000, 'switch to DC 2');
    const done = await waiting.invoke(new Api.auth.ImportLoginToken({ token: moved.token }));
    assert.ok(done instanceof Api.auth.LoginTokenSuccess);
    assert.equal(sb.counters.requestsOnDc(2, 'auth.importLoginToken'), 1);
    assert.equal(Number(((await waiting.getMe()) as Api.User).id), sb.model.selfId);
    assert.equal(await rpcError(waiting.invoke(new Api.auth.ImportLoginToken({ token: moved.token }))), 'AUTH_TOKEN_ALREADY_ACCEPTED');
    const other = gramjs(sb.createLoginSession());
    await other.connect();
    assert.equal(await rpcError(other.invoke(new Api.auth.ImportLoginToken({ token: Buffer.alloc(32, 1) }))), 'AUTH_TOKEN_INVALID');
  });

  it('an account with two-step verification answers SESSION_PASSWORD_NEEDED after the scan, and auth.checkPassword finishes', async () => {
    sb.model.setPassword('qr horse', 'qr hint');
    const waiting = gramjs(sb.createLoginSession());
    await waiting.connect();
    const t = (await exportToken(waiting)) as Api.auth.LoginToken;
    sb.scanLoginToken(Buffer.from(t.token));
    assert.equal(await rpcError(exportToken(waiting)), 'SESSION_PASSWORD_NEEDED');
    const params = await waiting.invoke(new Api.account.GetPassword());
    assert.equal(params.hint, 'qr hint');
    const auth = await waiting.invoke(new Api.auth.CheckPassword({ password: await computeCheck(params, 'qr horse') }));
    assert.ok(auth instanceof Api.auth.Authorization);
    assert.equal(Number(((await waiting.getMe()) as Api.User).id), sb.model.selfId);
  });

  it('by hand: "scan" typed where the sandbox runs accepts the newest waiting code (npm run sandbox)', async () => {
    const input = new PassThrough();
    const out = new PassThrough();
    let said = '';
    out.on('data', (d: Buffer) => (said += d.toString()));
    const rl = acceptScansFromStdin(sb, input, out);
    const settle = () => new Promise((r) => setImmediate(r));
    input.write('scan\n');
    await settle();
    assert.match(said, /no code is waiting/);
    const waiting = gramjs(sb.createLoginSession());
    await waiting.connect();
    await exportToken(waiting);
    const newest = (await exportToken(waiting)) as Api.auth.LoginToken;
    input.write('scan\n');
    await settle();
    assert.match(said, /newest code was scanned/);
    assert.deepEqual(sb.waitingLoginTokens().map((t) => t.toString('hex')).includes(Buffer.from(newest.token).toString('hex')), false);
    assert.equal(sb.waitingLoginTokens().length, 1, 'the older code still waits');
    rl.close();
  });
});
