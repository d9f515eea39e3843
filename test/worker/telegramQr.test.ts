/**
 * Signing in to Telegram with a QR code through the worker over its real IPC transport, as the
 * extension does: the worker sends each code (archive/telegramQrCode), the sandbox stands in for
 * the phone that scans it, the password comes through archive/telegramPrompt, the session goes to
 * the client (archive/setSecret). Cancelling while a code is shown stores nothing; no code, session
 * or password reaches the worker's log.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { TelegramRequests } from '../../shared/protocol';
import { tokenOfLoginUrl } from '../integration/telegram-live/helpers';
import { type TelegramSandbox, startTelegramSandbox, telegramSandboxInfo } from '../sandbox/telegram';
import { startWorker, type WorkerHandle } from '../support/workerProcess';

describe('worker over IPC: Telegram sign-in with a QR code', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  let workspace: string;
  let worker: WorkerHandle | undefined;

  beforeEach(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'va-tg-qr-worker-'));
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await sb.close();
    await fs.rm(workspace, { recursive: true, force: true });
  });

  const env = () => ({ VAULT_ARCHIVER_TELEGRAM_SERVER: JSON.stringify(telegramSandboxInfo(sb)) });

  it('shows codes as notifications, signs in with 2FA once one is scanned, stores the session with the client; nothing secret in the log', async () => {
    sb.model.setPassword('qr battery', 'battery');
    worker = await startWorker(workspace, { env: env() });
    const codes: TelegramRequests.QrCodeParams[] = [];
    worker.connection.onNotification(TelegramRequests.qrCode, (c) => {
      codes.push(c);
      sb.scanLoginToken(tokenOfLoginUrl(c.url));
    });
    const asked: TelegramRequests.PromptParams[] = [];
    worker.connection.onRequest(TelegramRequests.prompt, (p) => {
      asked.push(p);
      return p.kind === 'password' ? 'qr battery' : null;
    });
    const status = await worker.connection.sendRequest(TelegramRequests.signIn, { apiId: sb.apiId, apiHash: sb.apiHash, method: 'qr' });
    assert.deepEqual(status, { signedIn: true, account: { userId: sb.model.selfId, name: 'Sandbox Tester', username: 'sandbox_me' } });
    assert.equal(codes.length, 1);
    assert.deepEqual([codes[0]!.index, codes[0]!.of], [1, 10]);
    assert.ok(codes[0]!.expiresAt > Date.now());
    assert.deepEqual(asked.map((a) => a.kind), ['password']);
    assert.match(asked[0]!.hint!, /battery/);
    const session = worker.secrets.telegramSession!;
    assert.ok(session && session.length > 300, 'the session went to the client');
    assert.equal((await worker.connection.sendRequest(TelegramRequests.status)).account?.userId, sb.model.selfId);

    const logs = worker.logs;
    await worker.stop();
    worker = undefined;
    const token = codes[0]!.url.split('=')[1]!;
    for (const secret of [session, 'qr battery', sb.apiHash, token]) {
      assert.ok(!logs.some((l) => l.includes(secret)), `the log holds a secret: ${secret.slice(0, 4)}…`);
    }
  });

  it('cancelling while a code is shown ends the sign-in with nothing stored', async () => {
    worker = await startWorker(workspace, { env: env() });
    const source = new CancellationTokenSource();
    let shown = 0;
    worker.connection.onNotification(TelegramRequests.qrCode, () => {
      shown++;
      source.cancel();
    });
    const status = await worker.connection.sendRequest(TelegramRequests.signIn, { apiId: sb.apiId, apiHash: sb.apiHash, method: 'qr' }, source.token);
    assert.deepEqual(status, { signedIn: false });
    assert.equal(shown, 1);
    assert.equal(worker.secrets.telegramSession, undefined);
  });
});
