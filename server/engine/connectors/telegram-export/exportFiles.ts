/**
 * Finding an export's files from the paths written in its JSON, safely.
 *
 * The JSON is untrusted: a path may be absolute, climb out with "..", or lead out through a
 * symbolic link planted in the export. Those are refused. A file name that was not valid UTF-8 on
 * disk reaches the JSON with U+FFFD in place of the bad bytes (Telegram Desktop writes UTF-8), so
 * the string cannot open it; we then look in the folder for the one entry whose name decodes to
 * the same text and open it by its raw bytes.
 */
import * as path from 'node:path';
import { PathEscapeError, isSafeRelativePath, safeJoin, safeJoinReal, sanitizeFileName, vaultJoin } from '../../vault/fileNames';
import { type VaultFs, isNotFound } from '../../vault/vaultFs';

export type ExportFile =
  /** `noFollow`: seen as a regular file (not a link) in its folder's listing; to be opened without
   *  following links. `stat` when an lstat was needed to find it. */
  | { readonly ok: true; readonly source: string | Buffer; readonly stat?: import('node:fs').Stats; readonly noFollow?: boolean }
  | { readonly ok: false; readonly reason: 'outside' | 'missing' | 'invalid'; readonly message: string };

export class ExportFiles {
  private realRoot: Promise<string> | undefined;
  /** Real path of each folder files were found in (a handful: photos/, files/...), or why not. */
  private readonly realDirs = new Map<string, Promise<string | undefined>>();
  /** What each such folder holds, listed once: name → kind of entry (undefined: unreadable). */
  private readonly listings = new Map<string, Promise<Map<string, EntryKind> | undefined>>();

  constructor(
    readonly exportRoot: string,
    private readonly fs: VaultFs,
  ) {}

  /**
   * Locates `relative` (as written in the JSON) inside the export folder. The folder's real path
   * is checked once per folder, and the folder is listed once (with entry types): a regular file
   * found in the listing costs no system call here (it is then opened without following links);
   * a symbolic link is followed and checked; a name not in the listing (another Unicode form, a
   * case-insensitive disk, a file added since) gets the per-file lstat.
   */
  async locate(relative: string): Promise<ExportFile> {
    if (typeof relative !== 'string' || relative.trim() === '') return { ok: false, reason: 'invalid', message: 'empty file path' };
    let target: string;
    try {
      if (!isSafeRelativePath(relative)) throw new PathEscapeError(this.exportRoot, relative, 'not a plain relative path');
      target = safeJoin(this.exportRoot, relative);
    } catch (err) {
      if (err instanceof PathEscapeError) return outside(relative);
      throw err;
    }
    const dir = path.dirname(target);
    const realDir = await this.realDir(dir);
    if (realDir === undefined) {
      if (relative.includes('\ufffd')) return this.lossy(relative, target);
      return missing(relative);
    }
    if (realDir === OUTSIDE) return outside(relative);
    const name = path.basename(target);
    // A name with U+FFFD never opens as written (the lossy path below finds its raw bytes).
    const kind = name.includes('\ufffd') ? undefined : (await this.listing(dir))?.get(name);
    if (kind === 'file') return { ok: true, source: target, noFollow: true };
    if (kind === 'other') return { ok: false, reason: 'missing', message: `"${relative}" is not a file` };
    if (kind === 'link') return this.followLink(relative, target);
    let st: import('node:fs').Stats;
    try {
      st = await this.fs.lstat(target);
    } catch (err) {
      if (!isNotFound(err)) return { ok: false, reason: 'missing', message: `cannot read "${relative}": ${(err as Error).message}` };
      if (relative.includes('\ufffd')) return this.lossy(relative, target);
      return missing(relative);
    }
    if (st.isSymbolicLink()) return this.followLink(relative, target);
    if (!st.isFile()) return { ok: false, reason: 'missing', message: `"${relative}" is not a file` };
    return { ok: true, source: target, stat: st };
  }

  private async followLink(relative: string, target: string): Promise<ExportFile> {
    try {
      const real = await this.fs.realpath(target);
      if (!isInside(await this.realExportRoot(), real)) return outside(relative);
      return { ok: true, source: real };
    } catch {
      return missing(relative);
    }
  }

  private listing(dir: string): Promise<Map<string, EntryKind> | undefined> {
    let known = this.listings.get(dir);
    if (!known) {
      known = this.fs.readdir(dir, { withFileTypes: true }).then(
        (entries) => {
          const kinds = new Map<string, EntryKind>();
          for (const e of entries) kinds.set(e.name, e.isFile() ? 'file' : e.isSymbolicLink() ? 'link' : 'other');
          return kinds;
        },
        () => undefined,
      );
      this.listings.set(dir, known);
    }
    return known;
  }

  private realDir(dir: string): Promise<string | undefined> {
    let known = this.realDirs.get(dir);
    if (!known) {
      known = (async () => {
        try {
          const real = await this.fs.realpath(dir);
          return isInside(await this.realExportRoot(), real) ? real : OUTSIDE;
        } catch {
          return undefined;
        }
      })();
      this.realDirs.set(dir, known);
    }
    return known;
  }

  private async lossy(relative: string, target: string): Promise<ExportFile> {
    // Non-UTF-8 names are rare: the slower, symlink-aware check is fine here.
    try {
      await safeJoinReal(this.exportRoot, relative, { realpath: (p) => this.fs.realpath(p) });
    } catch (err) {
      if (err instanceof PathEscapeError) return outside(relative);
    }
    const raw = await this.findByLossyName(target);
    return raw ? { ok: true, source: raw } : missing(relative);
  }

  /** A name with bytes that are not UTF-8: match the directory entry whose lossy decoding equals it. */
  private async findByLossyName(target: string): Promise<Buffer | undefined> {
    const dir = path.dirname(target);
    const want = path.basename(target);
    let names: Buffer[];
    try {
      names = (await this.fs.readdir(dir, { encoding: 'buffer' })) as Buffer[];
    } catch {
      return undefined;
    }
    const matches = names.filter((n) => n.toString('utf8') === want);
    if (matches.length !== 1) return undefined;
    const raw = Buffer.concat([Buffer.from(dir + path.sep, 'utf8'), matches[0]]);
    // The folder passed the symlink check; the entry itself must not be a link out.
    try {
      const st = await this.fs.lstat(raw);
      if (!st.isFile()) return undefined;
    } catch {
      return undefined;
    }
    return raw;
  }

  realExportRoot(): Promise<string> {
    this.realRoot ??= this.fs.realpath(this.exportRoot);
    return this.realRoot;
  }
}

const OUTSIDE = '\0outside';

type EntryKind = 'file' | 'link' | 'other';

function outside(relative: string): ExportFile {
  return { ok: false, reason: 'outside', message: `refused file path "${relative}": it leads outside the export folder` };
}

function missing(relative: string): ExportFile {
  return { ok: false, reason: 'missing', message: `file "${relative}" is not in the export` };
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Vault-relative path an attachment gets: `<chat dir>/<attachments>/<path inside the chat's export
 * folder>`, every segment sanitised. Whole-account exports prefix paths with
 * `chats/chat_NNN/` (or `left_chats/...`); that prefix is the chat's folder and is dropped.
 */
export function attachmentVaultPath(chatDir: string, attachmentsFolder: string, exportRelative: string): string {
  const segments = exportRelative.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.length > 2 && (segments[0] === 'chats' || segments[0] === 'left_chats') && /^chat_\d+$/.test(segments[1])) segments.splice(0, 2);
  const name = segments.pop();
  const folder = folderPath(chatDir, attachmentsFolder, segments);
  if (name === undefined) return folder;
  // A sanitised name holds no slash and is never empty or ".": it joins as it is.
  return `${folder}/${sanitizeFileName(name, { keepExtension: true, fallback: 'file' })}`;
}

/** The vault folder for an export folder (photos/, files/...) of a chat: the same few for
 *  thousands of files, so each is sanitised once (sanitising is a handful of regular expressions). */
const folderPaths = new Map<string, string>();
const FOLDER_PATHS_KEPT = 4096;

function folderPath(chatDir: string, attachmentsFolder: string, segments: readonly string[]): string {
  const key = `${chatDir}\0${attachmentsFolder}\0${segments.join('/')}`;
  let folder = folderPaths.get(key);
  if (folder === undefined) {
    const safe = segments.map((s) => sanitizeFileName(s, { fallback: 'file' }));
    folder = vaultJoin(chatDir, sanitizeFileName(attachmentsFolder || 'attachments', { fallback: 'attachments' }), ...safe);
    if (folderPaths.size >= FOLDER_PATHS_KEPT) folderPaths.clear();
    folderPaths.set(key, folder);
  }
  return folder;
}
