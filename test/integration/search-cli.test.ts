/** `vault-archiver search` as scripts use it (dist/cli.js): human and JSON output, exit codes, messages instead of stack traces. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/workerProcess';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const sample = path.join(repoRoot, 'sample', 'telegram-export');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('CLI search (dist/cli.js)', function () {
  this.timeout(60_000);
  let dir: string;
  let vault: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cli-search-'));
    vault = path.join(dir, 'vault');
    assert.ok([0, 3].includes(run('import', sample, '--vault', vault).status ?? -1));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('prints source, date, author, the snippet with the match marked, and path:line', () => {
    const r = run('search', 'sunset in:book', '--vault', vault);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      'Book Club · 2024-03-01 18:38:14 · Alice Martin\n  Same [sunset] as before, it is my favourite\n  Telegram/Book Club/Book Club.md:52#^m8\n\n1 match.\n',
    );
    assert.match(run('search', 'zzzyxnothing', '--vault', vault).stdout, /^No matches\.\n$/);
  });

  it('prints one JSON hit per line and a summary with --json, at most --limit hits', () => {
    const r = run('search', 'the', '--vault', vault, '--json', '--limit', '2');
    assert.equal(r.status, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(events.map((e) => e.event), ['hit', 'hit', 'summary']);
    assert.equal(events[0]!.kind, 'message');
    assert.ok((events[2]!.total as number) > 2);
    assert.equal(events[2]!.shown, 2);
  });

  it('says what is wrong with a query, a limit or a vault, with an exit code and no stack trace', () => {
    const bad = run('search', 'has:video', '--vault', vault);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /has: takes photo, file, link, poll/);
    const badJson = run('search', '"open', '--vault', vault, '--json');
    assert.equal(badJson.status, 2);
    assert.match(JSON.parse(badJson.stdout.trim()).message as string, /not closed/);
    assert.equal(run('search', 'x', '--vault', vault, '--limit', 'lots').status, 2);
    assert.equal(run('search', '--vault', vault).status, 2);
    const missing = run('search', 'x', '--vault', path.join(dir, 'nope'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /does not exist/);
    for (const r of [bad, missing]) assert.doesNotMatch(r.stderr, /^\s+at /m);
  });
});
