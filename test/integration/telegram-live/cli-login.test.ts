/**
 * `vault-archiver login` / `logout` (dist/cli.js) against the sandbox DCs: answers piped on stdin,
 * the session file created 0600 outside the vault, refused inside it, a clear exit when the API
 * id is missing, and the session ended on Telegram's side by logout.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { SESSION_REVOKED, closeTelegramClient, openTelegramClient } from '../../../server/engine/connectors/telegram-live/client';
import { UserError } from '../../../server/engine/errors';
import { type TelegramSandbox, startTelegramSandbox } from '../../sandbox/telegram';
import { repoRoot } from '../../support/workerProcess';
import { cliSandboxEnv, credentialsOf, sandboxEndpoint } from './helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');

/** Runs the CLI without blocking this process (the sandbox runs here), answering on stdin. */
function runCli(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(input);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('CLI: vault-archiver login / logout against the sandbox', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let sessionFile: string;

  beforeEach(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cli-login-'));
    ({ env, sessionFile } = cliSandboxEnv(sb, dir));
  });
  afterEach(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('signs in with a wrong code then 2FA, writes the session 0600 in the config folder, and logout ends it', async () => {
    sb.model.setPassword('tr0ub4dor', 'the usual');
    const r = await runCli(['login'], env, `+${sb.model.self.phone}\n00000\n${sb.model.loginCode}\ntr0ub4dor\n`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Signed in to Telegram as Sandbox Tester \(@sandbox_me\)\./);
    assert.match(r.stderr, /That code is not right/);
    assert.match(r.stdout + r.stderr, /hint: the usual/);
    const st = await fs.stat(sessionFile);
    assert.equal(st.mode & 0o777, 0o600);
    const saved = JSON.parse(await fs.readFile(sessionFile, 'utf8')) as { session: string; apiId: number };
    assert.equal(saved.apiId, sb.apiId);
    for (const secret of [saved.session, 'tr0ub4dor', sb.model.loginCode, sb.apiHash]) assert.ok(!(r.stdout + r.stderr).includes(secret), 'no secret printed');
    const client = await openTelegramClient({ ...credentialsOf(sb), session: saved.session, endpoint: sandboxEndpoint(sb), requireAuthorized: true });
    await closeTelegramClient(client);

    const out = await runCli(['logout'], env);
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /Signed out of Telegram/);
    assert.equal(sb.counters.requests('auth.logOut'), 1);
    assert.equal((JSON.parse(await fs.readFile(sessionFile, 'utf8')) as { session?: string }).session, undefined);
    await assert.rejects(openTelegramClient({ ...credentialsOf(sb), session: saved.session, endpoint: sandboxEndpoint(sb), requireAuthorized: true }), (e: unknown) => e instanceof UserError && e.message === SESSION_REVOKED);
    const again = await runCli(['logout'], env);
    assert.equal(again.status, 0);
    assert.match(again.stdout, /no session to end/);
  });

  it('refuses a session file inside the vault', async () => {
    const vault = path.join(dir, 'vault');
    await fs.mkdir(vault);
    const r = await runCli(['login', '--vault', vault], { ...env, VAULT_ARCHIVER_TELEGRAM_SESSION_FILE: path.join(vault, 'secrets', 'tg') }, `+${sb.model.self.phone}\n${sb.model.loginCode}\n`);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^error: The Telegram session file .* is inside the vault .*VAULT_ARCHIVER_TELEGRAM_SESSION_FILE/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.equal(sb.counters.requests('auth.sendCode'), 0);
    await assert.rejects(fs.stat(path.join(vault, 'secrets', 'tg')));
  });

  it('without an API id (and no terminal to ask on) says which variables to set and exits 1', async () => {
    const { VAULT_ARCHIVER_TELEGRAM_API_ID: _i, VAULT_ARCHIVER_TELEGRAM_API_HASH: _h, ...noCreds } = env;
    const r = await runCli(['login'], noCreds);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^error: Signing in needs the API id and hash .*VAULT_ARCHIVER_TELEGRAM_API_ID and VAULT_ARCHIVER_TELEGRAM_API_HASH.*my\.telegram\.org\/apps/);
    const json = await runCli(['login', '--json'], { ...noCreds, VAULT_ARCHIVER_TELEGRAM_API_ID: '12' });
    assert.equal(json.status, 1);
    assert.equal(json.stderr, '');
    assert.match(JSON.parse(json.stdout.trim()).message, /Set both VAULT_ARCHIVER_TELEGRAM_API_ID and VAULT_ARCHIVER_TELEGRAM_API_HASH/);
  });

  it('a cancelled sign-in (end of input) stores nothing and exits 130', async () => {
    const r = await runCli(['login'], env, `+${sb.model.self.phone}\n`);
    assert.equal(r.status, 130, r.stderr);
    await assert.rejects(fs.stat(sessionFile));
  });
});
