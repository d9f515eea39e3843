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
const FILE_KEYS = ['"photo"', '"file"', '"thumbnail"', '"contact_vcard"'];
/** The same as bytes: searching a Buffer for a string would encode the string on every call. */
const FILE_KEY_BYTES = FILE_KEYS.map((k) => Buffer.from(k));

/** The file paths an entry of the messages array names, read from its text without parsing it. */
export function fileRefsIn(entry: string | Buffer): string[] {
  const named = typeof entry === 'string' ? FILE_KEYS.some((k) => entry.includes(k)) : FILE_KEY_BYTES.some((k) => entry.indexOf(k) >= 0);
  if (!named) return [];
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

export async function chatDigest(args: {
  readonly chat: { readonly id: number; readonly title: string; readonly type: string };
  readonly settings: WorkerSettings;
  /** The reader's digest of the messages array's bytes. */
  readonly bytesDigest: string;
  readonly fs: VaultFs;
  readonly exportRoot: string;
  readonly fileRefs: readonly string[];
}): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([RENDER_VERSION, args.settings.attachmentsFolder, args.chat.id, args.chat.title, args.chat.type, args.bytesDigest]));
  const root = path.resolve(args.exportRoot);
  const inside = args.fileRefs.filter((ref) => path.resolve(root, ref).startsWith(root + path.sep));
  const facts = await statMany(args.fs, inside.map((ref) => path.resolve(root, ref)));
  const lines = inside.map((ref, i) => (facts[i] ? `${ref}\t${facts[i]!.size}\t${facts[i]!.mtimeMs}` : `${ref}\tmissing`));
  const outside = args.fileRefs.filter((ref) => !path.resolve(root, ref).startsWith(root + path.sep));
  hash.update(`\n${lines.join('\n')}\n${outside.map((ref) => `${ref}\toutside`).join('\n')}`);
  return hash.digest('hex');
}
