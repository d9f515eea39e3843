import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { UsageError } from '../../../server/cli/args';
import { type CliStreams, Exit, Output } from '../../../server/cli/output';
import { UserError } from '../../../server/engine/errors';
import { VaultBusyError, VaultLockWaitCancelled } from '../../../server/engine/vault/vaultLock';

class FakeStream extends EventEmitter {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 80,
  ) {
    super();
  }
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

function streams(tty = false): CliStreams & { stdout: FakeStream; stderr: FakeStream } {
  return { stdout: new FakeStream(tty), stderr: new FakeStream() };
}

const holder = { pid: 1234, host: 'laptop', startedAt: new Date(2024, 4, 1, 10, 2).toISOString(), holder: 'vault-archiver import', token: 't' };

describe('CLI output', () => {
  it('a user error is its message and exit 1, with no stack trace', () => {
    const s = streams();
    assert.equal(new Output(false, s).fail(new UserError('The vault folder /tmp/typo does not exist.')), Exit.failed);
    assert.equal(s.stderr.text, 'error: The vault folder /tmp/typo does not exist.\n');
    assert.equal(s.stdout.text, '');
  });

  it('a busy vault names its holder; cancelling the wait is exit 130', () => {
    const s = streams();
    const out = new Output(false, s);
    assert.equal(out.fail(new VaultBusyError(holder, 'Wait for it to finish, or run with --wait.', Date.parse(holder.startedAt))), Exit.failed);
    assert.equal(s.stderr.text, 'error: The vault is in use by vault-archiver import (pid 1234 on laptop, since 10:02). Wait for it to finish, or run with --wait.\n');
    assert.equal(out.fail(new VaultLockWaitCancelled('Cancelled while waiting.')), Exit.cancelled);
  });

  it('a usage error is exit 2, with the usage only when asked', () => {
    const s = streams();
    assert.equal(new Output(false, s).fail(new UsageError('unknown option --x; see vault-archiver help')), Exit.usage);
    assert.equal(s.stderr.text, 'vault-archiver: unknown option --x; see vault-archiver help\n');
    const t = streams();
    new Output(false, t).fail(new UsageError('no command given.', true));
    assert.match(t.stderr.text, /^vault-archiver: no command given\.\n\nUsage:/);
  });

  it('a bug shows its stack and says it is a bug to report', () => {
    const s = streams();
    assert.equal(new Output(false, s).fail(new TypeError('cannot read x of undefined')), Exit.failed);
    assert.match(s.stderr.text, /^error: cannot read x of undefined\nTypeError: cannot read x of undefined\n\s+at /);
    assert.match(s.stderr.text, /This is a bug in vault-archiver, not a mistake of yours\. Please report it/);
  });

  it('with --json every error is one JSON line on stdout and stderr stays empty', () => {
    for (const [err, code] of [
      [new UsageError('--vault <folder> is required', true), Exit.usage],
      [new UserError('no such folder'), Exit.failed],
      [new VaultLockWaitCancelled('Cancelled'), Exit.cancelled],
      [new Error('boom'), Exit.failed],
    ] as const) {
      const s = streams();
      assert.equal(new Output(true, s).fail(err), code);
      assert.equal(s.stderr.text, '');
      const lines = s.stdout.text.trimEnd().split('\n');
      assert.equal(lines.length, 1);
      const e = JSON.parse(lines[0]!) as { event: string; message: string; exitCode: number; bug?: boolean; stack?: string };
      assert.equal(e.event, 'error');
      assert.equal(e.message, err.message);
      assert.equal(e.exitCode, code);
      assert.equal(e.bug, err.constructor === Error ? true : undefined);
    }
  });

  it('says "waiting for" once per holder, as text or as an event', () => {
    const s = streams();
    const out = new Output(false, s);
    out.waiting('vault-archiver import (pid 1 on h, since 10:02)');
    out.waiting('vault-archiver import (pid 1 on h, since 10:02)');
    assert.equal(s.stdout.text, 'Waiting for vault-archiver import (pid 1 on h, since 10:02)…\n');
    const j = streams();
    new Output(true, j).waiting('x');
    assert.deepEqual(JSON.parse(j.stdout.text), { event: 'waiting', holder: 'x' });
  });

  it('piped: one line per message or per further 10%; on a terminal: a bar redrawn in place', () => {
    const s = streams();
    const out = new Output(false, s);
    for (const p of [0, 1, 5, 12, 15, 25, 25]) out.progress(p, 'Importing A');
    out.progress(30, 'Importing B');
    assert.equal(s.stdout.text, '0% Importing A\n12% Importing A\n25% Importing A\n30% Importing B\n');
    let now = 1_000;
    const t = streams(true);
    const bar = new Output(false, t, () => now);
    bar.progress(10, 'A');
    now += 10;
    bar.progress(20, 'A'); // too soon to redraw
    now += 100;
    bar.progress(100, 'Done');
    bar.done();
    assert.equal(t.stdout.text.split('\r').length, 3, 'two draws');
    assert.match(t.stdout.text, /\r\[█{30}\] 100% Done\n$/);
  });

  it('a reader that went away (EPIPE) is ignored; any other stream error is not', () => {
    const s = streams();
    new Output(false, s);
    s.stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    s.stderr.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    assert.throws(() => s.stdout.emit('error', Object.assign(new Error('disk'), { code: 'EIO' })), /disk/);
  });
});
