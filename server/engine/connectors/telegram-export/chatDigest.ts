/**
 * Digest of one chat of an export as the archive would read it: the renderer's version, the
 * settings that shape its notes, the chat's header, the bytes of its messages array exactly as
 * written (hashed by the reader as it scans), and the size and mtime of every file the messages
 * name (a file replaced under the same name changes the digest). Equal digests mean a re-import
 * would write exactly what is archived already. The archive checks its own stored copies itself,
 * and a chat whose last run missed a file gets no digest.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { WorkerSettings } from '../../../../shared/types';
import { RENDER_VERSION } from '../../telegram-notes';
import { type VaultFs, statMany } from '../../vault/vaultFs';

/** A file field of a message as its JSON text writes it (the names Telegram Desktop uses). */
const FILE_FIELD = /"(?:photo|file|thumbnail|contact_vcard)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
/** Whether an entry names a file at all: one regular expression finds any of the keys three times
 *  faster than a search per key (most entries name none, and every entry is asked). */
const FILE_KEY = /"(?:photo|file|thumbnail|contact_vcard)"/;

/** The file paths an entry of the messages array names, read from its text without parsing it. */
export function fileRefsIn(entry: string | Buffer): string[] {
  // Bytes are looked at as Latin-1 (one character per byte, a plain copy): the keys are ASCII, and
  // no byte of a multi-byte UTF-8 character is ASCII, so they match exactly where the text does.
  if (!FILE_KEY.test(typeof entry === 'string' ? entry : entry.toString('latin1'))) return [];
  const text = typeof entry === 'string' ? entry : entry.toString('utf8');
  const out: string[] = [];
  for (const m of text.matchAll(FILE_FIELD)) {
    try {
      const ref = JSON.parse(`"${m[1]}"`) as string;
      // Telegram Desktop's remark for a file left out of the export is not a path.
      if (ref && !ref.startsWith('(')) out.push(ref);
    } catch {
      // not a JSON string after all: not a path
    }
  }
  return out;
}

/** Size and mtime of a file, undefined when it is missing or not a regular file. */
export type FileFacts = { readonly size: number; readonly mtimeMs: number } | undefined;

/**
 * Whether `ref` (as the JSON names it) lies inside the export folder, and its absolute path: only
 * such files join the digest with their size and mtime.
 */
export function exportFileOf(exportRoot: string, ref: string): string | undefined {
  const root = path.resolve(exportRoot);
  const abs = path.resolve(root, ref);
  return abs.startsWith(root + path.sep) ? abs : undefined;
}

export async function chatDigest(args: {
  readonly chat: { readonly id: number; readonly title: string; readonly type: string };
  readonly settings: WorkerSettings;
  /** The reader's digest of the messages array's bytes. */
  readonly bytesDigest: string;
  readonly fs: VaultFs;
  readonly exportRoot: string;
  readonly fileRefs: readonly string[];
  /** The facts of each file of `fileRefs` inside the export, in order (read ahead by the caller);
   *  absent: read here. */
  readonly insideFacts?: readonly FileFacts[];
}): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([RENDER_VERSION, args.settings.attachmentsFolder, args.chat.id, args.chat.title, args.chat.type, args.bytesDigest]));
  const files = args.fileRefs.map((ref) => exportFileOf(args.exportRoot, ref));
  const inside = args.fileRefs.filter((_, i) => files[i] !== undefined);
  const facts = args.insideFacts ?? (await statMany(args.fs, files.filter((f) => f !== undefined)));
  const lines = inside.map((ref, i) => (facts[i] ? `${ref}\t${facts[i]!.size}\t${facts[i]!.mtimeMs}` : `${ref}\tmissing`));
  const outside = args.fileRefs.filter((_, i) => files[i] === undefined);
  hash.update(`\n${lines.join('\n')}\n${outside.map((ref) => `${ref}\toutside`).join('\n')}`);
  return hash.digest('hex');
}
