/**
 * Reading one note for the index, as a sequence of events: what the note is (its head), its
 * documents a chunk at a time (packed, docBatch.ts), and where indexing stopped (with the hash
 * that recognises a note that only grew). The same function runs on the thread that owns the
 * database (an update of a few notes) or in the reader thread (a whole build, readerThread.ts):
 * either way the index gets the same documents.
 */
import type { VaultFs } from '../vault/vaultFs';
import { type DocBatch, DocBatchWriter } from './docBatch';
import { type NoteHead, readMessages, readNoteHead, readWholeNote, tailHash } from './noteReader';

export interface NoteJob {
  readonly abs: string;
  /** The file name without ".md" (the title of a note without one). */
  readonly name: string;
  readonly size: number;
  /** Where to go on reading a message note that only grew since it was indexed. */
  readonly from?: { readonly byte: number; readonly line: number };
}

export type NoteEvent =
  | { readonly kind: 'head'; readonly head: NoteHead; readonly append: boolean }
  /** `bytes`: bytes of the note read so far, counted from where this read started. */
  | { readonly kind: 'docs'; readonly batch: DocBatch; readonly bytes: number }
  | { readonly kind: 'end'; readonly indexedEnd: number; readonly indexedLines: number; readonly tailHash: string };

/** Reads a note, handing each event to `emit` (awaited: the next chunk is read after it). */
export async function readNoteJob(fs: VaultFs, job: NoteJob, emit: (e: NoteEvent) => Promise<void>): Promise<void> {
  const head = await readNoteHead(fs, job.abs, job.name);
  const append = job.from !== undefined && head.kind === 'message' && !head.skip;
  await emit({ kind: 'head', head, append });
  let indexedEnd = head.headerBytes;
  let indexedLines = head.headerLines;
  if (head.skip) {
    // recorded without entries (a channel note), so the next update does not read it again
    indexedEnd = job.size;
  } else if (head.kind === 'message') {
    const from = append ? job.from!.byte : head.headerBytes;
    const fromLine = append ? job.from!.line : head.headerLines;
    const writer = new DocBatchWriter();
    const r = await readMessages(fs, job.abs, job.size, from, fromLine, async (docs, p) => {
      for (const d of docs) writer.add(d);
      await emit({ kind: 'docs', batch: writer.take(), bytes: p.bytes - from });
    });
    indexedEnd = r.indexedEnd;
    indexedLines = r.indexedLines;
  } else {
    const doc = await readWholeNote(fs, job.abs, head, job.size);
    if (doc) {
      const writer = new DocBatchWriter();
      writer.add(doc);
      await emit({ kind: 'docs', batch: writer.take(), bytes: job.size });
    }
    indexedEnd = job.size;
  }
  const hash = await tailHash(fs, job.abs, head.headerBytes, indexedEnd);
  await emit({ kind: 'end', indexedEnd, indexedLines, tailHash: hash });
}
