/**
 * Notes for the navigation tests, rendered by the importer's own renderer (renderBlock,
 * renderFrontmatter), so the tests read exactly what the importer writes.
 */
import { renderBlock, renderFrontmatter, type ExportMessage } from '../../../server/engine/telegram-notes';
import { ctx } from '../telegram-notes/helpers';

let nextId = 1;

export function message(fields: Partial<ExportMessage> & Record<string, unknown>): ExportMessage {
  return {
    id: nextId++,
    type: 'message',
    date: '2024-03-01T10:00:00',
    from: 'Alice Martin',
    from_id: 'user2',
    text: '',
    text_entities: [],
    ...fields,
  } as ExportMessage;
}

export interface ChatNote {
  /** Vault path without ".md". */
  readonly note: string;
  readonly title: string;
  readonly topic?: string;
  readonly messages: readonly ExportMessage[];
}

/** The note's text; reply links go to `noteOf` (the same note when it returns this note). */
export function renderNote(n: ChatNote, noteOf: (id: number) => string | undefined = () => n.note): string {
  const c = { ...ctx({ chatTitle: n.title, chatType: 'private_supergroup', currentNote: n.note }), noteOf };
  const head = renderFrontmatter({ source: 'telegram', chatId: 7, chatType: 'private_supergroup', title: n.title, topic: n.topic, topicId: n.topic ? 1 : undefined, messageCount: n.messages.length });
  return head + n.messages.map((m) => renderBlock([m], c)).join('');
}
