/**
 * The chats archived in a vault, read from the archive's own state (for the Sources view, the
 * CLI's status and a new run), found again from their notes when the state is lost, and removed.
 * Source-neutral: a chat is the same whether an export or live sync filled it.
 */
import * as path from 'node:path';
import { ContentStore } from '../media/contentStore';
import type { NoteMeta } from '../telegram-notes';
import { VaultLayout, telegramChatFolder } from '../vault/layout';
import { type VaultFs, isNotFound, nodeVaultFs } from '../vault/vaultFs';
import { ChatIndexFiles, type ChatIndexHeader } from './chatIndex';
import { safeFrontmatter } from './noteScan';
import type { DiscoveredNote } from './types';

export async function readChatHeaders(fs: VaultFs, stateDir: string): Promise<ChatIndexHeader[]> {
  let names: string[];
  try {
    names = await fs.readdir(path.join(stateDir, 'chats'));
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const out: ChatIndexHeader[] = [];
  for (const name of names.sort()) {
    const m = /^(-?\d+)\.json$/.exec(name);
    if (!m) continue;
    const h = await new ChatIndexFiles(stateDir, Number(m[1])).readHeader(fs);
    if (h) out.push(h);
  }
  return out;
}

/** Folders that can hold attachments: every subfolder of a chat folder under Telegram/. */
export async function attachmentDirs(fs: VaultFs, layout: VaultLayout): Promise<string[]> {
  const out: string[] = [];
  for (const chat of await subdirs(fs, layout.telegramNotesDir)) {
    const chatFolder = telegramChatFolder(chat);
    for (const sub of await subdirs(fs, layout.abs(chatFolder))) out.push(`${chatFolder}/${sub}`);
  }
  return out;
}

async function subdirs(fs: VaultFs, dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Every note under Telegram/<folder>/ whose frontmatter names a Telegram chat. */
export async function discoverNotes(fs: VaultFs, layout: VaultLayout): Promise<Map<number, DiscoveredNote[]>> {
  const byChat = new Map<number, DiscoveredNote[]>();
  for (const folder of await subdirs(fs, layout.telegramNotesDir)) {
    const chatFolder = telegramChatFolder(folder);
    const dir = layout.abs(chatFolder);
    let names: import('node:fs').Dirent[];
    try {
      names = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of names) {
      if (!e.isFile() || !e.name.endsWith('.md')) continue;
      const meta = await readNoteMeta(fs, path.join(dir, e.name));
      if (!meta || meta.source !== 'telegram' || typeof meta.chatId !== 'number') continue;
      const list = byChat.get(meta.chatId) ?? [];
      list.push({ path: `${chatFolder}/${e.name}`, meta });
      byChat.set(meta.chatId, list);
    }
  }
  return byChat;
}

async function readNoteMeta(fs: VaultFs, file: string): Promise<NoteMeta | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return safeFrontmatter(buf.subarray(0, bytesRead).toString('utf8'))?.meta;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

export interface ArchivedChat {
  chatId: number;
  title: string;
  type: string;
  /** Folder name under Telegram/. */
  folder: string;
  messageCount: number;
  lastImportAt: string;
  topics: { id: number; title: string; itemCount: number; notePath: string }[];
}

/** Chats archived in this vault (by imports or syncs), from the vault's own state (for the sources view). */
export async function listArchivedChats(vaultRoot: string, fs: VaultFs = nodeVaultFs): Promise<ArchivedChat[]> {
  const headers = await readChatHeaders(fs, new VaultLayout(vaultRoot).telegramStateDir);
  return headers.map((h) => {
    const topics = new Map<number, { id: number; title: string; itemCount: number; notePath: string }>();
    for (const n of h.notes) {
      if (n.topicId === undefined) continue;
      const title = h.topics.find((t) => t.id === n.topicId)?.title ?? n.topicTitle ?? `Topic ${n.topicId}`;
      const t = topics.get(n.topicId) ?? { id: n.topicId, title, itemCount: 0, notePath: n.path };
      t.itemCount += n.count ?? 0;
      topics.set(n.topicId, t);
    }
    return {
      chatId: h.chatId,
      title: h.title,
      type: h.type,
      folder: h.folder,
      messageCount: h.messageCount,
      lastImportAt: h.lastImportAt,
      topics: [...topics.values()].sort((a, b) => a.id - b.id),
    };
  });
}

/**
 * Forgets an imported chat. With `deleteNotes`, also deletes its notes and the attachments no
 * other chat embeds (content stored once may be embedded by several chats: those files stay).
 */
export async function removeArchivedChat(vaultRoot: string, chatId: number, deleteNotes: boolean, fs: VaultFs = nodeVaultFs): Promise<void> {
  const layout = new VaultLayout(vaultRoot);
  const root = layout.root;
  const stateDir = layout.telegramStateDir;
  const files = new ChatIndexFiles(stateDir, chatId);
  const header = await files.readHeader(fs);
  const store = new ContentStore(root, layout.contentStoreFile);
  const haveStore = await store.load(fs);
  if (header && deleteNotes) {
    for (const n of header.notes) await fs.rm(layout.abs(n.path), { force: true });
    const chatDir = `${telegramChatFolder(header.folder)}/`;
    if (haveStore) {
      for (const e of [...store.entries()]) {
        if (!e.path.startsWith(chatDir)) continue;
        const others = [...e.refs].filter((r) => r !== chatId);
        if (others.length) continue; // embedded elsewhere (or unknown users): keep the file
        await fs.rm(layout.abs(e.path), { force: true });
        store.remove(e.sha256);
      }
    }
    await removeEmptyDirs(fs, layout.abs(telegramChatFolder(header.folder)));
  }
  if (haveStore) {
    for (const e of store.entries()) store.removeRef(e, chatId);
    if (store.isDirty) await store.save(fs);
  }
  await files.remove(fs);
}

async function removeEmptyDirs(fs: VaultFs, dir: string): Promise<boolean> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
  let empty = true;
  for (const e of entries) {
    if (e.isDirectory() && (await removeEmptyDirs(fs, path.join(dir, e.name)))) continue;
    empty = false;
  }
  if (!empty) return false;
  try {
    await fs.rmdir(dir);
    return true;
  } catch {
    return false;
  }
}
