/**
 * FileIo over an injected VaultFs (promise calls on this thread). Used when the caller passes its
 * own file system, as the tests do to count calls, slow some down, fill the disk or freeze the
 * world after N writes: the worker thread could not honour such a wrapper.
 */
import { constants } from 'node:fs';
import type { VaultFs } from '../vault/vaultFs';
import type { FileIo, FileStat } from './fileTasks';
import { hashFile } from './hash';

export function vaultFileIo(fs: VaultFs): FileIo {
  const stat = async (file: string | Buffer, noFollow: boolean): Promise<FileStat> => {
    const st = noFollow ? await fs.lstat(file) : await fs.stat(file);
    return { isFile: st.isFile(), size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  };
  return {
    stat,
    async digest(file, noFollow) {
      const st = await stat(file, noFollow);
      if (!st.isFile) return st;
      const d = await hashFile(fs, file, st.size);
      return { ...st, size: d.size, sha256: d.sha256 };
    },
    async readdir(dir) {
      return fs.readdir(dir);
    },
    async mkdirp(dir) {
      await fs.mkdir(dir, { recursive: true });
    },
    async link(from, to) {
      await fs.link(from, to);
    },
    async cloneOrCopy(from, to) {
      await fs.copyFile(from, to, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
    },
    async rename(from, to) {
      await fs.rename(from, to);
    },
    async remove(file) {
      await fs.rm(file, { force: true });
    },
  };
}
