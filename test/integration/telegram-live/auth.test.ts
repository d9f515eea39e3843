/**
 * Signing in to Telegram through the real GramJS against the sandbox DCs, from an empty session
 * as a user does: code, two-step verification, wrong and expired codes, wrong passwords, flood
 * waits, bad app credentials, sign-out, and a revoked key that must not hang.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TelegramAccount } from '../../../server/engine/connectors/telegram-live/account';
import { signIn } from '../../../server/engine/connectors/telegram-live/auth';
import { SESSION_REVOKED, closeTelegramClient, openTelegramClient } from '../../../server/engine/connectors/telegram-live/client';
import { UserError } from '../../../server/engine/errors';
import { type TelegramSandbox, encodeStringSession, startTelegramSandbox } from '../../sandbox/telegram';
import { MemoryStore, credentialsOf, sandboxEndpoint, scriptedPrompt } from './helpers';

describe('telegram-live: sign in against the sandbox through GramJS', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  beforeEach(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
  });
  afterEach(async () => {
    await sb.close();
  });

  const phone = () => `+${sb.model.self.phone!}`;

  it('signs in from an empty session with the code, and the saved session opens signed in without a new key exchange', async () => {
    const prompt = scriptedPrompt([['phone', phone()], ['code', sb.model.loginCode]]);
    const result = await signIn({ ...credentialsOf(sb), endpoint: sandboxEndpoint(sb), prompt });
    assert.equal(result.cancelled, false);
    if (result.cancelled) return;
    assert.equal(result.account.userId, sb.model.selfId);
    assert.equal(result.account.name, 'Sandbox Tester');
    assert.match(prompt.asked[1]!.info.hint!, /Telegram app/);
    // GramJS started on DC 4, Telegram sent it home (PHONE_MIGRATE_2), the key was made there by DH.
    assert.equal(sb.counters.requestsOnDc(4, 'auth.sendCode'), 1);
    assert.equal(sb.counters.requestsOnDc(2, 'auth.signIn'), 1);
    const handshakes = sb.counters.requests('set_client_DH_params');
    const client = await openTelegramClient({ ...credentialsOf(sb), session: result.session, endpoint: sandboxEndpoint(sb), requireAuthorized: true });
    try {
      assert.equal(sb.counters.requests('set_client_DH_params'), handshakes, 'no new key for a saved session');
    } finally {
      await closeTelegramClient(client);
    }
  });

  it('says a wrong code is wrong and asks again, without echoing it', async () => {
    const prompt = scriptedPrompt([['phone', phone()], ['code', '99999'], ['code', sb.model.loginCode]]);
    const result = await signIn({ ...credentialsOf(sb), endpoint: sandboxEndpoint(sb), prompt });
    assert.equal(result.cancelled, false);
    assert.equal(prompt.asked[1]!.info.error, undefined);
    assert.match(prompt.asked[2]!.info.error!, /code is not right/);
    assert.ok(!JSON.stringify(prompt.asked).includes('99999'));
  });

  it('an expired code gets a new one sent and says so', async () => {
    const prompt = scriptedPrompt([['phone', phone()], () => sb.clock.advance(sb.model.loginCodeLifetimeSeconds + 1), ['code', sb.model.loginCode], ['code', sb.model.loginCode]]);
    const result = await signIn({ ...credentialsOf(sb), endpoint: sandboxEndpoint(sb), prompt });
    assert.equal(result.cancelled, false);
    assert.match(prompt.asked[2]!.info.error!, /expired\. Telegram sent a new one/);
    assert.equal(sb.counters.requestsOnDc(2, 'auth.sendCode'), 2, 'a second code was asked for');
  });

  it('completes two-step verification with the hint shown, after a wrong password', async () => {
    sb.model.setPassword('correct horse', 'a horse');
    const prompt = scriptedPrompt([['phone', phone()], ['code', sb.model.loginCode], ['password', 'wrong horse'], ['password', 'correct horse']]);
    const result = await signIn({ ...credentialsOf(sb), endpoint: sandboxEndpoint(sb), prompt });
    assert.equal(result.cancelled, false);
    assert.match(prompt.asked[2]!.info.hint!, /hint: a horse/);
    assert.match(prompt.asked[3]!.info.error!, /password is not right/);
    assert.equal(sb.counters.requests('auth.checkPassword'), 2);
    assert.ok(!JSON.stringify(prompt.asked).includes('horse"'), 'no password in what was shown');
  });

  it('a cancelled prompt ends the sign-in quietly', async () => {
    const prompt = scriptedPrompt([['phone', phone()], ['code', null]]);
    assert.deepEqual(await signIn({ ...credentialsOf(sb), endpoint: sandboxEndpoint(sb), prompt }), { cancelled: true });
  });

  it('a flood wait on sendCode says how long to wait', async () => {
    sb.faults.floodWait(1260, { method: 'auth.sendCode' });
    const prompt = scriptedPrompt([['phone', phone()]]);
    await assert.rejects(signIn({ ...credentialsOf(sb), endpoint: sandboxEndpoint(sb), prompt }), (e: unknown) => e instanceof UserError && /wait 21 min before sending the login code again/.test(e.message));
  });

  it('bad API credentials are named, with where to get good ones', async () => {
    const prompt = scriptedPrompt([['phone', phone()]]);
    const hash = 'ab'.repeat(16);
    await assert.rejects(signIn({ apiId: sb.apiId, apiHash: hash, endpoint: sandboxEndpoint(sb), prompt }), (e: unknown) => e instanceof UserError && /refused the API id and hash/.test(e.message) && !e.message.includes(hash));
    await assert.rejects(signIn({ apiId: sb.apiId, apiHash: 'nope', endpoint: sandboxEndpoint(sb), prompt }), (e: unknown) => e instanceof UserError && /my\.telegram\.org\/apps/.test(e.message));
  });

  it('sign-out ends the session on Telegram and deletes it; the old session is refused after', async () => {
    const store = new MemoryStore();
    const account = new TelegramAccount({ store, endpoint: sandboxEndpoint(sb), signInHelp: 'Sign in.' });
    const status = await account.signIn(scriptedPrompt([['phone', phone()], ['code', sb.model.loginCode]]), credentialsOf(sb));
    assert.equal(status.account?.name, 'Sandbox Tester');
    const old = store.stored!;
    assert.ok(old);
    assert.equal((await account.status()).account?.userId, sb.model.selfId);
    await account.signOut();
    assert.equal(store.stored, undefined);
    assert.equal(sb.counters.requests('auth.logOut'), 1);
    assert.deepEqual(await account.status(), { signedIn: false });
    await assert.rejects(openTelegramClient({ ...credentialsOf(sb), session: old, endpoint: sandboxEndpoint(sb), requireAuthorized: true }), (e: unknown) => e instanceof UserError && e.message === SESSION_REVOKED);
    store.stored = old;
    assert.equal((await account.status()).problem, SESSION_REVOKED);
    await account.close();
  });

  it('signing in again ends the session it replaces', async () => {
    const store = new MemoryStore();
    const account = new TelegramAccount({ store, endpoint: sandboxEndpoint(sb), signInHelp: 'Sign in.' });
    const answers = () => scriptedPrompt([['phone', phone()], ['code', sb.model.loginCode]]);
    await account.signIn(answers(), credentialsOf(sb));
    const first = store.stored!;
    await account.signIn(answers(), undefined);
    assert.notEqual(store.stored, first);
    assert.equal(sb.counters.requests('auth.logOut'), 1);
    await assert.rejects(openTelegramClient({ ...credentialsOf(sb), session: first, endpoint: sandboxEndpoint(sb), requireAuthorized: true }), (e: unknown) => e instanceof UserError && e.message === SESSION_REVOKED);
    assert.equal((await account.status()).account?.userId, sb.model.selfId, 'the new session works');
    await account.close();
  });

  it('a key Telegram does not know (revoked) fails within the timeout instead of hanging', async () => {
    const unknown = encodeStringSession(2, '127.0.0.1', sb.port, randomBytes(256));
    const started = Date.now();
    await assert.rejects(
      openTelegramClient({ ...credentialsOf(sb), session: unknown, endpoint: sandboxEndpoint(sb), requireAuthorized: true, timeoutMs: 1500 }),
      (e: unknown) => e instanceof UserError && /probably revoked.*Sign in to Telegram again/.test(e.message),
    );
    assert.ok(Date.now() - started < 10_000);
  });
});
