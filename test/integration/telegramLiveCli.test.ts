/** The built CLI syncing live Telegram chats (dist/cli.js against the sandbox DC): add, sync, exit codes, the flood-paused chat. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type TelegramSandbox, startTelegramSandbox, telegramSandboxInfo } from '../sandbox/telegram';
import { repoRoot } from '../support/workerProcess';

const cli = path.join(repoRoot, 'dist', 'cli.js');

describe('CLI: live Telegram sync (dist/cli.js, sandbox DC)', function () {
  this.timeout(120_000);
  let sb: TelegramSandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    sb = await startTelegramSandbox();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-tg-cli-'));
    // Signed in as `vault-archiver login` leaves it: the session file (0600, outside the vault).
    const sessionFile = path.join(dir, 'telegram-session');
    await fs.writeFile(sessionFile, JSON.stringify({ session: sb.session, apiId: sb.apiId, apiHash: sb.apiHash }), { mode: 0o600 });
    env = { ...process.env, VAULT_ARCHIVER_TELEGRAM_SESSION_FILE: sessionFile, VAULT_ARCHIVER_TELEGRAM_SERVER: JSON.stringify(telegramSandboxInfo(sb)) };
  });
  after(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Runs the CLI without blocking this process (the sandbox answers from it). */
  const run = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (status) => resolve({ status, stdout, stderr }));
    });

  it('adds chats by telegram:<ref>, syncs them, and exits 1 naming the chat a long flood wait paused', async () => {
    const vault = path.join(dir, 'vault');
    const forum = sb.demoChats().find((c) => c.title === 'Sandbox Forum')!;
    for (const ref of ['telegram:@alice_sbx', `telegram:${forum.id}`]) {
      const r = await run('add', ref, '--vault', vault);
      assert.equal(r.status, 0, r.stdout + r.stderr);
    }
    sb.faults.floodWait(7200, { method: 'messages.getReplies' });
    const first = await run('sync', '--vault', vault);
    assert.equal(first.status, 1, first.stdout + first.stderr);
    assert.match(first.stdout, /telegram:\d+: 23 new/);
    assert.match(first.stdout, /failed: Sandbox Forum: Telegram asks to wait 2 h before more messages\.getReplies requests/);
    assert.doesNotMatch(first.stdout + first.stderr, /^\s+at /m);
    sb.clock.advance(7200);
    const second = await run('sync', '--vault', vault, '--json');
    assert.equal(second.status, 0, second.stdout + second.stderr);
    const summary = second.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event?: string; sources?: { id: string; itemsAdded: number }[] }).find((e) => e.event === 'summary')!;
    assert.equal(summary.sources!.find((s) => s.id === `telegram:${-forum.id - 1e12}`)!.itemsAdded, 38);
    const status = await run('status', '--vault', vault);
    assert.match(status.stdout, /Sandbox Forum/);
    // The session never reaches the vault.
    const files = await fs.readdir(vault, { recursive: true });
    for (const f of files) {
      const p = path.join(vault, String(f));
      if ((await fs.stat(p)).isFile()) assert.ok(!(await fs.readFile(p, 'utf8')).includes(sb.session.slice(10, 60)), `${f} holds the session`);
    }
  });
});
