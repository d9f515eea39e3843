/**
 * Which file a message's media names on Telegram's servers, and where it goes in the vault.
 *
 * A photo is downloaded at its largest size (as Telegram Desktop's export does); a document as
 * itself; with `thumb`, the largest thumbnail a document (or the small size a photo) has.
 * Names follow the export's folders (photos/, video_files/, voice_messages/…) and the
 * document's own file name, so live and exported attachments land in the same places; files
 * without a name get one from their id, which is the same in every run and every forward.
 */
import { Api } from 'telegram';

/** The kinds the type filter knows (the `telegramMediaKinds` setting lists some of them). */
export const LIVE_MEDIA_KINDS = ['photos', 'videos', 'voice', 'round', 'audio', 'animations', 'stickers', 'files'] as const;
export type LiveMediaKind = (typeof LIVE_MEDIA_KINDS)[number];

/** Export folder of each kind (Telegram Desktop puts music under files/). */
const FOLDER: Record<LiveMediaKind, string> = {
  photos: 'photos',
  videos: 'video_files',
  voice: 'voice_messages',
  round: 'round_video_messages',
  audio: 'files',
  animations: 'animations',
  stickers: 'stickers',
  files: 'files',
};

/** Name stem of a file without a file name attribute. */
const STEM: Record<LiveMediaKind, string> = {
  photos: 'photo',
  videos: 'video',
  voice: 'audio',
  round: 'round',
  audio: 'audio',
  animations: 'animation',
  stickers: 'sticker',
  files: 'file',
};

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'video/quicktime': '.mov',
  'audio/ogg': '.ogg',
  'audio/mpeg': '.mp3',
  'audio/mp3': '.mp3',
  'audio/mp4': '.m4a',
  'audio/x-m4a': '.m4a',
  'audio/flac': '.flac',
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'application/x-tgsticker': '.tgs',
  'text/plain': '.txt',
};

export type FileLocation = Api.InputPhotoFileLocation | Api.InputDocumentFileLocation;

/** One downloadable file. */
export interface RemoteFile {
  /** Same for the same bytes in every message, forward and run: "photo:<id>:<size type>", "document:<id>", "document:<id>:<thumb type>". */
  readonly key: string;
  readonly kind: LiveMediaKind;
  readonly dcId: number;
  /** Bytes, when Telegram says (it does for documents and photo sizes). */
  readonly size: number | undefined;
  readonly location: FileLocation;
  /** Where the export would put it, relative to the chat's export folder: "photos/photo_5.jpg". */
  readonly exportPath: string;
  /** Bytes Telegram sent inline (a cached photo size): nothing to download. */
  readonly inline?: Buffer;
}

/** The file `media` names, or undefined when it holds none (a poll, a web page, an empty photo). */
export function remoteFileOf(media: Api.TypeMessageMedia | undefined, thumb = false): RemoteFile | undefined {
  if (media instanceof Api.MessageMediaPhoto && media.photo instanceof Api.Photo) return photoFile(media.photo, thumb);
  if (media instanceof Api.MessageMediaDocument && media.document instanceof Api.Document) return documentFile(media.document, thumb);
  return undefined;
}

type SizeChoice = { type: string; w: number; h: number; bytes: number | undefined; inline?: Buffer };

function sizeChoices(sizes: readonly Api.TypePhotoSize[] | undefined): SizeChoice[] {
  const out: SizeChoice[] = [];
  for (const s of sizes ?? []) {
    if (s instanceof Api.PhotoSize) out.push({ type: s.type, w: s.w, h: s.h, bytes: s.size });
    else if (s instanceof Api.PhotoSizeProgressive) out.push({ type: s.type, w: s.w, h: s.h, bytes: s.sizes?.length ? Math.max(...s.sizes) : undefined });
    else if (s instanceof Api.PhotoCachedSize) out.push({ type: s.type, w: s.w, h: s.h, bytes: s.bytes.length, inline: Buffer.from(s.bytes) });
    // stripped and path sizes are previews to be rebuilt, not files: never chosen
  }
  return out;
}

const area = (s: SizeChoice) => s.w * s.h;
/** Largest by pixels, then bytes; on a tie the later one (Telegram lists sizes from small to large). */
const largest = (list: SizeChoice[]) => list.reduce<SizeChoice | undefined>((best, s) => (!best || area(s) > area(best) || (area(s) === area(best) && (s.bytes ?? 0) >= (best.bytes ?? 0)) ? s : best), undefined);

/** A thumbnail: the largest size fitting 320 px (Telegram's "m"), else the smallest there is. */
function thumbnailSize(list: SizeChoice[]): SizeChoice | undefined {
  const small = list.filter((s) => Math.max(s.w, s.h) <= 320);
  if (small.length) return largest(small);
  return list.reduce<SizeChoice | undefined>((best, s) => (!best || area(s) < area(best) ? s : best), undefined);
}

function photoFile(photo: Api.Photo, thumb: boolean): RemoteFile | undefined {
  const choices = sizeChoices(photo.sizes);
  const size = thumb ? thumbnailSize(choices) : largest(choices);
  if (!size) return undefined;
  const id = photo.id.toString();
  const base = `photos/photo_${id}.jpg`;
  return {
    key: `photo:${id}:${size.type}`,
    kind: 'photos',
    dcId: photo.dcId,
    size: size.bytes,
    location: new Api.InputPhotoFileLocation({ id: photo.id, accessHash: photo.accessHash, fileReference: photo.fileReference, thumbSize: size.type }),
    exportPath: thumb ? `${base}_thumb.jpg` : base,
    inline: size.inline,
  };
}

function documentFile(doc: Api.Document, thumb: boolean): RemoteFile | undefined {
  const kind = documentKind(doc);
  const id = doc.id.toString();
  const main = `${FOLDER[kind]}/${documentName(doc, kind, id)}`;
  if (thumb) {
    const t = largest(sizeChoices(doc.thumbs));
    if (!t) return undefined;
    return {
      key: `document:${id}:${t.type}`,
      kind,
      dcId: doc.dcId,
      size: t.bytes,
      location: new Api.InputDocumentFileLocation({ id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: t.type }),
      exportPath: `${main}_thumb.jpg`,
      inline: t.inline,
    };
  }
  return {
    key: `document:${id}`,
    kind,
    dcId: doc.dcId,
    size: bigToNumber(doc.size),
    location: new Api.InputDocumentFileLocation({ id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: '' }),
    exportPath: main,
  };
}

export function documentKind(doc: Api.Document): LiveMediaKind {
  const attrs = doc.attributes ?? [];
  if (attrs.some((a) => a instanceof Api.DocumentAttributeSticker)) return 'stickers';
  if (attrs.some((a) => a instanceof Api.DocumentAttributeVideo && a.roundMessage)) return 'round';
  if (attrs.some((a) => a instanceof Api.DocumentAttributeAudio && a.voice)) return 'voice';
  if (attrs.some((a) => a instanceof Api.DocumentAttributeAnimated)) return 'animations';
  if (attrs.some((a) => a instanceof Api.DocumentAttributeVideo)) return 'videos';
  if (attrs.some((a) => a instanceof Api.DocumentAttributeAudio)) return 'audio';
  return 'files';
}

/** The document's own name (a slash in it would make folders), else "<stem>_<id><extension>". */
function documentName(doc: Api.Document, kind: LiveMediaKind, id: string): string {
  const named = doc.attributes?.find((a): a is Api.DocumentAttributeFilename => a instanceof Api.DocumentAttributeFilename)?.fileName;
  if (typeof named === 'string' && named.trim() !== '') return named.replace(/[\\/]+/g, '_');
  return `${STEM[kind]}_${id}${extensionFor(doc.mimeType, kind)}`;
}

function extensionFor(mime: string | undefined, kind: LiveMediaKind): string {
  const known = mime ? EXTENSIONS[mime.toLowerCase()] : undefined;
  if (known) return known;
  if (kind === 'voice') return '.ogg';
  if (kind === 'videos' || kind === 'round' || kind === 'animations') return '.mp4';
  if (kind === 'stickers') return '.webp';
  return '.bin';
}

function bigToNumber(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : Number(String(v));
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The same file with the reference of a message fetched again (after FILE_REFERENCE_EXPIRED). */
export function withReferenceFrom(file: RemoteFile, fresh: Api.TypeMessageMedia | undefined, thumb: boolean): RemoteFile | undefined {
  const again = remoteFileOf(fresh, thumb);
  return again && again.key === file.key ? again : undefined;
}
