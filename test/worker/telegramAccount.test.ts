/**
 * Signing in to Telegram through the worker over its real IPC transport, as the extension does:
 * the worker drives the login against the sandbox DCs and asks the test client for each answer
 * (archive/telegramPrompt), hands the session over (archive/setSecret), lists and resolves chats,
 * and signs out. No secret may appear in anything the worker logged.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource, ResponseError } from 'vscode-languageserver-protocol/node';
import { TelegramRequests } from '../../shared/protocol';
import { type TelegramSandbox, startTelegramSandbox, telegramSandboxInfo } from '../sandbox/telegram';
import { startWorker, type WorkerHandle } from '../support/workerProcess';

describe('worker over IPC: Telegram account', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  let workspace: string;
  let worker: WorkerHandle | undefined;

  beforeEach(async () => {
    sb = await startTelegramSandbox({ seed: 'demo' });
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'va-tg-worker-'));
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await sb.close();
    await fs.rm(workspace, { recursive: true, force: true });
  });

  const env = () => ({ VAULT_ARCHIVER_TELEGRAM_SERVER: JSON.stringify(telegramSandboxInfo(sb)) });

  it('signs in with 2FA through prompts answered by the client, stores the session there, lists chats, signs out; no secret in the log', async () => {
    const password = 'correct horse battery';
    sb.model.setPassword(password, 'horse');
    worker = await startWorker(workspace, { env: env() });
    const asked: TelegramRequests.PromptParams[] = [];
    const answers: Record<string, (string | null)[]> = { phone: [`+${sb.model.self.phone!}`], code: ['11111', sb.model.loginCode], password: [password] };
    worker.connection.onRequest(TelegramRequests.prompt, (p) => {
      asked.push(p);
      return answers[p.kind]!.shift() ?? null;
    });
    assert.deepEqual(await worker.connection.sendRequest(TelegramRequests.status), { signedIn: false });

    const status = await worker.connection.sendRequest(TelegramRequests.signIn, { apiId: sb.apiId, apiHash: sb.apiHash });
    assert.deepEqual(status, { signedIn: true, account: { userId: sb.model.selfId, name: 'Sandbox Tester', username: 'sandbox_me' } });
    assert.deepEqual(asked.map((a) => a.kind), ['phone', 'code', 'code', 'password']);
    assert.match(asked[2]!.error!, /not right/);
    assert.match(asked[3]!.hint!, /horse/);
    const session = worker.secrets.telegramSession!;
    assert.ok(session && session.length > 300, 'the session went to the client');
    assert.deepEqual(JSON.parse(worker.secrets.telegramApiCredentials!), { apiId: sb.apiId, apiHash: sb.apiHash });

    assert.equal((await worker.connection.sendRequest(TelegramRequests.status)).account?.name, 'Sandbox Tester');
    const page = await worker.connection.sendRequest(TelegramRequests.chats, { search: 'sandbox', limit: 2 });
    assert.equal(page.chats.length, 2);
    assert.ok(page.cursor);
    const news = await worker.connection.sendRequest(TelegramRequests.resolve, { ref: 't.me/sandbox_news' });
    assert.deepEqual([news.type, news.title], ['channel', 'Sandbox News']);
    await assert.rejects(worker.connection.sendRequest(TelegramRequests.resolve, { ref: 'https://example.org' }), (e: unknown) => e instanceof ResponseError && e.code === -32001);

    await worker.connection.sendRequest(TelegramRequests.signOut);
    assert.equal(worker.secrets.telegramSession, undefined, 'sign-out deleted the session');
    assert.equal(sb.counters.requests('auth.logOut'), 1);
    assert.deepEqual(await worker.connection.sendRequest(TelegramRequests.status), { signedIn: false });

    const logs = worker.logs;
    const code = await worker.stop();
    worker = undefined;
    assert.equal(code, 0, 'the worker exits after shutdown, GramJS included');
    for (const secret of [session, password, sb.apiHash, sb.model.loginCode, '11111']) {
      assert.ok(!logs.some((l) => l.includes(secret)), `the log holds a secret: ${secret.slice(0, 4)}…`);
    }
  });

  it('a cancelled prompt ends the sign-in with nothing stored; a flood wait is a message with its length', async () => {
    worker = await startWorker(workspace, { env: env() });
    worker.connection.onRequest(TelegramRequests.prompt, (p) => (p.kind === 'phone' ? `+${sb.model.self.phone!}` : null));
    assert.deepEqual(await worker.connection.sendRequest(TelegramRequests.signIn, { apiId: sb.apiId, apiHash: sb.apiHash }), { signedIn: false });
    assert.equal(worker.secrets.telegramSession, undefined);

    sb.faults.floodWait(3600, { method: 'auth.sendCode' });
    await assert.rejects(
      worker.connection.sendRequest(TelegramRequests.signIn, { apiId: sb.apiId, apiHash: sb.apiHash }),
      (e: unknown) => e instanceof ResponseError && e.code === -32001 && /wait 60 min/.test(e.message),
    );
    await assert.rejects(worker.connection.sendRequest(TelegramRequests.signIn, {}), (e: unknown) => e instanceof ResponseError && /my\.telegram\.org\/apps/.test(e.message));
  });

  it('cancelling the sign-in request closes the open prompt', async () => {
    worker = await startWorker(workspace, { env: env() });
    const source = new CancellationTokenSource();
    let promptCancelled: Promise<void> | undefined;
    worker.connection.onRequest(TelegramRequests.prompt, (_p, token) => {
      promptCancelled = new Promise<void>((resolve) => token.onCancellationRequested(() => resolve()));
      source.cancel();
      return new Promise<string | null>(() => undefined);
    });
    const result = worker.connection.sendRequest(TelegramRequests.signIn, { apiId: sb.apiId, apiHash: sb.apiHash }, source.token);
    assert.deepEqual(await result, { signedIn: false });
    await promptCancelled;
    assert.equal(worker.secrets.telegramSession, undefined);
  });
});
