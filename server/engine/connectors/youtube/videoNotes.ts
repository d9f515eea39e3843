/**
 * The notes of a YouTube channel: one note per video and one channel note listing them, newest
 * first. Plain Obsidian Markdown with properties; every text from YouTube (titles,
 * descriptions, tags) goes through the same escaping as the Telegram notes, so no description
 * can break a note's structure or its properties. Pure: strings in, strings out.
 */
import { stringify } from 'yaml';
import { aliasText, cleanText, encodeUrl, escapeInline } from '../../telegram-notes/markdown';
import type { ChannelInfo } from './api';
import { type TranscriptLine, type TranscriptState, describeTrack, transcriptGap } from './captions';
import { type VideoRecord, videoUrl } from './video';

/** Bumped when the rendering of notes changes, so a sync rewrites notes made by older versions. */
export const YOUTUBE_RENDER_VERSION = 1;

export interface Chapter {
  readonly seconds: number;
  readonly title: string;
}

const TIMESTAMP_LINE = /^\s*(?:[-•*]\s*)?\(?((?:\d{1,2}:)?\d{1,2}:\d{2})\)?\s*(?:[-–—:|]\s*)?(.*)$/;

export function timestampSeconds(text: string): number {
  return text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

/**
 * Chapters as YouTube recognises them in a description: lines starting with a timestamp, the
 * first at 0:00, at least three, in increasing order and each at least 10 s after the one before.
 * Anything else is not chapters (an empty list), though its timestamps still become links.
 */
export function parseChapters(description: string): Chapter[] {
  const chapters: Chapter[] = [];
  for (const line of cleanText(description).split('\n')) {
    const m = TIMESTAMP_LINE.exec(line);
    if (!m) continue;
    chapters.push({ seconds: timestampSeconds(m[1]!), title: m[2]!.trim() });
  }
  if (chapters.length < 3 || chapters[0]!.seconds !== 0) return [];
  for (let i = 1; i < chapters.length; i++) if (chapters[i]!.seconds - chapters[i - 1]!.seconds < 10) return [];
  return chapters;
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

const at = (id: string, seconds: number): string => `${videoUrl(id)}&t=${seconds}s`;

function frontmatter(fields: Record<string, unknown>): string {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  // yaml quotes whatever needs it ("---", ": ", "#", leading "@"…); lineWidth 0: never folds.
  return `---\n${stringify(defined, { lineWidth: 0 })}---\n`;
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"')\]]+/g;

/** One line of a description as Markdown: escaped text, clickable URLs and timestamps. */
function descriptionLine(line: string, videoId: string): string {
  const ts = TIMESTAMP_LINE.exec(line);
  if (ts && ts[2] !== undefined) {
    const link = `[${ts[1]}](${encodeUrl(at(videoId, timestampSeconds(ts[1]!)))})`;
    return ts[2] ? `${link} ${textWithLinks(ts[2], false)}` : link;
  }
  return textWithLinks(line, true);
}

function textWithLinks(text: string, atLineStart: boolean): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    out += escapeInline(text.slice(last, m.index), atLineStart && last === 0);
    out += `[${escapeInline(m[0])}](${encodeUrl(m[0])})`;
    last = m.index + m[0].length;
  }
  return out + escapeInline(text.slice(last), atLineStart && last === 0);
}

/** What a video note shows under "Transcript": the state, and the lines when saved. */
export interface TranscriptView {
  readonly state: TranscriptState;
  /** The saved lines; undefined when the state is not `saved` or the file is missing. */
  readonly lines?: readonly TranscriptLine[];
}

/** A new paragraph (with its own timestamp link) at least this often, so a long talk stays navigable. */
const PARAGRAPH_SECONDS = 30;

/**
 * The Transcript section: paragraphs of about 30 s, each opening with a link to its moment.
 * Caption text goes through cleanText and escapeInline like every other text from YouTube, so
 * no caption can start a heading, a list, a link, HTML or a property block.
 */
function transcriptSection(videoId: string, t: TranscriptView): string[] {
  const out = ['## Transcript', ''];
  if (t.state.status !== 'saved') return [...out, `_${escapeInline(transcriptGap(t.state))}_`, ''];
  if (!t.lines) return [...out, `_${escapeInline("The saved transcript is missing from the vault's state folder; it comes back when the video changes.")}_`, ''];
  out.push(`_${escapeInline(`From YouTube's ${describeTrack(t.state.track)}.`)}_`, '');
  let paragraph: string[] = [];
  let startedAt = -Infinity;
  const flush = (): void => {
    if (paragraph.length) out.push(paragraph.join(' '), '');
    paragraph = [];
  };
  for (const line of t.lines) {
    const text = cleanText(String(line.text ?? '')).replace(/\s+/g, ' ').trim();
    if (!text) continue;
    const start = Math.max(0, Math.floor(Number(line.start) || 0));
    if (start - startedAt >= PARAGRAPH_SECONDS) {
      flush();
      startedAt = start;
      paragraph.push(`[${formatDuration(start)}](${encodeUrl(at(videoId, start))}) ${escapeInline(text)}`);
    } else paragraph.push(escapeInline(text));
  }
  flush();
  if (out.length === 4) out.push('_The captions are empty._', '');
  return out;
}

export function renderVideoNote(v: VideoRecord, channelNote: string, transcript?: TranscriptView): string {
  const head = frontmatter({
    source: 'youtube',
    video_id: v.id,
    title: cleanText(v.title),
    channel: `[[${aliasText(channelNote)}]]`,
    channel_id: v.channelId,
    published: v.publishedAt || undefined,
    duration_seconds: v.durationSeconds,
    duration: v.durationSeconds === undefined ? undefined : formatDuration(v.durationSeconds),
    views: v.views,
    likes: v.likes,
    comments: v.comments,
    privacy: v.privacy,
    url: videoUrl(v.id),
    video_tags: v.tags.length ? v.tags.map((t) => cleanText(t)) : undefined,
    tags: ['youtube'],
    render_version: YOUTUBE_RENDER_VERSION,
  });
  const parts = [head, `# ${escapeInline(cleanText(v.title).replace(/\n/g, ' ')) || v.id}`, ''];
  if (v.privacy === 'unavailable') parts.push('> [!warning] This video is no longer available on YouTube (made private or deleted). The note keeps what was archived.', '');
  if (v.thumbnailUrl) parts.push(`[![Thumbnail](${encodeUrl(v.thumbnailUrl)})](${encodeUrl(videoUrl(v.id))})`, '');
  else parts.push(`[Watch on YouTube](${encodeUrl(videoUrl(v.id))})`, '');
  const chapters = parseChapters(v.description);
  if (chapters.length) {
    parts.push('## Chapters', '');
    for (const c of chapters) parts.push(`- [${formatDuration(c.seconds)}](${encodeUrl(at(v.id, c.seconds))}) ${escapeInline(c.title)}`);
    parts.push('');
  }
  const description = cleanText(v.description).trim();
  if (description) {
    parts.push('## Description', '');
    // A blank line between paragraphs stays; single line breaks stay line breaks (two spaces).
    for (const line of description.split('\n')) parts.push(line.trim() ? `${descriptionLine(line, v.id)}  ` : '');
    parts.push('');
  }
  if (transcript) parts.push(...transcriptSection(v.id, transcript));
  return parts.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

export interface ChannelNoteVideo {
  readonly record: VideoRecord;
  /** The video note's name without ".md", for the wikilink. */
  readonly noteName: string;
}

export function renderChannelNote(c: ChannelInfo, videos: readonly ChannelNoteVideo[], lastSync: string): string {
  const head = frontmatter({
    source: 'youtube',
    channel_id: c.id,
    title: cleanText(c.title),
    handle: c.handle,
    subscribers: c.subscriberCount,
    video_count: c.videoCount,
    archived_videos: videos.length,
    url: c.handle ? `https://www.youtube.com/${c.handle}` : `https://www.youtube.com/channel/${c.id}`,
    last_sync: lastSync,
    tags: ['youtube', 'youtube-channel'],
    render_version: YOUTUBE_RENDER_VERSION,
  });
  const parts = [head, `# ${escapeInline(cleanText(c.title).replace(/\n/g, ' ')) || c.id}`, ''];
  const about = cleanText(c.description).trim();
  if (about) {
    for (const line of about.split('\n')) parts.push(line.trim() ? `${textWithLinks(line, true)}  ` : '');
    parts.push('');
  }
  parts.push('## Videos', '');
  const newestFirst = [...videos].sort((a, b) => (a.record.publishedAt < b.record.publishedAt ? 1 : a.record.publishedAt > b.record.publishedAt ? -1 : a.record.id < b.record.id ? -1 : 1));
  for (const { record, noteName } of newestFirst) {
    const date = record.publishedAt.slice(0, 10);
    const extra = [record.durationSeconds !== undefined ? formatDuration(record.durationSeconds) : '', record.privacy === 'unavailable' ? 'no longer available' : record.privacy === 'public' ? '' : record.privacy]
      .filter(Boolean)
      .join(', ');
    parts.push(`- ${date} [[${aliasText(noteName)}|${aliasText(record.title) || record.id}]]${extra ? ` (${escapeInline(extra)})` : ''}`);
  }
  if (!videos.length) parts.push('_No videos archived yet._');
  return parts.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
