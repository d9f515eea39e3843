/**
 * The file-system calls the vault writers, the media pipeline and the importer use, as one
 * injectable object. The default is node:fs; tests wrap it to count calls or to fail after N
 * writes (a crash without killing a process).
 *
 * IoCounters is shared by everything one job writes through, so the job can report how many
 * write system calls it made (the figure the buffered note writer exists to keep low).
 */
import { createReadStream, statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';

export type VaultFs = Pick<
  typeof fsp,
  | 'open'
  | 'readFile'
  | 'writeFile'
  | 'rename'
  | 'unlink'
  | 'mkdir'
  | 'stat'
  | 'lstat'
  | 'readdir'
  | 'copyFile'
  | 'link'
  | 'realpath'
  | 'rm'
  | 'rmdir'
  | 'truncate'
  | 'utimes'
> & { createReadStream: typeof createReadStream };

export const nodeVaultFs: VaultFs = {
  open: fsp.open,
  readFile: fsp.readFile,
  writeFile: fsp.writeFile,
  rename: fsp.rename,
  unlink: fsp.unlink,
  mkdir: fsp.mkdir,
  stat: fsp.stat,
  lstat: fsp.lstat,
  readdir: fsp.readdir,
  copyFile: fsp.copyFile,
  link: fsp.link,
  realpath: fsp.realpath,
  rm: fsp.rm,
  rmdir: fsp.rmdir,
  truncate: fsp.truncate,
  utimes: fsp.utimes,
  createReadStream,
};

/** Counts of what one job asked the file system to do. */
export class IoCounters {
  /** write(2)-level calls made for notes and state files (one per flush, one per atomic file). */
  writeCalls = 0;
  bytesWritten = 0;
  fsyncs = 0;
  /** Attachment copies (copyFile, possibly a clone) and hardlinks made. */
  copyCalls = 0;
  linkCalls = 0;
  renames = 0;
}

/** Size and mtime of a file, or undefined when it is not there (or not a file). */
export type FileFacts = { readonly size: number; readonly mtimeMs: number } | undefined;

/**
 * Size and mtime of many files. Through node:fs they are read with synchronous calls: tens of
 * thousands of stats (a re-import checking what it would skip) cost a few microseconds each that
 * way, against a thread-pool round trip and a promise each. An injected fs is asked as usual.
 */
export async function statMany(fs: VaultFs, files: readonly string[]): Promise<FileFacts[]> {
  if (fs.stat === nodeVaultFs.stat) {
    return files.map((f) => {
      const st = statSync(f, { throwIfNoEntry: false });
      return st?.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
    });
  }
  const out: FileFacts[] = [];
  for (let i = 0; i < files.length; i += 64) {
    const batch = files.slice(i, i + 64).map((f) =>
      fs.stat(f).then(
        (st) => (st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : undefined),
        () => undefined,
      ),
    );
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

export function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export function isNotFound(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
