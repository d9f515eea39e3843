/**
 * Digest of one chat of an export as the archive would read it: the renderer's version, the
 * settings that shape its notes, the chat's header and every entry of its messages array,
 * byte for byte. Equal digests mean a re-import would write exactly what is archived already.
 * The files its messages name are covered by their size and mtime (a file replaced under the
 * same name changes the digest); the archive checks its own stored copies itself, and a chat
 * whose last run missed a file gets no digest.
 */
import { createHash, type Hash } from 'node:crypto';
import * as path from 'node:path';
import type { VaultFs } from '../../vault/vaultFs';
import type { WorkerSettings } from '../../../../shared/types';
import { RENDER_VERSION } from '../../telegram-notes';

/** Text gathered before one native hash update (one call per message would cost more than hashing). */
const BATCH_CHARS = 1 << 16;
const STAT_BATCH = 64;
/** A file field of a message as its JSON text writes it (the names Telegram Desktop uses). */
const FILE_FIELD = /"(?:photo|file|thumbnail|contact_vcard)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/** The file paths an entry of the messages array names (read from its text, without parsing it). */
export function fileRefsIn(raw: string): string[] {
  if (!raw.includes('"photo"') && !raw.includes('"file"') && !raw.includes('"thumbnail"') && !raw.includes('"contact_vcard"')) return [];
  const out: string[] = [];
  for (const m of raw.matchAll(FILE_FIELD)) {
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

export class ChatDigest {
  private readonly hash: Hash = createHash('sha256');
  private parts: string[] = [];
  private chars = 0;

  constructor(chat: { readonly id: number; readonly title: string; readonly type: string }, settings: WorkerSettings) {
    this.add(JSON.stringify([RENDER_VERSION, settings.attachmentsFolder, chat.id, chat.title, chat.type]));
  }

  /** The next entry of the messages array, as its JSON text. */
  add(raw: string): void {
    this.parts.push(raw);
    this.chars += raw.length + 1;
    if (this.chars >= BATCH_CHARS) this.flush();
  }

  /** The size and mtime of each file (relative to the export folder); a missing one counts as missing. */
  async addFiles(fs: Pick<VaultFs, 'stat'>, exportRoot: string, refs: readonly string[]): Promise<void> {
    const root = path.resolve(exportRoot);
    for (let i = 0; i < refs.length; i += STAT_BATCH) {
      const batch = refs.slice(i, i + STAT_BATCH).map(async (ref) => {
        const abs = path.resolve(root, ref);
        if (!abs.startsWith(root + path.sep)) return `${ref}\toutside`;
        const st = await fs.stat(abs).catch(() => undefined);
        return st ? `${ref}\t${st.size}\t${st.mtimeMs}` : `${ref}\tmissing`;
      });
      for (const line of await Promise.all(batch)) this.add(line);
    }
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private flush(): void {
    if (!this.parts.length) return;
    // One separator no JSON text holds unescaped, so entries cannot run into each other.
    this.hash.update(this.parts.join('\u0000') + '\u0000');
    this.parts = [];
    this.chars = 0;
  }
}
