/**
 * The media registry used until downloads (tg-media's liveMedia.ts) are wired: every file a live
 * message names is reported missing with a plain reason, so notes say which files are not in the
 * vault yet and a later sync with downloads fills them in (the archive replaces such blocks).
 */
import { attachmentVaultPath } from '../../telegram-export/exportFiles';
import type { LiveMediaRef, LiveMediaRegistry } from './types';

export function mediaNotDownloaded(attachmentsFolder: string): LiveMediaRegistry {
  return {
    register(ref: LiveMediaRef): string {
      const cls = (ref.media as { className?: string }).className ?? 'media';
      return `${cls === 'MessageMediaPhoto' ? 'photos' : 'files'}/${ref.messageId}${ref.thumb ? '_thumb' : ''}`;
    },
    async locate() {
      return { ok: false as const, reason: 'missing' as const, message: 'files of live Telegram chats are not downloaded by this version yet' };
    },
    attachmentPath(chatDir: string, ref: string): string {
      return attachmentVaultPath(chatDir, attachmentsFolder, ref);
    },
  };
}
