/**
 * Albums. The export has no grouped_id, so an album is inferred: consecutive ids, same sender,
 * same second (`date_unixtime`, or `date` in exports without it; never two unknown dates), each
 * message a photo/video/file/music (what Telegram lets you group), same reply and forward origin,
 * at most 10 (Telegram's album limit). Stickers, voice and round videos and GIFs are never grouped.
 */
import type { ExportMessage } from './message';
import { isPlaceholderPath } from './media';
import { sameSecond } from './dates';

const MAX_ALBUM = 10;
const NEVER_GROUPED = new Set(['sticker', 'voice_message', 'video_message', 'animation']);

function groupable(m: ExportMessage): boolean {
  if (m.type !== 'message') return false;
  if (m.photo !== undefined) return true;
  return m.file !== undefined && !NEVER_GROUPED.has(String(m.media_type ?? ''));
}

function kindOf(m: ExportMessage): 'visual' | 'music' | 'file' {
  if (m.photo !== undefined || m.media_type === 'video_file') return 'visual';
  if (m.media_type === 'audio_file') return 'music';
  return 'file';
}

function sameOrigin(a: ExportMessage, b: ExportMessage): boolean {
  return (
    a.from_id === b.from_id &&
    // exports before 2021 have no date_unixtime: then the dates (to the second) are compared
    sameSecond(a, b) &&
    a.reply_to_message_id === b.reply_to_message_id &&
    a.reply_to_peer_id === b.reply_to_peer_id &&
    a.forwarded_from === b.forwarded_from &&
    a.author === b.author &&
    a.via_bot === b.via_bot &&
    // Telegram albums hold photos/videos, or only files, or only music
    kindOf(a) === kindOf(b)
  );
}

/**
 * Feed messages in export order; each call returns the groups that are complete (possibly none,
 * possibly two). `flush()` at the end of a chat returns the last one. Holds at most one album.
 */
export class AlbumGrouper {
  private pending: ExportMessage[] = [];

  push(msg: ExportMessage): ExportMessage[][] {
    const out: ExportMessage[][] = [];
    const last = this.pending[this.pending.length - 1];
    if (last && groupable(msg) && this.pending.length < MAX_ALBUM && msg.id === last.id + 1 && sameOrigin(last, msg)) {
      this.pending.push(msg);
      return out;
    }
    if (this.pending.length) out.push(this.pending);
    this.pending = [];
    if (groupable(msg)) this.pending = [msg];
    else out.push([msg]);
    return out;
  }

  flush(): ExportMessage[][] {
    const out = this.pending.length ? [this.pending] : [];
    this.pending = [];
    return out;
  }
}

export { isPlaceholderPath };
