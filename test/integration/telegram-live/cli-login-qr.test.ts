/**
 * `vault-archiver login --qr` (dist/cli.js) against the sandbox DCs: the QR code printed on the
 * terminal (text) or as an event (--json), "scanned" by the sandbox's stand-in for a phone, the
 * two-step password typed on stdin, the session file written; a code never scanned ends with a
 * message and exit 1 after the codes run out; --qr belongs to login only.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeTelegramClient, openTelegramClient } from '../../../server/engine/connectors/telegram-live/client';
import { type TelegramSandbox, startTelegramSandbox } from '../../sandbox/telegram';
import { repoRoot } from '../../support/workerProcess';
import { cliSandboxEnv, credentialsOf, sandboxEndpoint, tokenOfLoginUrl } from './helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout matches. */
  waitFor(re: RegExp): Promise<RegExpExecArray>;
  exit: Promise<number | null>;
}

function startCli(args: string[], env: NodeJS.ProcessEnv, input = ''): Run {
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of [...watchers]) w();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (status) => resolve(status)));
  const waitFor = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(stdout);
        if (!m) return;
        watchers.splice(watchers.indexOf(check), 1);
        resolve(m);
      };
      watchers.push(check);
      check();
      void exit.then(() => reject(new Error(`the CLI exited before printing ${re}: ${stdout}${stderr}`)));
    });
  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, exit };
}

describe('CLI: vault-archiver login --qr against the sandbox', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let sessionFile: string;

  beforeEach(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cli-qr-'));
    ({ env, sessionFile } = cliSandboxEnv(sb, dir));
  });
  afterEach(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('prints a QR code and how to scan it, signs in once it is scanned (with 2FA typed), writes the session file', async () => {
    sb.model.setPassword('qr-pass', 'usual');
    const run = startCli(['login', '--qr'], env, 'qr-pass\n');
    await run.waitFor(/Code 1 of 10: a new one replaces it in about \d+ s/);
    assert.match(run.stdout(), /[▀▄█]{5}/, 'a QR code drawn with block characters');
    assert.match(run.stdout(), /Settings → Devices → Link Desktop Device/);
    const shown = sb.waitingLoginTokens();
    assert.equal(shown.length, 1);
    sb.scanLoginToken(shown[0]!);
    assert.equal(await run.exit, 0, run.stderr());
    assert.match(run.stdout(), /hint: usual/);
    assert.match(run.stdout(), /Signed in to Telegram as Sandbox Tester \(@sandbox_me\)\./);
    const saved = JSON.parse(await fs.readFile(sessionFile, 'utf8')) as { session: string };
    assert.ok(!(run.stdout() + run.stderr()).includes(saved.session) && !run.stdout().includes('qr-pass'), 'no secret printed');
    const client = await openTelegramClient({ ...credentialsOf(sb), session: saved.session, endpoint: sandboxEndpoint(sb), requireAuthorized: true });
    await closeTelegramClient(client);
  });

  it('--json: each code is an event with its tg://login link; a refreshed code is a new event', async () => {
    sb.model.loginTokenLifetimeSeconds = 2;
    const run = startCli(['login', '--qr', '--json'], env);
    const first = JSON.parse((await run.waitFor(/^\{"event":"qr".*\}$/m))[0]) as { url: string; index: number };
    assert.equal(first.index, 1);
    const second = JSON.parse((await run.waitFor(/^\{"event":"qr".*"index":2.*\}$/m))[0]) as { url: string };
    assert.notEqual(second.url, first.url);
    sb.scanLoginToken(tokenOfLoginUrl(second.url));
    assert.equal(await run.exit, 0, run.stdout());
    const events = run.stdout().trim().split('\n').map((l) => JSON.parse(l) as { event: string; signedIn?: boolean });
    assert.deepEqual(events.at(-1)?.event, 'login');
    assert.equal(events.at(-1)?.signedIn, true);
    assert.equal(run.stderr(), '', 'JSON mode writes nothing to stderr');
  });

  it('no scan: stops after the last code with what to do, exit 1, nothing stored', async () => {
    sb.model.loginTokenLifetimeSeconds = 1;
    const run = startCli(['login', '--qr'], env);
    const status = await run.exit;
    assert.equal(status, 1);
    assert.equal(run.stdout().match(/Code \d+ of 10/g)?.length, 10);
    assert.match(run.stderr(), /No Telegram app scanned the QR code \(10 codes/);
    await assert.rejects(fs.readFile(sessionFile, 'utf8'));
  });

  it('--qr is an option of login only', async () => {
    const run = startCli(['logout', '--qr'], env);
    assert.equal(await run.exit, 2);
    assert.match(run.stderr(), /--qr is not an option of logout/);
  });
});
