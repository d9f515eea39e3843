import { createHash } from 'node:crypto';
import { contentEtag } from './etag';
import { ApiError, errorInfo } from './errors';
import type { RequestContext, RouteResult } from './http-types';
import type { YouTubeModel } from './youtube-model';

/**
 * Caption tracks: `captions.list` and `captions.download` of YouTube Data API v3, as
 * https://developers.google.com/youtube/v3/docs/captions describes them ([DOC] below: that
 * reference and its list/download pages; [GEN] field names from `Schema$CaptionSnippet` in
 * @googleapis/youtube; [UNSURE] what no source settles).
 *
 * - list: 50 units ([DOC]); `part` (id, snippet) and `videoId` required, `id` narrows. The
 *   reference lists OAuth scopes for it, yet an API key is widely reported to list the tracks of
 *   a public video [UNSURE]: the sandbox answers a key, as the archiver relies on.
 * - download: 200 units ([DOC]); needs OAuth with youtube.force-ssl or youtubepartner ([DOC]
 *   "Authorization"); "This method requires the user to have permission to edit the video"
 *   ([DOC]): any other caller gets 403 `forbidden`, unless the video's owner allows third-party
 *   contributions ([DOC] the forbidden row of the errors table). Answers the bare file,
 *   Content-Type application/octet-stream ([DOC] "Response"), in `tfmt` (sbv, scc, srt, ttml,
 *   vtt) or the track's original format, translated when `tlang` is given.
 */

export type TrackKind = 'standard' | 'asr' | 'forced';
export type CaptionFormat = 'sbv' | 'scc' | 'srt' | 'ttml' | 'vtt';
export const CAPTION_FORMATS: readonly CaptionFormat[] = ['sbv', 'scc', 'srt', 'ttml', 'vtt'];

export interface Cue {
  /** Milliseconds from the start of the video. */
  startMs: number;
  endMs: number;
  text: string;
}

export interface CaptionInput {
  id?: string;
  videoId: string;
  /** BCP-47 ([DOC] snippet.language). */
  language: string;
  trackKind?: TrackKind;
  /** Empty or absent: the field is left out of the answer (ASR tracks have no name). */
  name?: string;
  audioTrackType?: 'unknown' | 'primary' | 'commentary' | 'descriptive';
  isCC?: boolean;
  isLarge?: boolean;
  isEasyReader?: boolean;
  isDraft?: boolean;
  isAutoSynced?: boolean;
  status?: 'serving' | 'syncing' | 'failed';
  failureReason?: 'processingFailed' | 'unknownFormat' | 'unsupportedFormat';
  lastUpdated?: string;
  /** What download answers without `tfmt` (the format the track was uploaded in). */
  format?: CaptionFormat;
  cues: Cue[];
}

export interface CaptionTrack extends Required<Omit<CaptionInput, 'name' | 'failureReason' | 'audioTrackType'>> {
  name?: string;
  failureReason?: string;
  audioTrackType?: string;
}

/** The tracks the sandbox serves, who may edit which channel, and which videos take third-party contributions. */
export class CaptionTracks {
  private readonly tracks = new Map<string, CaptionTrack>();
  private readonly owners = new Map<string, Set<string>>();
  private readonly openVideos = new Set<string>();
  private counter = 0;

  constructor(private readonly now: () => Date) {}

  add(input: CaptionInput): CaptionTrack {
    // [UNSURE] real track ids are long opaque base64url strings (e.g. starting "AUieDa…").
    const id = input.id ?? `AUieDa${createHash('sha1').update(`${input.videoId}/${++this.counter}`).digest('base64url').slice(0, 36)}`;
    const track: CaptionTrack = {
      id,
      videoId: input.videoId,
      language: input.language,
      trackKind: input.trackKind ?? 'standard',
      name: input.name,
      audioTrackType: input.audioTrackType ?? 'unknown',
      isCC: input.isCC ?? false,
      isLarge: input.isLarge ?? false,
      isEasyReader: input.isEasyReader ?? false,
      isDraft: input.isDraft ?? false,
      isAutoSynced: input.isAutoSynced ?? false,
      status: input.status ?? 'serving',
      failureReason: input.status === 'failed' ? (input.failureReason ?? 'processingFailed') : undefined,
      lastUpdated: input.lastUpdated ?? this.now().toISOString().replace(/\.\d+Z$/, '.000Z'),
      format: input.format ?? 'vtt',
      cues: input.cues.map((c) => ({ ...c })),
    };
    this.tracks.set(id, track);
    return track;
  }

  update(id: string, patch: Partial<Pick<CaptionInput, 'cues' | 'name' | 'isDraft' | 'status'>>): CaptionTrack {
    const track = this.tracks.get(id);
    if (!track) throw new Error(`no caption track ${id}`);
    Object.assign(track, patch, { lastUpdated: this.now().toISOString().replace(/\.\d+Z$/, '.000Z') });
    return track;
  }

  remove(id: string): void {
    this.tracks.delete(id);
  }

  track(id: string): CaptionTrack | undefined {
    return this.tracks.get(id);
  }

  of(videoId: string): CaptionTrack[] {
    return [...this.tracks.values()].filter((t) => t.videoId === videoId);
  }

  /** `user` (an OAuth principal: SANDBOX_USER or a service account's email) may edit the channel's videos. */
  setOwner(channelId: string, user: string): void {
    let set = this.owners.get(channelId);
    if (!set) this.owners.set(channelId, (set = new Set()));
    set.add(user);
  }

  /** The video's owner lets anyone contribute captions ([DOC] the forbidden row), so anyone signed in may download them. */
  allowThirdParty(videoId: string, allowed = true): void {
    if (allowed) this.openVideos.add(videoId);
    else this.openVideos.delete(videoId);
  }

  mayEdit(user: string, channelId: string, videoId: string): boolean {
    return this.owners.get(channelId)?.has(user) === true || this.openVideos.has(videoId);
  }
}

// ------------------------------------------------------------------ errors

function captionError(code: number, reason: string, message: string, domain = 'youtube.caption', extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(code, { error: { code, message, errors: [{ message, domain, reason, ...extra }] } });
}

/** [DOC] captions.list errors: "The video identified by the videoId parameter could not be found." */
const videoNotFound = () => captionError(404, 'videoNotFound', 'The video identified by the <code>videoId</code> parameter could not be found.', 'youtube.video', { location: 'videoId', locationType: 'parameter' });
/** [DOC] captions.download errors table, reason `captionNotFound`. */
const captionNotFound = () => captionError(404, 'captionNotFound', 'The caption track could not be found.');
/** [DOC] captions.download errors table, reason `forbidden`; wording of its description [UNSURE]. */
const forbidden = () =>
  captionError(403, 'forbidden', 'The permissions associated with the request are not sufficient to download the caption track. The request might not be properly authorized, or the video order might not have enabled third-party contributions for this caption.');
/** [DOC] reason `couldNotConvert` (a failed track, or a translation that cannot be made). */
const couldNotConvert = () => captionError(400, 'couldNotConvert', 'The caption track data could not be converted to the requested language and/or format.');

/** [REAL] the widely quoted answer to a token without the method's scope. */
function insufficientScopes(): ApiError {
  return new ApiError(403, {
    error: {
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
      status: 'PERMISSION_DENIED',
      details: [errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', { service: 'youtube.googleapis.com', method: 'youtube.api.v3.V3DataCaptionService.Download' })],
    },
  });
}

function loginRequired(): ApiError {
  const message = 'Login Required.';
  return new ApiError(401, {
    error: { code: 401, message, errors: [{ message, domain: 'global', reason: 'required', location: 'Authorization', locationType: 'header' }], status: 'UNAUTHENTICATED' },
  });
}

function badParameter(name: string, message: string, reason = 'invalidParameter'): ApiError {
  return new ApiError(400, { error: { code: 400, message, errors: [{ message, domain: 'global', reason, location: name, locationType: 'parameter' }] } });
}

/** [DOC] the scopes captions.download accepts. */
const DOWNLOAD_SCOPES = ['https://www.googleapis.com/auth/youtube.force-ssl', 'https://www.googleapis.com/auth/youtubepartner'];

// ------------------------------------------------------------------ methods

export function captionsList(model: YouTubeModel, ctx: RequestContext): RouteResult {
  const parts = ctx.query.list('part');
  if (parts.length === 0) throw badParameter('part', 'Required parameter: part', 'required');
  for (const p of parts) if (p !== 'id' && p !== 'snippet') throw badParameter('part', `'${p}'`, 'unknownPart');
  const videoId = ctx.query.string('videoId');
  if (!videoId) throw badParameter('videoId', 'Required parameter: videoId', 'required');
  const video = model.video(videoId);
  if (!video || !model.isRetrievable(video)) throw videoNotFound();
  const caller = ctx.caller;
  const editor = caller.kind === 'token' && model.captions.mayEdit(caller.user, video.channelId, video.id);
  const only = new Set(ctx.query.list('id'));
  const tracks = model.captions
    .of(videoId)
    // [UNSURE] drafts are not publicly visible ([DOC] isDraft), so only editors see them listed.
    .filter((t) => (editor || !t.isDraft) && (only.size === 0 || only.has(t.id)));
  const items = tracks.map((t) => {
    const item: Record<string, unknown> = { kind: 'youtube#caption', etag: '', id: t.id };
    if (parts.includes('snippet')) item.snippet = snippetOf(t);
    item.etag = contentEtag(item);
    return item;
  });
  // [DOC] captionListResponse: kind, etag, items (no pageInfo, no paging).
  const body = { kind: 'youtube#captionListResponse', etag: contentEtag(items.map((i) => i.etag)), items };
  return { body, etag: body.etag };
}

/** [DOC] snippet fields in the reference's order; absent rather than empty (no name on ASR tracks). */
function snippetOf(t: CaptionTrack): Record<string, unknown> {
  const s: Record<string, unknown> = { videoId: t.videoId, lastUpdated: t.lastUpdated, trackKind: t.trackKind, language: t.language };
  if (t.name) s.name = t.name;
  if (t.audioTrackType) s.audioTrackType = t.audioTrackType;
  Object.assign(s, { isCC: t.isCC, isLarge: t.isLarge, isEasyReader: t.isEasyReader, isDraft: t.isDraft, isAutoSynced: t.isAutoSynced, status: t.status });
  if (t.failureReason) s.failureReason = t.failureReason;
  return s;
}

export function captionsDownload(model: YouTubeModel, ctx: RequestContext): RouteResult {
  const caller = ctx.caller;
  if (caller.kind !== 'token') throw loginRequired();
  if (caller.scopes && !caller.scopes.some((s) => DOWNLOAD_SCOPES.includes(s))) throw insufficientScopes();
  const id = ctx.pathParams[0] ?? '';
  const track = model.captions.track(id);
  const video = track ? model.video(track.videoId) : undefined;
  if (!track || !video || video.deleted) throw captionNotFound();
  if (!model.captions.mayEdit(caller.user, video.channelId, video.id)) throw forbidden();
  const tfmt = ctx.query.string('tfmt');
  if (tfmt !== undefined && !CAPTION_FORMATS.includes(tfmt as CaptionFormat)) {
    throw badParameter('tfmt', `Invalid value '${tfmt}'. Values must match the following regular expression: '(sbv|scc|srt|ttml|vtt)'`);
  }
  if (track.status === 'failed') throw couldNotConvert();
  const tlang = ctx.query.string('tlang');
  if (tlang !== undefined && !/^[a-z]{2}$/.test(tlang)) throw couldNotConvert();
  // [UNSURE] machine translation is out of reach: a translated cue is the original with a language mark.
  const cues = tlang && tlang !== track.language ? track.cues.map((c) => ({ ...c, text: `[${tlang}] ${c.text}` })) : track.cues;
  const format = (tfmt as CaptionFormat | undefined) ?? track.format;
  return { body: undefined, raw: { contentType: 'application/octet-stream', data: Buffer.from(renderCaptions(cues, format, tlang ?? track.language), 'utf8') } };
}

// ------------------------------------------------------------------ formats

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function clock(ms: number, sep: string, hourWidth = 2): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h, hourWidth)}:${pad(m)}:${pad(s)}${sep}${pad(ms % 1000, 3)}`;
}

const vttText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderCaptions(cues: readonly Cue[], format: CaptionFormat, language: string): string {
  switch (format) {
    case 'srt':
      return cues.map((c, i) => `${i + 1}\n${clock(c.startMs, ',')} --> ${clock(c.endMs, ',')}\n${c.text}\n`).join('\n');
    case 'vtt':
      // [UNSURE] the Kind/Language header lines YouTube's own WebVTT files carry.
      // WebVTT escapes &, < and > in cue text (W3C WebVTT, "cue text"); SubRip has no escaping.
      return `WEBVTT\nKind: captions\nLanguage: ${language}\n\n` + cues.map((c) => `${clock(c.startMs, '.')} --> ${clock(c.endMs, '.')}\n${vttText(c.text)}\n`).join('\n');
    case 'sbv':
      return cues.map((c) => `${clock(c.startMs, '.', 1)},${clock(c.endMs, '.', 1)}\n${c.text}\n`).join('\n');
    case 'ttml': {
      const ps = cues.map((c) => `<p begin="${clock(c.startMs, '.')}" end="${clock(c.endMs, '.')}">${c.text.split('\n').map(xml).join('<br />')}</p>`);
      return `<?xml version="1.0" encoding="utf-8" ?>\n<tt xml:lang="${xml(language)}" xmlns="http://www.w3.org/ns/ttml"><head/><body><div>\n${ps.join('\n')}\n</div></body></tt>\n`;
    }
    case 'scc':
      return renderScc(cues);
  }
}

/** A byte with odd parity, as CEA-608 wants every byte. */
function oddParity(byte: number): number {
  let ones = 0;
  for (let b = byte; b; b >>= 1) ones += b & 1;
  return ones % 2 === 0 ? byte | 0x80 : byte;
}

/**
 * [UNSURE] a plain Scenarist file: each cue pop-on (load, text, display at its start, erase at its
 * end), 29.97 fps timecodes rounded to frames, ASCII only (other characters become `?`), no
 * positioning. Enough for a client that reads SCC; not a byte-exact copy of YouTube's.
 */
function renderScc(cues: readonly Cue[]): string {
  const tc = (ms: number): string => {
    const frames = Math.floor(((ms % 1000) / 1000) * 30);
    return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}:${pad(frames)}`;
  };
  const words = (text: string): string[] => {
    const bytes = [...text.replace(/\n/g, ' ')].map((ch) => (ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) < 0x7f ? ch.charCodeAt(0) : 0x3f));
    if (bytes.length % 2) bytes.push(0);
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i += 2) out.push(((oddParity(bytes[i]!) << 8) | (bytes[i + 1] ? oddParity(bytes[i + 1]!) : 0x80)).toString(16).padStart(4, '0'));
    return out;
  };
  const lines = ['Scenarist_SCC V1.0', ''];
  for (const c of cues) {
    lines.push(`${tc(c.startMs)}\t9420 9420 94ae 94ae 94d0 94d0 ${words(c.text).join(' ')} 942f 942f`, '');
    lines.push(`${tc(c.endMs)}\t942c 942c`, '');
  }
  return lines.join('\n');
}
