/**
 * Signing in with a QR code through the real GramJS against the sandbox DCs (qrAuth.ts), from an
 * empty session as a user does: the code shown, "scanned" by the sandbox's stand-in for a phone,
 * the pushed updateLoginToken, the move to the account's DC, two-step verification, expired
 * codes replaced, a missed update, the bound on codes, and cancelling.
 */
import assert from 'node:assert/strict';
import { TelegramAccount } from '../../../server/engine/connectors/telegram-live/account';
import { closeTelegramClient, openTelegramClient } from '../../../server/engine/connectors/telegram-live/client';
import { type QrLoginCode, signInWithQr } from '../../../server/engine/connectors/telegram-live/qrAuth';
import { UserError } from '../../../server/engine/errors';
import { type TelegramSandbox, startTelegramSandbox } from '../../sandbox/telegram';
import { MemoryStore, credentialsOf, sandboxEndpoint, scriptedPrompt, tokenOfLoginUrl } from './helpers';

describe('telegram-live: sign in with a QR code against the sandbox through GramJS', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  beforeEach(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
  });
  afterEach(async () => {
    await sb.close();
  });

  /** Records the codes shown; `onCode` runs for each (the test's phone). */
  const showing = (onCode: (code: QrLoginCode, all: QrLoginCode[]) => void) => {
    const codes: QrLoginCode[] = [];
    const show = (code: QrLoginCode) => {
      codes.push(code);
      onCode(code, codes);
    };
    return Object.assign(show, { codes });
  };
  const scan = (code: QrLoginCode) => sb.scanLoginToken(tokenOfLoginUrl(code.url));

  it('signs in when a Telegram app scans the code: the pushed update ends the wait, the login moves to the account\'s DC, the session is kept', async () => {
    const store = new MemoryStore();
    const account = new TelegramAccount({ store, endpoint: sandboxEndpoint(sb), signInHelp: 'Sign in.' });
    const show = showing((code) => setTimeout(() => scan(code), 50));
    const started = Date.now();
    const status = await account.signInWithQr(show, scriptedPrompt([]), credentialsOf(sb));
    assert.equal(status.signedIn, true);
    assert.equal(status.account?.userId, sb.model.selfId);
    assert.equal(show.codes.length, 1);
    assert.equal(show.codes[0]!.of, 10);
    assert.ok(show.codes[0]!.expiresAt - started > 25_000, 'the code lives about 30 s');
    assert.ok(Date.now() - started < 15_000, 'the pushed update, not the code\'s expiry, ended the wait');
    assert.equal(sb.updatesPushed(), 1);
    // GramJS starts on DC 4; Telegram sent the login to DC 2 (loginTokenMigrateTo), where it was imported.
    assert.equal(sb.counters.requestsOnDc(4, 'auth.exportLoginToken'), 2);
    assert.equal(sb.counters.requestsOnDc(2, 'auth.importLoginToken'), 1);
    assert.ok(store.stored && store.creds?.apiId === sb.apiId);
    const handshakes = sb.counters.requests('set_client_DH_params');
    const client = await openTelegramClient({ ...credentialsOf(sb), session: store.stored, endpoint: sandboxEndpoint(sb), requireAuthorized: true });
    await closeTelegramClient(client);
    assert.equal(sb.counters.requests('set_client_DH_params'), handshakes, 'the saved session is DC 2\'s signed-in key');
    assert.equal((await account.status()).account?.userId, sb.model.selfId);
    await account.close();
  });

  it('asks the two-step verification password after the scan, with its hint, again when wrong', async () => {
    sb.model.setPassword('qr horse', 'stable');
    const prompt = scriptedPrompt([['password', 'wrong'], ['password', 'qr horse']]);
    const result = await signInWithQr({ ...credentialsOf(sb), endpoint: sandboxEndpoint(sb), prompt, showCode: showing((code) => setTimeout(() => scan(code), 50)) });
    assert.equal(result.cancelled, false);
    assert.match(prompt.asked[0]!.info.hint!, /hint: stable/);
    assert.match(prompt.asked[1]!.info.error!, /password is not right/);
    assert.equal(sb.counters.requestsOnDc(2, 'auth.checkPassword'), 2);
  });

  it('replaces a code before it expires, and the scan of a later code signs in', async () => {
    sb.model.loginTokenLifetimeSeconds = 2;
    const show = showing((code, all) => {
      if (all.length === 2) scan(code);
    });
    const result = await signInWithQr({ ...credentialsOf(sb), endpoint: sandboxEndpoint(sb), prompt: scriptedPrompt([]), showCode: show });
    assert.equal(result.cancelled, false);
    assert.equal(show.codes.length, 2);
    assert.notEqual(show.codes[0]!.url, show.codes[1]!.url);
    assert.ok(show.codes[1]!.expiresAt > show.codes[0]!.expiresAt);
    assert.deepEqual(show.codes.map((c) => c.index), [1, 2]);
  });

  it('still signs in when the pushed update is lost (connection dropped): the next export finds the scan', async () => {
    sb.model.loginTokenLifetimeSeconds = 2;
    const show = showing((code) => {
      sb.dropConnections();
      scan(code);
    });
    const result = await signInWithQr({ ...credentialsOf(sb), endpoint: sandboxEndpoint(sb), prompt: scriptedPrompt([]), showCode: show });
    assert.equal(result.cancelled, false);
    assert.equal(show.codes.length, 1);
    assert.equal(sb.updatesPushed(), 0, 'nobody was connected to get it');
  });

  it('stops after the last code expires unscanned, saying what to do', async () => {
    sb.model.loginTokenLifetimeSeconds = 1;
    const show = showing(() => undefined);
    await assert.rejects(
      signInWithQr({ ...credentialsOf(sb), endpoint: sandboxEndpoint(sb), prompt: scriptedPrompt([]), showCode: show, maxCodes: 2 }),
      (e: unknown) => e instanceof UserError && /No Telegram app scanned the QR code \(2 codes/.test(e.message) && /phone number/.test(e.message),
    );
    assert.equal(show.codes.length, 2);
  });

  it('cancelling while the code is shown, or at the password, ends quietly and stores nothing', async () => {
    const store = new MemoryStore();
    const account = new TelegramAccount({ store, endpoint: sandboxEndpoint(sb), signInHelp: 'Sign in.' });
    const controller = new AbortController();
    const status = await account.signInWithQr(showing(() => setTimeout(() => controller.abort(), 50)), scriptedPrompt([]), credentialsOf(sb), controller.signal);
    assert.deepEqual(status, { signedIn: false });
    assert.equal(store.stored, undefined);
    sb.model.setPassword('pw');
    const atPassword = await account.signInWithQr(showing((code) => setTimeout(() => scan(code), 50)), scriptedPrompt([['password', null]]), credentialsOf(sb));
    assert.deepEqual(atPassword, { signedIn: false });
    assert.equal(store.stored, undefined);
    await account.close();
  });

  it('bad API credentials are named before any code is shown', async () => {
    const show = showing(() => undefined);
    await assert.rejects(
      signInWithQr({ apiId: sb.apiId, apiHash: 'ab'.repeat(16), endpoint: sandboxEndpoint(sb), prompt: scriptedPrompt([]), showCode: show }),
      (e: unknown) => e instanceof UserError && /refused the API id and hash/.test(e.message),
    );
    assert.equal(show.codes.length, 0);
  });
});
