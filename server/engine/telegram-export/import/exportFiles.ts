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
import { PathEscapeError, isSafeRelativePath, safeJoinReal, sanitizeFileName, vaultJoin } from '../../vault/fileNames';
import { type VaultFs, isNotFound } from '../../vault/vaultFs';

export type ExportFile =
  | { readonly ok: true; readonly source: string | Buffer }
  | { readonly ok: false; readonly reason: 'outside' | 'missing' | 'invalid'; readonly message: string };

export class ExportFiles {
  private realRoot: string | undefined;

  constructor(
    readonly exportRoot: string,
    private readonly fs: VaultFs,
  ) {}

  /** Locates `relative` (as written in the JSON) inside the export folder. */
  async locate(relative: string): Promise<ExportFile> {
    if (typeof relative !== 'string' || relative.trim() === '') return { ok: false, reason: 'invalid', message: 'empty file path' };
    if (!isSafeRelativePath(relative)) {
      return { ok: false, reason: 'outside', message: `refused file path "${relative}": it points outside the export folder` };
    }
    let target: string;
    try {
      target = await safeJoinReal(this.exportRoot, relative, { realpath: (p) => this.fs.realpath(p) });
    } catch (err) {
      if (err instanceof PathEscapeError) {
        return { ok: false, reason: 'outside', message: `refused file path "${relative}": it leads outside the export folder` };
      }
      throw err;
    }
    try {
      await this.fs.stat(target);
      return { ok: true, source: target };
    } catch (err) {
      if (!isNotFound(err)) return { ok: false, reason: 'missing', message: `cannot read "${relative}": ${(err as Error).message}` };
    }
    if (relative.includes('\ufffd')) {
      const raw = await this.findByLossyName(target);
      if (raw) return { ok: true, source: raw };
    }
    return { ok: false, reason: 'missing', message: `file "${relative}" is not in the export` };
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
    // The folder passed the symlink check above; the entry itself must not be a link out.
    try {
      const st = await this.fs.lstat(raw);
      if (!st.isFile()) return undefined;
    } catch {
      return undefined;
    }
    return raw;
  }

  async realExportRoot(): Promise<string> {
    this.realRoot ??= await this.fs.realpath(this.exportRoot);
    return this.realRoot;
  }
}

/**
 * Vault-relative path an attachment gets: `<chat dir>/<attachments>/<path inside the chat's export
 * folder>`, every segment sanitised. Whole-account exports prefix paths with
 * `chats/chat_NNN/` (or `left_chats/...`); that prefix is the chat's folder and is dropped.
 */
export function attachmentVaultPath(chatDir: string, attachmentsFolder: string, exportRelative: string): string {
  const segments = exportRelative.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.length > 2 && (segments[0] === 'chats' || segments[0] === 'left_chats') && /^chat_\d+$/.test(segments[1])) segments.splice(0, 2);
  const safe = segments.map((s, i) => sanitizeFileName(s, { keepExtension: i === segments.length - 1, fallback: 'file' }));
  return vaultJoin(chatDir, sanitizeFileName(attachmentsFolder || 'attachments', { fallback: 'attachments' }), ...safe);
}
