/**
 * Opening a chat's notes at the start of a run: a note whose size and mtime match the index is
 * trusted as indexed; any other (a crash, a user's edit, a sync tool) has its rows rebuilt from
 * its text, and after a crash its torn tail is cut after the last complete block.
 */
import * as path from 'node:path';
import { type NoteMeta, shortTitle } from '../telegram-notes';
import { sweepTempFiles } from '../vault/atomic';
import { sanitizeFileName, vaultJoin } from '../vault/fileNames';
import { isNotFound } from '../vault/vaultFs';
import { MAX_MESSAGE_ID, type MessageTable, type NoteRecord, type NoteValidation, blockHash } from './chatIndex';
import { safeFrontmatter, scanNote } from './noteScan';
import { type ArchiveRun, type NoteState, newNoteState } from './types';

export interface OpenNoteArgs {
  readonly run: ArchiveRun;
  readonly chatTitle: string;
  readonly table: MessageTable;
  readonly validation: ReadonlyMap<string, NoteValidation>;
  /** The previous run stopped abruptly: cut torn tails. */
  readonly dirty: boolean;
}

/** Validates note `idx` against the index; rebuilds its rows from its text when they disagree. */
export async function openNote(args: OpenNoteArgs, idx: number, rec: NoteRecord): Promise<NoteState> {
  const { run, table } = args;
  const state = newNoteState(idx, rec, run.layout.abs(rec.path), false);
  let st: import('node:fs').Stats | undefined;
  try {
    st = await run.fs.stat(state.abs);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!st) {
    // Deleted by someone: its messages are no longer archived and will be written again.
    table.removeNote(idx);
    state.gone = true;
    return state;
  }
  const v = args.validation.get(rec.path);
  if (v && v.size === st.size && v.mtimeMs === st.mtimeMs) {
    state.disk = { size: v.size, header: v.header };
    state.storedFirstDate = v.firstDate;
    state.storedLastDate = v.lastDate;
    state.kept = keptProperties(safeFrontmatter(v.header)?.meta);
    return state;
  }
  // Stale or unknown: the note's text decides.
  table.removeNote(idx);
  const scan = await scanNote(run.fs, state.abs, (p) => {
    if (p.kind !== 'block') return;
    const ids = p.ids.filter((id) => Number.isInteger(id) && Math.abs(id) <= MAX_MESSAGE_ID);
    if (!ids.length) return;
    const [h1, h2] = blockHash(p.text);
    ids.forEach((id, i) => {
      if (table.find(id) >= 0) return; // the same id twice (a hand edit): the first copy wins
      table.add(id, idx, ids[0], i === 0 ? h1 : 0, i === 0 ? h2 : 0);
    });
  });
  let size = scan.size;
  if (args.dirty && scan.blocksEnd < size) {
    // The previous run stopped in the middle of a write: drop the partial block.
    await run.fs.truncate(state.abs, scan.blocksEnd);
    run.log('warn', `${args.chatTitle}: repaired ${rec.path} (removed ${size - scan.blocksEnd} bytes of an unfinished block)`);
    size = scan.blocksEnd;
  }
  state.disk = { size, header: size > 0 ? (scan.header?.text ?? '') : '' };
  state.storedFirstDate = scan.header?.meta.firstDate;
  state.storedLastDate = scan.header?.meta.lastDate;
  state.kept = keptProperties(scan.header?.meta);
  for (const w of scan.header?.warnings ?? []) run.log('warn', `${shortTitle(args.chatTitle)}: ${rec.path}: ${w}`);
  state.touched = true; // the index must be rewritten for it
  return state;
}

/** Temporary files a crashed run left in the chat's attachments folder (any depth). */
export async function sweepAttachmentTemps(run: ArchiveRun, chatDir: string): Promise<void> {
  const root = run.layout.abs(vaultJoin(chatDir, sanitizeFileName(run.settings.attachmentsFolder || 'attachments', { fallback: 'attachments' })));
  const walk = async (dir: string): Promise<void> => {
    await sweepTempFiles(run.fs, dir);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await run.fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) await walk(path.join(dir, e.name));
  };
  await walk(root);
}

function keptProperties(meta: NoteMeta | undefined): Pick<NoteMeta, 'tags' | 'extraYaml'> | undefined {
  if (!meta) return undefined;
  const kept: Pick<NoteMeta, 'tags' | 'extraYaml'> = {};
  if (meta.tags !== undefined) kept.tags = meta.tags;
  if (meta.extraYaml) kept.extraYaml = meta.extraYaml;
  return kept;
}
