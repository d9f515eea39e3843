/**
 * Test helper: renders a whole export (parsed in memory; for small test exports only) into
 * note texts the way the importer lays them out, with a simple in-memory ChatContext.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExportMessage } from '../../../server/engine/telegram-notes/message';
import {
  AlbumGrouper,
  TopicTracker,
  chatDisplayTitle,
  chatFolderName,
  mediaFilesOf,
  noteFileName,
  renderBlock,
  renderFrontmatter,
  type ChatContext,
} from '../../../server/engine/telegram-notes';

export interface RenderedNote {
  path: string;
  text: string;
  ids: number[];
  /** Per block: its ids, and how many fenced code blocks and lists its messages really contain. */
  expect: { ids: number[]; fences: number; lists: number }[];
}

interface ChatJson {
  id: number;
  name?: string | null;
  type: string;
  messages: ExportMessage[];
}

export function chatsOf(exportDir: string): ChatJson[] {
  const json = JSON.parse(fs.readFileSync(path.join(exportDir, 'result.json'), 'utf8'));
  if (Array.isArray(json.messages)) return [json];
  return [...(json.chats?.list ?? []), ...(json.left_chats?.list ?? [])];
}

export function renderChat(exportDir: string, chat: ChatJson): RenderedNote[] {
  const title = chatDisplayTitle(chat);
  const folder = `Telegram/${chatFolderName(title, chat.id)}`;
  const isForum = chat.messages.some((m) => m.type === 'service' && m.action === 'topic_created');
  const topics = new TopicTracker(isForum);
  const grouper = new AlbumGrouper();
  const noteOfId = new Map<number, string>();
  const anchor = new Map<number, number>();
  const notes = new Map<string, { blocks: string[]; ids: number[]; expect: RenderedNote['expect']; topic?: { id: number; title: string }; first?: string; last?: string }>();
  const main = `${folder}/${noteFileName(title).replace(/\.md$/, '')}`;
  const topicNote = new Map<number, string>();
  const ctxFor = (note: string): ChatContext => ({
    chatId: chat.id,
    chatTitle: title,
    chatType: chat.type,
    currentNote: note,
    noteOf: (id) => noteOfId.get(id),
    anchorOf: (id) => anchor.get(id),
    isTopicRoot: (id) => topics.isTopicRoot(id),
    attachmentOf: (p) => (fs.existsSync(path.join(exportDir, p)) ? `${folder}/attachments/${path.basename(p)}` : null),
  });
  const emit = (group: ExportMessage[]) => {
    const t = topics.topicOf(group[0]);
    for (const m of group.slice(1)) topics.topicOf(m);
    let note = main;
    if (t) {
      if (!topicNote.has(t.id)) topicNote.set(t.id, `${folder}/${noteFileName(t.title).replace(/\.md$/, '')}`);
      note = topicNote.get(t.id)!;
    }
    for (const m of group) {
      noteOfId.set(m.id, note);
      anchor.set(m.id, group[0].id);
      mediaFilesOf(m);
    }
    const n = notes.get(note) ?? { blocks: [], ids: [], expect: [], topic: t };
    n.blocks.push(renderBlock(group, ctxFor(note)));
    n.ids.push(...group.map((m) => m.id));
    n.expect.push({
      ids: group.map((m) => m.id),
      fences: group.reduce((k, m) => k + (m.type === 'service' ? 0 : (m.text_entities ?? []).filter((e) => e.type === 'pre' && e.text.replace(/\n+$/, '') !== '').length), 0),
      lists: group.reduce((k, m) => k + (m.poll ? 1 : 0) + (m.todo_list ? 1 : 0), 0),
    });
    n.first ??= group[0].date;
    n.last = group[group.length - 1].date ?? n.last;
    notes.set(note, n);
  };
  for (const m of chat.messages) for (const g of grouper.push(m)) emit(g);
  for (const g of grouper.flush()) emit(g);
  return Array.from(notes, ([p, n]) => ({
    path: `${p}.md`,
    ids: n.ids,
    expect: n.expect,
    text:
      renderFrontmatter({
        source: 'telegram',
        chatId: chat.id,
        chatType: chat.type,
        title,
        topic: n.topic?.title,
        topicId: n.topic?.id,
        messageCount: n.ids.length,
        firstDate: n.first,
        lastDate: n.last,
        lastImportedId: Math.max(...n.ids),
      }) + n.blocks.join(''),
  }));
}

export function renderExport(exportDir: string): RenderedNote[] {
  return chatsOf(exportDir).flatMap((c) => renderChat(exportDir, c));
}
