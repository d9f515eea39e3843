/**
 * The seam between live sync and media downloads. Sync converts a message and asks the registry for
 * the string to put into the message's `photo` / `file` (/ `thumbnail`) field; the chat archive
 * later hands that string back to the registry (MessageMediaSource) to fetch the file and to name
 * where it is stored. The registry (media/liveMedia.ts) owns downloads, dedup and retries.
 */
import type { Api } from 'telegram';
import type { MessageMediaSource } from '../../../chat-archive/types';

/**
 * One file of a live message: a photo, a document (or its thumbnail with `thumb`), or a contact's
 * vCard (MessageMediaContact: the file is `media.vcard`'s text, as the export saves it).
 * `register` must give the same string for the same file on every run (a different string
 * re-renders the block), and `attachmentPath` the same vault path for it.
 */
export interface LiveMediaRef {
  readonly peer: Api.TypeInputPeer;
  readonly messageId: number;
  readonly media: Api.TypeMessageMedia;
  /** The document's thumbnail rather than the document. */
  readonly thumb?: boolean;
}

export interface LiveMediaRegistry extends MessageMediaSource {
  /** The string to put into ExportMessage.photo / .file */
  register(ref: LiveMediaRef): string;
  /** The job is over and its files stored: saves what the registry keeps and removes its downloads. */
  close?(): Promise<void>;
}
