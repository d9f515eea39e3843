/**
 * Locating export files through one listing per folder: no system call per listed regular file,
 * and every refusal the per-file lstat gave (paths out, links out, folders) still holds.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExportFiles } from '../../../server/engine/connectors/telegram-export/exportFiles';
import { type VaultFs, nodeVaultFs } from '../../../server/engine/vault/vaultFs';

describe('export files: one listing per folder', () => {
  let work: string;
  let exp: string;
  let calls: Record<string, number>;
  let fs: VaultFs;
  beforeEach(async () => {
    work = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-expfiles-'));
    exp = path.join(work, 'export');
    await fsp.mkdir(path.join(exp, 'photos'), { recursive: true });
    await fsp.mkdir(path.join(exp, 'files'), { recursive: true });
    calls = {};
    const count =
      <K extends keyof VaultFs>(k: K) =>
      (...a: unknown[]) => {
        calls[k] = (calls[k] ?? 0) + 1;
        return (nodeVaultFs[k] as (...x: unknown[]) => unknown)(...a);
      };
    fs = { ...nodeVaultFs, lstat: count('lstat') as VaultFs['lstat'], readdir: count('readdir') as VaultFs['readdir'], realpath: count('realpath') as VaultFs['realpath'] };
  });
  afterEach(async () => {
    await fsp.rm(work, { recursive: true, force: true });
  });

  it('finds listed regular files with no per-file call and marks them to be opened without following links', async () => {
    for (let i = 0; i < 50; i++) await fsp.writeFile(path.join(exp, 'photos', `p${i}.jpg`), `photo ${i}`);
    const files = new ExportFiles(exp, fs);
    const found = await Promise.all(Array.from({ length: 50 }, (_, i) => files.locate(`photos/p${i}.jpg`)));
    for (const [i, f] of found.entries()) assert.deepEqual(f, { ok: true, source: path.join(exp, 'photos', `p${i}.jpg`), noFollow: true });
    assert.equal(calls.readdir, 1, 'one listing for the folder');
    assert.equal(calls.lstat ?? 0, 0, 'no lstat per file');
    assert.equal(calls.realpath, 2, 'the export root and the folder, once each');
  });

  it('a name missing from the listing gets the per-file lstat (another Unicode form, a file added later)', async () => {
    await fsp.writeFile(path.join(exp, 'photos', 'a.jpg'), 'A');
    const files = new ExportFiles(exp, fs);
    assert.equal((await files.locate('photos/a.jpg')).ok, true);
    await fsp.writeFile(path.join(exp, 'photos', 'late.jpg'), 'LATE');
    const late = await files.locate('photos/late.jpg');
    assert.equal(late.ok, true);
    assert.ok(late.ok && late.stat?.isFile(), 'found by lstat');
    const gone = await files.locate('photos/never.jpg');
    assert.deepEqual(gone, { ok: false, reason: 'missing', message: 'file "photos/never.jpg" is not in the export' });
    assert.equal(calls.lstat, 2);
  });

  it('refuses links leading out (file or folder), follows links inside, and does not take a folder or FIFO for a file', async () => {
    const secret = path.join(work, 'secret.txt');
    await fsp.writeFile(secret, 'SECRET');
    await fsp.writeFile(path.join(exp, 'files', 'inside.txt'), 'IN');
    await fsp.symlink(secret, path.join(exp, 'files', 'out.txt'));
    await fsp.symlink(path.join(exp, 'files', 'inside.txt'), path.join(exp, 'files', 'in.txt'));
    await fsp.symlink(work, path.join(exp, 'escape'));
    await fsp.mkdir(path.join(exp, 'files', 'sub'));
    if (process.platform !== 'win32') execFileSync('mkfifo', [path.join(exp, 'files', 'pipe.mp3')]);
    const files = new ExportFiles(exp, fs);
    const out = await files.locate('files/out.txt');
    assert.equal(out.ok, false);
    assert.ok(!out.ok && out.reason === 'outside');
    assert.deepEqual(await files.locate('files/in.txt'), { ok: true, source: path.join(exp, 'files', 'inside.txt') });
    const viaDir = await files.locate('escape/secret.txt');
    assert.ok(!viaDir.ok && viaDir.reason === 'outside');
    for (const p of ['files/sub', ...(process.platform !== 'win32' ? ['files/pipe.mp3'] : [])]) {
      const r = await files.locate(p);
      assert.deepEqual(r, { ok: false, reason: 'missing', message: `"${p}" is not a file` });
    }
    for (const p of ['../secret.txt', '/etc/passwd', 'files/../../secret.txt']) {
      const r = await files.locate(p);
      assert.ok(!r.ok && r.reason === 'outside', p);
    }
  });

  it('a name with U+FFFD is matched by its raw bytes, not by the listing', async function () {
    const raw = Buffer.concat([Buffer.from(path.join(exp, 'files') + path.sep), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74])]);
    try {
      await fsp.writeFile(raw, 'LATIN-1');
    } catch {
      this.skip();
    }
    const r = await new ExportFiles(exp, fs).locate('files/caf\ufffd.txt');
    assert.ok(r.ok && Buffer.isBuffer(r.source));
    assert.equal(await fsp.readFile(r.ok ? r.source : '', 'utf8'), 'LATIN-1');
  });
});
