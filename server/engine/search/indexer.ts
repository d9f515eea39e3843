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
import { type NoteEvent, type NoteJob, readNoteJob } from './noteJob';
import { tailHash } from './noteReader';

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

/** Where notes are read: on this thread, or in the reader thread (readerThread.ts). */
export interface NoteSource {
  /** Reads a note, handing its events to `emit` in order (each awaited before the next). */
  read(job: NoteJob, emit: (e: NoteEvent) => Promise<void>): Promise<void>;
}

export const inlineSource = (fs: VaultFs): NoteSource => ({ read: (job, emit) => readNoteJob(fs, job, emit) });

/** The notes of a plan as reading jobs, in the order applyPlan reads them (a build's reader thread is given them all at once). */
export function planJobs(plan: Plan): NoteJob[] {
  return plan.changed.map(({ file }) => jobOf(file, undefined));
}

function jobOf(file: NoteFile, appendFrom: NoteRecord | undefined): NoteJob {
  const job = { abs: file.abs, name: path.posix.basename(file.rel, '.md'), size: file.size };
  return appendFrom ? { ...job, from: { byte: appendFrom.indexedEnd, line: appendFrom.indexedLines } } : job;
}

/** Applies a plan, reading the notes from `source` (this thread by default). Returns how many documents were added. */
export async function applyPlan(store: IndexStore, fs: VaultFs, plan: Plan, hooks: UpdateHooks, source: NoteSource = inlineSource(fs)): Promise<number> {
  for (const gone of plan.removed) store.transaction(() => store.clearNote(gone.id, true));
  let done = 0;
  let added = 0;
  for (const { file, old } of plan.changed) {
    if (hooks.signal?.aborted) break;
    added += await indexNote(store, source, file, old, await canAppend(fs, file, old), (bytes) => hooks.progress(done + bytes));
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

async function indexNote(store: IndexStore, source: NoteSource, file: NoteFile, old: NoteRecord | undefined, append: boolean, progress: (bytes: number) => void): Promise<number> {
  let noteId = -1;
  let added = 0;
  let headerBytes = 0;
  let headerLines = 0;
  await source.read(jobOf(file, append ? old : undefined), async (e) => {
    if (e.kind === 'head') {
      ({ headerBytes, headerLines } = e.head);
      noteId = store.transaction(() => {
        const id = store.beginNote(file.rel, e.head.kind, e.head.source, e.head.topic);
        // a note without a record has no documents (a note's are removed with its record): nothing to
        // clear, and clearing would scan the docs table in a bulk build, which has no note index yet
        if (!e.append && old) store.clearNote(id, false);
        return id;
      });
    } else if (e.kind === 'docs') {
      added += store.transaction(() => store.addBatch(noteId, e.batch));
      progress(e.bytes);
      await new Promise<void>((resolve) => setImmediate(resolve)); // let queries in between chunks
    } else {
      store.transaction(() =>
        store.finishNote(noteId, { size: file.size, mtime: file.mtime, ino: file.ino, headerBytes, headerLines, indexedEnd: e.indexedEnd, indexedLines: e.indexedLines, tailHash: e.tailHash }),
      );
    }
  });
  return added;
}
