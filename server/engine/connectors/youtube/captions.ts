/**
 * Caption tracks as YouTube lists them (`captions.list`), which one makes the best transcript,
 * how a downloaded track (WebVTT or SubRip, what `tfmt=vtt|srt` returns) becomes timed lines, and
 * what a video's transcript state says in its note. Pure: no I/O.
 */

/** One track of `captions.list` (snippet fields; absent ones stay absent). */
export interface CaptionTrackInfo {
  readonly id: string;
  /** BCP-47 (`en`, `en-GB`, `pt-BR`). */
  readonly language: string;
  /** standard: uploaded by the owner; asr: YouTube's automatic recognition; forced: only the parts in another language. */
  readonly kind: 'standard' | 'asr' | 'forced';
  readonly name?: string;
  readonly lastUpdated?: string;
  readonly isDraft?: boolean;
  /** `serving`, `syncing` or `failed`: only a serving track can be downloaded and converted. */
  readonly status?: string;
}

/** One timed line of a transcript: where it starts (whole seconds) and its text (one line, plain). */
export interface TranscriptLine {
  readonly start: number;
  readonly text: string;
}

/**
 * What the vault knows about a video's transcript, kept in the channel's catalog:
 * - saved: the lines are in `.vault-archiver/youtube/transcripts/<video id>.json`;
 * - none: YouTube listed no usable track;
 * - forbidden: the download was refused (403): recorded once, never asked again;
 * - listed: tracks exist, but the credentials at hand cannot download them (tried again once they can);
 * - pending: today's quota did not allow it (tried again by a later sync).
 */
export type TranscriptState =
  | { readonly status: 'saved'; readonly track: CaptionTrackInfo }
  | { readonly status: 'none' }
  | { readonly status: 'forbidden'; readonly track: CaptionTrackInfo }
  | { readonly status: 'listed'; readonly track: CaptionTrackInfo; readonly reason: DownloadBlocker }
  | { readonly status: 'pending' };

/** Why the credentials at hand cannot download captions at all. */
export type DownloadBlocker = 'no-credentials' | 'service-account' | 'no-scope';

/** The primary subtag, lower case: `en-GB` → `en`. */
const primary = (tag: string): string => tag.toLowerCase().split(/[-_]/)[0] ?? '';

/**
 * The track a transcript is made of: among serving, non-draft, non-forced tracks, the first
 * preferred language that has one (exact tag first, then the same primary language), the
 * video's own language next, then any; within a language, the owner's captions over automatic
 * ones. Undefined when no track qualifies.
 */
export function chooseTrack(tracks: readonly CaptionTrackInfo[], preferred: readonly string[], videoLanguage?: string): CaptionTrackInfo | undefined {
  const usable = tracks.filter((t) => t.kind !== 'forced' && !t.isDraft && (t.status === undefined || t.status === 'serving'));
  if (!usable.length) return undefined;
  const wanted = [...preferred, ...(videoLanguage ? [videoLanguage] : [])].map((l) => l.trim()).filter(Boolean);
  const rank = (t: CaptionTrackInfo): number => {
    const lang = t.language.toLowerCase();
    let at = wanted.findIndex((w) => w.toLowerCase() === lang);
    if (at < 0) {
      const loose = wanted.findIndex((w) => primary(w) === primary(lang));
      at = loose < 0 ? wanted.length : loose + 0.5;
    }
    return at * 2 + (t.kind === 'standard' ? 0 : 1);
  };
  return [...usable].sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : 1))[0];
}

/** `languages` setting text → tags (`"en, de-AT"` → `['en', 'de-AT']`). */
export function parseLanguages(setting: string): string[] {
  return setting
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter((s) => /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/.test(s));
}

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/;

function seconds(stamp: string): number {
  const [clock, fraction = '0'] = stamp.replace(',', '.').split('.');
  const whole = clock!.split(':').reduce((total, part) => total * 60 + Number(part), 0);
  return whole + Number(`0.${fraction}`);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '' };

/** A cue's payload as plain text: markup (`<c>`, `<i>`, `<00:00:01.500>`) dropped, entities decoded, one line. */
function plainCueText(lines: readonly string[]): string {
  return lines
    .join(' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * WebVTT or SubRip text → timed lines, in order. Header blocks, NOTE/STYLE/REGION blocks, cue
 * numbers and cue settings are skipped; a cue that repeats the previous one's text (YouTube's
 * automatic captions roll each line up twice) is dropped. Anything unreadable is skipped, never thrown.
 */
export function parseCaptionFile(text: string): TranscriptLine[] {
  const out: TranscriptLine[] = [];
  const blocks = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => TIMING.test(l));
    if (at < 0 || at > 1) continue;
    const m = TIMING.exec(lines[at]!)!;
    const payload = plainCueText(lines.slice(at + 1));
    if (!payload) continue;
    const start = Math.floor(seconds(m[1]!));
    const previous = out[out.length - 1];
    if (previous && previous.text === payload) continue;
    out.push({ start, text: payload });
  }
  return out.sort((a, b) => a.start - b.start);
}

const KIND_WORDS: Record<CaptionTrackInfo['kind'], string> = { standard: 'captions', asr: 'automatic captions', forced: 'forced captions' };

export function describeTrack(t: CaptionTrackInfo): string {
  return `${KIND_WORDS[t.kind]} in ${t.name ? `${t.name} (${t.language})` : t.language}`;
}

/** Why there is no transcript, in the note. */
export function transcriptGap(state: Exclude<TranscriptState, { status: 'saved' }>): string {
  switch (state.status) {
    case 'none':
      return 'YouTube lists no captions for this video.';
    case 'pending':
      return "Not fetched yet: today's YouTube quota did not allow it. A later sync fetches it.";
    case 'forbidden':
      return `YouTube has ${describeTrack(state.track)} for this video, but its API lets only the video's owner and editors download them, and the Google account set for Vault Archiver may not edit this video. It is not asked again.`;
    case 'listed': {
      const why = {
        'no-credentials': 'no Google account is set (Set Google Sheets Credentials, with an OAuth refresh token that has the youtube.force-ssl scope)',
        'service-account': 'a service account cannot read YouTube captions (use OAuth credentials with the youtube.force-ssl scope)',
        'no-scope': 'the Google sign-in lacks the youtube.force-ssl scope',
      }[state.reason];
      return `YouTube has ${describeTrack(state.track)} for this video, but downloading them needs a Google account allowed to edit the video, and ${why}.`;
    }
  }
}
