/**
 * The file-system side of the media pipeline as small, self-contained tasks: identify a source
 * (stat, cheap key, hash), check a stored copy, list a folder, hash a file already in the vault,
 * store a file (hardlink or copy to a temp name, then rename), read the size and mtime of files.
 *
 * Tasks are plain data in and plain data out, so they can run in a worker thread (synchronous
 * node:fs calls, batched: see workerBackend.ts) or in this thread over the injected VaultFs (see
 * vaultFileIo.ts). Both run this same code through the FileIo interface, so the crash tests that
 * freeze an injected file system check the very logic the worker runs. Deciding names, dedup and
 * ordering stay with the pipeline on the main thread; nothing here keeps state between tasks.
 */
import * as path from 'node:path';
import { tempNameFor } from '../vault/atomic';
import { errnoCode, isNotFound } from '../vault/vaultFs';

/** A path; a Buffer when the name on disk is not valid UTF-8. */
export type FilePath = string | Buffer;

/** What the tasks need to know of a stat. */
export interface FileStat {
  readonly isFile: boolean;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/** A stat of a file read to its end, with the SHA-256 of what was read (absent when not a regular file). */
export interface FileDigestStat extends FileStat {
  readonly sha256?: string;
}

/**
 * The calls tasks make. Promise-shaped so one task code serves both drivers; the synchronous
 * driver returns settled promises (no thread-pool round trip, only a microtask).
 */
export interface FileIo {
  /** stat, or lstat with `noFollow` (a link found then is reported as not a regular file). */
  stat(file: FilePath, noFollow: boolean): Promise<FileStat>;
  /** Opens, stats and reads the file to its end, hashing it. Reads nothing when it is not a regular file. */
  digest(file: FilePath, noFollow: boolean): Promise<FileDigestStat>;
  readdir(dir: string): Promise<string[]>;
  mkdirp(dir: string): Promise<void>;
  link(from: FilePath, to: string): Promise<void>;
  /** fs.copyFile with COPYFILE_FICLONE | COPYFILE_EXCL: a copy-on-write clone where supported. */
  cloneOrCopy(from: FilePath, to: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; no error when it is not there. */
  remove(file: string): Promise<void>;
}

export type FileTask =
  /** `known`: [cheap key, sha256] pairs recorded for this source path by earlier imports. */
  | { readonly kind: 'identify'; readonly source: FilePath; readonly noFollow: boolean; readonly known: readonly (readonly [string, string])[] }
  | { readonly kind: 'check'; readonly file: string; readonly size: number }
  | { readonly kind: 'list'; readonly dir: string }
  | { readonly kind: 'hash'; readonly file: string }
  | { readonly kind: 'store'; readonly source: FilePath; readonly target: string; readonly mkdir: boolean; readonly link: boolean }
  /** Size and mtime of many files at once (an export's files for a chat's digest). */
  | { readonly kind: 'facts'; readonly files: readonly string[] };

export type Identity =
  | { readonly missing: true }
  | { readonly notFile: true }
  /** `cached`: the hash came from the cheap key, the file was not read. */
  | { readonly sha256: string; readonly size: number; readonly key: string; readonly cached: boolean };

export interface Stored {
  readonly how: 'copied' | 'linked';
  /** Linking failed because of the disk (not the file): stop trying for this run. */
  readonly linksUnsupported: boolean;
}

export interface TaskResults {
  identify: Identity;
  /** Whether the stored copy is there with its recorded size. */
  check: boolean;
  /** Names in the folder; empty when the folder does not exist. */
  list: string[];
  /** sha256, or null when the file cannot be read (a folder, permissions). */
  hash: string | null;
  store: Stored;
  /** [size, mtimeMs] of each file, null where it is missing or not a regular file. */
  facts: (readonly [number, number] | null)[];
}

export type TaskOf<K extends FileTask['kind']> = Extract<FileTask, { kind: K }>;
export type ResultOf<T extends FileTask> = TaskResults[T['kind']];

/** Runs one task; fs errors other than the ones a task turns into an answer are thrown. */
export async function runFileTask<T extends FileTask>(io: FileIo, task: T): Promise<ResultOf<T>>;
export async function runFileTask(io: FileIo, task: FileTask): Promise<TaskResults[FileTask['kind']]> {
  switch (task.kind) {
    case 'identify':
      return identify(io, task);
    case 'check':
      return holds(io, task.file, task.size);
    case 'list':
      return list(io, task.dir);
    case 'hash':
      return io.digest(task.file, false).then(
        (d) => d.sha256 ?? null,
        () => null,
      );
    case 'store':
      return store(io, task);
    case 'facts':
      return facts(io, task.files);
  }
}

async function facts(io: FileIo, files: readonly string[]): Promise<(readonly [number, number] | null)[]> {
  const out: (readonly [number, number] | null)[] = [];
  for (const f of files) {
    try {
      const st = await io.stat(f, false);
      out.push(st.isFile ? [st.size, st.mtimeMs] : null);
    } catch {
      out.push(null);
    }
  }
  return out;
}

/** The hash of a source: from the cheap key when the file is unchanged, else by reading it. */
async function identify(io: FileIo, task: TaskOf<'identify'>): Promise<Identity> {
  try {
    if (task.known.length) {
      const st = await io.stat(task.source, task.noFollow);
      if (!st.isFile) return { notFile: true };
      const key = sourceKey(task.source, st);
      const hit = task.known.find(([k]) => k === key);
      if (hit) return { sha256: hit[1], size: st.size, key, cached: true };
    }
    const d = await io.digest(task.source, task.noFollow);
    if (!d.isFile || d.sha256 === undefined) return { notFile: true };
    return { sha256: d.sha256, size: d.size, key: sourceKey(task.source, d), cached: false };
  } catch (err) {
    if (isNotFound(err)) return { missing: true };
    throw err;
  }
}

async function holds(io: FileIo, file: string, size: number): Promise<boolean> {
  try {
    const st = await io.stat(file, false);
    return st.isFile && st.size === size;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

async function list(io: FileIo, dir: string): Promise<string[]> {
  try {
    return await io.readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Hardlink or copy to a temp name in the target folder, then rename: no partial file ever has the final name. */
async function store(io: FileIo, task: TaskOf<'store'>): Promise<Stored> {
  const target = task.target;
  if (task.mkdir) await io.mkdirp(path.dirname(target));
  const tmp = tempNameFor(target);
  let how: Stored['how'] = 'copied';
  let linksUnsupported = false;
  try {
    if (task.link) {
      try {
        await io.link(task.source, tmp);
        how = 'linked';
      } catch (err) {
        // Another disk, a file system without hardlinks, or a link limit: copy instead.
        linksUnsupported = isDiskLinkFailure(err);
        if (isNotFound(err)) throw err;
      }
    }
    if (how === 'copied') await io.cloneOrCopy(task.source, tmp);
    await io.rename(tmp, target);
  } catch (err) {
    await io.remove(tmp).catch(() => undefined);
    throw err;
  }
  return { how, linksUnsupported };
}

function isDiskLinkFailure(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP';
}

/** The cheap identity of an export file: path, size, mtime, inode. */
export function sourceKey(source: FilePath, st: Pick<FileStat, 'size' | 'mtimeMs' | 'ino'>): string {
  return `${sourceName(source)}|${st.size}|${Math.floor(st.mtimeMs)}|${st.ino}`;
}

/** The path part of a cheap key. */
export function sourceName(source: FilePath): string {
  return typeof source === 'string' ? source : `hex:${source.toString('hex')}`;
}
