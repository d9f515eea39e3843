/**
 * Finding a chat's place in the vault when an import or sync begins: its index as saved, or
 * rebuilt from the notes that carry its id when the index is lost, or a new folder whose name no
 * other chat holds. A folder is claimed in the index before anything is written into it.
 */
import { chatFolderName, noteFileName } from '../telegram-notes';
import { sanitizeFileName, vaultJoin } from '../vault/fileNames';
import { TELEGRAM_DIR } from '../vault/layout';
import { isNotFound } from '../vault/vaultFs';
import { type ChatIndexFiles, type ChatIndexHeader, INDEX_VERSION, MessageTable, type NoteRecord, type NoteValidation } from './chatIndex';
import { type ArchiveRun, type ChatHeaderIn, type DiscoveredNote, noteFallback, safeName } from './types';

export interface OpenedIndex {
  readonly header: ChatIndexHeader;
  readonly table: MessageTable;
  readonly validation: Map<string, NoteValidation>;
  /** The previous run stopped while writing this chat: notes are checked and repaired. */
  readonly dirty: boolean;
}

export async function openChatIndex(run: ArchiveRun, chat: ChatHeaderIn, files: ChatIndexFiles): Promise<OpenedIndex> {
  const stored = await files.readHeader(run.fs);
  if (stored) {
    const rows = await files.readRows(run.fs);
    return {
      header: stored,
      table: rows?.table ?? new MessageTable(),
      validation: new Map(rows?.notes.map((v) => [v.path, v]) ?? []),
      dirty: stored.importing,
    };
  }
  const found = (await run.discoverNotes()).get(chat.id) ?? [];
  const header = found.length ? headerFromNotes(run, chat, found) : await freshHeader(run, chat);
  return { header, table: new MessageTable(), validation: new Map(), dirty: false };
}

async function freshHeader(run: ArchiveRun, chat: ChatHeaderIn): Promise<ChatIndexHeader> {
  const base = safeName(() => chatFolderName(chat.title, chat.id), `Chat ${chat.id}`);
  let folder = base;
  if (await folderTaken(run, chat, folder)) folder = sanitizeFileName(`${base} (${chat.id})`);
  for (let n = 2; await folderTaken(run, chat, folder); n++) folder = sanitizeFileName(`${base} (${chat.id}-${n})`);
  return newHeader(run, chat, { folder, layout: 'single', importing: true, topics: [], notes: [] });
}

/** An index header for this chat as of now; the caller says where its notes are. */
function newHeader(run: ArchiveRun, chat: ChatHeaderIn, where: Pick<ChatIndexHeader, 'folder' | 'layout' | 'importing' | 'topics' | 'notes'>): ChatIndexHeader {
  return {
    version: INDEX_VERSION,
    chatId: chat.id,
    title: chat.title,
    type: chat.type,
    lastImportAt: new Date(run.clock()).toISOString(),
    messageCount: 0,
    ...where,
  };
}

/** Another chat's folder: named in its index, or holding its notes (its index is lost too). */
async function folderTaken(run: ArchiveRun, chat: ChatHeaderIn, folder: string): Promise<boolean> {
  const owner = run.folderOwners.get(folder.toLowerCase());
  if (owner !== undefined) return owner !== chat.id;
  try {
    await run.fs.stat(run.layout.abs(vaultJoin(TELEGRAM_DIR, folder)));
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
  const prefix = `${TELEGRAM_DIR}/${folder}/`.toLowerCase();
  for (const [chatId, notes] of await run.discoverNotes()) {
    if (chatId !== chat.id && notes.some((n) => n.path.toLowerCase().startsWith(prefix))) return true;
  }
  return false;
}

/** The index was lost: rebuild its header from the notes that carry this chat's id. */
function headerFromNotes(run: ArchiveRun, chat: ChatHeaderIn, found: DiscoveredNote[]): ChatIndexHeader {
  const folders = new Map<string, number>();
  for (const n of found) {
    const folder = n.path.split('/')[1];
    folders.set(folder, (folders.get(folder) ?? 0) + 1);
  }
  const folder = [...folders.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  const notes: NoteRecord[] = [];
  const topics = new Map<number, string>();
  let monthly = false;
  for (const n of found.filter((f) => f.path.split('/')[1] === folder).sort((a, b) => a.path.localeCompare(b.path))) {
    const base = n.meta.topic ?? n.meta.title;
    const month = n.meta.firstDate && /^\d{4}-\d{2}/.test(n.meta.firstDate) ? n.meta.firstDate.slice(0, 7) : undefined;
    const name = n.path.slice(n.path.lastIndexOf('/') + 1);
    const isMonth = month !== undefined && safeName(() => noteFileName(base, month, noteFallback(chat.id, n.meta.topicId)), '') === name;
    if (isMonth) monthly = true;
    if (n.meta.topicId !== undefined && n.meta.topic !== undefined) topics.set(n.meta.topicId, n.meta.topic);
    notes.push({ path: n.path, topicId: n.meta.topicId, topicTitle: n.meta.topic, month: isMonth ? month : undefined });
  }
  run.log('info', `${chat.title}: index not found, rebuilt from ${notes.length} note(s) in ${TELEGRAM_DIR}/${folder}`);
  return newHeader(run, chat, {
    folder,
    layout: monthly ? 'monthly' : 'single',
    importing: false,
    topics: [...topics].map(([id, title]) => ({ id, title })),
    notes,
  });
}
