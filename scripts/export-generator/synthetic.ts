/**
 * Large synthetic exports for benchmarks and stress tests: any number of messages and media files,
 * a chosen share of media files whose bytes duplicate an earlier file (what content dedup saves),
 * streamed to disk message by message so memory stays flat at any size.
 */
import { ChatBuilder, type Part, type Person } from './chat';
import { makeOpus, makePhoto } from './media';
import { Prng } from './prng';
import type { GenerateStats, GeneratedChat } from './sample';
import { ExportJsonWriter, MediaFolder } from './writer';

export interface GenerateOptions {
  readonly outDir: string;
  /** Messages in total, spread evenly over the chats. */
  readonly messages: number;
  /** Media files in total (photos mostly, some voice messages and documents). */
  readonly mediaFiles: number;
  /** Share of media files whose content repeats an earlier file, 0..1. */
  readonly duplicateRatio: number;
  readonly chats: number;
  readonly seed: number;
  /** "account" (default) or "single" (then `chats` is ignored: one chat). */
  readonly shape?: 'account' | 'single';
  /** Approximate size of each media file in bytes (default 2048). */
  readonly mediaBytes?: number;
  readonly tzOffsetMinutes?: number;
}

const WORDS = (
  'the a of to and in that it is was for on are with as his they at be this from have or by one had not but what all were when we there can an ' +
  'your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time ' +
  'could no make than first been its who now people my made over did down only way find use may water long little very after words called just ' +
  'where most know get through back much go good new write our me man too any day same right look think also around another came come work three ' +
  'word must because does part even place well such here take why help put different away again off went old number great tell men say small'
).split(' ');

const TYPES = ['personal_chat', 'private_supergroup', 'public_channel', 'private_group', 'bot_chat'];

function sentence(prng: Prng): string {
  const n = prng.int(3, 24);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(prng.pick(WORDS));
  const s = words.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + prng.pick(['.', '.', '!', '?', '…']);
}

function textParts(prng: Prng): Part[] {
  const roll = prng.int(0, 19);
  const s = sentence(prng);
  switch (roll) {
    case 0:
      return [s + ' ', ['bold', sentence(prng)]];
    case 1:
      return [['italic', s], ' ', ['link', `https://example.com/p/${prng.int(1, 1e6)}`]];
    case 2:
      return [s + ' ', ['hashtag', '#' + prng.pick(WORDS)], ' ', ['mention', '@' + prng.pick(WORDS) + prng.int(1, 99)]];
    case 3:
      return [s + '\n', ['pre', 'let x = ' + prng.int(0, 999) + ';\nconsole.log(x);', { language: 'js' }]];
    case 4:
      return [s + ' ', ['code', prng.pick(WORDS) + '()'], ' ' + sentence(prng)];
    case 5:
      return [s + '\n' + sentence(prng) + '\n\n' + sentence(prng)];
    default:
      return [s];
  }
}

/** Writes a synthetic export. Deterministic for the same options. */
export function generateExport(options: GenerateOptions): GenerateStats {
  const shape = options.shape ?? 'account';
  const chatCount = shape === 'single' ? 1 : Math.max(1, Math.floor(options.chats));
  const total = Math.max(0, Math.floor(options.messages));
  const mediaTotal = Math.min(Math.max(0, Math.floor(options.mediaFiles)), total);
  const dupRatio = Math.min(1, Math.max(0, options.duplicateRatio));
  const mediaBytes = Math.max(256, Math.floor(options.mediaBytes ?? 2048));
  const tz = options.tzOffsetMinutes ?? 60;
  const prng = new Prng(options.seed);
  const writer = new ExportJsonWriter(options.outDir, shape, { about: 'Synthetic export made by vault-archiver\'s generator.', personal_information: { user_id: 1, first_name: 'Bench', last_name: 'User', phone_number: '+1 555 000 0000' } });
  const people: Person[] = Array.from({ length: 24 }, (_, i) => ({ name: `${prng.pick(['Ann', 'Ben', 'Cara', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana'])} ${String.fromCharCode(65 + (i % 26))}.`, id: `user${200000 + i}` }));
  // a bounded pool of earlier contents to duplicate from: memory does not grow with the export
  const pool: Buffer[] = [];
  const chats: GeneratedChat[] = [];
  let mediaFiles = 0;
  let mediaBytesWritten = 0;
  let written = 0;
  let mediaDone = 0;
  let uniqueCounter = 0;
  let dupDebt = 0;
  const start = Date.UTC(2023, 0, 1) / 1000;

  for (let ci = 0; ci < chatCount; ci++) {
    const count = Math.floor(total / chatCount) + (ci < total % chatCount ? 1 : 0);
    const type = TYPES[ci % TYPES.length];
    const header = { name: `Synthetic chat ${ci + 1}`, type, id: 900000000 + ci };
    const folder = shape === 'account' ? `chats/chat_${String(ci + 1).padStart(String(chatCount).length, '0')}/` : '';
    if (shape === 'account') writer.beginSection('chats', 'Your chats.');
    writer.beginChat(header);
    const media = new MediaFolder(options.outDir, folder);
    const c = new ChatBuilder(header, media, prng.fork(ci), (m) => writer.message(m), start + ci * 3600, tz);
    const recent: number[] = [];
    const topics: number[] = [];
    const forum = type === 'private_supergroup';
    for (let i = 0; i < count; i++) {
      const who = type === 'public_channel' ? { name: header.name, id: `channel${header.id}` } : prng.pick(people);
      if (forum && i < 5 && count > 20) {
        topics.push(c.service(who, 'topic_created', { title: `Topic ${i + 1}` }));
        written++;
        continue;
      }
      const wantMedia = Math.floor(((written + 1) * mediaTotal) / Math.max(1, total)) > mediaDone;
      const replyTo = forum && topics.length && prng.chance(0.7) ? prng.pick(topics) : recent.length && prng.chance(0.15) ? prng.pick(recent) : undefined;
      const opts = {
        replyTo,
        edited: prng.chance(0.05) ? prng.int(10, 7200) : undefined,
        reactions: prng.chance(0.1) ? [{ type: 'emoji', count: prng.int(1, 9), emoji: prng.pick(['👍', '❤', '🔥', '😂']) }] : undefined,
      };
      let id: number;
      if (wantMedia) {
        mediaDone++;
        dupDebt += dupRatio;
        const duplicate = dupDebt >= 1 && pool.length > 0;
        let bytes: Buffer;
        if (duplicate) {
          dupDebt -= 1;
          bytes = prng.pick(pool);
        } else {
          const salt = `u${++uniqueCounter}`;
          const kind = uniqueCounter % 10;
          bytes = kind === 9 ? makeOpus(1, salt) : makePhoto(uniqueCounter, 64, 48, salt, prng.fill(new Uint8Array(Math.max(0, mediaBytes - 400))));
          if (pool.length < 64) pool.push(bytes);
          else pool[uniqueCounter % 64] = bytes;
        }
        const isVoice = bytes.subarray(0, 4).toString('latin1') === 'OggS';
        id = c.message(who, isVoice ? [] : prng.chance(0.3) ? textParts(prng) : [], opts, () =>
          isVoice
            ? c.documentFields('voice_messages', c.generatedName('audio', '.ogg'), bytes, { mediaType: 'voice_message', mime: 'audio/ogg', duration: 1 })
            : c.photoFields(bytes, { width: 64, height: 48 }),
        );
      } else if (prng.chance(0.01)) {
        id = c.service(who, 'pin_message', { message_id: recent.length ? prng.pick(recent) : 1 });
      } else {
        id = c.message(who, textParts(prng), opts);
      }
      written++;
      if (recent.length < 100) recent.push(id);
      else recent[id % 100] = id;
    }
    writer.endChat();
    chats.push({ id: header.id, name: header.name, type, folder, messages: c.count, left: false });
    mediaFiles += media.filesWritten;
    mediaBytesWritten += media.bytesWritten;
  }
  const jsonBytes = writer.close();
  return { outDir: options.outDir, shape, chats, messages: written, mediaFiles, mediaBytes: mediaBytesWritten, jsonBytes };
}
