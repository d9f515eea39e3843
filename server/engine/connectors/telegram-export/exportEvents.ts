/** What the export reader hands out, in document order. */

export interface ChatHeaderFields {
  readonly id?: unknown;
  readonly name?: unknown;
  readonly type?: unknown;
}

export type ExportEvent =
  | { readonly kind: 'shape'; readonly shape: 'single' | 'account' }
  /** `header`: the chat's id, name and type as they stand where its messages begin. */
  | { readonly kind: 'chat-start'; readonly header: ChatHeaderFields; readonly list: 'single' | 'chats' | 'left_chats'; readonly ordinal: number }
  /**
   * `value` is whatever the export holds at that position: normally a message object.
   * `raw` is that entry's exact JSON text in the file (what `value` was parsed from).
   */
  | { readonly kind: 'message'; readonly value: unknown; readonly index: number; readonly raw: string; readonly unparsed?: undefined }
  /** The same for a chat the consumer asked not to parse (`parseChat`): the entry's bytes only. */
  | { readonly kind: 'message'; readonly value?: undefined; readonly index: number; readonly bytes: Buffer; readonly unparsed: true }
  /** `bytesDigest`: SHA-256 of the bytes between the chat's `[` and `]`, as written in the file. */
  | { readonly kind: 'chat-end'; readonly messages: number; readonly bytesDigest: string }
  /**
   * The last event: nothing after this point of the file can be read. `chat` and
   * `lastMessageId` say where it happened when it was inside a chat. `fatal`: the file (or the
   * part named) is not a Telegram Desktop JSON export at all, as opposed to an export that is
   * damaged (truncated, malformed).
   */
  | {
      readonly kind: 'error';
      readonly message: string;
      readonly chat?: ChatHeaderFields;
      readonly lastMessageId?: unknown;
      readonly fatal?: true;
    };
