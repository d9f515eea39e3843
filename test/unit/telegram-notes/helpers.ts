import type { ExportMessage } from '../../../server/engine/telegram-notes/message';
import type { ChatContext } from '../../../server/engine/telegram-notes';

/** A ChatContext over fixed maps: notes of message ids, stored attachment paths. */
export function ctx(o: {
  notes?: Record<number, string>;
  files?: Record<string, string | null>;
  chatType?: string;
  chatTitle?: string;
  currentNote?: string;
  anchors?: Record<number, number>;
  roots?: number[];
} = {}): ChatContext {
  return {
    chatId: 42,
    chatTitle: o.chatTitle ?? 'Test Chat',
    chatType: o.chatType ?? 'private_group',
    currentNote: o.currentNote,
    noteOf: (id) => o.notes?.[id],
    attachmentOf: (p) => (o.files && p in o.files ? o.files[p] : `Telegram/Test Chat/attachments/${p.split('/').pop()}`),
    anchorOf: o.anchors ? (id) => o.anchors![id] : undefined,
    isTopicRoot: o.roots ? (id) => o.roots!.includes(id) : undefined,
  };
}

let nextId = 100;
/** A message with the fields every exported message has; `fields` override. */
export function msg(fields: Partial<ExportMessage> & Record<string, unknown> = {}): ExportMessage {
  const id = (fields.id as number | undefined) ?? nextId++;
  return {
    id,
    type: 'message',
    date: '2024-03-01T18:41:04',
    date_unixtime: '1709311264',
    from: 'Alice Martin',
    from_id: 'user2',
    text: '',
    text_entities: [],
    ...fields,
  } as ExportMessage;
}

export function service(action: string | undefined, fields: Record<string, unknown> = {}): ExportMessage {
  return msg({ type: 'service', actor: 'Sam Carter', actor_id: 'user1', from: undefined, from_id: undefined, ...(action ? { action } : {}), ...fields });
}

/** The block around `lines` for message `id`: quote lines, blank line, id line, blank line. */
export function block(id: number, ...lines: string[]): string {
  return lines.map((l) => (l === '' ? '>' : `> ${l}`)).join('\n') + `\n\n^m${id}\n\n`;
}

export const HEAD = '**Alice Martin** · 2024-03-01 18:41:04';
