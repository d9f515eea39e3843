// Sessions as a real user has them, through the real GramJS client: signing in from an empty StringSession
// (GramJS creates its auth key with the DH exchange, and is sent to the account's DC), and keys that belong to
// one DC each, so another DC takes a new key and auth.exportAuthorization / auth.importAuthorization.
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api, Logger, TelegramClient, errors } from 'telegram';
import { BinaryReader } from 'telegram/extensions';
import { LogLevel } from 'telegram/extensions/Logger';
import { StringSession } from 'telegram/sessions';
import { sandboxConnectionClass } from './gramjs';
import { type TelegramSandbox, closeGramjsClient, registerSandboxRsaKey, startTelegramSandbox } from './index';
import { RPC_ERROR, RawClient } from './raw-client';
import { DhClient, transportError } from './raw-dh';
import { CTOR, readTlBytes, u32 } from './service';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms).unref())]);
}

describe('telegram sandbox: GramJS from an empty session', function () {
  this.timeout(30_000);
  let sb: TelegramSandbox;
  const open: TelegramClient[] = [];
  const raws: RawClient[] = [];

  /** A production-style client: a plain StringSession and only the port-mapping transport. */
  function gramjs(session: string): TelegramClient {
    registerSandboxRsaKey(sb.rsaPublicKey);
    const connection = sandboxConnectionClass(sb);
    const c = new TelegramClient(new StringSession(session), sb.apiId, sb.apiHash, { connection, connectionRetries: 5, retryDelay: 200, baseLogger: new Logger(LogLevel.NONE) });
    open.push(c);
    return c;
  }

  before(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
  });
  after(async () => {
    for (const c of open) await closeGramjsClient(c);
    for (const r of raws) r.close();
    await sb?.close();
  });

  it('signs in with a code from StringSession(\'\'): GramJS makes its key by DH, and the saved session needs none', async () => {
    const client = gramjs('');
    await withTimeout(client.connect(), 15_000, 'connect with DH');
    const dhs = () => [1, 2, 3, 4, 5].reduce((n, dc) => n + sb.counters.requestsOnDc(dc, 'set_client_DH_params'), 0);
    assert.ok(dhs() >= 1, 'the key came from the DH exchange');
    assert.equal(await client.checkAuthorization(), false, 'a new key is not signed in');
    await withTimeout(
      client.start({ phoneNumber: async () => sb.model.self.phone!, phoneCode: async () => sb.model.loginCode, onError: async () => true }),
      15_000,
      'sign-in',
    );
    const me = (await client.getMe()) as Api.User;
    assert.equal(Number(me.id), sb.model.selfId);
    // GramJS starts on DC 4; the account lives on DC 2: PHONE_MIGRATE_2, a new key there, the code again.
    assert.equal(sb.counters.requestsOnDc(4, 'auth.sendCode'), 1, 'asked DC 4 first');
    assert.equal(sb.counters.requestsOnDc(2, 'auth.sendCode'), 1, 'then the home DC');
    assert.ok(sb.counters.requestsOnDc(4, 'set_client_DH_params') >= 1 && sb.counters.requestsOnDc(2, 'set_client_DH_params') >= 1, 'a key on each');
    assert.equal(client.session.dcId, 2, 'the session now names the home DC');
    const saved = (client.session as StringSession).save();
    assert.ok(saved.length > 0);
    const before = dhs();
    const again = gramjs(saved);
    await withTimeout(again.connect(), 10_000, 'reconnect');
    assert.equal(Number(((await again.getMe()) as Api.User).id), sb.model.selfId, 'the saved session is signed in');
    assert.equal(dhs(), before, 'no new key for a saved session');
  });

  it('downloads a file on DC 4 with a production-style StringSession: DH there, then export/import of the authorization', async () => {
    const alice = sb.model.addUser({ firstName: 'Alice', phone: '15550002001' });
    const doc = sb.model.addDocument({ size: 300_000, fileName: 'far.bin', dcId: 4 });
    const m = sb.model.addMessage({ kind: 'user', id: alice.id }, { text: 'from afar', media: { type: 'document', file: doc } });
    const client = gramjs(sb.session);
    await withTimeout(client.connect(), 10_000, 'connect');
    const peer = new Api.InputPeerUser({ userId: bigInt(alice.id), accessHash: bigInt(alice.accessHash.toString()) });
    const [msg] = await client.getMessages(peer, { ids: [m.id] });
    const bytes = (await withTimeout(client.downloadMedia(msg) as Promise<Buffer>, 20_000, 'download from DC 4')) as Buffer;
    assert.ok(bytes.equals(sb.model.fileBytes(doc)), 'byte-exact');
    assert.ok(sb.counters.requestsOnDc(4, 'set_client_DH_params') >= 1, 'GramJS created a key on DC 4');
    assert.equal(sb.counters.requestsOnDc(2, 'auth.exportAuthorization'), 1, 'exported on the home DC');
    assert.equal(sb.counters.requestsOnDc(4, 'auth.importAuthorization'), 1, 'imported on DC 4');
    assert.ok(sb.counters.requestsOnDc(4, 'upload.getFile') > 0, 'the parts came from DC 4');
  });

  it('knows the pre-signed key on the home DC only; a new key elsewhere is unregistered until it imports an authorization', async () => {
    const client = gramjs(sb.session);
    await withTimeout(client.connect(), 10_000, 'connect');
    const onDc4 = new RawClient(sb.authKey);
    raws.push(onDc4);
    await onDc4.connect(sb.dcPorts[4]);
    onDc4.send(u32(0xc4f9186b));
    assert.equal(transportError(await onDc4.next()), -404, 'the home key means nothing on DC 4');

    const fresh = async (dc: number) => {
      const c = new RawClient();
      raws.push(c);
      await c.connect(sb.dcPorts[dc]);
      await new DhClient(c, sb.rsaPublicKey).run();
      return c;
    };
    const call = async (c: RawClient, req: Api.AnyRequest) => {
      c.send(req.getBytes());
      const r = await c.waitFor(CTOR.rpcResult);
      return r.body.readUInt32LE(12) === RPC_ERROR ? readTlBytes(r.body, 20).value.toString() : new BinaryReader(r.body.subarray(12)).tgReadObject();
    };
    const c4 = await fresh(4);
    assert.equal(await call(c4, new Api.updates.GetState()), 'AUTH_KEY_UNREGISTERED');
    await assert.rejects(client.invoke(new Api.auth.ExportAuthorization({ dcId: 2 })), (e: errors.RPCError) => e.errorMessage === 'DC_ID_INVALID', 'not for the DC asked');
    await assert.rejects(client.invoke(new Api.auth.ExportAuthorization({ dcId: 9 })), (e: errors.RPCError) => e.errorMessage === 'DC_ID_INVALID', 'not for a DC that does not exist');
    const token = await client.invoke(new Api.auth.ExportAuthorization({ dcId: 4 }));
    assert.equal(Number(token.id), sb.model.selfId, 'id is the user id');
    const c3 = await fresh(3);
    assert.equal(await call(c3, new Api.auth.ImportAuthorization({ id: token.id, bytes: token.bytes })), 'AUTH_BYTES_INVALID', 'the token is for DC 4');
    assert.equal(await call(c4, new Api.auth.ImportAuthorization({ id: token.id.add(1), bytes: token.bytes })), 'AUTH_BYTES_INVALID', 'and for this user');
    const auth = (await call(c4, new Api.auth.ImportAuthorization({ id: token.id, bytes: token.bytes }))) as Api.auth.Authorization;
    assert.equal(Number(auth.user.id), sb.model.selfId);
    assert.ok((await call(c4, new Api.updates.GetState())) instanceof Api.updates.State, 'DC 4 now serves the account');
    const other = await fresh(4);
    assert.equal(await call(other, new Api.auth.ImportAuthorization({ id: token.id, bytes: token.bytes })), 'AUTH_BYTES_INVALID', 'a token serves once');
  });
});
