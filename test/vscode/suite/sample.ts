/**
 * What the sample Telegram Desktop export holds, read straight from its result.json. No
 * `vscode` import: the in-host suite and the browser-side UI test both use it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ExpectedChat {
  title: string;
  /** Ordinary messages (not service events) in the export. */
  messages: number;
  /** The text of one plain message, to find in the notes. */
  plainText?: string;
  /** Forum topics created in the chat (service messages `topic_created`). */
  topicsCreated: number;
}

interface ExportMessage {
  type?: string;
  action?: string;
  text?: unknown;
}
interface ExportChat {
  name?: string | null;
  messages?: ExportMessage[];
}

/**
 * Chats the export holds, read straight from its result.json (a whole-account export has
 * `chats.list`, a single-chat export is the chat itself).
 */
export function expectedChats(exportPath: string): ExpectedChat[] {
  const json = JSON.parse(fs.readFileSync(path.join(exportPath, 'result.json'), 'utf8')) as {
    chats?: { list?: ExportChat[] };
  } & ExportChat;
  const chats: ExportChat[] = json.chats?.list ?? (json.messages ? [json] : []);
  return chats
    .filter((chat) => typeof chat.name === 'string' && chat.name.length > 0)
    .map((chat) => {
      const messages = (chat.messages ?? []).filter((m) => m.type === 'message');
      // Letters, digits and spaces only, so Markdown escaping cannot change it in the note.
      const plain = messages.find((m) => typeof m.text === 'string' && /^[\p{L}\p{N} ]{12,}$/u.test(m.text));
      const topicsCreated = (chat.messages ?? []).filter((m) => m.type === 'service' && m.action === 'topic_created').length;
      return {
        title: chat.name as string,
        messages: messages.length,
        plainText: plain?.text as string | undefined,
        topicsCreated,
      };
    })
    .filter((chat) => chat.messages > 0);
}
