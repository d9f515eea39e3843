/** What renderBlock asks about the chat around a message: links, anchors, topics and stored files. */

export interface ChatContext {
  readonly chatId: number;
  readonly chatTitle: string;
  readonly chatType: string;
  /** Vault-relative note path without ".md" of the note that holds message `id` (for reply links), or undefined. */
  noteOf(messageId: number): string | undefined;
  /** Vault-relative path where the attachment written in the export as `exportPath` is stored; null = missing. */
  attachmentOf(exportPath: string): string | null;
  /** Optional: the note being written (no ".md"); links into it become `[[#^m5]]`, which survive renames. */
  readonly currentNote?: string;
  /** Optional: the block id holding `messageId` (the album's first id for album members); default the id itself. */
  anchorOf?(messageId: number): number | undefined;
  /** Optional: true for a forum topic's first message; replies to it are topic membership, not shown as replies. */
  isTopicRoot?(messageId: number): boolean;
}
