/**
 * File and folder names made from untrusted text (chat titles, topic titles, file names inside an
 * export), safe on Windows, macOS and Linux, and safe inside Obsidian links; plus path joining that
 * can never leave the vault.
 *
 * Names come from other people (anyone can title a group "../../.ssh" or "CON"), so every rule here
 * is about making a name that (a) every OS accepts, (b) Obsidian can link to with [[...]], and
 * (c) stays one path segment under the folder we chose.
 */
import * as path from 'node:path';

/** Longest name we produce, in UTF-8 bytes. 255 is the limit of ext4/APFS/NTFS; the rest is room
 *  for suffixes the engine adds later (" (1234567890123)" on collisions, " 2024-01", ".md"). */
export const DEFAULT_MAX_NAME_BYTES = 200;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$)$/i;

/**
 * Characters no OS or Obsidian link tolerates: Windows' <>:"/\|?*, and Obsidian's link syntax
 * #^[]| (a note named "a#b" cannot be linked as [[a#b]]). Replaced by "_".
 */
const ILLEGAL_CHARS = /[<>:"/\\|?*#^[\]]/g;
/** C0 and C1 controls, DEL; line and paragraph separators; bidi overrides/isolates (spoofing). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]/g;

export interface SanitizeOptions {
  /** Upper bound in UTF-8 bytes (default DEFAULT_MAX_NAME_BYTES). */
  readonly maxBytes?: number;
  /** Used when nothing printable is left (default "untitled"). */
  readonly fallback?: string;
  /** Keep a short extension (".jpg") through truncation; for attachment file names. */
  readonly keepExtension?: boolean;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Made at first use: building a Segmenter loads ICU's break rules (about 10 ms at start-up,
 *  paid by every CLI run though only a name too long for the disk needs it). */
let graphemes: Intl.Segmenter | undefined;

/** Longest prefix of `s` that fits in `maxBytes`, never cutting a grapheme (emoji, combining marks). */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (utf8Length(s) <= maxBytes) return s;
  let out = '';
  let used = 0;
  for (const { segment } of (graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' })).segment(s)) {
    const n = utf8Length(segment);
    if (used + n > maxBytes) break;
    out += segment;
    used += n;
  }
  return out;
}

/** Removes what Windows refuses at the end of a name and what hides a file on Unix at its start. */
function trimEdges(s: string): string {
  return s.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
}

/**
 * One safe path segment from arbitrary text. Deterministic: same input, same output.
 * NFC-normalised (macOS would otherwise store a different byte sequence than Linux), controls and
 * illegal characters replaced, whitespace collapsed, no leading/trailing dots or spaces, no
 * Windows device names, at most `maxBytes` UTF-8 bytes, never empty, never "." or "..".
 */
export function sanitizeFileName(raw: string, options: SanitizeOptions = {}): string {
  const maxBytes = Math.max(16, options.maxBytes ?? DEFAULT_MAX_NAME_BYTES);
  const fallback = options.fallback ?? 'untitled';
  let s = String(raw ?? '')
    .normalize('NFC')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(INVISIBLE_OR_CONTROL, ' ')
    .replace(ILLEGAL_CHARS, '_')
    .replace(/\s+/gu, ' ');
  s = trimEdges(s);

  let ext = '';
  if (options.keepExtension) {
    const m = /\.([A-Za-z0-9]{1,10})$/.exec(s);
    if (m && m.index > 0) {
      ext = '.' + m[1].toLowerCase();
      s = trimEdges(s.slice(0, m.index));
    }
  }
  if (s === '') s = fallback;

  // Windows treats "CON", "con.txt", "CON .md" alike: the part before the first dot is what counts.
  const stem = s.split('.')[0].trim();
  if (WINDOWS_RESERVED.test(stem)) s = s.replace(stem, stem + '_');

  s = trimEdges(truncateUtf8(s, maxBytes - utf8Length(ext)));
  if (s === '') s = truncateUtf8(fallback, maxBytes - utf8Length(ext));
  return s + ext;
}

/** Forward-slash join of vault-relative segments (what Obsidian links use on every OS). */
export function vaultJoin(...segments: string[]): string {
  return segments
    .flatMap((s) => s.split(/[\\/]+/))
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/** Thrown when a path would leave the folder it must stay in. */
export class PathEscapeError extends Error {
  constructor(readonly root: string, readonly relative: string, why: string) {
    super(`Refused path "${relative}": ${why} (must stay inside "${root}")`);
    this.name = 'PathEscapeError';
  }
}

/**
 * True when `relative` is a plain relative path with no way out: not absolute (POSIX, drive
 * letter, UNC), no ".." segment, no NUL. Backslashes count as separators (export paths from
 * Windows), so "..\\x" is caught on Linux too.
 */
export function isSafeRelativePath(relative: string): boolean {
  if (typeof relative !== 'string' || relative === '' || relative.includes('\0')) return false;
  if (/^[\\/]/.test(relative) || /^[A-Za-z]:/.test(relative)) return false;
  return !relative.split(/[\\/]+/).some((seg) => seg === '..' || /^[A-Za-z]:/.test(seg));
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * `root` joined with `relative`, or a PathEscapeError when the result would not be inside `root`
 * (lexically: absolute paths, "..", drive letters). See safeJoinReal for the symlink-aware check.
 */
export function safeJoin(root: string, relative: string): string {
  if (!isSafeRelativePath(relative)) throw new PathEscapeError(root, relative, 'not a plain relative path');
  const base = path.resolve(root);
  const target = path.resolve(base, ...relative.split(/[\\/]+/));
  if (!isInside(base, target)) throw new PathEscapeError(root, relative, 'resolves outside');
  return target;
}

/** The part of node:fs/promises safeJoinReal needs (injectable for tests). */
export interface RealpathFs {
  realpath(p: string): Promise<string>;
}

/**
 * Like safeJoin, and also follows symlinks: the deepest existing ancestor of the result (the file
 * itself when it exists) must resolve inside the real root. A symlink planted in the export or the
 * vault ("attachments -> /etc") is refused.
 */
export async function safeJoinReal(root: string, relative: string, fs: RealpathFs): Promise<string> {
  const target = safeJoin(root, relative);
  const realRoot = await fs.realpath(path.resolve(root));
  let probe = target;
  let suffix = '';
  for (;;) {
    try {
      const real = await fs.realpath(probe);
      const resolved = suffix === '' ? real : path.join(real, suffix);
      if (!isInside(realRoot, resolved)) throw new PathEscapeError(root, relative, 'a symbolic link leads outside');
      return target;
    } catch (err) {
      if (err instanceof PathEscapeError) throw err;
      const code = (err as NodeJS.ErrnoException)?.code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = path.dirname(probe);
      if (parent === probe || !isInside(path.resolve(root), parent)) return target;
      suffix = suffix === '' ? path.basename(probe) : path.join(path.basename(probe), suffix);
      probe = parent;
    }
  }
}
