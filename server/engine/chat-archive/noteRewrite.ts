/**
 * Rewriting a note whose blocks changed in place (edits, inserts of older messages, albums that
 * changed shape): the note is streamed through once, block by block, into a temp file that
 * replaces it (NoteWriter.rewrite), so memory does not grow with the note.
 */
import type { NoteWriter } from '../vault/noteWriter';
import { scanNote } from './noteScan';
import type { ArchiveRun, NoteState } from './types';

export async function rewriteNote(run: ArchiveRun, note: NoteState, writer: NoteWriter, header: string): Promise<void> {
  const inserts = note.inserts.sort((a, b) => a.firstId - b.firstId);
  let k = 0;
  await writer.rewrite(async (emit) => {
    await emit(header);
    if (note.disk.size > 0 || writer.sizeOnDisk > 0) {
      await scanNote(run.fs, note.abs, async (p) => {
        if (p.kind === 'header') return;
        if (p.kind === 'other') {
          await emit(p.text);
          return;
        }
        const f = p.ids[0];
        while (k < inserts.length && inserts[k].firstId < f) await emit(inserts[k++].text);
        if (note.remove.has(f)) return;
        const replacement = note.replace.get(f);
        const lacking = note.lackingFiles.get(f);
        if (replacement !== undefined && lacking !== undefined && losesFileLinks(p.text, replacement)) {
          // A newer source without the files: the archived block, with its embeds, stays.
          run.totals.messagesUpdated -= lacking;
          run.totals.duplicatesSkipped += lacking;
          await emit(p.text);
          return;
        }
        await emit(replacement ?? p.text);
      });
    }
    while (k < inserts.length) await emit(inserts[k++].text);
  });
  note.replace.clear();
  note.lackingFiles.clear();
  note.remove.clear();
  note.inserts = [];
}

/** Targets of the file links and embeds in a block (`[[path]]`, `![[path|128]]`); message links (`#^m`) excluded. */
function fileLinkTargets(block: string): Set<string> {
  const out = new Set<string>();
  for (const m of block.matchAll(/\[\[([^\]|#]+)[\]|]/g)) out.add(m[1]);
  return out;
}

/** True when the old block links a file the new rendering of the same message does not. */
function losesFileLinks(oldBlock: string, newBlock: string): boolean {
  const kept = fileLinkTargets(newBlock);
  for (const t of fileLinkTargets(oldBlock)) if (!kept.has(t)) return true;
  return false;
}
