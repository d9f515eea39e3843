/**
 * The defect a user found: two `vault-archiver import` runs of one export into one vault at the
 * same time printed copy warnings (ENOENT … rename) and left the vault different from a clean
 * import. With the vault lock the second run waits (--wait) and then finds everything archived,
 * so however the two overlap the vault is byte for byte a clean single import's.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { generateExport } from '../../scripts/export-generator';
import { repoRoot } from '../support/workerProcess';
import { snapshot, tempDir } from './import/helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const ROUNDS = 5;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function importInto(exportDir: string, vault: string, ...extra: string[]): Promise<Run> {
  const child = spawn(process.execPath, [cli, 'import', exportDir, '--vault', vault, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('vault lock: two imports of one export into one vault at once (dist/cli.js)', function () {
  this.timeout(300_000);
  let dir: string;
  let exportDir: string;
  let clean: Record<string, string>;
  let cleanCode: number | null;

  before(async () => {
    dir = await tempDir('lock');
    exportDir = path.join(dir, 'export');
    generateExport({ outDir: exportDir, messages: 3000, mediaFiles: 300, duplicateRatio: 0.2, chats: 3, seed: 23, mediaBytes: 1024 });
    const cleanVault = path.join(dir, 'clean');
    const r = spawnSync(process.execPath, [cli, 'import', exportDir, '--vault', cleanVault], { encoding: 'utf8' });
    assert.ok(r.status === 0 || r.status === 3, r.stderr);
    cleanCode = r.status;
    clean = await snapshot(cleanVault);
    assert.ok(Object.keys(clean).length > 100, 'notes and attachments to compare');
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: both finish, one waits for the other, and the vault equals a clean import`, async () => {
      const vault = path.join(dir, `vault-${round}`);
      // Odd rounds start both at once; even rounds start the second a little later, when the first is mid-import.
      const first = importInto(exportDir, vault, '--wait');
      if (round % 2 === 0) await new Promise((r) => setTimeout(r, 150));
      const second = importInto(exportDir, vault, '--wait');
      const runs = await Promise.all([first, second]);
      for (const r of runs) {
        assert.ok(r.code === cleanCode || r.code === 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
        assert.doesNotMatch(r.stdout + r.stderr, /could not copy|ENOENT|EEXIST/);
      }
      // The first takes the lock before it reads the export; the second, started well within that import, finds it taken.
      const waited = runs.filter((r) => /Waiting for vault-archiver import \(pid \d+ on [^,]+, since \d\d:\d\d\)…/.test(r.stdout));
      assert.equal(waited.length, 1, `exactly one waited:\n${runs.map((r) => r.stdout.split('\n').slice(0, 3).join('\n')).join('\n--\n')}`);
      assert.deepEqual(await snapshot(vault), clean);
      assert.deepEqual(await fs.readdir(path.join(vault, '.vault-archiver', 'lock')).catch(() => []), [], 'the lock is released');
    });
  }
});
