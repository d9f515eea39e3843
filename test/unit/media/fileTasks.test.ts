/**
 * The media file tasks, run by both drivers: synchronous node:fs calls (what the worker thread
 * does) and promise calls through a VaultFs (what an injected file system gets). Same answers.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type FileIo, runFileTask, sourceKey } from '../../../server/engine/media/fileTasks';
import { syncFileIo } from '../../../server/engine/media/syncFileIo';
import { vaultFileIo } from '../../../server/engine/media/vaultFileIo';
import { nodeVaultFs } from '../../../server/engine/vault/vaultFs';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

const drivers: [string, () => FileIo][] = [
  ['synchronous node:fs (worker)', () => syncFileIo()],
  ['VaultFs (injected file system)', () => vaultFileIo(nodeVaultFs)],
];

for (const [name, makeIo] of drivers) {
  describe(`media file tasks: ${name}`, () => {
    let dir: string;
    let io: FileIo;
    beforeEach(async () => {
      dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-tasks-'));
      io = makeIo();
    });
    afterEach(async () => {
      await fsp.rm(dir, { recursive: true, force: true });
    });

    it('identify hashes a file, and trusts a recorded hash only while path, size, mtime and inode match', async () => {
      const f = path.join(dir, 'a.jpg');
      await fsp.writeFile(f, 'PHOTO');
      const first = await runFileTask(io, { kind: 'identify', source: f, noFollow: true, known: [] });
      assert.ok('sha256' in first);
      assert.equal(first.sha256, sha('PHOTO'));
      assert.equal(first.size, 5);
      assert.equal(first.cached, false);
      assert.equal(first.key, sourceKey(f, fs.statSync(f)));

      const cached = await runFileTask(io, { kind: 'identify', source: f, noFollow: true, known: [['stale|1|2|3', 'x'], [first.key, 'RECORDED']] });
      assert.deepEqual(cached, { sha256: 'RECORDED', size: 5, key: first.key, cached: true });

      await fsp.writeFile(f, 'PHOTO, EDITED');
      const changed = await runFileTask(io, { kind: 'identify', source: f, noFollow: true, known: [[first.key, 'RECORDED']] });
      assert.ok('sha256' in changed);
      assert.equal(changed.sha256, sha('PHOTO, EDITED'));
      assert.equal(changed.cached, false);
    });

    it('identify hashes files larger than one read buffer', async () => {
      const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
      const f = path.join(dir, 'big.bin');
      await fsp.writeFile(f, big);
      const id = await runFileTask(io, { kind: 'identify', source: f, noFollow: false, known: [] });
      assert.ok('sha256' in id);
      assert.equal(id.sha256, sha(big));
      assert.equal(id.size, big.length);
    });

    it('identify: missing file, folder, and with noFollow a link, are answers, not errors', async () => {
      assert.deepEqual(await runFileTask(io, { kind: 'identify', source: path.join(dir, 'nope'), noFollow: true, known: [] }), { missing: true });
      assert.deepEqual(await runFileTask(io, { kind: 'identify', source: path.join(dir, 'no', 'such', 'dir'), noFollow: false, known: [['k', 's']] }), { missing: true });
      await fsp.mkdir(path.join(dir, 'sub'));
      assert.deepEqual(await runFileTask(io, { kind: 'identify', source: path.join(dir, 'sub'), noFollow: false, known: [] }), { notFile: true });
      await fsp.writeFile(path.join(dir, 'real.txt'), 'REAL');
      await fsp.symlink(path.join(dir, 'real.txt'), path.join(dir, 'link.txt'));
      assert.deepEqual(await runFileTask(io, { kind: 'identify', source: path.join(dir, 'link.txt'), noFollow: true, known: [] }), { notFile: true });
      const followed = await runFileTask(io, { kind: 'identify', source: path.join(dir, 'link.txt'), noFollow: false, known: [] });
      assert.ok('sha256' in followed && followed.sha256 === sha('REAL'));
    });

    it('identify does not hang on a FIFO planted in an export', async function () {
      if (process.platform === 'win32') this.skip();
      const fifo = path.join(dir, 'pipe.jpg');
      execFileSync('mkfifo', [fifo]);
      assert.deepEqual(await runFileTask(io, { kind: 'identify', source: fifo, noFollow: true, known: [] }), { notFile: true });
    });

    it('identify opens a name that is not UTF-8 by its bytes', async function () {
      const raw = Buffer.concat([Buffer.from(dir + path.sep), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74])]);
      try {
        fs.writeFileSync(raw, 'LATIN-1');
      } catch {
        this.skip(); // a file system that refuses such names
      }
      const id = await runFileTask(io, { kind: 'identify', source: raw, noFollow: true, known: [] });
      assert.ok('sha256' in id && id.sha256 === sha('LATIN-1'));
      assert.ok(id.key.startsWith(`hex:${raw.toString('hex')}|`));
    });

    it('check trusts a stored copy only with its recorded size; list and hash answer for missing things', async () => {
      const f = path.join(dir, 'stored.jpg');
      await fsp.writeFile(f, '12345');
      assert.equal(await runFileTask(io, { kind: 'check', file: f, size: 5 }), true);
      assert.equal(await runFileTask(io, { kind: 'check', file: f, size: 6 }), false);
      assert.equal(await runFileTask(io, { kind: 'check', file: path.join(dir, 'gone.jpg'), size: 5 }), false);
      assert.equal(await runFileTask(io, { kind: 'check', file: dir, size: 5 }), false, 'a folder is not a stored copy');
      assert.deepEqual(await runFileTask(io, { kind: 'list', dir }), ['stored.jpg']);
      assert.deepEqual(await runFileTask(io, { kind: 'list', dir: path.join(dir, 'none') }), []);
      assert.equal(await runFileTask(io, { kind: 'hash', file: f }), sha('12345'));
      assert.equal(await runFileTask(io, { kind: 'hash', file: dir }), null);
      assert.equal(await runFileTask(io, { kind: 'hash', file: path.join(dir, 'gone') }), null);
    });

    it('store copies (or links) through a temp name into a folder it creates, and leaves nothing else', async () => {
      const src = path.join(dir, 'src.jpg');
      await fsp.writeFile(src, 'CONTENT');
      const target = path.join(dir, 'vault', 'Chat', 'attachments', 'photo.jpg');
      assert.deepEqual(await runFileTask(io, { kind: 'store', source: src, target, mkdir: true, link: false }), { how: 'copied', linksUnsupported: false });
      assert.equal(await fsp.readFile(target, 'utf8'), 'CONTENT');
      assert.notEqual(fs.statSync(target).ino, fs.statSync(src).ino);
      const linked = path.join(dir, 'vault', 'Chat', 'attachments', 'linked.jpg');
      assert.deepEqual(await runFileTask(io, { kind: 'store', source: src, target: linked, mkdir: false, link: true }), { how: 'linked', linksUnsupported: false });
      assert.equal(fs.statSync(linked).ino, fs.statSync(src).ino);
      assert.deepEqual((await fsp.readdir(path.dirname(target))).sort(), ['linked.jpg', 'photo.jpg']);
    });

    it('store: a missing source fails with ENOENT and leaves no temp file', async () => {
      const target = path.join(dir, 'out', 'x.jpg');
      await assert.rejects(runFileTask(io, { kind: 'store', source: path.join(dir, 'gone.jpg'), target, mkdir: true, link: false }), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
      await assert.rejects(runFileTask(io, { kind: 'store', source: path.join(dir, 'gone.jpg'), target, mkdir: false, link: true }), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
      assert.deepEqual(await fsp.readdir(path.join(dir, 'out')), []);
    });
  });
}

describe('media file tasks: store failures', () => {
  const failing = (over: Partial<FileIo>): { io: FileIo; calls: string[] } => {
    const calls: string[] = [];
    const base: FileIo = {
      stat: async () => ({ isFile: true, size: 1, mtimeMs: 1, ino: 1 }),
      digest: async () => ({ isFile: true, size: 1, mtimeMs: 1, ino: 1, sha256: 'x' }),
      readdir: async () => [],
      mkdirp: async (d) => void calls.push(`mkdir ${path.basename(d)}`),
      link: async () => void calls.push('link'),
      cloneOrCopy: async () => void calls.push('copy'),
      rename: async (_a, b) => void calls.push(`rename ${path.basename(b)}`),
      remove: async (f) => void calls.push(`remove ${f.endsWith('.va-tmp') ? 'temp' : f}`),
    };
    const io = { ...base };
    for (const [k, f] of Object.entries(over)) (io as Record<string, unknown>)[k] = async (...a: unknown[]) => {
      calls.push(k);
      return (f as (...x: unknown[]) => Promise<unknown>)(...a);
    };
    return { io, calls };
  };
  const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

  it('a hardlink refused by the disk falls back to a copy and says links do not work here', async () => {
    const { io, calls } = failing({ link: async () => Promise.reject(errno('EXDEV')) });
    const r = await runFileTask(io, { kind: 'store', source: '/s', target: '/v/a/p.jpg', mkdir: false, link: true });
    assert.deepEqual(r, { how: 'copied', linksUnsupported: true });
    assert.deepEqual(calls, ['link', 'copy', 'rename p.jpg']);
  });

  it('a failed copy or rename removes the temp file and reports the error (ENOSPC)', async () => {
    for (const step of ['cloneOrCopy', 'rename'] as const) {
      const { io, calls } = failing({ [step]: async () => Promise.reject(errno('ENOSPC')) });
      await assert.rejects(runFileTask(io, { kind: 'store', source: '/s', target: '/v/a/p.jpg', mkdir: true, link: false }), /ENOSPC/);
      assert.equal(calls.at(-1), 'remove temp', `${step}: ${calls.join(', ')}`);
      assert.ok(!calls.includes('rename p.jpg') || step === 'rename');
    }
  });

  it('a failed mkdir (EACCES) fails the store before anything is written', async () => {
    const { io, calls } = failing({ mkdirp: async () => Promise.reject(errno('EACCES')) });
    await assert.rejects(runFileTask(io, { kind: 'store', source: '/s', target: '/v/a/p.jpg', mkdir: true, link: false }), /EACCES/);
    assert.deepEqual(calls, ['mkdirp']);
  });
});
