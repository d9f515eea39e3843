/**
 * The fast path of a re-import: a chat whose source digest equals the one it was last archived
 * from in full, whose notes are as the index last saw them (size and mtime) and whose stored
 * files are all there, is left alone — nothing parsed, rendered or written but its index's
 * last-import time. What that run counted and warned is replayed, so the summary reads the same
 * as a full pass would.
 */
import { shortTitle } from '../telegram-notes';
import { statMany } from '../vault/vaultFs';
import { ChatIndexFiles, type ChatIndexHeader } from './chatIndex';
import type { ArchiveRun, ChatHeaderIn } from './types';


export async function skipIfUnchanged(run: ArchiveRun, chat: ChatHeaderIn, digest: string): Promise<boolean> {
  const files = new ChatIndexFiles(run.layout.telegramStateDir, chat.id);
  const header = await files.readHeader(run.fs);
  if (!header || header.importing || !header.sourceDigest || header.sourceDigest !== digest || !header.sourceRun) return false;
  if (header.title !== chat.title || header.type !== chat.type) return false;
  if (!(await notesAsIndexed(run, files, header)) || !(await filesStored(run, chat.id))) return false;

  const { placed, warnings } = header.sourceRun;
  run.folderOwners.set(header.folder.toLowerCase(), chat.id);
  run.totals.duplicatesSkipped += placed;
  run.totals.topics += header.topics.length;
  run.metrics.itemsProcessed(placed);
  run.metrics.add('duplicatesPrevented', placed);
  for (const w of warnings) run.warn({ ...w, source: shortTitle(chat.title) });
  header.lastImportAt = new Date(run.clock()).toISOString();
  await files.writeHeader(run.fs, header, run.counters);
  run.log('info', `${shortTitle(chat.title)}: unchanged since its last import (${placed} messages), skipped`);
  return true;
}

/** Every note the index names has the size and mtime it had when the index was saved. */
async function notesAsIndexed(run: ArchiveRun, files: ChatIndexFiles, header: ChatIndexHeader): Promise<boolean> {
  const rows = await files.readRows(run.fs);
  if (!rows) return false;
  const seen = new Map(rows.notes.map((v) => [v.path, v]));
  const facts = await statMany(run.fs, header.notes.map((n) => run.layout.abs(n.path)));
  return header.notes.every((n, i) => {
    const v = seen.get(n.path);
    const st = facts[i];
    // A note never written (no rows) has no file; any other must match what was saved.
    if (!v) return !st && !n.count;
    return st !== undefined && st.size === v.size && st.mtimeMs === v.mtimeMs;
  });
}

/** Every stored file the chat embeds is in the vault with its recorded size. */
async function filesStored(run: ArchiveRun, chatId: number): Promise<boolean> {
  const mine = [...run.contentStore.entries()].filter((e) => e.refs.has(chatId));
  const facts = await statMany(run.fs, mine.map((e) => run.layout.abs(e.path)));
  return mine.every((e, i) => facts[i]?.size === e.size);
}
