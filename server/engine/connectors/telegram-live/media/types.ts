/**
 * What the live sync connector hands the media layer: one file a message holds, and the registry
 * that turns it into the string the message's photo/file field carries, then finds it when the
 * chat archive asks (MessageMediaSource).
 */
import type { Api } from 'telegram';
import type { MessageMediaSource } from '../../../chat-archive/types';

export interface LiveMediaRef {
  readonly peer: Api.TypeInputPeer;
  readonly messageId: number;
  readonly media: Api.TypeMessageMedia;
  readonly thumb?: boolean;
}

export interface LiveMediaRegistry extends MessageMediaSource {
  /** the string to put into ExportMessage.photo / .file */
  register(ref: LiveMediaRef): string;
}
