/**
 * GramJS's destroy() leaves exported download senders and their 30 s timers behind, which keep a
 * process alive (and reconnecting). After TelegramAccess.close() a process must end by itself.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { type TelegramSandbox, startTelegramSandbox, telegramSandboxInfo } from '../../sandbox/telegram';
import { repoRoot } from '../../support/workerProcess';

describe('telegram-live: closing the client lets the process exit', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  before(async () => (sb = await startTelegramSandbox({ seed: 'demo' })));
  after(() => sb.close());

  /** Runs the fixture; resolves with its exit code, output and ms from "closed" to exit (killed after `killAfterMs`). */
  async function runFixture(extraEnv: NodeJS.ProcessEnv, killAfterMs: number) {
    const script = path.join(__dirname, 'fixtures', 'openAndClose.ts');
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', script], {
      cwd: repoRoot,
      env: {
        ...process.env,
        VAULT_ARCHIVER_TELEGRAM_SERVER: JSON.stringify(telegramSandboxInfo(sb)),
        SESSION: sb.session,
        API_ID: String(sb.apiId),
        API_HASH: sb.apiHash,
        PEER: String(sb.demo!.alice),
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let closedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!closedAt && out.includes('closed')) closedAt = Date.now();
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      child.once('exit', (c) => {
        clearTimeout(killer);
        resolve(c);
      });
    });
    return { code, out, afterClose: Date.now() - closedAt };
  }

  it('exits on its own right after close(), with no GramJS timer or sender left', async () => {
    const { code, out, afterClose } = await runFixture({}, 25_000);
    assert.equal(code, 0, out);
    assert.match(out, /downloaded \d+/);
    // GramJS's release timer is 30 s and its ping loop 9 s (unref'd): well before either, the process is gone.
    assert.ok(afterClose < 5_000, `exited ${afterClose} ms after close`);
  });

  it('(control) with destroy() alone the same process is still alive seconds later', async () => {
    const { code, out } = await runFixture({ RAW_DESTROY: '1' }, 7_000);
    assert.match(out, /closed/);
    assert.equal(code, null, 'killed, not exited: the leak this guards against is real');
  });
});
