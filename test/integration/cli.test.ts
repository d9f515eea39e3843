/** The built CLI (dist/cli.js) as scripts use it: exit codes, JSON lines, and a reader that leaves early. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/workerProcess';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const sample = path.join(repoRoot, 'sample', 'telegram-export');

describe('CLI (dist/cli.js)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cli-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('says what is wrong with the command line and exits 2', () => {
    const unknown = spawnSync(process.execPath, [cli, 'frob'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown command "frob"/);
    const noVault = spawnSync(process.execPath, [cli, 'import', sample], { encoding: 'utf8' });
    assert.equal(noVault.status, 2);
    assert.match(noVault.stderr, /--vault <folder> is required/);
  });

  it('imports with JSON lines and exits 3 for the sample\'s missing file; status lists every chat', () => {
    const vault = path.join(dir, 'vault');
    const first = spawnSync(process.execPath, [cli, 'import', sample, '--vault', vault, '--json'], { encoding: 'utf8' });
    assert.equal(first.status, 3, first.stderr);
    const events = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; warnings?: unknown[]; messagesWritten?: number });
    const summary = events.at(-1)!;
    assert.equal(summary.event, 'summary');
    assert.equal(summary.warnings?.length, 1);
    assert.ok(events.slice(0, -1).every((e) => e.event === 'progress'));
    const status = spawnSync(process.execPath, [cli, 'status', '--vault', vault, '--json'], { encoding: 'utf8' });
    assert.equal(status.status, 0);
    assert.equal((JSON.parse(status.stdout) as { sources: unknown[] }).sources.length, 8);
  });

  it('keeps importing when the reader of its output goes away (| head)', async () => {
    const vault = path.join(dir, 'vault');
    const child = spawn(process.execPath, [cli, 'import', sample, '--vault', vault, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.once('data', () => child.stdout.destroy()); // like `head -1`
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 3);
    const status = spawnSync(process.execPath, [cli, 'status', '--vault', vault, '--json'], { encoding: 'utf8' });
    assert.equal((JSON.parse(status.stdout) as { sources: unknown[] }).sources.length, 8, 'every chat was imported');
  });
});
