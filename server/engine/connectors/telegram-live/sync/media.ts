/**
 * A live message's media as the fields Telegram Desktop's exporter writes (export_data.cpp
 * ParsePhoto / ParseDocument / ParseMedia): photo + photo_file_size + width/height; a document's
 * file, file_name, file_size, thumbnail, media_type (sticker, video_message, voice_message,
 * animation, video_file, audio_file, in that order of precedence), mime_type, duration_seconds,
 * width/height, sticker_emoji, performer, title; locations, venues, contacts, polls, games,
 * invoices. Files are not fetched here: the registry gives the string the archive later hands
 * back to it (media/types.ts).
 */
import { Api } from 'telegram';
import type { LiveMediaRegistry } from '../media/types';
import { textValueOf } from './text';

type Fields = Record<string, unknown>;

export interface MediaContext {
  readonly peer: Api.TypeInputPeer;
  readonly messageId: number;
  readonly registry: LiveMediaRegistry;
}

export function mediaFields(media: Api.TypeMessageMedia | undefined, ctx: MediaContext): Fields {
  if (!media) return {};
  if (media instanceof Api.MessageMediaPhoto) return photoFields(media, ctx);
  if (media instanceof Api.MessageMediaDocument) return documentFields(media, ctx);
  if (media instanceof Api.MessageMediaGeoLive) return { ...geoFields(media.geo), live_location_period_seconds: media.period };
  if (media instanceof Api.MessageMediaVenue) return { place_name: media.title, address: media.address, ...geoFields(media.geo) };
  if (media instanceof Api.MessageMediaGeo) return geoFields(media.geo);
  if (media instanceof Api.MessageMediaContact) {
    const out: Fields = { contact_information: { first_name: media.firstName ?? '', last_name: media.lastName ?? '', phone_number: media.phoneNumber ?? '' } };
    // The export saves a contact's vCard as a file (contacts/contact_N.vcard); the registry makes it from media.vcard.
    if (media.vcard) {
      out.contact_vcard = ctx.registry.register({ peer: ctx.peer, messageId: ctx.messageId, media });
      out.contact_vcard_file_size = Buffer.byteLength(media.vcard, 'utf8');
    }
    return out;
  }
  if (media instanceof Api.MessageMediaPoll) return { poll: pollOf(media) };
  if (media instanceof Api.MessageMediaGame) {
    const g = media.game;
    return g instanceof Api.Game ? { game_title: g.title, game_description: g.description } : {};
  }
  if (media instanceof Api.MessageMediaInvoice) {
    return { invoice_information: { title: media.title, description: media.description, amount: Number(media.totalAmount), currency: media.currency, ...(media.receiptMsgId ? { receipt_message_id: media.receiptMsgId } : {}) } };
  }
  return {};
}

function geoFields(geo: Api.TypeGeoPoint): Fields {
  return geo instanceof Api.GeoPoint ? { location_information: { latitude: geo.lat, longitude: geo.long } } : { location_information: null };
}

function photoFields(media: Api.MessageMediaPhoto, ctx: MediaContext): Fields {
  const out: Fields = {};
  const photo = media.photo;
  if (photo instanceof Api.Photo) {
    out.photo = ctx.registry.register({ peer: ctx.peer, messageId: ctx.messageId, media });
    const largest = largestSize(photo.sizes);
    if (largest) {
      if (largest.size !== undefined) out.photo_file_size = largest.size;
      // Telegram Desktop leaves a zero size out.
      if (largest.w > 0 && largest.h > 0) {
        out.width = largest.w;
        out.height = largest.h;
      }
    }
  } else {
    out.photo = '(Photo not available)';
  }
  if (media.ttlSeconds) out.self_destruct_period_seconds = media.ttlSeconds;
  if (media.spoiler) out.media_spoiler = true;
  return out;
}

/** The biggest size Telegram offers (the one the export saves). */
function largestSize(sizes: readonly Api.TypePhotoSize[]): { w: number; h: number; size?: number } | undefined {
  let best: { w: number; h: number; size?: number } | undefined;
  for (const s of sizes) {
    let cand: { w: number; h: number; size?: number } | undefined;
    if (s instanceof Api.PhotoSize) cand = { w: s.w, h: s.h, size: s.size };
    else if (s instanceof Api.PhotoSizeProgressive) cand = { w: s.w, h: s.h, size: Math.max(...s.sizes) };
    else if (s instanceof Api.PhotoCachedSize) cand = { w: s.w, h: s.h, size: s.bytes.length };
    if (cand && (!best || cand.w * cand.h > best.w * best.h)) best = cand;
  }
  return best;
}

function documentFields(media: Api.MessageMediaDocument, ctx: MediaContext): Fields {
  const doc = media.document;
  const out: Fields = {};
  if (!(doc instanceof Api.Document)) {
    out.file = '(File not available)';
    return out;
  }
  const attr = attributesOf(doc);
  out.file = ctx.registry.register({ peer: ctx.peer, messageId: ctx.messageId, media });
  if (attr.fileName !== undefined) out.file_name = attr.fileName;
  out.file_size = Number(doc.size);
  const hasThumb = (doc.thumbs ?? []).some((t) => t instanceof Api.PhotoSize || t instanceof Api.PhotoSizeProgressive || t instanceof Api.PhotoCachedSize);
  const mediaType = attr.sticker ? 'sticker' : attr.round ? 'video_message' : attr.voice ? 'voice_message' : attr.animated ? 'animation' : attr.video ? 'video_file' : attr.audio ? 'audio_file' : undefined;
  if (hasThumb) {
    out.thumbnail = ctx.registry.register({ peer: ctx.peer, messageId: ctx.messageId, media, thumb: true });
    const t = largestSize(doc.thumbs ?? []);
    if (t?.size !== undefined) out.thumbnail_file_size = t.size;
  }
  if (mediaType) out.media_type = mediaType;
  if (attr.stickerEmoji !== undefined) out.sticker_emoji = attr.stickerEmoji;
  if (attr.performer !== undefined) out.performer = attr.performer;
  if (attr.title !== undefined) out.title = attr.title;
  out.mime_type = doc.mimeType;
  if (attr.duration !== undefined) out.duration_seconds = Math.round(attr.duration);
  if (attr.w !== undefined && attr.h !== undefined && attr.w > 0 && attr.h > 0) {
    out.width = attr.w;
    out.height = attr.h;
  }
  if (media.ttlSeconds) out.self_destruct_period_seconds = media.ttlSeconds;
  if (media.spoiler) out.media_spoiler = true;
  return out;
}

interface DocAttributes {
  fileName?: string;
  sticker?: boolean;
  stickerEmoji?: string;
  round?: boolean;
  voice?: boolean;
  animated?: boolean;
  video?: boolean;
  audio?: boolean;
  duration?: number;
  performer?: string;
  title?: string;
  w?: number;
  h?: number;
}

function attributesOf(doc: Api.Document): DocAttributes {
  const a: DocAttributes = {};
  for (const x of doc.attributes ?? []) {
    if (x instanceof Api.DocumentAttributeFilename) a.fileName = x.fileName;
    else if (x instanceof Api.DocumentAttributeSticker) {
      a.sticker = true;
      a.stickerEmoji = x.alt;
    } else if (x instanceof Api.DocumentAttributeVideo) {
      a.video = true;
      a.round = x.roundMessage ?? false;
      a.duration = x.duration;
      a.w = x.w;
      a.h = x.h;
    } else if (x instanceof Api.DocumentAttributeAudio) {
      a.audio = true;
      a.voice = x.voice ?? false;
      a.duration = x.duration;
      if (x.performer) a.performer = x.performer;
      if (x.title) a.title = x.title;
    } else if (x instanceof Api.DocumentAttributeAnimated) a.animated = true;
    else if (x instanceof Api.DocumentAttributeImageSize && a.w === undefined) {
      a.w = x.w;
      a.h = x.h;
    }
  }
  // Voice notes carry no size; exports write none either.
  if (a.voice) {
    a.w = undefined;
    a.h = undefined;
  }
  return a;
}

function pollOf(media: Api.MessageMediaPoll): Fields {
  const poll = media.poll;
  const results = media.results;
  const voters = new Map<string, { voters: number; chosen: boolean }>();
  for (const r of results?.results ?? []) voters.set(Buffer.from(r.option).toString('hex'), { voters: r.voters, chosen: r.chosen ?? false });
  return {
    question: textValueOf(poll.question as Api.TypeTextWithEntities | string),
    closed: poll.closed ?? false,
    total_voters: results?.totalVoters ?? 0,
    answers: poll.answers.map((a) => {
      const v = voters.get(Buffer.from(a.option).toString('hex'));
      return { text: textValueOf(a.text as Api.TypeTextWithEntities | string), voters: v?.voters ?? 0, chosen: v?.chosen ?? false };
    }),
  };
}
