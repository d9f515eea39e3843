/**
 * Brings the index in step with the notes on disk: lists the vault's Markdown notes with their
 * size, mtime and inode, and re-reads only what changed since it was indexed:
 *   - a note that only grew (same inode, larger, the bytes before the indexed end unchanged) is
 *     read from where indexing stopped: the importer appends new messages at the end;
 *   - any other change (an edited message rewrites the note through a temp file, so its inode
 *     changes; a shrink; a crash mid-update left it dirty) re-reads the whole note;
 *   - a note that is gone loses its documents.
 * Each step is its own transaction, and a note is marked dirty before its first one, so a crash
 * anywhere leaves an index that re-reads that note on the next update.
 */
import * as path from 'node:path';
import { STATE_DIR } from '../vault/layout';
import type { VaultFs } from '../vault/vaultFs';
import type { IndexStore, NoteRecord } from './indexStore';
import { readMessages, readNoteHead, readWholeNote, tailHash } from './noteReader';

export interface NoteFile {
  /** Vault-relative, forward slashes. */
  readonly rel: string;
  readonly abs: string;
  readonly size: number;
  readonly mtime: number;
  readonly ino: number;
}

/** Folders never holding notes to index: dot folders (the vault's state, .obsidian, .trash) and attachments. */
function skipDir(name: string, attachmentsFolder: string): boolean {
  return name.startsWith('.') || name === attachmentsFolder || name === STATE_DIR || name === 'node_modules';
}

export async function listNotes(fs: VaultFs, root: string, attachmentsFolder = 'attachments'): Promise<NoteFile[]> {
  const out: NoteFile[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return; // gone meanwhile, or unreadable: not a note
    }
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!skipDir(e.name, attachmentsFolder)) await walk(abs, childRel);
      } else if (e.isFile() && e.name.toLowerCase().endsWith('.md')) {
        try {
          const st = await fs.stat(abs);
          out.push({ rel: childRel, abs, size: st.size, mtime: st.mtimeMs, ino: st.ino });
        } catch {
          /* removed between readdir and stat */
        }
      }
    }
  };
  await walk(root, '');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

export interface Plan {
  readonly removed: NoteRecord[];
  readonly changed: { readonly file: NoteFile; readonly old?: NoteRecord }[];
  /** Bytes to read for the changed notes (progress). */
  readonly bytes: number;
}

export function planUpdate(store: IndexStore, files: readonly NoteFile[]): Plan {
  const known = new Map(store.allNotes().map((n) => [n.path, n]));
  const changed: Plan['changed'][number][] = [];
  let bytes = 0;
  for (const file of files) {
    const old = known.get(file.rel);
    known.delete(file.rel);
    if (old && old.size === file.size && old.mtime === file.mtime && old.ino === file.ino) continue;
    changed.push({ file, old });
    bytes += plannedBytes(file, old);
  }
  return { removed: [...known.values()], changed, bytes };
}

/** Bytes an update expects to read of a note: from where indexing stopped when it may only have grown. */
function plannedBytes(file: NoteFile, old: NoteRecord | undefined): number {
  return file.size - (old && old.ino === file.ino && old.size >= 0 && file.size > old.size ? old.indexedEnd : 0);
}

export interface UpdateHooks {
  /** Bytes read so far of `plan.bytes`. */
  progress(bytesDone: number): void;
  readonly signal?: AbortSignal;
}

/** Applies a plan. Returns how many documents were added. */
export async function applyPlan(store: IndexStore, fs: VaultFs, plan: Plan, hooks: UpdateHooks): Promise<number> {
  for (const gone of plan.removed) store.transaction(() => store.clearNote(gone.id, true));
  let done = 0;
  let added = 0;
  for (const { file, old } of plan.changed) {
    if (hooks.signal?.aborted) break;
    added += await indexNote(store, fs, file, old, (bytes) => hooks.progress(done + bytes));
    done += plannedBytes(file, old);
    hooks.progress(done);
  }
  return added;
}

async function canAppend(fs: VaultFs, file: NoteFile, old: NoteRecord | undefined): Promise<boolean> {
  if (!old || old.size < 0 || old.ino !== file.ino || file.size <= old.size || old.kind !== 'message') return false;
  try {
    return (await tailHash(fs, file.abs, old.headerBytes, old.indexedEnd)) === old.tailHash;
  } catch {
    return false;
  }
}

async function indexNote(store: IndexStore, fs: VaultFs, file: NoteFile, old: NoteRecord | undefined, progress: (bytes: number) => void): Promise<number> {
  const append = await canAppend(fs, file, old);
  const head = await readNoteHead(fs, file.abs, path.posix.basename(file.rel, '.md'));
  const noteId = store.transaction(() => {
    const id = store.beginNote(file.rel, head.kind, head.source, head.topic);
    // a note without a record has no documents (a note's are removed with its record): nothing to
    // clear, and clearing would scan the docs table in a bulk build, which has no note index yet
    if (!append && old) store.clearNote(id, false);
    return id;
  });
  let added = 0;
  let indexedEnd = head.headerBytes;
  let indexedLines = head.headerLines;
  if (head.skip) {
    // recorded without entries (a channel note), so the next update does not read it again
    indexedEnd = file.size;
  } else if (head.kind === 'message') {
    const from = append ? old!.indexedEnd : head.headerBytes;
    const fromLine = append ? old!.indexedLines : head.headerLines;
    const r = await readMessages(fs, file.abs, file.size, from, fromLine, async (docs, p) => {
      added += store.transaction(() => {
        let n = 0;
        for (const d of docs) {
          store.addDoc(noteId, d);
          n++;
        }
        return n;
      });
      progress(p.bytes - from);
      await new Promise<void>((resolve) => setImmediate(resolve)); // let queries in between chunks
    });
    indexedEnd = r.indexedEnd;
    indexedLines = r.indexedLines;
  } else {
    const doc = await readWholeNote(fs, file.abs, head, file.size);
    if (doc) {
      store.transaction(() => store.addDoc(noteId, doc));
      added++;
    }
    indexedEnd = file.size;
  }
  const hash = await tailHash(fs, file.abs, head.headerBytes, indexedEnd);
  store.transaction(() =>
    store.finishNote(noteId, { size: file.size, mtime: file.mtime, ino: file.ino, headerBytes: head.headerBytes, headerLines: head.headerLines, indexedEnd, indexedLines, tailHash: hash }),
  );
  return added;
}
