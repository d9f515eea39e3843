/**
 * Where a rendered block goes, decided by the chat's message table: a new group is appended (or
 * inserted in id order when older than the note's newest block); a known one is skipped when its
 * text is unchanged, replaced in place when it changed; a group overlapping blocks of another
 * shape (an album that gained or lost a photo) replaces them.
 */
import type { MetricsSink } from '../metrics';
import type { MessageTable } from './chatIndex';
import type { ChatNotes } from './chatNotes';
import type { NoteState, RunTotals } from './types';

export interface RenderedGroup {
  readonly ids: readonly number[];
  /** Table rows of the ids (-1 where new), looked up before rendering. */
  readonly rows: readonly number[];
  readonly text: string;
  readonly hash: readonly [number, number];
  /** The source lacked some of the group's files: an archived block with them must not lose them. */
  readonly lacksFiles: boolean;
}

/** The group is exactly one archived block: same first id, same members, nothing more. */
export function isSameBlock(table: MessageTable, ids: readonly number[], rows: readonly number[]): boolean {
  return rows.every((r) => r >= 0 && table.first[r] === ids[0]) && table.blockRows(ids[0]).length === ids.length;
}

export async function placeGroup(notes: ChatNotes, note: NoteState, g: RenderedGroup, totals: RunTotals, metrics: MetricsSink): Promise<void> {
  const { table } = notes;
  const { ids, text } = g;
  const [h1, h2] = g.hash;
  if (g.rows.every((r) => r < 0)) {
    addRows(table, note, ids, h1, h2);
    note.touched = true;
    if (ids[0] > note.maxId) {
      note.maxId = ids.length === 1 ? ids[0] : Math.max(...ids);
      await notes.writerOf(note).append(text);
    } else {
      note.inserts.push({ firstId: ids[0], text });
    }
    totals.messagesWritten += ids.length;
    return;
  }

  const head = table.find(ids[0]);
  if (isSameBlock(table, ids, g.rows)) {
    if (table.h1[head] === h1 && table.h2[head] === h2) {
      totals.duplicatesSkipped += ids.length;
      metrics.add('duplicatesPrevented', ids.length);
      return;
    }
    // Edited (or rendered differently now): replace the block where it is.
    table.h1[head] = h1;
    table.h2[head] = h2;
    note.replace.set(ids[0], text);
    // A newer source made without media (or with files gone) must not turn archived embeds into
    // "not included" remarks; the rewrite keeps the old block when it would lose one.
    if (g.lacksFiles) note.lackingFiles.set(ids[0], ids.length);
    note.touched = true;
    totals.messagesUpdated += ids.length;
    return;
  }

  // The group overlaps blocks shaped differently: drop those blocks and put this one in their place.
  const existing = g.rows.filter((r) => r >= 0);
  const firsts = new Set(existing.map((r) => table.first[r]));
  for (const f of firsts) {
    const blockRows = table.blockRows(f);
    if (!blockRows.length) continue;
    const owner = notes.noteOfRow(blockRows[0]);
    owner.remove.add(f);
    owner.touched = true;
    for (const r of blockRows) table.remove(r);
  }
  addRows(table, note, ids, h1, h2);
  note.inserts.push({ firstId: ids[0], text });
  note.touched = true;
  totals.messagesUpdated += existing.length;
  totals.messagesWritten += ids.length - existing.length;
}

/** The group's rows; its text hash goes on the first (the block's) row. */
function addRows(table: MessageTable, note: NoteState, ids: readonly number[], h1: number, h2: number): void {
  for (let i = 0; i < ids.length; i++) table.add(ids[i], note.idx, ids[0], i === 0 ? h1 : 0, i === 0 ? h2 : 0);
}
