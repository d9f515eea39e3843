/** The built CLI (dist/cli.js) as scripts use it: exit codes, JSON lines, messages instead of stack traces, the vault lock. */
import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { compareTitles } from '../../shared/order';
import { acquireVaultLock } from '../../server/engine/vault/vaultLock';
import { type GoogleSandbox, startGoogleSandbox } from '../sandbox/google';
import { repoRoot } from '../support/workerProcess';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const sample = path.join(repoRoot, 'sample', 'telegram-export');
const STACK_LINE = /^\s+at /m;

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

/** Runs with --json and returns the one line it must print. */
function runJson(...args: string[]): { status: number | null; stderr: string; event: Record<string, unknown> } {
  const r = run(...args, '--json');
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one JSON line, got:\n${r.stdout}`);
  return { status: r.status, stderr: r.stderr, event: JSON.parse(lines[0]!) as Record<string, unknown> };
}

/** Collects a child's output and resolves once `pattern` appears in it. */
function watch(child: ChildProcessByStdio<null, Readable, Readable>) {
  let text = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    text += d.toString();
    for (const w of waiters.filter((x) => x.re.test(text))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    text: () => text,
    until: (re: RegExp) => new Promise<void>((resolve) => (re.test(text) ? resolve() : waiters.push({ re, resolve }))),
    exit: new Promise<number | null>((resolve) => child.once('exit', resolve)),
  };
}

describe('CLI (dist/cli.js)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cli-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('says what is wrong with the command line and exits 2', () => {
    const unknown = run('frob');
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr, 'vault-archiver: unknown command "frob"; see vault-archiver help\n');
    const option = run('import', sample, '--vault', dir, '--frobnicate');
    assert.equal(option.status, 2);
    assert.equal(option.stderr, 'vault-archiver: unknown option --frobnicate; see vault-archiver help\n');
    const noVault = run('import', sample);
    assert.equal(noVault.status, 2);
    assert.match(noVault.stderr, /--vault <folder> is required/);
    const nothing = run();
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /Usage:/);
  });

  it('prints help (exit 0) and the package version', async () => {
    const { version } = JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    for (const args of [['help'], ['--help'], ['-h'], ['import', '--help']]) {
      const r = run(...args);
      assert.equal(r.status, 0, args.join(' '));
      assert.match(r.stdout, /^Usage:\n {2}vault-archiver import/);
      assert.equal(r.stderr, '');
    }
    for (const flag of ['--version', '-v']) {
      const r = run(flag);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, `${version}\n`);
    }
  });

  it('imports with JSON lines and exits 3 for the sample\'s missing file; status lists every chat', () => {
    const vault = path.join(dir, 'vault');
    const first = run('import', sample, '--vault', vault, '--json');
    assert.equal(first.status, 3, first.stderr);
    const events = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; warnings?: { message: string }[]; messagesWritten?: number });
    const summary = events.at(-1)!;
    assert.equal(summary.event, 'summary');
    assert.ok(summary.warnings?.some((w) => /is not in the export/.test(w.message)), 'the missing photo is a warning');
    assert.ok(events.slice(0, -1).every((e) => e.event === 'progress'));
    const status = run('status', '--vault', vault, '--json');
    assert.equal(status.status, 0);
    assert.equal((JSON.parse(status.stdout) as { sources: unknown[] }).sources.length, 8);
  });

  it('loads GramJS (dist/gramjs.js) only for Telegram: import, status and --version never read it', async () => {
    // A preload that makes requiring the vendor bundle throw: any command that reaches it fails.
    const guard = path.join(dir, 'no-gramjs.cjs');
    await fs.writeFile(guard, `const M = require('module'); const load = M._load; M._load = function (req, ...rest) { if (/gramjs\\.js$/.test(req)) throw new Error('GramJS loaded'); return load.call(this, req, ...rest); };`);
    const guarded = (...args: string[]) => spawnSync(process.execPath, ['--require', guard, cli, ...args], { encoding: 'utf8' });
    const vault = path.join(dir, 'vault');
    assert.equal(guarded('--version').status, 0);
    const imported = guarded('import', sample, '--vault', vault);
    assert.equal(imported.status, 3, imported.stderr);
    assert.equal(guarded('status', '--vault', vault).status, 0);
    // The guard works: a command that talks to Telegram does load it.
    const sessionFile = path.join(dir, 'telegram-session');
    await fs.writeFile(sessionFile, JSON.stringify({ session: '1AAAA', apiId: 1, apiHash: '0'.repeat(32) }), { mode: 0o600 });
    const add = spawnSync(process.execPath, ['--require', guard, cli, 'add', 'telegram:@durov', '--vault', vault], { encoding: 'utf8', env: { ...process.env, VAULT_ARCHIVER_TELEGRAM_SESSION_FILE: sessionFile } });
    assert.match(add.stderr, /GramJS loaded/);
  });

  it('a malformed VAULT_ARCHIVER_TELEGRAM_SERVER fails Telegram commands with its message, and nothing else', async () => {
    const env = { ...process.env, VAULT_ARCHIVER_TELEGRAM_SERVER: '{not json', VAULT_ARCHIVER_TELEGRAM_SESSION_FILE: path.join(dir, 'telegram-session') };
    await fs.writeFile(env.VAULT_ARCHIVER_TELEGRAM_SESSION_FILE, JSON.stringify({ session: '1AAAA', apiId: 1, apiHash: '0'.repeat(32) }), { mode: 0o600 });
    const withEnv = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
    const vault = path.join(dir, 'vault');
    assert.equal(withEnv('import', sample, '--vault', vault).status, 3);
    assert.equal(withEnv('status', '--vault', vault).status, 0);
    assert.equal(withEnv('search', 'hello', '--vault', vault).status, 0);
    for (const args of [['add', 'telegram:@durov', '--vault', vault], ['logout']]) {
      const r = withEnv(...args);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, 'error: VAULT_ARCHIVER_TELEGRAM_SERVER is not JSON: it should hold {"host", "port", "dcPorts", "rsaPublicKey"} as the sandbox prints them.\n');
    }
  });

  it("loads Google's clients (dist/google.js), HTTP and SQLite only when used: an import and status never do", async () => {
    // Start-up time of a small import is mostly loading code: these are a third of it.
    const guard = path.join(dir, 'no-google.cjs');
    await fs.writeFile(
      guard,
      `const M = require('module'); const load = M._load; M._load = function (req, ...rest) { if (/google\\.js$|^(node:)?https?2?$/.test(req)) throw new Error('loaded ' + req); return load.call(this, req, ...rest); };\n` +
        // SQLite is inside the bundle: what shows it starting is the read of its WebAssembly.
        `const fs = require('fs'); const read = fs.readFileSync; fs.readFileSync = function (p, ...rest) { if (/sqlite.*\\.wasm$/.test(String(p))) throw new Error('loaded sqlite'); return read.call(this, p, ...rest); };`,
    );
    const guarded = (...args: string[]) => spawnSync(process.execPath, ['--require', guard, cli, ...args], { encoding: 'utf8' });
    const vault = path.join(dir, 'vault');
    const imported = guarded('import', sample, '--vault', vault);
    assert.equal(imported.status, 3, imported.stderr);
    assert.equal(guarded('status', '--vault', vault).status, 0);
    // The guard works: search opens SQLite, and a YouTube source reaches Google's client.
    assert.match(guarded('search', 'anything', '--vault', vault).stderr, /loaded .*sqlite/);
    const add = spawnSync(process.execPath, ['--require', guard, cli, 'add', 'https://www.youtube.com/@somebody', '--vault', vault], { encoding: 'utf8', env: { ...process.env, VAULT_ARCHIVER_YOUTUBE_API_KEY: 'not-a-real-key' } });
    assert.match(add.stderr, /loaded .*google\.js/);
  });

  it('keeps importing when the reader of its output goes away (| head)', async () => {
    const vault = path.join(dir, 'vault');
    const child = spawn(process.execPath, [cli, 'import', sample, '--vault', vault, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.once('data', () => child.stdout.destroy()); // like `head -1`
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 3);
    const status = run('status', '--vault', vault, '--json');
    assert.equal((JSON.parse(status.stdout) as { sources: unknown[] }).sources.length, 8, 'every chat was imported');
  });

  it('for people: status in title order with "imported … ago"; a re-import says no note changed; sync points at a newer export', () => {
    const vault = path.join(dir, 'vault');
    assert.equal(run('import', sample, '--vault', vault).status, 3);
    const again = run('import', sample, '--vault', vault);
    assert.match(again.stdout, /Notes {8}none changed\n/);
    assert.doesNotMatch(again.stdout, /write calls/);
    const status = run('status', '--vault', vault);
    assert.equal(status.status, 0);
    const titles = status.stdout.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0]!);
    assert.deepEqual(titles, [...titles].sort(compareTitles));
    assert.equal(titles[0], 'Alice Martin', 'the hostile "../CON: …" title files under C, not first');
    assert.match(status.stdout, /Alice Martin {2}\[telegram:100002\] {2}87 messages, imported just now\n/);
    const sync = run('sync', '--vault', vault);
    assert.equal(sync.status, 0);
    assert.match(sync.stdout, /Alice Martin was imported from a Telegram Desktop export: import a newer export of it to add what is new/);
  });

  it('accepts the path of result.json itself', () => {
    const vault = path.join(dir, 'vault');
    const r = run('import', path.join(sample, 'result.json'), '--vault', vault);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /Import finished\.\n {2}Vault/);
    assert.match(r.stdout, /Chats {8}8 /);
  });

  it('an HTML export folder: a message saying to export as JSON, exit 1, no stack trace', async () => {
    const html = path.join(dir, 'ChatExport_2024-05-01');
    await fs.mkdir(html);
    await fs.writeFile(path.join(html, 'messages.html'), '<!DOCTYPE html><html></html>');
    const r = run('import', html, '--vault', path.join(dir, 'vault'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^error: .*ChatExport_2024-05-01 is an HTML export \(it holds messages\.html\).*"Machine-readable JSON"/);
    assert.doesNotMatch(r.stderr, STACK_LINE);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, 'the message only');
  });

  it('a vault path that is a file: a message, exit 1, no stack trace', async () => {
    const file = path.join(dir, 'notes.txt');
    await fs.writeFile(file, 'not a vault');
    for (const args of [['import', sample, '--vault', file], ['status', '--vault', file]]) {
      const r = run(...args);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^error: .*notes\.txt is a file, not a folder\./);
      assert.doesNotMatch(r.stderr, STACK_LINE);
    }
    assert.equal(await fs.readFile(file, 'utf8'), 'not a vault');
  });

  it('status of a vault folder that does not exist says so and exits 1', () => {
    const r = run('status', '--vault', path.join(dir, 'typo'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^error: The vault folder .*typo does not exist\./);
    assert.equal(r.stdout, '');
  });

  it('with --json every error is one JSON line with its exit code, and stderr stays empty', async () => {
    const noVault = runJson('status');
    assert.deepEqual(noVault.event, { event: 'error', message: '--vault <folder> is required: the folder the notes go to; see vault-archiver help', exitCode: 2 });
    assert.equal(noVault.status, 2);
    assert.equal(noVault.stderr, '');
    const typo = runJson('status', '--vault', path.join(dir, 'typo'));
    assert.equal(typo.status, 1);
    assert.equal(typo.event.exitCode, 1);
    assert.match(String(typo.event.message), /does not exist/);
    assert.equal(typo.stderr, '');
    const bad = runJson('import', sample, '--vault', dir, '--split-by-month', 'x');
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, '');
  });

  it('exits 1 when nothing could be imported because the input is not an export', async () => {
    const notExport = path.join(dir, 'result.json');
    await fs.writeFile(notExport, JSON.stringify({ hello: 'world' }));
    const r = run('import', notExport, '--vault', path.join(dir, 'vault'), '--json');
    assert.equal(r.status, 1, r.stdout);
    assert.equal(r.stderr, '');
    const last = JSON.parse(r.stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
    assert.ok(last.event === 'error' || last.failed === true, r.stdout);
    assert.match(String(last.message ?? JSON.stringify(last.warnings)), /not a Telegram Desktop export/);
    const text = run('import', notExport, '--vault', path.join(dir, 'vault'));
    assert.equal(text.status, 1);
    assert.doesNotMatch(text.stderr, STACK_LINE);
  });

  describe('a vault another process is writing', () => {
    it('refuses at once, naming the holder (exit 1); as JSON too', async () => {
      const vault = path.join(dir, 'vault');
      const lock = await acquireVaultLock(vault, { holder: 'vault-archiver import', wait: false });
      try {
        const r = run('import', sample, '--vault', vault);
        assert.equal(r.status, 1);
        assert.match(r.stderr, new RegExp(`^error: The vault is in use by vault-archiver import \\(pid ${process.pid} on ${os.hostname()}, since \\d\\d:\\d\\d\\)\\. Wait for it to finish, or run with --wait\\.\n$`));
        const j = runJson('sync', '--vault', vault);
        assert.equal(j.status, 1);
        assert.match(String(j.event.message), /The vault is in use by vault-archiver import/);
        assert.equal(run('status', '--vault', vault).status, 0, 'status reads without the lock');
      } finally {
        await lock.release();
      }
      assert.deepEqual(await fs.readdir(vault), ['.vault-archiver'], 'nothing was written');
    });

    it('--wait: says once whom it waits for, then imports when the vault is free', async () => {
      const vault = path.join(dir, 'vault');
      const lock = await acquireVaultLock(vault, { holder: 'another import', wait: false });
      const child = spawn(process.execPath, [cli, 'import', sample, '--vault', vault, '--wait'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out = watch(child);
      await out.until(/Waiting for/);
      await new Promise((r) => setTimeout(r, 1500)); // several polls
      await lock.release();
      assert.equal(await out.exit, 3, out.text());
      assert.equal(out.text().match(/Waiting for another import \(pid \d+ on [^,]+, since \d\d:\d\d\)…\n/g)?.length, 1, out.text());
      assert.match(out.text(), /Import finished\./);
    });

    it('Ctrl-C while waiting stops with exit 130 and writes nothing', async function () {
      if (process.platform === 'win32') this.skip();
      const vault = path.join(dir, 'vault');
      const lock = await acquireVaultLock(vault, { holder: 'another import', wait: false });
      try {
        const child = spawn(process.execPath, [cli, 'import', sample, '--vault', vault, '--wait'], { stdio: ['ignore', 'pipe', 'pipe'] });
        const out = watch(child);
        await out.until(/Waiting for/);
        child.kill('SIGINT');
        assert.equal(await out.exit, 130, out.text());
        assert.match(out.text(), /Cancelled while waiting/);
        assert.doesNotMatch(out.text(), STACK_LINE);
      } finally {
        await lock.release();
      }
      assert.deepEqual(await fs.readdir(vault), ['.vault-archiver']);
    });
  });
});

describe('CLI installed from `npm pack` (as the README says)', function () {
  this.timeout(180_000);
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-pack-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('packs the bundled CLI and runs it from a global install, outside the clone', async () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const pack = spawnSync(npm, ['pack', '--pack-destination', dir, '--silent'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const tarball = path.join(dir, pack.stdout.trim().split('\n').at(-1)!);
    const prefix = path.join(dir, 'prefix');
    const install = spawnSync(npm, ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    const bin = path.join(prefix, 'bin', 'vault-archiver');
    const version = spawnSync(bin, ['--version'], { cwd: dir, encoding: 'utf8' });
    assert.equal(version.stdout.trim(), (JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
    const vault = path.join(dir, 'vault');
    const imported = spawnSync(bin, ['import', path.join(repoRoot, 'sample', 'telegram-export'), '--vault', vault], { cwd: dir, encoding: 'utf8' });
    assert.equal(imported.status, 3, imported.stderr); // the sample's two warnings
    assert.match(imported.stdout, /Chats {8}8 /);
  });
});

describe('CLI with YouTube (against the Google sandbox)', function () {
  this.timeout(60_000);
  let sb: GoogleSandbox;
  let dir: string;
  before(async () => {
    sb = await startGoogleSandbox();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cli-yt-'));
  });
  after(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Not spawnSync: the sandbox lives in this process and must keep answering. */
  function runAsync(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
  }

  it('without a key: says which variable to set, exit 1, no stack', async () => {
    const r = await runAsync({ VAULT_ARCHIVER_GOOGLE_ROOT_URL: sb.rootUrl, VAULT_ARCHIVER_YOUTUBE_API_KEY: '' }, 'add', '@SandboxScience', '--vault', path.join(dir, 'v0'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /No YouTube API key is set\. Set VAULT_ARCHIVER_YOUTUBE_API_KEY/);
    assert.doesNotMatch(r.stderr, STACK_LINE);
  });

  it('adds a channel with the key from a file, syncs it, and status lists it', async () => {
    const keyFile = path.join(dir, 'youtube.key');
    await fs.writeFile(keyFile, `${sb.apiKey}\n`, { mode: 0o600 });
    const env = { VAULT_ARCHIVER_GOOGLE_ROOT_URL: sb.rootUrl, VAULT_ARCHIVER_YOUTUBE_API_KEY: '', VAULT_ARCHIVER_YOUTUBE_API_KEY_FILE: keyFile };
    const vault = path.join(dir, 'v1');
    const added = await runAsync(env, 'add', 'https://www.youtube.com/@SandboxScience', '--vault', vault);
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /^Added .+ \[youtube:UCsandboxScienceLab0001g\]\. Run: vault-archiver sync/);
    const synced = await runAsync(env, 'sync', '--vault', vault);
    assert.equal(synced.status, 0, synced.stderr);
    assert.match(synced.stdout, /youtube:UCsandboxScienceLab0001g: \d+ new/);
    const status = await runAsync(env, 'status', '--vault', vault, '--json');
    const sources = (JSON.parse(status.stdout) as { sources: { id: string; itemCount: number }[] }).sources;
    assert.equal(sources[0]!.id, 'youtube:UCsandboxScienceLab0001g');
    assert.ok(sources[0]!.itemCount > 0);
    const again = await runAsync(env, 'sync', '--vault', vault);
    assert.match(again.stdout, /youtube:UCsandboxScienceLab0001g: 0 new/);
    assert.equal(again.status, 0);

    // The Sheets mirror: a service account key file, a spreadsheet shared with it.
    const key = sb.serviceAccounts.create();
    const credentialsFile = path.join(dir, 'sa.json');
    await fs.writeFile(credentialsFile, JSON.stringify(key), { mode: 0o600 });
    const spreadsheetId = sb.sheets.createSpreadsheet({ title: 'Catalog', sharedWith: [key.client_email] }).spreadsheetId;
    const sheetsEnv = { ...env, VAULT_ARCHIVER_GOOGLE_CREDENTIALS_FILE: credentialsFile, VAULT_ARCHIVER_GOOGLE_TOKEN_URL: sb.oauth.tokenUrl };
    const noSpreadsheet = await runAsync(sheetsEnv, 'mirror', 'youtube:UCsandboxScienceLab0001g', '--vault', vault);
    assert.equal(noSpreadsheet.status, 2);
    const mirror = await runAsync(sheetsEnv, 'mirror', 'youtube:UCsandboxScienceLab0001g', '--vault', vault, '--spreadsheet', `https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit`, '--tab', 'Science');
    assert.equal(mirror.status, 0, mirror.stderr);
    assert.match(mirror.stdout, /mirrored into spreadsheet .+, tab "Science", from the next sync/);
    const filled = await runAsync(sheetsEnv, 'sync', '--vault', vault);
    assert.equal(filled.status, 0, filled.stderr);
    const rows = sb.sheets.values(spreadsheetId, 'Science!A:A');
    assert.equal(rows.length, sources[0]!.itemCount + 1, 'a header and one row per video');
    const stop = await runAsync(sheetsEnv, 'mirror', 'youtube:UCsandboxScienceLab0001g', '--vault', vault, '--spreadsheet', 'none');
    assert.match(stop.stdout, /no longer mirrored/);

    // Two channels into one tab (a group): both named after `mirror`.
    assert.equal((await runAsync(env, 'add', 'UCtinyCraftsWorkshop002w', '--vault', vault)).status, 0);
    const both = await runAsync(sheetsEnv, 'mirror', 'youtube:UCsandboxScienceLab0001g', 'youtube:UCtinyCraftsWorkshop002w', '--vault', vault, '--spreadsheet', spreadsheetId, '--tab', 'Both');
    assert.equal(both.status, 0, both.stderr);
    assert.equal(both.stdout.match(/tab "Both", from the next sync/g)?.length, 2);
    const grouped = await runAsync(sheetsEnv, 'sync', '--vault', vault);
    assert.equal(grouped.status, 0, grouped.stderr);
    const tinyCount = sb.youtube.videosOf('UCtinyCraftsWorkshop002w').filter((v) => sb.youtube.isRetrievable(v)).length;
    assert.equal(sb.sheets.values(spreadsheetId, 'Both!A:A').length, sources[0]!.itemCount + tinyCount + 1);
  });
});
