/**
 * FileIo over synchronous node:fs calls, for the media worker thread (or this thread when no
 * worker can be started). A synchronous call costs the system call alone; the promise form costs
 * a thread-pool round trip and a callback on the thread that asked, which for 10 000 small
 * attachments (7 calls each) was most of an import's main-thread time.
 */
import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs';
import type { FileDigestStat, FileIo, FilePath, FileStat } from './fileTasks';

type SyncFs = Pick<
  typeof nodeFs,
  'constants' | 'openSync' | 'fstatSync' | 'readSync' | 'closeSync' | 'statSync' | 'lstatSync' | 'readdirSync' | 'mkdirSync' | 'linkSync' | 'copyFileSync' | 'renameSync' | 'rmSync'
>;

/** One read buffer per FileIo: most attachments are read in a single call, with no allocation. */
const READ_BUFFER = 1 << 20;

export function syncFileIo(fs: SyncFs = nodeFs): FileIo {
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, COPYFILE_FICLONE, COPYFILE_EXCL } = fs.constants;
  let buffer: Buffer | undefined;
  return {
    async stat(file, noFollow) {
      return statOf(noFollow ? fs.lstatSync(file) : fs.statSync(file));
    },
    async digest(file, noFollow) {
      return digest(file, noFollow);
    },
    async readdir(dir) {
      return fs.readdirSync(dir);
    },
    async mkdirp(dir) {
      fs.mkdirSync(dir, { recursive: true });
    },
    async link(from, to) {
      fs.linkSync(from, to);
    },
    async cloneOrCopy(from, to) {
      fs.copyFileSync(from, to, COPYFILE_FICLONE | COPYFILE_EXCL);
    },
    async rename(from, to) {
      fs.renameSync(from, to);
    },
    async remove(file) {
      fs.rmSync(file, { force: true });
    },
  };

  function digest(file: FilePath, noFollow: boolean): FileDigestStat {
    // O_NONBLOCK: opening a FIFO planted in an export must not block the thread forever (it is
    // then refused as not a regular file). O_NOFOLLOW: a link swapped in after the locator saw a
    // regular file is refused too. Where the flags do not exist (Windows), lstat first.
    if (noFollow && O_NOFOLLOW === undefined && !fs.lstatSync(file).isFile()) return NOT_A_FILE;
    let fd: number;
    try {
      fd = fs.openSync(file, O_RDONLY | (noFollow ? (O_NOFOLLOW ?? 0) : 0) | (O_NONBLOCK ?? 0));
    } catch (err) {
      if (noFollow && (err as NodeJS.ErrnoException).code === 'ELOOP') return NOT_A_FILE;
      throw err;
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) return NOT_A_FILE;
      buffer ??= Buffer.allocUnsafe(READ_BUFFER);
      const hash = createHash('sha256');
      let size = 0;
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        hash.update(buffer.subarray(0, n));
        size += n;
        // A short read ending at the size fstat gave is the end: saves the call that returns 0.
        if (n < buffer.length && size === st.size) break;
      }
      return { isFile: true, size, mtimeMs: st.mtimeMs, ino: st.ino, sha256: hash.digest('hex') };
    } finally {
      fs.closeSync(fd);
    }
  }
}

const NOT_A_FILE: FileDigestStat = { isFile: false, size: 0, mtimeMs: 0, ino: 0 };

function statOf(st: nodeFs.Stats): FileStat {
  return { isFile: st.isFile(), size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
}
