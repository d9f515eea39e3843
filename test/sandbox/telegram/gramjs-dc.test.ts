// Sessions as a real user has them, through the real GramJS client: signing in from an empty StringSession
// (GramJS creates its auth key with the DH exchange), and keys that belong to one DC each.
import assert from 'node:assert/strict';
import { Api, Logger, TelegramClient } from 'telegram';
import { LogLevel } from 'telegram/extensions/Logger';
import { StringSession } from 'telegram/sessions';
import { sandboxConnectionClass } from './gramjs';
import { type TelegramSandbox, closeGramjsClient, registerSandboxRsaKey, startTelegramSandbox } from './index';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms).unref())]);
}

describe('telegram sandbox: GramJS from an empty session', function () {
  this.timeout(30_000);
  let sb: TelegramSandbox;
  const open: TelegramClient[] = [];

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
    const saved = (client.session as StringSession).save();
    assert.ok(saved.length > 0);
    const before = dhs();
    const again = gramjs(saved);
    await withTimeout(again.connect(), 10_000, 'reconnect');
    assert.equal(Number(((await again.getMe()) as Api.User).id), sb.model.selfId, 'the saved session is signed in');
    assert.equal(dhs(), before, 'no new key for a saved session');
  });
});
