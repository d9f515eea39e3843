/**
 * A real crash: the import runs in a child process that is killed with SIGKILL in the middle;
 * importing again must leave exactly the vault one uninterrupted import makes.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { generateExport } from '../../../scripts/export-generator';
import { assertVaultConsistent, runImport, snapshot, tempDir } from './helpers';

const CHILD = path.join(__dirname, 'child', 'importChild.ts');

function importThenKill(exportPath: string, vault: string, afterMessages: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, exportPath, vault, String(afterMessages)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!killed && out.includes('ready')) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

describe('import: killed process, then rerun', function () {
  this.timeout(60_000);
  let work: string;
  let exp: string;
  let clean: Record<string, string>;
  before(async () => {
    work = await tempDir('killed');
    exp = path.join(work, 'export');
    generateExport({ outDir: exp, messages: 4000, mediaFiles: 400, duplicateRatio: 0.2, chats: 3, seed: 11, mediaBytes: 1024 });
    await runImport(exp, path.join(work, 'clean'));
    clean = await snapshot(path.join(work, 'clean'));
  });
  after(async () => {
    await fsp.rm(work, { recursive: true, force: true });
  });

  for (const after of [700, 2600]) {
    it(`SIGKILL after ~${after} messages, rerun: byte-identical to a clean import`, async () => {
      const vault = path.join(work, `vault-${after}`);
      const how = await importThenKill(exp, vault, after);
      assert.equal(how, 'killed');
      const partial = await snapshot(vault).catch(() => ({}));
      assert.notDeepEqual(partial, clean, 'the kill happened before the end');
      const rerun = await runImport(exp, vault);
      assert.equal(rerun.cancelled, false);
      await assertVaultConsistent(vault);
      assert.deepEqual(await snapshot(vault), clean);
    });
  }
});
